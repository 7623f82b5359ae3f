using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>
/// ShuffleNetV2 x1.0 (Ma et al.), torchvision's <c>shufflenet_v2_x1_0</c> on ImageNet: a 3x3 stride-2 stem with 3x3 max
/// pooling, three stages of units that split the channels in two halves, transform one and concatenate them (a strided
/// unit transforms both), each followed by a channel shuffle with 2 groups, and a 1x1 conv to 1024. The CIFAR
/// definitions follow pytorch-cifar's ShuffleNetV2 (the same units with a 3x3 stride-1 stem and no max pooling).
/// </summary>
internal static class ShuffleNetV2
{
    /// <summary>Output channels and units of the three stages (x1.0); the first unit of each halves the resolution.</summary>
    public static IReadOnlyList<(int Channels, int Units)> Stages { get; } = [(116, 4), (232, 8), (464, 4)];

    /// <summary>Stem channels.</summary>
    public const int StemChannels = 24;

    /// <summary>Channels of the last 1x1 conv.</summary>
    public const int LastChannels = 1024;

    /// <summary>Builds ShuffleNetV2.</summary>
    public static Network Build(string name, ZooRequest request)
    {
        int stem = request.Channels(StemChannels);
        ValueList<Op> stemOps = request.ImageNet
            ? [Ops.Conv(stem, 3, stride: 2, padding: 1), Ops.BatchNorm(), Ops.Relu(), Ops.MaxPool(3, stride: 2, padding: 1)]
            : [Ops.Conv(stem, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()];
        var pieces = new List<object> { new Unit($"conv3-{stem}", stemOps, UnitRole.Stem) };
        foreach (var (channels, units) in Stages)
        {
            int width = 2 * request.Channels(channels / 2);
            pieces.Add(Block(width, stride: 2));
            for (int u = 1; u < units; u++)
            {
                pieces.Add(Block(width, stride: 1));
            }
        }

        int last = request.Channels(LastChannels);
        pieces.Add(new Unit($"conv1-{last}", [Ops.Pointwise(last), Ops.BatchNorm(), Ops.Relu()], UnitRole.Tail));
        var (stages, _) = StagePartition.Split(request.Input, pieces);
        return new Network(name, request.Input, stages, [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(request.Dataset.Classes)]);
    }

    /// <summary>
    /// A ShuffleNetV2 unit with <paramref name="outChannels"/> (even) outputs. Stride 1: the input (of as many channels)
    /// is split into halves, the second goes through 1x1-BN-ReLU, 3x3 depthwise-BN, 1x1-BN-ReLU and is concatenated
    /// after the first. Stride 2: a depthwise-BN, 1x1-BN-ReLU branch and the transformed branch, both strided, are
    /// concatenated. Then a channel shuffle with 2 groups.
    /// </summary>
    public static Unit Block(int outChannels, int stride)
    {
        if (CheckWidth(outChannels) is { } broken)
        {
            throw new InfoFieldException(broken.Message);
        }

        int half = outChannels / 2;
        OpGraph transformed = [Ops.Pointwise(half), Ops.BatchNorm(), Ops.Relu(), Ops.Depthwise(3, stride: stride), Ops.BatchNorm(), Ops.Pointwise(half), Ops.BatchNorm(), Ops.Relu()];
        OpGraph graph;
        if (stride == 1)
        {
            OpGraph kept = [Ops.Slice(0, half)];
            OpGraph split = [Ops.Slice(half, half)];
            graph = OpGraph.Parallel(Ops.Concat(), kept, split.Then(transformed));
        }
        else
        {
            OpGraph left = [Ops.Depthwise(3, stride: stride), Ops.BatchNorm(), Ops.Pointwise(half), Ops.BatchNorm(), Ops.Relu()];
            graph = OpGraph.Parallel(Ops.Concat(), left, transformed);
        }

        return new Unit($"shufflenetv2-{outChannels}", graph.Then(Ops.Shuffle(2)), UnitRole.Body, Family);
    }

    /// <summary>Why a unit of <see cref="Block"/> cannot have <paramref name="outChannels"/> outputs (they must be even), or null.</summary>
    public static Violation? CheckWidth(int outChannels) =>
        outChannels < 2 || outChannels % 2 != 0
            ? Violation.Of($"a ShuffleNetV2 unit splits its channels in two halves; {outChannels} channels cannot be halved")
            : null;

    /// <summary>The family name of ShuffleNetV2 units.</summary>
    public const string Family = "shufflenetv2";
}
