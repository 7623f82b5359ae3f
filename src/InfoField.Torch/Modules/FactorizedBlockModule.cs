using InfoField.Architecture;
using InfoField.Kernels;
using InfoField.Torch.Building;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// One of the paper's convolution blocks A-F as a ready-made module. Its layers are built by
/// <see cref="ModuleBuilder"/> from the op sequence of <see cref="FactorizedBlocks.Build"/>, the single definition of
/// each block that the Information Field engine and the Rule of Kernel Replacement also read, so the module
/// computes exactly what InfoField analyses.
/// </summary>
public sealed class FactorizedBlockModule : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "layers")]
    private readonly Sequential _layers;

    /// <summary>
    /// Builds <paramref name="block"/> from <paramref name="inChannels"/> to <paramref name="outChannels"/>; throws
    /// <see cref="ArgumentException"/> when the settings do not fit the channel counts (say, g not dividing C_in).
    /// </summary>
    public FactorizedBlockModule(FactorizedBlock block, int inChannels, int outChannels, BlockSettings? settings = null, int stride = 1, bool normalize = false)
        : base($"Block{block}")
    {
        if (inChannels < 1 || outChannels < 1)
        {
            throw new ArgumentOutOfRangeException(inChannels < 1 ? nameof(inChannels) : nameof(outChannels), "a block needs at least one input and one output channel");
        }

        if (stride < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "the stride must be at least 1");
        }

        Block = block;
        Settings = settings ?? new BlockSettings();
        Ops = FactorizedBlocks.Build(block, inChannels, outChannels, Settings, stride, normalize);

        // The layers' channel rules do not depend on the resolution; a nominal one large enough for any kernel lets
        // Core check every layer (g must divide the channels it groups, 0 <= o < 1, ...) before TorchSharp sees it.
        int nominal = (Settings.Kernel * 2 * stride) + 1;
        var input = new FeatureShape(inChannels, nominal, nominal);
        if (OpSequence.TryOutputShape(Ops, input).Violation is { } broken)
        {
            throw new ArgumentException($"block {block} ({inChannels} -> {outChannels} channels, g = {Settings.Groups}, o = {Settings.Overlap}): {broken.Message}", nameof(settings));
        }

        _layers = ModuleBuilder.Build(Ops, input);
        RegisterComponents();
    }

    /// <summary>Which block this is.</summary>
    public FactorizedBlock Block { get; }

    /// <summary>Its settings (g, o, kernel).</summary>
    public BlockSettings Settings { get; }

    /// <summary>The op sequence the layers were built from.</summary>
    public ValueList<Op> Ops { get; }

    /// <summary>The layers, one per op.</summary>
    public Sequential Layers => _layers;

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => _layers.forward(input);
}
