using InfoField.Architecture;
using InfoField.Torch.Modules;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace InfoField.Torch.Building;

/// <summary>
/// A TorchSharp module built from an architecture model: <c>stages</c> (one <see cref="Sequential"/> per stage, holding
/// its entry pooling and one <see cref="Sequential"/> per unit) followed by <c>head</c>. Parameter names therefore read
/// <c>stages.2.1.0.weight</c>: stage 3, its second child, first op.
/// </summary>
public sealed class NetworkModule : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "stages")]
    private readonly Sequential _stages;

    [ComponentName(Name = "head")]
    private readonly Sequential _head;

    // Registered as "outputs" only when there are any, so that a network with one output keeps its modules and state names.
    private readonly Sequential[] _outputs;

    private RpwImplementation _rpwImplementation;

    internal NetworkModule(Network architecture, Sequential stages, Sequential head, IList<Sequential> outputs)
        : base(architecture.Name)
    {
        Architecture = architecture;
        _stages = stages;
        _head = head;
        _outputs = [.. outputs];
        RegisterComponents();
        if (_outputs.Length > 0)
        {
            register_module("outputs", new ModuleList<Sequential>(_outputs));
        }
    }

    /// <summary>The architecture this module was built from.</summary>
    public Network Architecture { get; }

    /// <summary>The stages, in order.</summary>
    public Sequential Stages => _stages;

    /// <summary>The classifier head.</summary>
    public Sequential Head => _head;

    /// <summary>The head of each further output (<see cref="Network.Outputs"/>), in their order.</summary>
    public IReadOnlyList<Sequential> OutputHeads => _outputs;

    /// <summary>
    /// Whether image batches run through the network in channels-last layout (NHWC strides, the same values and
    /// shapes), on by default: libtorch's CPU convolutions, batch norm and pooling are markedly faster on it, most of
    /// all on thin and depthwise layers (docs/performance.md). The layout follows from the input: each op keeps the
    /// layout of what it receives, and ops that need NCHW (the RPW kernels) make their own copy. Results equal the NCHW
    /// ones up to floating-point rounding. One-dimensional signals are not affected.
    /// </summary>
    public bool ChannelsLast { get; set; } = true;

    /// <summary>
    /// Which computation the network's RPW layers run (<see cref="RollingPointwiseConv2d.Implementation"/>): setting it
    /// sets every RPW layer of the network. <see cref="RpwImplementation.Auto"/> (default) runs the SIMD kernels on CPU
    /// tensors and the device-generic gather form elsewhere; <see cref="RpwImplementation.Gather"/> runs the gather form
    /// everywhere, which is how a CPU run exercises the path a GPU run takes.
    /// </summary>
    public RpwImplementation RpwImplementation
    {
        get => _rpwImplementation;
        set
        {
            _rpwImplementation = value;
            foreach (RollingPointwiseConv2d layer in modules().OfType<RollingPointwiseConv2d>())
            {
                layer.Implementation = value;
            }
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        bool signal = Architecture.SpatialRank == 1 && input.dim() == 3;
        using Tensor images = signal ? input.unsqueeze(2) : ChannelsLast && input.dim() == 4 ? MemoryLayout.ToChannelsLast(input) : input.alias();
        using Tensor features = _stages.forward(images);
        return _head.forward(features);
    }

    /// <summary>
    /// Every output for <paramref name="input"/>: [0] the main output (what <see cref="forward"/> returns), then each
    /// further output (<see cref="Network.Outputs"/>) in their order, each its head applied to the unit it reads.
    /// </summary>
    public Tensor[] ForwardOutputs(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Network network = Architecture;
        if (network.Outputs.Count == 0)
        {
            return [forward(input)];
        }

        bool signal = network.SpatialRank == 1 && input.dim() == 3;
        var taps = new Dictionary<(int Stage, int Unit), Tensor>();
        Tensor x = signal ? input.unsqueeze(2) : ChannelsLast && input.dim() == 4 ? MemoryLayout.ToChannelsLast(input) : input.alias();
        try
        {
            for (int s = 0; s < network.Stages.Count; s++)
            {
                var stage = (Sequential)_stages.children().ElementAt(s);
                int entry = network.Stages[s].Entry.Count;
                int child = 0;
                foreach (nn.Module<Tensor, Tensor> layer in stage.children().Cast<nn.Module<Tensor, Tensor>>())
                {
                    Tensor next = layer.forward(x);
                    x.Dispose();
                    x = next;
                    int unit = child++ - entry;
                    if (unit >= 0 && network.Outputs.Any(output => output.Stage == s && output.Unit == unit))
                    {
                        taps[(s, unit)] = x.alias();
                    }
                }
            }

            var results = new Tensor[network.Outputs.Count + 1];
            results[0] = _head.forward(x);
            for (int i = 0; i < network.Outputs.Count; i++)
            {
                NetworkOutput output = network.Outputs[i];
                results[i + 1] = _outputs[i].forward(taps[(output.Stage, output.Unit)]);
            }

            return results;
        }
        finally
        {
            x.Dispose();
            foreach (Tensor tap in taps.Values)
            {
                tap.Dispose();
            }
        }
    }
}
