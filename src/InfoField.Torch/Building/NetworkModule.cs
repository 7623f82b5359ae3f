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

    private RpwImplementation _rpwImplementation;

    internal NetworkModule(Network architecture, Sequential stages, Sequential head)
        : base(architecture.Name)
    {
        Architecture = architecture;
        _stages = stages;
        _head = head;
        RegisterComponents();
    }

    /// <summary>The architecture this module was built from.</summary>
    public Network Architecture { get; }

    /// <summary>The stages, in order.</summary>
    public Sequential Stages => _stages;

    /// <summary>The classifier head.</summary>
    public Sequential Head => _head;

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
}
