using InfoField.Architecture;
using InfoField.Field;

namespace InfoField.Core.Tests;

/// <summary>
/// The field per channel and per position, on hand-computed cases: issue 21's three classes (each checked against
/// gradients in InfoField.Torch.Tests' FieldGroundTruthTests too), borders, empty fields, the local field, and what is
/// reported over channels.
/// </summary>
public class ExactFieldTests
{
    [Fact]
    public void A_split_that_selects_passed_through_channels_keeps_their_own_field()
    {
        // conv5x5 -> concat(conv, input) -> split(part 2) -> dw3x3: the second half of the concat is the input itself,
        // so every output neuron sees 3x3 positions of its own channel (a field kept per tensor said 7x7).
        UnitField unit = One(new FeatureShape(4, 8, 8), new OpGraph([
            new GraphNode(Ops.Conv(4, 5, padding: 2), [0]),
            new GraphNode(new Concat(), [1, 0]),
            new GraphNode(Ops.Split(1, 2), [2]),
            new GraphNode(Ops.Depthwise(3), [3]),
        ]));

        Assert.Equal((3, 3, 3, 3, 1, 1, 9L), (unit.IfH, unit.IfHMin, unit.IfW, unit.IfWMin, unit.IfC, unit.IfCMax, unit.If));
        Assert.Equal((5, 1, 4, 1), (unit.Ops[1].IfH, unit.Ops[1].IfHMin, unit.Ops[1].IfCMax, unit.Ops[1].IfC));
    }

    [Fact]
    public void Offset_windows_unite_by_position_not_by_extent()
    {
        // A stride-2 3x3 conv with padding 1 reads rows 2i-1..2i+1, a 3x3 max pool without padding (ceil mode, so the sizes
        // match) rows 2i..2i+2: added, output row 1 reads rows 1..4 and row 2 rows 3..6: 4 rows, not 3.
        TensorField output = Trace(new FeatureShape(4, 8, 8), OffsetUnit());

        Assert.Equal(
            [new AxisInterval(0, 2), new AxisInterval(1, 4), new AxisInterval(3, 6), new AxisInterval(5, 7)],
            Enumerable.Range(0, 4).Select(i => output.Reach(0, [i, 0]).Axes[0]));
        Assert.Equal(new FieldFactors(4, 4, 4, 4, 4, 4, 4, 64) { IfHInterior = 4, IfWInterior = 4 }, output.Factors());

        // In image pixels too: the conv reads 2i - 1 .. 2i + 1, the pool 2i .. 2i + 2, together 4 pixels.
        Assert.Equal(4, One(new FeatureShape(4, 8, 8), OffsetUnit()).ReceptiveFieldH);
    }

    [Fact]
    public void A_gate_pooled_from_a_strided_view_reaches_only_the_positions_that_view_reads()
    {
        // pw with stride 2 on 16 positions reads 0, 2, ..., 14: the gate pooled from it depends on rows 0..14 (15 = h0 - 1),
        // and a 3x3 window after the gate cannot reach what no neuron reads: IF 15 x 15 x 4 = 900, not V0 = 1024.
        Network network = Network(
            new FeatureShape(4, 16, 16),
            new OpGraph([
                new GraphNode(Ops.Pointwise(4, stride: 2), [0]),
                new GraphNode(Ops.GlobalAvgPool(), [1]),
                new GraphNode(Ops.Pointwise(4), [2]),
                new GraphNode(Ops.Sigmoid(), [3]),
                new GraphNode(new Multiply(), [1, 4]),
                new GraphNode(Ops.Depthwise(3), [5]),
            ]),
            new OpGraph([
                new GraphNode(Ops.Depthwise(3), [0]),
                new GraphNode(Ops.GlobalAvgPool(), [1]),
                new GraphNode(Ops.Pointwise(4), [2]),
                new GraphNode(Ops.Sigmoid(), [3]),
                new GraphNode(new Multiply(), [1, 4]),
            ]));

        StageField stage = InformationField.Analyze(network, new FieldOptions(FieldKind: FieldKind.Literal)).Stages[0];

        Assert.Equal(16L * 16 * 4, stage.V0);
        Assert.Equal([900L, 900L], stage.Units.Select(unit => unit.If));
        Assert.Equal(0.0, stage.Units[1].DeltaIf);

        // Through windows only: a 3x3 window of the strided view (5 rows), then another 3x3 window (9 rows).
        Assert.Equal([100L, 324L], stage.Units.Select(unit => unit.Local.If));

        // The default analysis (the local field) reports those, with their own gain; the literal field stays beside them.
        StageField local = InformationField.Analyze(network).Stages[0];
        Assert.Equal([100L, 324L], local.Units.Select(unit => unit.If));
        Assert.Equal([900L, 900L], local.Units.Select(unit => unit.Literal.If));
        Assert.Equal(InformationField.DeltaIf(100, 324, 1024, 3), local.Units[1].DeltaIf);
        Assert.Equal((local.Units[1].DeltaIf, 0.0), (local.Units[1].LocalDeltaIf, local.Units[1].LiteralDeltaIf));
        Assert.Equal(stage.Units.Select(unit => (unit.Local, unit.Literal, unit.LocalDeltaIf, unit.LiteralDeltaIf)), local.Units.Select(unit => (unit.Local, unit.Literal, unit.LocalDeltaIf, unit.LiteralDeltaIf)));
    }

    [Fact]
    public void The_local_field_leaves_out_what_arrives_only_through_global_pooling()
    {
        // Squeeze-and-excitation over a depthwise 3x3: literally every neuron depends on the whole input (V0), through
        // windows only on 3x3 positions of its own channel.
        UnitField unit = One(new FeatureShape(4, 8, 8), new OpGraph([
            new GraphNode(Ops.Depthwise(3), [0]),
            new GraphNode(Ops.GlobalAvgPool(), [1]),
            new GraphNode(Ops.Pointwise(4), [2]),
            new GraphNode(Ops.Sigmoid(), [3]),
            new GraphNode(new Multiply(), [1, 4]),
        ]));

        Assert.Equal(9, unit.If);
        Assert.Equal(256, unit.Literal.If);
        Assert.True(unit.HasGlobalContext);
        Assert.Equal(new FieldFactors(3, 3, 3, 3, 1, 1, 1, 9) { IfHInterior = 3, IfWInterior = 3 }, unit.Local);
        Assert.Equal(new FieldFactors(0, 0, 0, 0, 0, 0, 0, 0), unit.Ops[1].Local);
        Assert.Equal((0, 0, 0L), (unit.Ops[1].IfH, unit.Ops[1].IfC, unit.Ops[1].If));
        Assert.Equal((8, 1, 64L), (unit.Ops[1].Literal.IfH, unit.Ops[1].Literal.IfC, unit.Ops[1].Literal.If));
    }

    [Fact]
    public void Passed_through_channels_keep_the_guaranteed_spatial_field_at_one()
    {
        // A DenseNet layer: concat(input, conv3x3(input)). The farthest reach is 3 (the headline IF^h), the guaranteed 1.
        UnitField unit = One(new FeatureShape(4, 8, 8), OpGraph.Parallel(new Concat(), OpGraph.Identity, [Ops.Conv(2, 3, padding: 1)]));

        Assert.Equal((3, 1, 3, 1), (unit.IfH, unit.IfHMin, unit.IfW, unit.IfWMin));
        Assert.Equal((1, 4, 9L), (unit.IfC, unit.IfCMax, unit.If));
        Assert.Equal((4.0 + (2 * 4)) / 6, unit.IfCMean, 12);
    }

    [Fact]
    public void Zero_padding_contributes_nothing_at_the_borders()
    {
        // Two 3x3 convs without padding (8, 6, then 4 positions), then one with padding 2 (6 positions): output row 0
        // reads rows -2..0 of the 4-row map, of which only row 0 is real, so it sees input rows 0..4; row 3 sees 1..7.
        TensorField output = Trace(new FeatureShape(1, 8, 8), [Ops.Conv(1, 3), Ops.Conv(1, 3), Ops.Conv(1, 3, padding: 2)]);

        Assert.Equal(new AxisInterval(0, 4), output.Reach(0, [0, 0]).Axes[0]);
        Assert.Equal(new AxisInterval(1, 7), output.Reach(0, [3, 0]).Axes[0]);
        Assert.Equal(new AxisInterval(3, 7), output.Reach(0, [5, 0]).Axes[0]);
        Assert.Equal(7, output.Factors().IfH);
    }

    [Fact]
    public void A_window_in_the_zero_padding_gives_an_empty_field_and_the_next_gain_counts_from_one_neuron()
    {
        // A 2-tap conv with dilation 8 and padding 4 on 4 positions reads positions i - 4 and i + 4: never the map. Beside a
        // depthwise 3x3 its channel depends on nothing, so the guaranteed coverage is 0 and so is IF. A pointwise conv then
        // mixes in the other channels: IF 3 x 3 x 2 = 18, a gain of 18 over an empty field (measured against one neuron).
        var empty = new Convolution(1, 2, 1, 4, 8);
        Network network = Network(
            new FeatureShape(2, 4, 4),
            OpGraph.Parallel(new Concat(), [Ops.Depthwise(3)], [empty]),
            [Ops.Pointwise(3)]);

        StageField stage = InformationField.Analyze(network).Stages[0];
        TensorField first = StageTrace.Of(network, 0).Output(0);

        Assert.True(first.Reach(2, [1, 1]).IsEmpty);
        Assert.Equal((3, 0, 0, 0L), (stage.Units[0].IfH, stage.Units[0].IfHMin, stage.Units[0].IfC, stage.Units[0].If));
        Assert.Equal((3, 3, 2, 18L), (stage.Units[1].IfH, stage.Units[1].IfHMin, stage.Units[1].IfC, stage.Units[1].If));
        Assert.Equal(18.0, stage.Units[1].DeltaIf);
        Assert.Equal(0.0, InformationField.DeltaIf(0, 0, 32, 3.0));
    }

    [Fact]
    public void A_dilated_window_reads_its_taps_not_the_positions_between_them_at_the_border()
    {
        // A 3-tap conv with dilation 3 and no padding reads i, i + 3, i + 6: the interval is their hull, 7 positions.
        TensorField output = Trace(new FeatureShape(1, 1, 9), [new Convolution(1, new Pair(1, 3), 1, 0, new Pair(1, 3))]);
        Assert.Equal([new AxisInterval(0, 6), new AxisInterval(1, 7), new AxisInterval(2, 8)], Enumerable.Range(0, 3).Select(i => output.Reach(0, [0, i]).Axes[1]));

        // With padding 3 the first position reads -3, 0 and 3: the hull of the real ones is 0..3, 4 positions.
        TensorField padded = Trace(new FeatureShape(1, 1, 9), [new Convolution(1, new Pair(1, 3), 1, new Pair(0, 3), new Pair(1, 3))]);
        Assert.Equal(new AxisInterval(0, 3), padded.Reach(0, [0, 0]).Axes[1]);
        Assert.Equal(7, padded.Factors().IfW);
    }

    [Fact]
    public void Adaptive_pooling_reads_its_exact_windows()
    {
        // Adaptive pooling from 7 to 3 positions: windows 0..2, 2..4, 4..6 (PyTorch's floor and ceil rule).
        TensorField output = Trace(new FeatureShape(1, 7, 7), [Ops.AdaptiveAvgPool(3)]);

        Assert.Equal([new AxisInterval(0, 2), new AxisInterval(2, 4), new AxisInterval(4, 6)], Enumerable.Range(0, 3).Select(i => output.Reach(0, [i, i]).Axes[0]));
    }

    private static OpGraph OffsetUnit() => new([
        new GraphNode(Ops.Conv(4, 3, stride: 2, padding: 1), [0]),
        new GraphNode(Ops.MaxPool(3, 2, ceilMode: true), [0]),
        new GraphNode(new Add(), [1, 2]),
    ]);

    private static UnitField One(FeatureShape input, OpGraph graph) => InformationField.Analyze(Network(input, graph)).Stages[0].Last;

    private static TensorField Trace(FeatureShape input, OpGraph graph) => StageTrace.Of(Network(input, graph), 0).Output(0);

    private static Network Network(FeatureShape input, params OpGraph[] units) =>
        new("exact", input, [new Stage(units.Select((graph, i) => new Unit($"u{i + 1}", graph)).ToValueList())], [], input.Height == 1 ? 1 : 2);
}
