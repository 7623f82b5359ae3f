using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Spec;

namespace InfoField.Core.Tests;

/// <summary>
/// Ops that raise the resolution (resize, transposed convolution) on hand-computed cases: which input positions each
/// output position reads, the field of the best-placed neuron and the interior minimum, shapes, costs and spec files.
/// InfoField.Torch.Tests' FieldGroundTruthTests checks the same engine against gradients on generated networks.
/// </summary>
public class ResolutionUpTests
{
    [Fact]
    public void Nearest_by_two_then_a_3x3_conv_sees_two_input_positions_at_every_interior_neuron()
    {
        // Output row o of the conv reads upsampled rows o-1..o+1, which are input rows floor((o-1)/2)..floor((o+1)/2): two.
        TensorField output = Trace(new FeatureShape(1, 8, 8), [Resize.Nearest(2), Ops.Conv(1, 3, padding: 1)]);

        Assert.Equal(new AxisInterval(0, 0), output.Reach(0, [0, 0]).Axes[0]);
        Assert.Equal([new AxisInterval(0, 1), new AxisInterval(1, 2), new AxisInterval(1, 2)], Enumerable.Range(2, 3).Select(o => output.Reach(0, [o, 5]).Axes[0]));
        FieldFactors factors = output.Factors();
        Assert.Equal((2, 2, 2, 2, 4L), (factors.IfH, factors.IfHInterior, factors.IfW, factors.IfWInterior, factors.If));
    }

    [Fact]
    public void Nearest_by_four_then_a_3x3_conv_guarantees_one_input_position_away_from_the_borders()
    {
        // Rows 4q+1 and 4q+2 read upsampled rows inside one input row's copies; 4q and 4q+3 straddle two.
        TensorField output = Trace(new FeatureShape(1, 4, 4), [Resize.Nearest(4), Ops.Conv(1, 3, padding: 1)]);

        Assert.Equal([1, 1, 2, 2, 1, 1, 2], Enumerable.Range(5, 7).Select(o => output.Reach(0, [o, o]).Axes[0].Span));
        FieldFactors factors = output.Factors();
        Assert.Equal((2, 1, 2, 1), (factors.IfH, factors.IfHInterior, factors.IfW, factors.IfWInterior));
    }

    [Fact]
    public void Linear_resizing_reads_the_positions_with_a_nonzero_weight()
    {
        // Half-pixel by 2 on 4 positions: x = (2i + 1) / 4 - 1/2, clamped at 0: 0 | 0,1 | 0,1 | 1,2 | 1,2 | 2,3 | 2,3 | 3.
        AxisWindow half = AxisWindow.Interpolated(ResizeMode.Linear, ResizeCoordinates.HalfPixel);
        Assert.Equal(
            [(0, 0), (0, 1), (0, 1), (1, 2), (1, 2), (2, 3), (2, 3), (3, 3)],
            Enumerable.Range(0, 8).Select(i => half.Reads(i, 4, 8)).Select(r => (r.First, r.Last)));

        // Aligned corners, 4 to 7: x = i / 2, whole at even i, where the neighbour's weight is exactly 0.
        AxisWindow corners = AxisWindow.Interpolated(ResizeMode.Linear, ResizeCoordinates.AlignCorners);
        Assert.Equal(
            [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3)],
            Enumerable.Range(0, 7).Select(i => corners.Reads(i, 4, 7)).Select(r => (r.First, r.Last)));

        // Nearest from 6 to 4 (shrinking): floor(i * 6 / 4).
        AxisWindow nearest = AxisWindow.Interpolated(ResizeMode.Nearest, ResizeCoordinates.Asymmetric);
        Assert.Equal([0, 1, 3, 4], Enumerable.Range(0, 4).Select(i => nearest.Reads(i, 6, 4).First));
    }

    [Fact]
    public void A_transposed_convolution_reads_the_inputs_whose_taps_land_on_a_position()
    {
        // k 3, s 2, p 1, output padding 1 on 4 positions: 8 positions; even o = 2q reads input q alone, odd o reads q and q+1.
        var up = new TransposedConvolution(1, 3, 2, 1, 1, 1);
        TensorField output = Trace(new FeatureShape(1, 4, 4), [up]);

        Assert.Equal(new FeatureShape(1, 8, 8), up.OutputShape(new FeatureShape(1, 4, 4)));
        Assert.Equal(
            [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 3)],
            Enumerable.Range(0, 8).Select(o => output.Reach(0, [o, 0]).Axes[0]).Select(a => (a.Lo, a.Hi)));
        FieldFactors factors = output.Factors();
        Assert.Equal((2, 1), (factors.IfH, factors.IfHInterior));

        // Kernel 1, stride 2: odd positions read nothing (the bias alone); dilation 2 with stride 2 reads every other input.
        TensorField sparse = Trace(new FeatureShape(1, 4, 4), [new TransposedConvolution(1, 1, 2, 0, 0, 1)]);
        Assert.True(sparse.Reach(0, [1, 0]).IsEmpty);
        Assert.Equal(new AxisReads(0, 1, 1), AxisWindow.Transposed(3, 2, 0, 2).Reads(2, 4, 10));
        Assert.Equal(new AxisReads(0, 2, 2), AxisWindow.Transposed(5, 1, 0, 2).Reads(4, 4, 12));
    }

    [Fact]
    public void A_stage_opened_by_raising_the_resolution_is_measured_on_its_low_resolution_input()
    {
        var input = new FeatureShape(8, 8, 8);
        var network = new Network("decoder", input, [
            new Stage([new Unit("enc", [Ops.Conv(8, 3, padding: 1)])]),
            new Stage([new Unit("up", [new TransposedConvolution(8, 2, 2, 0, 0, 1)]), new Unit("dec", [Ops.Conv(8, 3, padding: 1)])]),
        ], []);

        NetworkField field = InformationField.Analyze(network);
        NetworkField output = InformationField.Analyze(network, new FieldOptions(Frame: CoordinateFrame.Output));

        Assert.Equal(new FeatureShape(8, 8, 8), field.Stages[1].InputShape);
        Assert.Equal(field.Stages[1].InputShape, output.Stages[1].InputShape);
        Assert.Equal((1, 1), (field.Stages[1].Units[0].IfH, field.Stages[1].Units[0].IfHInterior));
        Assert.Equal((2, 2), (field.Stages[1].Units[1].IfH, field.Stages[1].Units[1].IfHInterior));
    }

    [Fact]
    public void Resizing_costs_nothing_and_a_transposed_convolution_counts_every_input_tap()
    {
        var input = new FeatureShape(16, 7, 5);
        var up = new TransposedConvolution(8, 3, 2, 1, 1, 1, Groups: 2, Bias: true);

        Assert.Equal((16L * 4 * 3 * 3) + 8, up.Parameters(input));
        Assert.Equal(7L * 5 * 16 * 4 * 3 * 3, up.Macs(input));
        Assert.Equal(new FeatureShape(16, 14, 10), Resize.Linear(2).OutputShape(input));
        Assert.Equal(0, CostModel.Of(new Unit("r", [Resize.Linear(2)]), input).Macs);
    }

    [Fact]
    public void Resize_and_transposed_convolution_round_trip_through_spec_files_and_refuse_what_they_cannot_be()
    {
        var network = new Network("spec", new FeatureShape(4, 6, 6), [
            new Stage([new Unit("a", [Ops.Conv(4, 3, padding: 1)])]),
            new Stage([new Unit("b", [Resize.Linear(2, alignCorners: true), Ops.Conv(4, 3, padding: 1)])]),
            new Stage([new Unit("c", [new Resize(ResizeMode.Nearest, null, new Pair(18, 20), ResizeCoordinates.Asymmetric)])]),
            new Stage([new Unit("d", [new TransposedConvolution(4, new Pair(3, 2), 2, 1, new Pair(1, 0), 1, Groups: 2, Bias: true)])]),
        ], []);

        Assert.Equal(network, NetworkSpec.Parse(NetworkSpec.Serialize(network), "spec.json"));

        Assert.Equal("coordinates", new Resize(ResizeMode.Nearest, 2, null, ResizeCoordinates.HalfPixel).TryOutputShape(new FeatureShape(1, 4, 4)).Violation!.Path);
        Assert.Equal("coordinates", new Resize(ResizeMode.Linear, 2, null, ResizeCoordinates.Asymmetric).TryOutputShape(new FeatureShape(1, 4, 4)).Violation!.Path);
        Assert.Equal("scale", new Resize(ResizeMode.Linear, 2, new Pair(4, 4), ResizeCoordinates.HalfPixel).TryOutputShape(new FeatureShape(1, 4, 4)).Violation!.Path);
        Assert.Equal("outputPadding", new TransposedConvolution(1, 3, 2, 1, 2, 1).TryOutputShape(new FeatureShape(1, 4, 4)).Violation!.Path);
        var error = Assert.Throws<SpecException>(() => NetworkSpec.Parse(
            """{"format": "infofield-network/2", "name": "x", "input": [1, 4, 4], "stages": [{"units": [{"name": "u", "ops": [{"type": "resize", "mode": "cubic", "scale": 2}]}]}]}""",
            "x.json"));
        Assert.Contains("mode", error.Message, StringComparison.Ordinal);
    }

    private static TensorField Trace(FeatureShape input, Op[] ops) =>
        StageTrace.Of(new Network("up", input, [new Stage([new Unit("u", ops)])], [], input.Height == 1 ? 1 : 2), 0).Output(0);
}
