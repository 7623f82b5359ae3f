using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>
/// EfficientNet-B0 (Tan and Le), torchvision's <c>efficientnet_b0</c> on ImageNet: a 3x3 stride-2 stem, sixteen MBConv
/// units (1x1 expansion, depthwise k x k, squeeze-and-excitation with SiLU and a sigmoid gate, linear 1x1 projection,
/// identity shortcut when the shape is kept), a 1x1 conv to 1280, dropout 0.2 and a linear classifier. Stochastic depth
/// has no parameters and is the identity at inference, so it is not modelled. The CIFAR definitions follow
/// pytorch-cifar's EfficientNetB0: the same units with a 3x3 stride-1 stem and no 1x1 conv to 1280 (the classifier
/// reads the 320 channels; pytorch-cifar's unused expansion conv of the first unit is left out).
/// </summary>
internal static class EfficientNet
{
    /// <summary>Expansion, kernel, first stride, output channels and units of B0's seven MBConv groups.</summary>
    public static IReadOnlyList<(int Expansion, int Kernel, int Stride, int Channels, int Units)> B0 { get; } =
    [
        (1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1),
    ];

    /// <summary>The family name of MBConv units.</summary>
    public const string Family = "mbconv";

    /// <summary>Builds EfficientNet-B0.</summary>
    public static Network Build(string name, ZooRequest request)
    {
        int stem = request.Channels(32);
        var pieces = new List<object>
        {
            new Unit($"conv3-{stem}", [Ops.Conv(stem, 3, stride: request.ImageNet ? 2 : 1, padding: 1), Ops.BatchNorm(), Ops.Silu()], UnitRole.Stem),
        };
        int channels = stem;
        foreach (var (expansion, kernel, stride, outChannels, units) in B0)
        {
            int width = request.Channels(outChannels);
            for (int u = 0; u < units; u++)
            {
                pieces.Add(MbConv(channels, width, expansion, kernel, u == 0 ? stride : 1));
                channels = width;
            }
        }

        if (request.ImageNet)
        {
            int last = 4 * channels;
            pieces.Add(new Unit($"conv1-{last}", [Ops.Pointwise(last), Ops.BatchNorm(), Ops.Silu()], UnitRole.Tail));
        }

        var (stages, _) = StagePartition.Split(request.Input, pieces);
        return new Network(name, request.Input, stages, [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Dropout(0.2), Ops.Linear(request.Dataset.Classes)]);
    }

    /// <summary>
    /// An MBConv unit: 1x1 expansion to <c>MakeDivisible(in t, 8)</c> channels with BN and SiLU (none when t = 1; at
    /// full width every count is a multiple of 8, so this is torchvision's rule),
    /// k x k depthwise (strided) with BN and SiLU, squeeze-and-excitation to <c>max(1, in / 4)</c> channels, 1x1
    /// projection with BN; an identity shortcut when the stride is 1 and the channels are kept.
    /// </summary>
    public static Unit MbConv(int inChannels, int outChannels, int expansion, int kernel, int stride)
    {
        int hidden = expansion == 1 ? inChannels : ZooBlocks.MakeDivisible(inChannels * (double)expansion);
        OpGraph body = hidden != inChannels ? [Ops.Pointwise(hidden), Ops.BatchNorm(), Ops.Silu()] : OpGraph.Identity;
        body = body
            .Then(Ops.Depthwise(kernel, stride: stride), Ops.BatchNorm(), Ops.Silu())
            .Then(ZooBlocks.SqueezeExcitation(hidden, Math.Max(1, inChannels / 4), Ops.Silu(), Ops.Sigmoid()))
            .Then(Ops.Pointwise(outChannels), Ops.BatchNorm());
        OpGraph graph = stride == 1 && inChannels == outChannels ? OpGraph.Residual(body) : body;
        return new Unit($"mbconv{expansion}-{outChannels}", graph, UnitRole.Body, Family);
    }

    /// <summary>
    /// <paramref name="unit"/> (an MBConv reading <paramref name="input"/>) re-created with stride 1 for a stage of
    /// <paramref name="width"/> channels: the same expansion ratio and kernel, with its identity shortcut.
    /// The violation says why the unit cannot be re-created (it lacks what its family defines).
    /// </summary>
    public static Checked<Unit> TryForStage(Unit unit, FeatureShape input, int width)
    {
        if (ZooBlocks.First<DepthwiseConvolution>(unit, input) is not (var depthwise, var hidden))
        {
            return Violation.Of($"'{unit.Name}' is marked as an MBConv unit but has no depthwise convolution");
        }

        int expansion = Math.Max(1, (int)Math.Round(hidden.Channels / (double)input.Channels));
        return MbConv(width, width, expansion, depthwise.Kernel.H, stride: 1);
    }
}
