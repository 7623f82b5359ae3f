using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>
/// MobileNet v1 (Howard et al.): a 3x3 stem and thirteen DW+PW blocks. CIFAR definitions follow pytorch-cifar
/// (stride-1 stem); ImageNet the original paper (stride-2 stem). Stages start at the stride-2 blocks.
/// </summary>
internal static class MobileNet
{
    /// <summary>Output channels and stride of the thirteen DW+PW blocks.</summary>
    public static IReadOnlyList<(int Channels, int Stride)> Blocks { get; } =
    [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
    ];

    /// <summary>Builds MobileNet v1.</summary>
    public static Network Build(string name, ZooRequest request)
    {
        int stem = request.Channels(32);
        var pieces = new List<object>
        {
            new Unit($"conv3-{stem}", [Ops.Conv(stem, 3, stride: request.ImageNet ? 2 : 1, padding: 1), Ops.BatchNorm(), Ops.Relu()], UnitRole.Stem),
        };
        pieces.AddRange(Blocks.Select(block => DepthwiseSeparable(request.Channels(block.Channels), block.Stride)));
        var (stages, _) = StagePartition.Split(request.Input, pieces);
        return new Network(name, request.Input, stages, [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(request.Dataset.Classes)]);
    }

    /// <summary>A DW+PW block: 3x3 depthwise (strided), batch norm, ReLU, pointwise, batch norm, ReLU.</summary>
    public static Unit DepthwiseSeparable(int outChannels, int stride) =>
        new(
            $"dw-pw-{outChannels}",
            [Ops.Depthwise(3, stride: stride), Ops.BatchNorm(), Ops.Relu(), Ops.Pointwise(outChannels), Ops.BatchNorm(), Ops.Relu()],
            UnitRole.Body,
            "dw-pw");
}
