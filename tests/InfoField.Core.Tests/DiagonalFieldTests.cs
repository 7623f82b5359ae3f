using InfoField.Architecture;
using InfoField.Field;

namespace InfoField.Core.Tests;

/// <summary>
/// A stage input whose channels share one receptive field is held as one diagonal field (channel c reaches input channel
/// c alone, every channel through the same axes), and layers that keep it so (poolings, depthwise convolutions) or read
/// every channel (dense layers) work on it without making its channels one by one. Every tensor of each graph below is
/// traced twice, from that input and from the same input made channel by channel (each channel's receptive field an array
/// of its own, equal in value, which the engine cannot share), and must agree neuron by neuron: the input channels and
/// intervals of every neuron, literal and local, the factors, coverages, spans and receptive fields.
/// </summary>
public sealed class DiagonalFieldTests
{
    public static TheoryData<string> Graphs => [.. Cases.Keys];

    private static readonly Dictionary<string, (FeatureShape Input, OpGraph Graph)> Cases = new()
    {
        ["pool, dense, activation"] = (new FeatureShape(4, 7, 6), Chain(Ops.AvgPool(3, 1, 1), Ops.Pointwise(6), Ops.Relu())),
        ["strided pool, depthwise, grouped, norm"] = (new FeatureShape(4, 9, 9), Chain(Ops.MaxPool(2), Ops.Depthwise(3), Ops.Conv(4, 3, padding: 1, groups: 2), Ops.BatchNorm())),
        ["reduction block"] = (new FeatureShape(4, 8, 8), new OpGraph([
            new GraphNode(Ops.Relu(), [0]),
            new GraphNode(Ops.Conv(8, 3, stride: 2, padding: 1), [1]),
            new GraphNode(Ops.BatchNorm(), [2]),
            new GraphNode(Ops.AvgPool(2), [0]),
            new GraphNode(Ops.Pointwise(8), [4]),
            new GraphNode(Ops.Add(), [3, 5]),
        ])),
        ["global pool gate"] = (new FeatureShape(3, 6, 6), new OpGraph([
            new GraphNode(Ops.GlobalAvgPool(), [0]),
            new GraphNode(Ops.Pointwise(3), [1]),
            new GraphNode(Ops.Sigmoid(), [2]),
            new GraphNode(Ops.Multiply(), [0, 3]),
            new GraphNode(Ops.Depthwise(3), [4]),
        ])),
        ["global pool channel by channel"] = (new FeatureShape(3, 5, 5), new OpGraph([
            new GraphNode(Ops.GlobalAvgPool(), [0]),
            new GraphNode(Ops.Multiply(), [0, 1]),
            new GraphNode(Ops.Pointwise(2), [1]),
        ])),
        ["a window in the padding"] = (new FeatureShape(2, 1, 1), Chain(Ops.Depthwise(1, stride: 3, padding: 2), Ops.Pointwise(2))),
        ["border windows"] = (new FeatureShape(2, 5, 5), Chain(Ops.Depthwise(3, stride: 2, padding: 2, dilation: 2), Ops.Conv(3, 3, padding: 1))),
        ["concat, slice, zero"] = (new FeatureShape(4, 6, 6), new OpGraph([
            new GraphNode(Ops.MaxPool(3, 1, 1), [0]),
            new GraphNode(Ops.Concat(), [0, 1]),
            new GraphNode(Ops.Slice(2, 4), [2]),
            new GraphNode(new Zero(null, Pair.Square(1)), [0]),
            new GraphNode(Ops.Add(), [3, 4]),
        ])),
        ["one channel"] = (new FeatureShape(1, 6, 6), Chain(Ops.AvgPool(3, 1, 1), Ops.Pointwise(2), Ops.Depthwise(3))),
        ["two channels"] = (new FeatureShape(2, 6, 6), Chain(Ops.Depthwise(3), Ops.Pointwise(2), Ops.MaxPool(2))),
        ["shuffle and rolling pointwise"] = (new FeatureShape(4, 5, 5), Chain(Ops.Depthwise(3), Ops.Shuffle(2), Ops.RollingPointwise(4, 2, 0.5))),
        ["a signal"] = (new FeatureShape(3, 1, 12), Chain(new Pooling(PoolKind.Max, new Pair(1, 3), new Pair(1, 1), new Pair(0, 1)), Ops.Pointwise(4))),
    };

    [Theory]
    [MemberData(nameof(Graphs))]
    public void A_diagonal_input_gives_the_fields_of_the_same_input_channel_by_channel(string name)
    {
        (FeatureShape input, OpGraph graph) = Cases[name];
        var frame = new StageFrame(input, Strided: false, HonorStride: true);
        TensorField[] diagonal = InformationField.Trace(TensorField.Start(frame, input, null), graph, frame, []);
        SpatialAxis[]?[] planes = [.. Enumerable.Range(0, input.Channels).Select(_ => new[] { SpatialAxis.Start, SpatialAxis.Start })];
        TensorField[] walked = InformationField.Trace(TensorField.Start(frame, input, planes), graph, frame, []);
        Assert.True(diagonal[0].IsDiagonal);
        Assert.Equal(input.Channels == 1, walked[0].IsDiagonal); // one channel: one plane, so diagonal either way

        for (int t = 0; t < diagonal.Length; t++)
        {
            AssertSame(walked[t], diagonal[t], $"{name}, tensor {t}");
        }
    }

    [Fact]
    public void A_volume_and_a_stage_of_many_channels_agree_too()
    {
        FeatureShape volume = FeatureShape.Volume3d(3, 4, 5, 5);
        OpGraph graph = Chain(Ops.Depthwise(3), Ops.Pointwise(4));
        var frame = new StageFrame(volume, Strided: false, HonorStride: true);
        SpatialAxis[]?[] planes = [.. Enumerable.Range(0, 3).Select(_ => new[] { SpatialAxis.Start, SpatialAxis.Start, SpatialAxis.Start })];
        TensorField[] diagonal = InformationField.Trace(TensorField.Start(frame, volume, null), graph, frame, []);
        TensorField[] walked = InformationField.Trace(TensorField.Start(frame, volume, planes), graph, frame, []);
        for (int t = 0; t < diagonal.Length; t++)
        {
            AssertSame(walked[t], diagonal[t], $"volume, tensor {t}");
        }

        // 130 channels take three words of channel bits; the stage input of one shared plane is diagonal.
        var wide = new FeatureShape(130, 4, 4);
        var wideFrame = new StageFrame(wide, Strided: false, HonorStride: true);
        SpatialAxis[] shared = [SpatialAxis.Start, SpatialAxis.Start];
        OpGraph pooled = Chain(Ops.MaxPool(3, 1, 1), Ops.Pointwise(5));
        TensorField[] one = InformationField.Trace(TensorField.Start(wideFrame, wide, [.. Enumerable.Repeat<SpatialAxis[]?>(shared, 130)]), pooled, wideFrame, []);
        Assert.True(one[1].IsDiagonal);
        TensorField[] each = InformationField.Trace(
            TensorField.Start(wideFrame, wide, [.. Enumerable.Range(0, 130).Select(_ => new[] { SpatialAxis.Start, SpatialAxis.Start })]), pooled, wideFrame, []);
        for (int t = 0; t < one.Length; t++)
        {
            AssertSame(each[t], one[t], $"130 channels, tensor {t}");
        }
    }

    private static OpGraph Chain(params Op[] ops) => new([.. ops.Select((op, i) => new GraphNode(op, [i]))]);

    private static void AssertSame(TensorField expected, TensorField actual, string where)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.True(expected.Factors() == actual.Factors(), $"{where}: literal factors {actual.Factors()}, expected {expected.Factors()}");
        Assert.True(expected.Factors(local: true) == actual.Factors(local: true), $"{where}: local factors {actual.Factors(local: true)}, expected {expected.Factors(local: true)}");
        int rank = expected.Shape.SpatialAxes;
        for (int a = 0; a < rank; a++)
        {
            Assert.Equal(expected.ReceptiveField(a), actual.ReceptiveField(a));
        }

        Assert.Equal(expected.Planes().Select(plane => plane?.ToArray()), actual.Planes().Select(plane => plane?.ToArray()));
        int[] lengths = [.. Enumerable.Range(0, rank).Select(expected.FrameLength)];
        int positions = lengths.Aggregate(1, (product, length) => product * length);
        var position = new int[rank];
        for (int c = 0; c < expected.Shape.Channels; c++)
        {
            foreach (bool local in new[] { false, true })
            {
                Assert.Equal(expected.Coverage(c, local), actual.Coverage(c, local));
                for (int a = 0; a < rank; a++)
                {
                    Assert.Equal(expected.Span(c, a, local), actual.Span(c, a, local));
                    Assert.Equal(expected.InteriorSpan(c, a, local), actual.InteriorSpan(c, a, local));
                }

                for (int p = 0; p < positions; p++)
                {
                    for (int a = rank - 1, rest = p; a >= 0; a--)
                    {
                        position[a] = rest % lengths[a];
                        rest /= lengths[a];
                    }

                    FieldReach want = expected.Reach(c, position, local), got = actual.Reach(c, position, local);
                    Assert.True(
                        want.Channels.SequenceEqual(got.Channels) && want.Axes.SequenceEqual(got.Axes),
                        $"{where}: channel {c} at ({string.Join(", ", position)}), local {local}: got [{string.Join(" ", got.Channels)}] {string.Join(" ", got.Axes)}, expected [{string.Join(" ", want.Channels)}] {string.Join(" ", want.Axes)}");
                }
            }
        }
    }
}
