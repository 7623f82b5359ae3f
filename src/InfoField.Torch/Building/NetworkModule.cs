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

    // The units that later units read (skips), or null when none does: forward then runs the stages as one Sequential.
    private readonly HashSet<UnitReference>? _walk;

    private RpwImplementation _rpwImplementation;

    internal NetworkModule(Network architecture, Sequential stages, Sequential head, IList<Sequential> outputs)
        : base(architecture.Name)
    {
        Architecture = architecture;
        _stages = stages;
        _head = head;
        _outputs = [.. outputs];
        HashSet<UnitReference> read = [.. architecture.Units.SelectMany(unit => unit.Skips)];
        _walk = read.Count > 0 ? read : null;
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
        if (_walk is null)
        {
            bool signal = Architecture.SpatialRank == 1 && input.dim() == 3;
            using Tensor images = signal ? input.unsqueeze(2) : ChannelsLast && input.dim() == 4 ? MemoryLayout.ToChannelsLast(input) : input.alias();
            using Tensor features = _stages.forward(images);
            return _head.forward(features);
        }

        Tensor[] outputs = Walk(input, further: false);
        return outputs[0];
    }

    /// <summary>
    /// Every output for <paramref name="input"/>: [0] the main output (what <see cref="forward"/> returns), then each
    /// further output (<see cref="Network.Outputs"/>) in their order, each its head applied to the unit it reads (or to the
    /// tensor of the earlier output it reads, <see cref="NetworkOutput.Reads"/>).
    /// </summary>
    public Tensor[] ForwardOutputs(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Architecture.Outputs.Count == 0 ? [forward(input)] : Walk(input, further: true);
    }

    /// <summary>
    /// Runs the stages unit by unit, keeping the output of every unit that a later unit reads (a skip) or, with
    /// <paramref name="further"/>, that a further output reads, until the end; returns the main output, then with
    /// <paramref name="further"/> each further output.
    /// </summary>
    private Tensor[] Walk(Tensor input, bool further)
    {
        Network network = Architecture;
        bool signal = network.SpatialRank == 1 && input.dim() == 3;
        var kept = new Dictionary<UnitReference, Tensor>();
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
                    int unit = child++ - entry;
                    ValueList<UnitReference> skips = unit >= 0 ? network.Stages[s].Units[unit].Skips : [];
                    // call, not forward: an entry layer (a pooling) is a leaf, and the tracer sees a leaf only through call's hooks.
                    Tensor next = skips.Count == 0 ? layer.call(x) : ((GraphModule)layer).Forward(x, [.. skips.Select(skip => kept[skip])]);
                    x.Dispose();
                    x = next;
                    var reference = new UnitReference(s, unit);
                    if (unit >= 0 && (_walk?.Contains(reference) == true || (further && network.Outputs.Any(output => output.Stage == s && output.Unit == unit))))
                    {
                        kept[reference] = x.alias();
                    }
                }
            }

            var results = new Tensor[(further ? network.Outputs.Count : 0) + 1];
            results[0] = _head.forward(x);
            for (int i = 1; i < results.Length; i++)
            {
                // An output that reads another continues that output's tensor, computed once above.
                NetworkOutput output = network.Outputs[i - 1];
                int read = network.OutputRead(i - 1);
                results[i] = _outputs[i - 1].forward(read >= 0 ? results[read + 1] : kept[new UnitReference(output.Stage, output.Unit)]);
            }

            return results;
        }
        finally
        {
            x.Dispose();
            foreach (Tensor tensor in kept.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
