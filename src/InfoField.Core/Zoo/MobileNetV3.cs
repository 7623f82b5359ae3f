using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>
/// MobileNetV3-Large (Howard et al. 2019), torchvision's <c>mobilenet_v3_large</c>: a 3x3 stride-2 stem with hardswish,
/// fifteen inverted residual blocks (ReLU or hardswish; squeeze-and-excitation with ReLU and a hardsigmoid gate, squeezed
/// to <c>MakeDivisible(expanded / 4, 8)</c> channels), a 1x1 conv to 960, and a 960-1280-classes classifier with
/// hardswish and dropout 0.2. Batch norm uses eps 0.001. It has no widely used small-image definition, so only ImageNet
/// is offered.
/// </summary>
internal static class MobileNetV3
{
    /// <summary>Kernel, expanded channels, output channels, squeeze-and-excitation, hardswish (else ReLU) and stride of each block.</summary>
    public static IReadOnlyList<(int Kernel, int Expanded, int Channels, bool SqueezeExcite, bool HardSwish, int Stride)> Large { get; } =
    [
        (3, 16, 16, false, false, 1),
        (3, 64, 24, false, false, 2),
        (3, 72, 24, false, false, 1),
        (5, 72, 40, true, false, 2),
        (5, 120, 40, true, false, 1),
        (5, 120, 40, true, false, 1),
        (3, 240, 80, false, true, 2),
        (3, 200, 80, false, true, 1),
        (3, 184, 80, false, true, 1),
        (3, 184, 80, false, true, 1),
        (3, 480, 112, true, true, 1),
        (3, 672, 112, true, true, 1),
        (5, 672, 160, true, true, 2),
        (5, 960, 160, true, true, 1),
        (5, 960, 160, true, true, 1),
    ];

    /// <summary>The family name of MobileNetV3 blocks.</summary>
    public const string Family = "mobilenetv3-block";

    /// <summary>Batch norm's eps in torchvision's MobileNetV3.</summary>
    public const double Eps = 1e-3;

    /// <summary>Builds MobileNetV3-Large (ImageNet definitions only).</summary>
    public static Network Build(string name, ZooRequest request)
    {
        int stem = request.Channels(16);
        var pieces = new List<object>
        {
            new Unit($"conv3-{stem}", [Ops.Conv(stem, 3, stride: 2, padding: 1), Ops.BatchNorm(Eps), Ops.HardSwish()], UnitRole.Stem),
        };
        int channels = stem;
        foreach (var (kernel, expanded, outChannels, squeezeExcite, hardSwish, stride) in Large)
        {
            int width = request.Channels(outChannels);
            pieces.Add(Block(channels, request.Channels(expanded), width, kernel, squeezeExcite, hardSwish, stride));
            channels = width;
        }

        int last = 6 * channels;
        pieces.Add(new Unit($"conv1-{last}", [Ops.Pointwise(last), Ops.BatchNorm(Eps), Ops.HardSwish()], UnitRole.Tail));
        var (stages, _) = StagePartition.Split(request.Input, pieces);
        ValueList<Op> head =
        [
            Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(request.Channels(1280)), Ops.HardSwish(), Ops.Dropout(0.2), Ops.Linear(request.Dataset.Classes),
        ];
        return new Network(name, request.Input, stages, head);
    }

    /// <summary>
    /// A MobileNetV3 block: 1x1 expansion with BN and the activation (none when <paramref name="expanded"/> equals the
    /// input channels), k x k depthwise (strided) with BN and the activation, optional squeeze-and-excitation, linear 1x1
    /// projection with BN; an identity shortcut when the stride is 1 and the channels are kept.
    /// </summary>
    public static Unit Block(int inChannels, int expanded, int outChannels, int kernel, bool squeezeExcite, bool hardSwish, int stride)
    {
        Activation activation = hardSwish ? Ops.HardSwish() : Ops.Relu();
        OpGraph body = expanded != inChannels ? [Ops.Pointwise(expanded), Ops.BatchNorm(Eps), activation] : OpGraph.Identity;
        body = body.Then(Ops.Depthwise(kernel, stride: stride), Ops.BatchNorm(Eps), activation);
        if (squeezeExcite)
        {
            body = body.Then(ZooBlocks.SqueezeExcitation(expanded, ZooBlocks.MakeDivisible(expanded / 4), Ops.Relu(), Ops.HardSigmoid()));
        }

        body = body.Then(Ops.Pointwise(outChannels), Ops.BatchNorm(Eps));
        OpGraph graph = stride == 1 && inChannels == outChannels ? OpGraph.Residual(body) : body;
        return new Unit($"mobilenetv3-{outChannels}", graph, UnitRole.Body, Family);
    }

    /// <summary>
    /// <paramref name="unit"/> (a block reading <paramref name="input"/>) re-created with stride 1 for a stage of
    /// <paramref name="width"/> channels: the same kernel, activation and squeeze-and-excitation, and the same expansion
    /// ratio (expanded channels made divisible by 8).
    /// The violation says why the unit cannot be re-created (it lacks what its family defines).
    /// </summary>
    public static Checked<Unit> TryForStage(Unit unit, FeatureShape input, int width)
    {
        if (ZooBlocks.First<DepthwiseConvolution>(unit, input) is not (var depthwise, var hidden))
        {
            return Violation.Of($"'{unit.Name}' is marked as a MobileNetV3 block but has no depthwise convolution");
        }

        bool hardSwish = unit.Ops.OfType<Activation>().FirstOrDefault()?.Kind == ActivationKind.Hardswish;
        bool squeezeExcite = unit.Ops.Any(op => op is Multiply);
        int expanded = hidden.Channels == input.Channels ? width : ZooBlocks.MakeDivisible(hidden.Channels * (double)width / input.Channels);
        return Block(width, expanded, width, depthwise.Kernel.H, squeezeExcite, hardSwish, stride: 1);
    }
}
