using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>The output channels of an Inception module's branches, as torchvision names them.</summary>
/// <param name="OneByOne">Branch 1: a 1x1 conv.</param>
/// <param name="ThreeReduce">Branch 2: the 1x1 reduction before the 3x3 conv.</param>
/// <param name="Three">Branch 2: the 3x3 conv.</param>
/// <param name="FiveReduce">Branch 3: the 1x1 reduction before the "5x5" conv.</param>
/// <param name="Five">Branch 3: the "5x5" conv (3x3 in torchvision and pytorch-cifar).</param>
/// <param name="PoolProjection">Branch 4: the 1x1 conv after 3x3 max pooling.</param>
internal readonly record struct InceptionWidths(int OneByOne, int ThreeReduce, int Three, int FiveReduce, int Five, int PoolProjection)
{
    /// <summary>Output channels: the four branches concatenated.</summary>
    public int Output => OneByOne + Three + Five + PoolProjection;

    /// <summary>Every count scaled by <paramref name="scale"/> and rounded, at least 1.</summary>
    public InceptionWidths Scaled(Func<int, int> scale) =>
        new(scale(OneByOne), scale(ThreeReduce), scale(Three), scale(FiveReduce), scale(Five), scale(PoolProjection));
}

/// <summary>
/// GoogLeNet (Szegedy et al.), torchvision's <c>googlenet</c> without auxiliary heads on ImageNet: BasicConv2d (conv
/// without bias, BN with eps 0.001, ReLU) stems 7x7/2, 1x1 and 3x3 with max pooling (ceil mode), nine Inception modules
/// in three stages separated by max pooling, global average pooling, dropout 0.2 and a linear classifier. As in
/// torchvision, branch 3 uses a 3x3 conv where the paper has 5x5. The CIFAR definitions follow pytorch-cifar's
/// GoogLeNet: a 3x3 stride-1 conv to 192 channels as the stem, convs with bias and BN with eps 1e-5, branch 3 with two
/// 3x3 convs, 3x3 stride-2 max pooling with padding 1 between the stages.
/// </summary>
internal static class GoogLeNet
{
    /// <summary>The Inception modules of the three stages (3a-3b, 4a-4e, 5a-5b).</summary>
    public static IReadOnlyList<IReadOnlyList<(string Name, InceptionWidths Widths)>> Stages { get; } =
    [
        [("3a", new(64, 96, 128, 16, 32, 32)), ("3b", new(128, 128, 192, 32, 96, 64))],
        [
            ("4a", new(192, 96, 208, 16, 48, 64)), ("4b", new(160, 112, 224, 24, 64, 64)), ("4c", new(128, 128, 256, 24, 64, 64)),
            ("4d", new(112, 144, 288, 32, 64, 64)), ("4e", new(256, 160, 320, 32, 128, 128)),
        ],
        [("5a", new(256, 160, 320, 32, 128, 128)), ("5b", new(384, 192, 384, 48, 128, 128))],
    ];

    /// <summary>The family name of Inception modules.</summary>
    public const string Family = "inception";

    /// <summary>Batch norm's eps in torchvision's BasicConv2d.</summary>
    public const double TorchVisionEps = 1e-3;

    /// <summary>Builds GoogLeNet.</summary>
    public static Network Build(string name, ZooRequest request)
    {
        bool imageNet = request.ImageNet;
        var pieces = new List<object>();
        if (imageNet)
        {
            int conv1 = request.Channels(64);
            int conv3 = request.Channels(192);
            pieces.Add(new Unit($"conv7-{conv1}", ConvBnRelu(conv1, 7, stride: 2, padding: 3, imageNet), UnitRole.Stem));
            pieces.Add(Ops.MaxPool(3, stride: 2, ceilMode: true));
            pieces.Add(new Unit($"conv1-{conv1}", ConvBnRelu(conv1, 1, 1, 0, imageNet), UnitRole.Stem));
            pieces.Add(new Unit($"conv3-{conv3}", ConvBnRelu(conv3, 3, 1, 1, imageNet), UnitRole.Stem));
            pieces.Add(Ops.MaxPool(3, stride: 2, ceilMode: true));
        }
        else
        {
            int stem = request.Channels(192);
            pieces.Add(new Unit($"conv3-{stem}", ConvBnRelu(stem, 3, 1, 1, imageNet), UnitRole.Stem));
        }

        for (int s = 0; s < Stages.Count; s++)
        {
            if (s > 0)
            {
                pieces.Add(imageNet ? Ops.MaxPool(s == 1 ? 3 : 2, stride: 2, ceilMode: true) : Ops.MaxPool(3, stride: 2, padding: 1));
            }

            foreach (var (module, widths) in Stages[s])
            {
                pieces.Add(Inception(module, widths.Scaled(request.Channels), imageNet));
            }
        }

        var (stages, _) = StagePartition.Split(request.Input, pieces);
        ValueList<Op> head = imageNet
            ? [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Dropout(0.2), Ops.Linear(request.Dataset.Classes)]
            : [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(request.Dataset.Classes)];
        return new Network(name, request.Input, stages, head);
    }

    /// <summary>
    /// An Inception module: four branches (1x1; 1x1-3x3; 1x1-3x3, or 1x1-3x3-3x3 in pytorch-cifar's definition; 3x3 max
    /// pooling-1x1), each conv followed by BN and ReLU, concatenated in that order.
    /// </summary>
    /// <param name="name">The module's name, e.g. <c>3a</c>.</param>
    /// <param name="widths">The branch widths.</param>
    /// <param name="torchVision">torchvision's convs (no bias, eps 0.001, one 3x3 in branch 3, max pooling in ceil mode), else pytorch-cifar's.</param>
    public static Unit Inception(string name, InceptionWidths widths, bool torchVision)
    {
        OpGraph one = ConvBnRelu(widths.OneByOne, 1, 1, 0, torchVision);
        OpGraph three = ConvBnRelu(widths.ThreeReduce, 1, 1, 0, torchVision).Then(ConvBnRelu(widths.Three, 3, 1, 1, torchVision));
        OpGraph five = ConvBnRelu(widths.FiveReduce, 1, 1, 0, torchVision).Then(ConvBnRelu(widths.Five, 3, 1, 1, torchVision));
        if (!torchVision)
        {
            five = five.Then(ConvBnRelu(widths.Five, 3, 1, 1, torchVision));
        }

        OpGraph pool = OpGraph.Chain([Ops.MaxPool(3, stride: 1, padding: 1, ceilMode: torchVision)]).Then(ConvBnRelu(widths.PoolProjection, 1, 1, 0, torchVision));
        return new Unit($"inception-{name}", OpGraph.Parallel(Ops.Concat(), one, three, five, pool), UnitRole.Body, Family);
    }

    /// <summary>
    /// <paramref name="unit"/> (an Inception module reading <paramref name="input"/>) re-created for a stage of
    /// <paramref name="width"/> channels: every branch scaled by width / the module's output channels and rounded, the
    /// pooling projection taking what rounding left so that the branches add up to <paramref name="width"/>.
    /// The violation says why the unit cannot be re-created (it lacks what its family defines).
    /// </summary>
    public static Checked<Unit> TryForStage(Unit unit, FeatureShape input, int width)
    {
        FeatureShape[] shapes = unit.Graph.Shapes(input);
        GraphNode concat = unit.Graph.Nodes[^1];
        var firsts = unit.Graph.Nodes.Where(node => node.Inputs is [0]).Select(node => node.Op).ToList();
        if (concat.Op is not Concat || concat.Inputs.Count != 4 || firsts.Count != 4
            || firsts[1] is not PointwiseConvolution threeReduce || firsts[2] is not PointwiseConvolution fiveReduce)
        {
            return Violation.Of($"'{unit.Name}' is marked as an Inception module but is not four branches joined by a concat");
        }

        var branches = concat.Inputs.Select(tensor => shapes[tensor].Channels).ToArray();
        var source = new InceptionWidths(branches[0], threeReduce.OutChannels, branches[1], fiveReduce.OutChannels, branches[2], branches[3]);
        double scale = width / (double)source.Output;
        InceptionWidths scaled = source.Scaled(count => Math.Max(1, (int)Math.Round(count * scale, MidpointRounding.AwayFromZero)));
        scaled = scaled with { PoolProjection = width - scaled.OneByOne - scaled.Three - scaled.Five };
        if (scaled.PoolProjection < 1)
        {
            return Violation.Of($"'{unit.Name}' cannot be re-created with {width} channels: its scaled branches leave no channel for the pooling projection");
        }

        bool torchVision = unit.Ops.OfType<PointwiseConvolution>().First() is { Bias: false };
        string name = unit.Name.StartsWith("inception-", StringComparison.Ordinal) ? unit.Name["inception-".Length..] : unit.Name;
        return Inception(name, scaled, torchVision);
    }

    private static OpGraph ConvBnRelu(int channels, int kernel, int stride, int padding, bool torchVision)
    {
        Op conv = kernel == 1 && stride == 1
            ? Ops.Pointwise(channels, bias: !torchVision)
            : Ops.Conv(channels, kernel, stride: stride, padding: padding, bias: !torchVision);
        return OpGraph.Chain([conv, Ops.BatchNorm(torchVision ? TorchVisionEps : BatchNorm.DefaultEps), Ops.Relu()]);
    }
}
