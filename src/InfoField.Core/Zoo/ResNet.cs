using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>
/// ResNet (He et al.): four stages of basic blocks or bottlenecks with residual connections.
/// CIFAR definitions follow pytorch-cifar (3x3 stride-1 stem sharing stage 1 with the first blocks);
/// ImageNet follows torchvision (7x7 stride-2 stem in a stage of its own, then 3x3 max pooling; stride on the 3x3 conv).
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
    public static Unit Basic(int inChannels, int planes, int stride)
    {
        ValueList<Op> body =
        [
            Ops.Conv(planes, 3, stride: stride, padding: 1), Ops.BatchNorm(), Ops.Relu(),
            Ops.Conv(planes, 3, padding: 1), Ops.BatchNorm(),
        ];
        return new Unit($"basic-{planes}", Ops.Residual(body, Shortcut(inChannels, planes, stride)).Then(Ops.Relu()), UnitRole.Body, "basic");
    }

    private static ValueList<Op> Shortcut(int inChannels, int outChannels, int stride) =>
        stride == 1 && inChannels == outChannels ? [] : [Ops.Pointwise(outChannels, stride: stride), Ops.BatchNorm()];
}
