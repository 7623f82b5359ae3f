using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>
/// ResNet (He et al.): four stages of basic blocks or bottlenecks with residual connections.
/// CIFAR definitions follow pytorch-cifar (3x3 stride-1 stem sharing stage 1 with the first blocks);
/// ImageNet follows torchvision (7x7 stride-2 stem in a stage of its own, then 3x3 max pooling; stride on the 3x3 conv).
/// The 3-D ResNet-18 of clips (Tran et al., 2018) follows torchvision's <c>r3d_18</c> (<see cref="Build3d"/>).
/// </summary>
internal static class ResNet
{
    /// <summary>The planes of the four stages.</summary>
    public static IReadOnlyList<int> StagePlanes { get; } = [64, 128, 256, 512];

    /// <summary>Blocks per stage, and whether they are bottlenecks, by depth.</summary>
    public static IReadOnlyDictionary<int, (int[] Blocks, bool Bottleneck)> Configurations { get; } = new Dictionary<int, (int[], bool)>
    {
        [18] = ([2, 2, 2, 2], false),
        [34] = ([3, 4, 6, 3], false),
        [50] = ([3, 4, 6, 3], true),
        [101] = ([3, 4, 23, 3], true),
        [152] = ([3, 8, 36, 3], true),
    };

    /// <summary>Output channels of a bottleneck per plane.</summary>
    public const int BottleneckExpansion = 4;

    /// <summary>Builds a ResNet with <paramref name="blocks"/> per stage.</summary>
    public static Network Build(string name, IReadOnlyList<int> blocks, bool bottleneck, ZooRequest request)
    {
        int stemWidth = request.Channels(64);
        var pieces = new List<object>();
        if (request.ImageNet)
        {
            pieces.Add(new Unit($"conv7-{stemWidth}", [Ops.Conv(stemWidth, 7, stride: 2, padding: 3), Ops.BatchNorm(), Ops.Relu()], UnitRole.Stem));
            pieces.Add(Ops.MaxPool(3, stride: 2, padding: 1));
        }
        else
        {
            pieces.Add(new Unit($"conv3-{stemWidth}", [Ops.Conv(stemWidth, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()], UnitRole.Stem));
        }

        int channels = stemWidth;
        for (int s = 0; s < blocks.Count; s++)
        {
            int planes = request.Channels(StagePlanes[s]);
            for (int b = 0; b < blocks[s]; b++)
            {
                int stride = s > 0 && b == 0 ? 2 : 1;
                Unit unit = bottleneck ? Bottleneck(channels, planes, stride) : Basic(channels, planes, stride);
                pieces.Add(unit);
                channels = bottleneck ? planes * BottleneckExpansion : planes;
            }
        }

        var (stages, _) = StagePartition.Split(request.Input, pieces);
        return new Network(name, request.Input, stages, [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(request.Dataset.Classes)]);
    }

    /// <summary>
    /// torchvision's <c>torchvision.models.video.r3d_18</c>: a 3x7x7 stem with strides 1x2x2 (no max pooling), four
    /// stages of two basic blocks of 3x3x3 convolutions, stages 2 to 4 halving the frames, height and width (1x1x1
    /// strided projection shortcuts), global average pooling over the clip and a linear classifier: 33,371,472
    /// parameters with Kinetics-400's 400 classes (tools/zoo/r3d_counts.py).
    /// </summary>
    public static Network Build3d(string name, ZooRequest request)
    {
        int stemWidth = request.Channels(64);
        Pair one = Pair.Cube(1);
        var pieces = new List<object>
        {
            new Unit($"conv3x7x7-{stemWidth}", [new Convolution(stemWidth, Pair.Of3d(3, 7, 7), Pair.Of3d(1, 2, 2), Pair.Of3d(1, 3, 3), one), Ops.BatchNorm(), Ops.Relu()], UnitRole.Stem),
        };
        int channels = stemWidth;
        for (int s = 0; s < StagePlanes.Count; s++)
        {
            int planes = request.Channels(StagePlanes[s]);
            for (int b = 0; b < 2; b++)
            {
                pieces.Add(Basic(channels, planes, Pair.Cube(s > 0 && b == 0 ? 2 : 1), Pair.Cube(3)));
                channels = planes;
            }
        }

        var (stages, _) = StagePartition.Split(request.Input, pieces);
        return new Network(name, request.Input, stages, [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(request.Dataset.Classes)], spatialRank: 3);
    }

    /// <summary>A bottleneck: 1x1 reduce, 3x3 (strided), 1x1 expand, each with batch norm; projection shortcut when the shape changes.</summary>
    public static Unit Bottleneck(int inChannels, int planes, int stride)
    {
        int outChannels = planes * BottleneckExpansion;
        ValueList<Op> body =
        [
            Ops.Pointwise(planes), Ops.BatchNorm(), Ops.Relu(),
            Ops.Conv(planes, 3, stride: stride, padding: 1), Ops.BatchNorm(), Ops.Relu(),
            Ops.Pointwise(outChannels), Ops.BatchNorm(),
        ];
        return new Unit($"bottleneck-{planes}", Ops.Residual(body, Shortcut(inChannels, outChannels, stride)).Then(Ops.Relu()), UnitRole.Body, "bottleneck");
    }

    /// <summary>A basic block: two 3x3 convolutions with batch norm; projection shortcut when the shape changes.</summary>
    public static Unit Basic(int inChannels, int planes, int stride) => Basic(inChannels, planes, Pair.Square(stride), Pair.Square(3));

    /// <summary>A basic block with <paramref name="kernel"/>-sized convolutions ("same" padding) and <paramref name="stride"/> (with depth parts in a 3-D network).</summary>
    public static Unit Basic(int inChannels, int planes, Pair stride, Pair kernel)
    {
        Pair one = kernel.HasDepth ? Pair.Cube(1) : Pair.Square(1);
        var padding = new Pair(kernel.H / 2, kernel.W / 2) { D = kernel.D / 2 };
        ValueList<Op> body =
        [
            new Convolution(planes, kernel, stride, padding, one), Ops.BatchNorm(), Ops.Relu(),
            new Convolution(planes, kernel, one, padding, one), Ops.BatchNorm(),
        ];
        return new Unit($"basic-{planes}", Ops.Residual(body, Shortcut(inChannels, planes, stride, one)).Then(Ops.Relu()), UnitRole.Body, "basic");
    }

    private static ValueList<Op> Shortcut(int inChannels, int outChannels, int stride) => Shortcut(inChannels, outChannels, Pair.Square(stride), Pair.Square(1));

    private static ValueList<Op> Shortcut(int inChannels, int outChannels, Pair stride, Pair one) =>
        stride == one && inChannels == outChannels ? [] : [new PointwiseConvolution(outChannels, 1, stride), Ops.BatchNorm()];
}
