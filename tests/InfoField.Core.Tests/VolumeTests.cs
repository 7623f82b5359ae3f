using InfoField.Architecture;
using InfoField.Field;
using InfoField.Spec;

namespace InfoField.Core.Tests;

/// <summary>
/// 3-D networks (video, volumes): a depth axis in the architecture model (<see cref="FeatureShape.Depth"/>, pairs with a
/// depth part), shapes and costs of 3-D convolution, pooling, transposed convolution and resizing, the field along the
/// depth (IF^d), and spec files of rank 3.
/// </summary>
public class VolumeTests
{
    private static readonly FeatureShape Clip = FeatureShape.Volume3d(3, 8, 16, 16);

    [Fact]
    public void A_3d_convolution_counts_its_depth_taps_and_positions()
    {
        var conv = new Convolution(4, Pair.Cube(3), Pair.Cube(1), Pair.Cube(1), Pair.Cube(1));
        var strided = new Convolution(4, Pair.Of3d(3, 7, 7), Pair.Of3d(1, 2, 2), Pair.Of3d(1, 3, 3), Pair.Cube(1), Bias: true);
        var transposed = new TransposedConvolution(2, Pair.Cube(2), Pair.Cube(2), Pair.Cube(0), Pair.Cube(0), Pair.Cube(1));

        Assert.Equal(FeatureShape.Volume3d(4, 8, 16, 16), conv.OutputShape(Clip));
        Assert.Equal(4L * 3 * 27, conv.Parameters(Clip));
        Assert.Equal(8L * 16 * 16 * 4 * 3 * 27, conv.Macs(Clip));
        Assert.Equal(FeatureShape.Volume3d(4, 8, 8, 8), strided.OutputShape(Clip));
        Assert.Equal((4L * 3 * 3 * 7 * 7) + 4, strided.Parameters(Clip));
        Assert.Equal(8L * 8 * 8 * 4 * 3 * 3 * 7 * 7, strided.Macs(Clip));
        Assert.Equal(FeatureShape.Volume3d(2, 16, 32, 32), transposed.OutputShape(Clip));
        Assert.Equal(3L * 2 * 8, transposed.Parameters(Clip));
        Assert.Equal(8L * 16 * 16 * 3 * 2 * 8, transposed.Macs(Clip));
    }

    [Fact]
    public void Pooling_resizing_and_global_pooling_act_on_the_depth()
    {
        var pool = new Pooling(PoolKind.Max, Pair.Cube(3), Pair.Cube(2), Pair.Cube(1));
        var frames = new Pooling(PoolKind.Average, Pair.Of3d(2, 1, 1), Pair.Of3d(2, 1, 1), Pair.Square(0));
        var planar = new Pooling(PoolKind.Max, Pair.Square(2), Pair.Square(2), Pair.Square(0));

        Assert.Equal(FeatureShape.Volume3d(3, 4, 8, 8), pool.OutputShape(Clip));
        Assert.Equal(FeatureShape.Volume3d(3, 4, 16, 16), frames.OutputShape(Clip));
        Assert.Equal(FeatureShape.Volume3d(3, 8, 8, 8), planar.OutputShape(Clip));
        Assert.Equal(FeatureShape.Volume3d(3, 1, 1, 1), Ops.GlobalAvgPool().OutputShape(Clip));
        Assert.True(Ops.GlobalAvgPool().OutputShape(Clip).IsFlat);
        Assert.True(Ops.GlobalAvgPool().Window(Clip).Global);
        Assert.Equal(AxisRule.Adaptive, Ops.GlobalAvgPool().Window(Clip).D.Rule);
        Assert.Equal(FeatureShape.Volume3d(3, 8, 4, 4), Ops.AdaptiveAvgPool(4).OutputShape(Clip));
        Assert.Equal(FeatureShape.Volume3d(3, 2, 4, 4), new AdaptivePooling(PoolKind.Average, Pair.Of3d(2, 4, 4)).OutputShape(Clip));
        Assert.Equal(FeatureShape.Volume3d(3, 16, 32, 32), Resize.Nearest(Pair.Cube(2)).OutputShape(Clip));
        Assert.Equal(FeatureShape.Volume3d(3, 8, 32, 32), Resize.Linear(Pair.Square(2)).OutputShape(Clip));
        Assert.Equal(FeatureShape.Volume3d(3, 4, 5, 6), new Resize(ResizeMode.Nearest, null, Pair.Of3d(4, 5, 6), ResizeCoordinates.Asymmetric).OutputShape(Clip));
        Assert.Equal(FeatureShape.Volume3d(3 * 8 * 16 * 16, 1, 1, 1).Channels, new Flatten().OutputShape(Clip).Channels);
    }

    [Fact]
    public void A_window_without_a_depth_part_is_the_identity_along_the_depth()
    {
        Op[] planar = [Ops.Conv(4, 3, padding: 1), Ops.Depthwise(), Ops.Pointwise(4, stride: 2), Ops.BatchNorm(), Ops.Relu()];
        FeatureShape shape = Clip;
        foreach (Op op in planar)
        {
            FeatureShape next = op.OutputShape(shape);
            Assert.Equal(shape.Depth, next.Depth);
            Assert.Equal(AxisWindow.Point, ((LayerOp)op).Window(shape).D);
            shape = next;
        }

        Assert.Equal(FeatureShape.Volume3d(4, 8, 8, 8), shape);
        Assert.Equal(8L * 16 * 16 * 4 * 3 * 9, Ops.Conv(4, 3, padding: 1).Macs(Clip));
    }

    [Fact]
    public void A_depth_part_needs_an_input_with_a_depth()
    {
        var conv = new Convolution(4, Pair.Cube(3), Pair.Cube(1), Pair.Cube(1), Pair.Cube(1));

        string rule = Assert.IsType<Violation>(conv.TryOutputShape(new FeatureShape(3, 16, 16)).Violation).Rule;
        Assert.Contains("has a depth part", rule);
        Assert.Contains("3-D", rule);

        ArchitectureException flat = Assert.Throws<ArchitectureException>(() => Network([conv], new FeatureShape(3, 16, 16), spatialRank: 2));
        Assert.Contains("kernel", flat.Message);
        ArchitectureException rank = Assert.Throws<ArchitectureException>(() => Network([conv], Clip, spatialRank: 2));
        Assert.Contains("spatial rank 3", rank.Message);
        Assert.Throws<ArchitectureException>(() => Network([conv], new FeatureShape(3, 16, 16), spatialRank: 3));
        Assert.Contains("input 8x16x16 with kernel 9x1x1", Assert.Throws<ArchitectureException>(() => Network([new Convolution(4, Pair.Of3d(9, 1, 1), 1, 0, 1)], Clip)).Message);
    }

    /// <summary>
    /// The engine follows every axis alone: the field of a 3-D network along its depth and height equals a 2-D network's
    /// along its height and width when that network has the 3-D one's depth and height windows, and the same for depth and
    /// width; the channel coverage is the same. Strides, dilations, padding at the borders, pooling and a residual.
    /// </summary>
    [Fact]
    public void The_field_along_each_axis_equals_a_2d_networks_with_that_axiss_windows()
    {
        FeatureShape input = FeatureShape.Volume3d(4, 9, 12, 15);
        Network volume = Network(Layers(pair => pair), input);
        // Every pair of the layers has a depth part (a padding of 0 is the identity either way).
        Network depthHeight = Network(Layers(pair => new Pair(pair.D, pair.H)), new FeatureShape(4, 9, 12), spatialRank: 2);
        Network depthWidth = Network(Layers(pair => new Pair(pair.D, pair.W)), new FeatureShape(4, 9, 15), spatialRank: 2);

        NetworkField field = InformationField.Analyze(volume);
        NetworkField dh = InformationField.Analyze(depthHeight);
        NetworkField dw = InformationField.Analyze(depthWidth);

        UnitField[] units = [.. field.Stages.SelectMany(stage => stage.Units)];
        UnitField[] first = [.. dh.Stages.SelectMany(stage => stage.Units)];
        UnitField[] second = [.. dw.Stages.SelectMany(stage => stage.Units)];
        Assert.Equal(first.Length, units.Length);
        for (int u = 0; u < units.Length; u++)
        {
            Assert.Equal((first[u].IfH, first[u].IfHMin, first[u].IfHInterior), (units[u].IfD, units[u].IfDMin, units[u].IfDInterior));
            Assert.Equal((first[u].IfW, first[u].IfWMin), (units[u].IfH, units[u].IfHMin));
            Assert.Equal((second[u].IfW, second[u].IfWMin), (units[u].IfW, units[u].IfWMin));
            Assert.Equal((first[u].IfC, first[u].IfCMax, first[u].IfCMean), (units[u].IfC, units[u].IfCMax, units[u].IfCMean));
            Assert.Equal((long)units[u].IfD * units[u].IfH * units[u].IfW * units[u].IfC, units[u].If);
            Assert.Equal(first[u].ReceptiveFieldH, units[u].ReceptiveFieldD);
            Assert.Equal(first[u].ReceptiveFieldW, units[u].ReceptiveFieldH);
            Assert.Equal(second[u].ReceptiveFieldW, units[u].ReceptiveFieldW);
            Assert.Equal(units[u].IfD, units[u].Local.IfD);
        }

        Assert.Equal(4L * 9 * 12 * 15, field.Stages[0].V0);
        Assert.Equal(field.Stages.Select(stage => stage.InputShape.Volume), field.Stages.Select(stage => stage.V0));
        Assert.Equal(0, first[0].IfD);
        Assert.True(units.Last().IfD > 1 && units.Last().IfH > 1 && units.Last().IfW > 1);
    }

    [Theory]
    [InlineData(4, true)]
    [InlineData(9, false)]
    public void An_output_covers_a_volume_only_when_its_field_spans_the_depth_too(int depth, bool covers)
    {
        // Two 3x3x3 convolutions: a field of 5 positions per axis, more than a 4 x 4 map but fewer than 9 frames.
        var conv = new Convolution(3, Pair.Cube(3), Pair.Cube(1), Pair.Cube(1), Pair.Cube(1));
        var network = new Network("map", FeatureShape.Volume3d(2, depth, 4, 4), [new Stage([], [new Unit("a", [conv]), new Unit("b", [conv])])], [], spatialRank: 3);

        OutputField output = OutputFields.Of(network)[0];

        Assert.Equal((4, 4, Math.Min(depth, 5)), (output.Literal.IfHMin, output.Literal.IfWMin, output.Literal.IfDMin));
        Assert.Equal(covers, output.Covers(FieldKind.Literal));
    }

    [Fact]
    public void Spec_files_of_rank_3_read_back_exactly_on_both_readers()
    {
        Network volume = Network(Layers(pair => pair), FeatureShape.Volume3d(4, 9, 12, 15));

        string json = NetworkSpec.Serialize(volume);
        Network read = NetworkSpec.Parse(json);

        Assert.Equal(volume, read);
        Assert.Equal(3, read.SpatialRank);
        Assert.Equal(volume, FastSpecReader.TryParse(json, "network", OpSet.Default));
        Assert.Equal(volume, NetworkSpec.ParseChecked(json, "spec", "network", OpSet.Default));
        Assert.Equal(json, NetworkSpec.Serialize(read));
    }

    [Theory]
    [InlineData("\"kernel\": 3", 3, 3, 3)]
    [InlineData("\"kernel\": [1, 3, 3]", 1, 3, 3)]
    [InlineData("\"kernel\": [3, 1, 1]", 3, 1, 1)]
    [InlineData("\"kernel\": [3, 5]", 0, 3, 5)]
    public void A_scalar_in_a_3d_spec_is_a_cube_and_two_numbers_have_no_depth(string kernel, int d, int h, int w)
    {
        string json = $$"""{ "input": [2, 8, 10, 12], "stages": [ { "units": [ { "ops": [ { "type": "conv", "out": 4, {{kernel}} } ] } ] } ] }""";

        Network checkedRead = NetworkSpec.ParseChecked(json, "spec", "network", OpSet.Default);
        Network? fast = FastSpecReader.TryParse(json, "network", OpSet.Default);

        var conv = Assert.IsType<Convolution>(checkedRead.Units.First().Graph.Nodes[0].Op);
        Assert.Equal(new Pair(h, w) { D = d }, conv.Kernel);
        Assert.Equal(checkedRead, fast);
        Assert.Equal(checkedRead, NetworkSpec.Parse(NetworkSpec.Serialize(checkedRead)));
    }

    [Theory]
    [InlineData("""{ "input": [2, 8, 10], "stages": [ { "units": [ { "ops": [ { "type": "conv", "out": 4, "kernel": [1, 3, 3] } ] } ] } ] }""", "got an array of 3")]
    [InlineData("""{ "input": [2, 0, 10, 12], "stages": [ { "units": [ { "ops": [ { "type": "relu" } ] } ] } ] }""", "at least 1")]
    [InlineData("""{ "input": [2, 8, 10, 12], "stages": [ { "units": [ { "ops": [ { "type": "conv", "out": 4, "kernel": [1, 3, 3, 3] } ] } ] } ] }""", "[depth, height, width]")]
    public void Malformed_3d_specs_are_refused_with_one_line(string json, string rule)
    {
        Assert.Null(FastSpecReader.TryParse(json, "network", OpSet.Default));
        var error = Assert.ThrowsAny<InfoFieldException>(() => NetworkSpec.Parse(json, "bad.json"));
        Assert.Contains(rule, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    /// <summary>A small 3-D network: a (2+1)-D factorized stem, a pooling stage, a residual 3x3x3 unit, a dilated unit, a strided stage with a projection shortcut, and a classifier.</summary>
    private static List<(ValueList<Op> Entry, List<Unit> Units)> Layers(Func<Pair, Pair> axes)
    {
        Convolution Conv(int output, Pair kernel, Pair stride, Pair padding, Pair dilation) =>
            new(output, axes(kernel), axes(stride), axes(padding), axes(dilation));

        Pair one = Pair.Cube(1), zero = Pair.Cube(0);
        Unit stem = new("stem", [Conv(6, Pair.Of3d(1, 3, 3), one, Pair.Of3d(0, 1, 1), one), Ops.Relu(), Conv(6, Pair.Of3d(3, 1, 1), one, Pair.Of3d(1, 0, 0), one), Ops.BatchNorm()], UnitRole.Stem);
        Unit residual = new("res", Ops.Residual([Conv(6, Pair.Cube(3), one, one, one), Ops.Relu(), Conv(6, Pair.Cube(3), one, one, one)], null));
        Unit dilated = new("dil", [Conv(6, Pair.Cube(3), one, Pair.Of3d(2, 1, 1), Pair.Of3d(2, 1, 1)), Ops.Relu()]);
        Unit down = new("down", Ops.Residual([Conv(8, Pair.Cube(3), Pair.Cube(2), one, one), Ops.Relu(), Conv(8, Pair.Cube(3), one, one, one)], [Conv(8, one, Pair.Cube(2), zero, one)]));
        Unit edge = new("edge", [Conv(8, Pair.Of3d(3, 1, 3), one, Pair.Of3d(1, 0, 1), one)]);
        return
        [
            ([], [stem]),
            ([new Pooling(PoolKind.Max, axes(Pair.Of3d(1, 3, 3)), axes(Pair.Of3d(1, 2, 2)), axes(Pair.Of3d(0, 1, 1)))], [residual, dilated]),
            ([], [down, edge]),
        ];
    }

    private static Network Network(List<(ValueList<Op> Entry, List<Unit> Units)> layers, FeatureShape input, int spatialRank = 3) =>
        new("volume", input, [.. layers.Select(stage => new Stage(stage.Entry, [.. stage.Units]))], [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(5)], spatialRank);

    private static Network Network(Op[] ops, FeatureShape input, int spatialRank = 3) =>
        new("volume", input, [new Stage([], [new Unit("u", [.. ops])])], [], spatialRank);
}
