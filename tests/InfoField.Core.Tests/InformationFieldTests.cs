using InfoField.Architecture;
using InfoField.Field;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

public class InformationFieldTests
{
    [Theory]
    [InlineData(1, 1.73)]
    [InlineData(2, 1.60)]
    [InlineData(3, 0.29)]
    [InlineData(4, 0.0)]
    [InlineData(5, 0.0)]
    public void Inserted_conv_has_the_gain_of_paper_table_2(int k, double paperDeltaIf)
    {
        NetworkField field = InformationField.Analyze(ModelZoo.Create($"vgg11-variant{k}"));

        UnitField inserted = field.Stages[k - 1].Last;
        Assert.InRange(inserted.DeltaIf!.Value, paperDeltaIf - 0.01, paperDeltaIf + 0.01);
    }

    [Theory]
    [InlineData("resnet18", "cifar10")]
    [InlineData("efficientnet-b0", "imagenet")]
    [InlineData("unet", "cifar10")]
    [InlineData("r3d-18", "kinetics400")]
    public void Without_op_fields_every_other_number_is_the_same(string model, string dataset)
    {
        Network network = ModelZoo.Create(model, dataset);
        NetworkField full = InformationField.Analyze(network);

        NetworkField brief = InformationField.Analyze(network, FieldOptions.Default with { OpFields = false });

        Assert.Equal(full.Stages.Length, brief.Stages.Length);
        for (int s = 0; s < full.Stages.Length; s++)
        {
            Assert.Equal(full.Stages[s] with { Units = [] }, brief.Stages[s] with { Units = [] });
            Assert.Equal(full.Stages[s].Units.Length, brief.Stages[s].Units.Length);
            for (int u = 0; u < full.Stages[s].Units.Length; u++)
            {
                UnitField expected = full.Stages[s].Units[u];
                UnitField actual = brief.Stages[s].Units[u];
                Assert.NotEmpty(expected.Ops);
                Assert.Empty(actual.Ops);
                Assert.Equal(expected with { Ops = actual.Ops }, actual);
            }
        }

        Assert.Equal(full.Cost.Total, brief.Cost.Total);
    }

    [Fact]
    public void Variant_3_stage_3_matches_paper_table_1()
    {
        StageField stage = InformationField.Analyze(ModelZoo.Create("vgg11-variant3")).Stages[2];

        Assert.Equal(new FeatureShape(128, 8, 8), stage.InputShape);
        Assert.Equal(8192, stage.V0);
        Assert.Equal([3, 5, 7], stage.Units.Select(u => u.IfW));
        Assert.Equal([128, 128, 128], stage.Units.Select(u => u.IfC));
        Assert.Equal([1152L, 3200L, 6272L], stage.Units.Select(u => u.If));
        Assert.Null(stage.Units[0].DeltaIf);
        Assert.InRange(stage.Units[1].DeltaIf!.Value, 1.16, 1.18);
        Assert.Equal("conv3-256", stage.Units[0].Name);
    }

    [Fact]
    public void Gain_follows_equation_7()
    {
        double expected = (3200.0 - 1152) / 1152 * Math.Exp(-3.0 * 1152 / 8192);

        Assert.Equal(expected, InformationField.DeltaIf(1152, 3200, 8192, 3.0), 12);
    }

    [Fact]
    public void Grouped_convolutions_keep_groups_isolated_until_channels_mix()
    {
        // 8 stage input channels; a 2-group 3x3 conv lets each output see its group's 4 channels,
        // a second one cannot widen that, a shuffle followed by a 2-group 1x1 conv mixes both groups.
        Network network = Chain(
            new FeatureShape(8, 8, 8),
            Ops.Conv(8, 3, padding: 1, groups: 2),
            Ops.Conv(8, 3, padding: 1, groups: 2),
            Ops.Shuffle(2),
            Ops.Pointwise(8, groups: 2));

        StageField stage = InformationField.Analyze(network).Stages[0];

        Assert.Equal([4, 4, 4, 8], stage.Units.Select(u => u.IfC));
        Assert.Equal([3, 5, 5, 5], stage.Units.Select(u => u.IfW));
        Assert.Equal(0.0, stage.Units[2].DeltaIf);
    }

    [Fact]
    public void Shuffle_and_interlace_permute_channels_as_documented()
    {
        Assert.Equal([0, 3, 1, 4, 2, 5], new ChannelShuffle(2).SourceChannels(6));
        Assert.Equal([0, 2, 4, 1, 3, 5], new Interlace(2).SourceChannels(6));
        Assert.Equal(new ChannelShuffle(3).SourceChannels(6), new Interlace(2).SourceChannels(6));
    }

    [Fact]
    public void Interlace_lets_a_grouped_pointwise_conv_read_every_group_of_the_conv_before()
    {
        // clcNet-style GC, interlace, GPW on 4 channels with 2 groups: after the interlace each GPW group holds one channel of each GC group.
        Network network = Chain(
            new FeatureShape(4, 6, 6),
            Ops.Conv(4, 3, padding: 1, groups: 2),
            Ops.Interlace(2),
            Ops.Pointwise(4, groups: 2),
            Ops.Conv(4, 3, padding: 1, groups: 2),
            Ops.Interlace(2),
            Ops.Pointwise(4, groups: 2));

        StageField stage = InformationField.Analyze(network).Stages[0];

        Assert.Equal([2, 2, 4, 4, 4, 4], stage.Units.Select(u => u.IfC));
    }

    [Fact]
    public void Rolling_pointwise_windows_overlap_and_wrap_around()
    {
        // RPW(8, 8, g = 4, o = 0.5): width 2, starts floor(c * 0.5 * 2) = c, so filter c reads {c, c + 1 mod 8}.
        var rpw = Ops.RollingPointwise(8, groups: 4, overlap: 0.5);
        ChannelMap map = rpw.Channels(8);

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], rpw.WindowStarts(8));
        Assert.Equal([7, 0], map.Inputs(7).ToArray());

        StageField stage = InformationField.Analyze(Chain(new FeatureShape(8, 4, 4), rpw, rpw, rpw)).Stages[0];
        Assert.Equal([2, 3, 4], stage.Units.Select(u => u.IfC));
    }

    [Fact]
    public void Rolling_pointwise_without_overlap_is_grouped_pointwise_followed_by_a_shuffle()
    {
        // With o = 0 adjacent filters read adjacent windows (filter c reads window c mod g), so a second RPW mixes
        // windows the way GPW + shuffle does, while two plain GPWs keep their groups apart.
        var rpw = Ops.RollingPointwise(8, groups: 4, overlap: 0);
        var gpw = Ops.Pointwise(8, groups: 4);

        StageField rolled = InformationField.Analyze(Chain(new FeatureShape(8, 4, 4), rpw, rpw)).Stages[0];
        StageField grouped = InformationField.Analyze(Chain(new FeatureShape(8, 4, 4), gpw, gpw)).Stages[0];

        Assert.Equal([0, 2, 4, 6, 0, 2, 4, 6], rpw.WindowStarts(8));
        Assert.Equal([2, 4], rolled.Units.Select(u => u.IfC));
        Assert.Equal([2, 2], grouped.Units.Select(u => u.IfC));
        StageField shuffled = InformationField.Analyze(Chain(new FeatureShape(8, 4, 4), gpw, Ops.Shuffle(4), gpw)).Stages[0];
        Assert.Equal(4, shuffled.Last.IfC);
    }

    [Fact]
    public void Rolling_windows_use_exact_decimal_arithmetic()
    {
        // (1 - 0.33) * 100 is 66.99999... in binary floating point; the definition means 67.
        Assert.Equal([0, 67, 134, 201 % 300], RollingWindows.Starts(300, 4, 3, 0.33));
    }

    [Fact]
    public void More_output_filters_than_inputs_keep_rolling()
    {
        var rpw = Ops.RollingPointwise(12, groups: 2, overlap: 0.5);

        Assert.Equal([0, 2, 4, 6, 0, 2, 4, 6, 0, 2, 4, 6], rpw.WindowStarts(8));
        Assert.Equal([6, 7, 0, 1], rpw.Channels(8).Inputs(3).ToArray());
    }

    [Fact]
    public void Coverage_statistics_report_min_mean_and_max()
    {
        // Depthwise keeps one channel per output; a 3-group conv over 6 channels with 3 outputs per group sees 2.
        Network network = Chain(new FeatureShape(6, 5, 5), Ops.Depthwise(3, padding: 1), Ops.Conv(9, 1, groups: 3));

        StageField stage = InformationField.Analyze(network).Stages[0];

        Assert.Equal(1, stage.Units[0].IfC);
        Assert.Equal(1, stage.Units[0].IfCMax);
        Assert.Equal(2, stage.Units[1].IfC);
        Assert.Equal(2.0, stage.Units[1].IfCMean);
    }

    [Fact]
    public void Non_square_inputs_cap_each_axis_on_its_own()
    {
        Network network = Chain(new FeatureShape(3, 16, 8), [.. Enumerable.Repeat<Op>(Ops.Conv(4, 3, padding: 1), 5)]);

        StageField stage = InformationField.Analyze(network).Stages[0];

        Assert.Equal([3, 5, 7, 9, 11], stage.Units.Select(u => u.IfH));
        Assert.Equal([3, 5, 7, 8, 8], stage.Units.Select(u => u.IfW));
        Assert.Equal(11L * 8 * 3, stage.Last.If);
        Assert.Equal(11, stage.Last.ReceptiveFieldW);
    }

    [Fact]
    public void Non_square_kernels_and_dilation_grow_each_axis_by_their_extent()
    {
        Network network = Chain(
            new FeatureShape(2, 32, 32),
            new Convolution(2, new Pair(1, 3), 1, new Pair(0, 1), 1),
            new Convolution(2, 3, 1, 2, 2));

        StageField stage = InformationField.Analyze(network).Stages[0];

        Assert.Equal([1, 5], stage.Units.Select(u => u.IfH));
        Assert.Equal([3, 7], stage.Units.Select(u => u.IfW));
    }

    [Fact]
    public void One_dimensional_networks_use_d_equal_1()
    {
        var conv = new Convolution(2, Pair.Line(3), Pair.Line(1), Pair.Line(1, 0), Pair.Line(1));
        var network = new Network(
            "signal",
            new FeatureShape(2, 1, 20),
            [new Stage([new Unit("a", [conv]), new Unit("b", [conv])])],
            [],
            spatialRank: 1);

        StageField stage = InformationField.Analyze(network).Stages[0];

        Assert.Equal(40, stage.V0);
        Assert.Equal([1, 1], stage.Units.Select(u => u.IfH));
        Assert.Equal([6L, 10L], stage.Units.Select(u => u.If));
        Assert.Equal((10.0 - 6) / 6 * Math.Exp(-3.0 * 6 / 40), stage.Units[1].DeltaIf!.Value, 12);
    }

    [Fact]
    public void Strided_stages_are_measured_in_the_chosen_frame()
    {
        Network resnet = ModelZoo.Create("resnet50", "imagenet");

        StageField input = InformationField.Analyze(resnet, new FieldOptions(Frame: CoordinateFrame.Input)).Stages[2];
        StageField output = InformationField.Analyze(resnet, new FieldOptions(Frame: CoordinateFrame.Output)).Stages[2];

        Assert.True(input.OpensWithStridedUnit);
        Assert.Equal(new FeatureShape(256, 56, 56), input.InputShape);
        Assert.Equal(new FeatureShape(256, 28, 28), output.InputShape);
        Assert.Equal([3, 7, 11, 15], input.Units.Select(u => u.IfW));
        Assert.Equal([3, 5, 7, 9], output.Units.Select(u => u.IfW));
        Assert.Equal(56L * 56 * 256, input.V0);
    }

    [Fact]
    public void Pooling_opens_a_stage_and_its_output_is_the_measured_tensor()
    {
        StageField stage = InformationField.Analyze(ModelZoo.Create("resnet50", "imagenet")).Stages[1];

        Assert.False(stage.OpensWithStridedUnit);
        Assert.Equal(new FeatureShape(64, 56, 56), stage.InputShape);
        Assert.Equal([3, 5, 7], stage.Units.Select(u => u.IfW));
    }

    [Fact]
    public void Receptive_field_is_uncapped_and_in_image_pixels()
    {
        NetworkField field = InformationField.Analyze(ModelZoo.Create("vgg16"));

        Assert.Equal(196, field.Stages[4].Last.ReceptiveFieldW);
        Assert.Equal(2, field.Stages[4].Last.IfW);
        Assert.Equal([3L, 5L], field.Stages[0].Units.Select(u => u.ReceptiveFieldH));
    }

    [Fact]
    public void Residual_adds_unite_the_coverage_of_both_branches()
    {
        // A depthwise body keeps channel c on its own; its identity shortcut adds channel c again: still one channel.
        // A projection shortcut (pointwise) makes every channel see all of them.
        Network depthwise = Single(new FeatureShape(4, 8, 8), Ops.Residual([Ops.Depthwise(3, padding: 1)]));
        Network projected = Single(new FeatureShape(4, 8, 8), Ops.Residual([Ops.Depthwise(3, padding: 1)], [Ops.Pointwise(4)]));

        UnitField identity = InformationField.Analyze(depthwise).Stages[0].Last;
        UnitField projection = InformationField.Analyze(projected).Stages[0].Last;

        Assert.Equal((3, 1), (identity.IfW, identity.IfC));
        Assert.Equal((3, 4), (projection.IfW, projection.IfC));
    }

    [Fact]
    public void Saturated_stages_have_zero_gain()
    {
        StageField stage = InformationField.Analyze(ModelZoo.Create("vgg16")).Stages[4];

        Assert.Equal([null, 0.0, 0.0], stage.Units.Select(u => u.DeltaIf));
    }

    [Fact]
    public void Alpha_must_be_positive()
    {
        var error = Assert.Throws<ParameterException>(() => InformationField.Analyze(ModelZoo.Create("vgg11"), new FieldOptions(Alpha: 0)));

        Assert.Contains("alpha", error.Message);
    }

    [Theory]
    [InlineData("vgg16", "cifar10")]
    [InlineData("resnet50", "imagenet")]
    [InlineData("mobilenetv2", "cifar10")]
    public void A_stage_analysed_alone_equals_the_same_stage_in_the_whole_analysis(string model, string dataset)
    {
        Network network = ModelZoo.Create(model, dataset);
        NetworkField whole = InformationField.Analyze(network);

        for (int s = 0; s < network.Stages.Count; s++)
        {
            StageField alone = InformationField.AnalyzeStage(network, s);
            Assert.Equal(whole.Stages[s].Units.AsEnumerable(), alone.Units.AsEnumerable());
            Assert.Equal(whole.Stages[s] with { Units = [] }, alone with { Units = [] });
        }
    }

    private static Network Single(FeatureShape input, OpGraph graph) =>
        new("single", input, [new Stage([new Unit("u1", graph)])], []);

    private static Network Chain(FeatureShape input, params Op[] ops) =>
        new("chain", input, [new Stage(ops.Select((op, i) => new Unit($"u{i + 1}", [op])).ToValueList())], []);
}
