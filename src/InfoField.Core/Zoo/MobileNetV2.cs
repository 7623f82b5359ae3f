using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>
/// MobileNetV2 (Sandler et al.): inverted residual blocks. CIFAR definitions follow pytorch-cifar (stride-1 stem,
/// stride 1 for the 24-channel blocks, ReLU, projection shortcuts when stride 1 changes channels); ImageNet follows
/// torchvision (ReLU6, no expansion conv when t = 1, identity shortcuts only, dropout 0.2 before the classifier).
/// </summary>
internal static class MobileNetV2
{
    /// <summary>Expansion t, output channels c, repeats n and first stride s of each block group (ImageNet strides).</summary>
    public static IReadOnlyList<(int Expansion, int Channels, int Repeats, int Stride)> Groups { get; } =
    [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ];

    /// <summary>Builds MobileNetV2.</summary>
    public static Network Build(string name, ZooRequest request)
    {
        bool imageNet = request.ImageNet;
        int stem = request.Channels(32);
        var pieces = new List<object>
        {
            new Unit($"conv3-{stem}", [Ops.Conv(stem, 3, stride: imageNet ? 2 : 1, padding: 1), Ops.BatchNorm(), Activation(imageNet)], UnitRole.Stem),
        };
        int channels = stem;
        for (int g = 0; g < Groups.Count; g++)
        {
            var (expansion, outChannels, repeats, firstStride) = Groups[g];
            int width = request.Channels(outChannels);
            for (int r = 0; r < repeats; r++)
            {
                int stride = r > 0 ? 1 : !imageNet && g == 1 ? 1 : firstStride;
                pieces.Add(InvertedResidual(channels, width, expansion, stride, imageNet));
                channels = width;
            }
        }

        int last = request.Channels(1280);
        pieces.Add(new Unit($"conv1-{last}", [Ops.Pointwise(last), Ops.BatchNorm(), Activation(imageNet)], UnitRole.Tail));
        var (stages, _) = StagePartition.Split(request.Input, pieces);
        ValueList<Op> head = imageNet
            ? [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Dropout(0.2), Ops.Linear(request.Dataset.Classes)]
            : [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(request.Dataset.Classes)];
        return new Network(name, request.Input, stages, head);
    }

    /// <summary>An inverted residual block: 1x1 expansion, 3x3 depthwise (strided), linear 1x1 projection.</summary>
    public static Unit InvertedResidual(int inChannels, int outChannels, int expansion, int stride, bool imageNet)
    {
        int hidden = inChannels * expansion;
        var body = new List<Op>();
        if (expansion != 1 || !imageNet)
        {
            body.AddRange([Ops.Pointwise(hidden), Ops.BatchNorm(), Activation(imageNet)]);
        }

        body.AddRange([Ops.Depthwise(3, stride: stride), Ops.BatchNorm(), Activation(imageNet), Ops.Pointwise(outChannels), Ops.BatchNorm()]);
        string name = $"inverted-residual-{outChannels}";
        if (stride != 1)
        {
            return new Unit(name, body.ToValueList(), UnitRole.Body, "inverted-residual");
        }

        if (inChannels == outChannels)
        {
            return new Unit(name, Ops.Residual(body.ToValueList()), UnitRole.Body, "inverted-residual");
        }

        return imageNet
            ? new Unit(name, body.ToValueList(), UnitRole.Body, "inverted-residual")
            : new Unit(name, Ops.Residual(body.ToValueList(), [Ops.Pointwise(outChannels), Ops.BatchNorm()]), UnitRole.Body, "inverted-residual");
    }

    /// <summary>
    /// <paramref name="unit"/> (an inverted residual block reading <paramref name="input"/>) re-created with stride 1 for
    /// a stage of <paramref name="width"/> channels: the same expansion ratio and definition (ReLU6 for ImageNet's,
    /// ReLU for the CIFAR one), with its identity shortcut.
    /// The violation says why the unit cannot be re-created (it lacks what its family defines).
    /// </summary>
    public static Checked<Unit> TryForStage(Unit unit, FeatureShape input, int width)
    {
        if (ZooBlocks.First<DepthwiseConvolution>(unit, input) is not (_, var hidden))
        {
            return Violation.Of($"'{unit.Name}' is marked as an inverted residual block but has no depthwise convolution");
        }

        int expansion = Math.Max(1, (int)Math.Round(hidden.Channels / (double)input.Channels));
        bool imageNet = unit.Ops.OfType<Activation>().FirstOrDefault()?.Kind == ActivationKind.Relu6;
        return InvertedResidual(width, width, expansion, stride: 1, imageNet);
    }

    private static Activation Activation(bool imageNet) => imageNet ? Ops.Relu6() : Ops.Relu();
}
