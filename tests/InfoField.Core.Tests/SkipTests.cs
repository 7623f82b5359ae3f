using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Spec;

namespace InfoField.Core.Tests;

/// <summary>
/// Units that read earlier units' outputs (skips across stages): validation by construction, costs, spec files (format 4,
/// the older formats refusing skips), the stage field (a skip from an earlier stage is a constant of the stage, as a zero
/// tensor is), the organizer's refusal and the decomposer keeping skips.
/// </summary>
public class SkipTests
{
    // 1 x 8 x 8 -> a: conv3 (4 x 8 x 8) | pool -> b: conv3 (8 x 4 x 4) | c: up x2, concat with a's output, conv3 (4 x 8 x 8).
    private static Network UNet(OpGraph? decoder = null, ValueList<UnitReference>? skips = null) =>
        new(
            "unet",
            new FeatureShape(1, 8, 8),
            [
                new Stage([new Unit("a", [Ops.Conv(4, 3, padding: 1), Ops.Relu()])]),
                new Stage([Ops.MaxPool(2)], [new Unit("b", [Ops.Conv(8, 3, padding: 1), Ops.Relu()])]),
                new Stage([new Unit("c", decoder ?? Decoder()) { Skips = skips ?? [new UnitReference(0, 0)] }]),
            ],
            []);

    /// <summary>Up x2 of the input (t1), concat with skip 0 (t2), conv3 (t3).</summary>
    private static OpGraph Decoder() => new(
    [
        new GraphNode(Resize.Nearest(2), [0]),
        new GraphNode(new Concat(), [1, OpGraph.SkipTensor(0)]),
        new GraphNode(Ops.Conv(4, 3, padding: 1), [2]),
    ]);

    [Fact]
    public void A_unit_reads_an_earlier_units_output_with_its_shape_and_counts_its_ops()
    {
        Network network = UNet();
        UnitLayout decoder = network.Layout.Stages[2].Units[0];

        Assert.Equal([new FeatureShape(4, 8, 8)], decoder.Skips.ToArray());
        Assert.Equal(new FeatureShape(12, 8, 8), decoder.Tensors[2]);
        Assert.Equal(new FeatureShape(4, 8, 8), network.Output);

        // a: 1*4*9, b: 4*8*9, c: 12*4*9 weights; MACs at 64, 16 and 64 positions.
        Assert.Equal(new Cost(36 + 288 + 432, (36 * 64) + (288 * 16) + (432 * 64)), CostModel.Of(network).Total);
        Assert.Contains("(t1, skip0)", network.Stages[2].Units[0].Graph.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 0, "stages[2].units[0].skips[0]", "not a unit before this one")]
    [InlineData(1, 1, "stages[2].units[0].skips[0]", "not a unit before this one")]
    [InlineData(-1, 0, "stages[2].units[0].skips[0]", "not a unit before this one")]
    [InlineData(1, 0, "stages[2].units[0].ops[1].inputs", "skip 0 reads stages[1].units[0], 8x4x4")]
    public void A_skip_that_names_no_earlier_unit_or_does_not_fit_is_refused_naming_the_unit(int stage, int unit, string path, string rule)
    {
        Violation broken = Network.TryCreate(
            "bad",
            new FeatureShape(1, 8, 8),
            [.. UNet().Stages.Take(2), new Stage([new Unit("c", Decoder()) { Skips = [new UnitReference(stage, unit)] }])],
            []).Violation!;

        Assert.Equal(path, broken.Path);
        Assert.Contains(rule, broken.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_declared_skip_is_read_and_every_read_skip_declared()
    {
        Stage[] encoder = [.. UNet().Stages.Take(2)];
        OpGraph upConv = [Resize.Nearest(2), Ops.Conv(4, 3, padding: 1)];

        Violation unread = Network.TryCreate("bad", new FeatureShape(1, 8, 8), [.. encoder, new Stage([new Unit("c", upConv) { Skips = [new UnitReference(0, 0)] }])], []).Violation!;
        Violation undeclared = Network.TryCreate("bad", new FeatureShape(1, 8, 8), [.. encoder, new Stage([new Unit("c", Decoder())])], []).Violation!;

        Assert.Equal(("stages[2].units[0].skips[0]", "no op reads this skip; a unit declares only the earlier outputs it reads"), (unread.Path, unread.Rule));
        Assert.Equal("stages[2].units[0].ops[1].inputs", undeclared.Path);
        Assert.Contains("reads skip 0, but the unit declares no skips", undeclared.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void A_skip_from_an_earlier_stage_adds_to_the_stage_field_what_a_zero_tensor_adds()
    {
        // The same decoder with the skip replaced by zeros of its shape made from the upsampled input.
        OpGraph zeros = new(
        [
            new GraphNode(Resize.Nearest(2), [0]),
            new GraphNode(new Zero(4, Pair.Square(1)), [1]),
            new GraphNode(new Concat(), [1, 2]),
            new GraphNode(Ops.Conv(4, 3, padding: 1), [3]),
        ]);
        Network withZeros = UNet(zeros, skips: []);

        UnitField skip = InformationField.Analyze(UNet()).Stages[2].Units[0];
        UnitField zero = InformationField.Analyze(withZeros).Stages[2].Units[0];

        Assert.Equal((zero.IfH, zero.IfW, zero.IfC, zero.If), (skip.IfH, skip.IfW, skip.IfC, skip.If));
        Assert.Equal(zero.Ops[2].IfC, skip.Ops[1].IfC); // the concat: the skip's channels reach nothing of the stage input
        Assert.Equal(0, skip.Ops[1].IfC);
        Assert.Equal((2, 2, 8), (skip.IfH, skip.IfW, skip.IfC)); // up x2 then conv3: 3 neighbours read 2 rows of the 4 x 4 stage input
    }

    [Fact]
    public void A_stage_analysed_alone_gives_the_same_field_as_the_whole_network()
    {
        Network network = UNet();

        StageField whole = InformationField.Analyze(network).Stages[2];
        StageField alone = InformationField.AnalyzeStage(network, 2);

        Assert.Equal(whole.Units.ToArray(), alone.Units.ToArray());
    }

    [Fact]
    public void An_outputs_field_in_the_input_frame_goes_through_the_skip()
    {
        // The decoder adds zeros made from its own input to the skip: its output depends on the image through a alone.
        OpGraph skipOnly = new(
        [
            new GraphNode(Resize.Nearest(2), [0]),
            new GraphNode(new Zero(4, Pair.Square(1)), [1]),
            new GraphNode(new Add(), [2, OpGraph.SkipTensor(0)]),
            new GraphNode(Ops.Conv(4, 3, padding: 1), [3]),
        ]);
        Network network = UNet(skipOnly);

        OutputField main = Assert.Single(OutputFields.Of(network));
        UnitField decoder = InformationField.Analyze(network).Stages[2].Units[0];

        // Two 3x3 convolutions: 5 x 5 pixels of the one input channel (interior neurons too); nothing of the stage's input.
        Assert.Equal((5, 5, 5, 5, 1), (main.Literal.IfH, main.Literal.IfW, main.Literal.IfHInterior, main.Literal.IfWInterior, main.Literal.IfC));
        Assert.Equal((5L, 5L), (main.ReceptiveFieldH, main.ReceptiveFieldW));
        Assert.Equal(0, decoder.If);
        Assert.Equal((5L, 5L), (decoder.ReceptiveFieldH, decoder.ReceptiveFieldW)); // image pixels: the skip keeps its receptive field
    }

    [Fact]
    public void Spec_files_write_skips_as_format_4_and_read_them_back_byte_for_byte()
    {
        Network network = UNet();

        string json = NetworkSpec.Serialize(network);
        Network back = NetworkSpec.Parse(json);

        Assert.Contains($"\"format\": \"{NetworkSpec.FormatV4}\"", json, StringComparison.Ordinal);
        Assert.Contains("\"skips\": [", json, StringComparison.Ordinal);
        Assert.Contains("\"skip0\"", json, StringComparison.Ordinal);
        Assert.Equal(network, back);
        Assert.Equal(json, NetworkSpec.Serialize(back));
        Assert.Equal(json, NetworkSpec.Canonical(network));
    }

    [Fact]
    public void A_spec_names_its_skips_and_reads_them_by_name()
    {
        string json = """
            { "format": "infofield-network/4", "input": [1, 8, 8],
              "stages": [
                { "units": [ { "name": "a", "ops": [ { "type": "conv", "out": 4, "kernel": 3, "padding": 1 } ] } ] },
                { "entry": [ { "type": "maxpool", "kernel": 2 } ], "units": [ { "name": "b", "ops": [ { "type": "conv", "out": 8, "kernel": 3, "padding": 1 }, { "type": "relu" } ] } ] },
                { "units": [ { "name": "c", "skips": [ { "name": "enc", "stage": 0, "unit": 0 } ],
                  "ops": [ { "type": "resize", "mode": "nearest", "scale": 2, "name": "up" },
                           { "type": "concat", "inputs": ["up", "enc"] },
                           { "type": "conv", "out": 4, "kernel": 3, "padding": 1 } ] } ] } ] }
            """;

        Network network = NetworkSpec.Parse(json);

        Assert.Equal([new UnitReference(0, 0)], network.Stages[2].Units[0].Skips);
        Assert.Equal(new FeatureShape(12, 8, 8), network.Layout.Stages[2].Units[0].Tensors[2]);
    }

    [Theory]
    [InlineData("infofield-network/3", "{ \"name\": \"enc\", \"stage\": 0, \"unit\": 0 }", "$.stages[1].units[0].skips", "needs format 'infofield-network/4'")]
    [InlineData("infofield-network/4", "{ \"name\": \"enc\", \"stage\": 1, \"unit\": 0 }", "$.stages[1].units[0].skips[0]", "not a unit before this one")]
    [InlineData("infofield-network/4", "{ \"name\": \"input\", \"stage\": 0, \"unit\": 0 }", "$.stages[1].units[0].skips[0].name", "names the unit's input")]
    public void Spec_files_name_the_skip_that_is_wrong(string format, string skip, string path, string rule)
    {
        string json = $$"""
            { "format": "{{format}}", "input": [1, 8, 8],
              "stages": [
                { "units": [ { "ops": [ { "type": "conv", "out": 2, "kernel": 3, "padding": 1, "stride": 2 } ] } ] },
                { "units": [ { "skips": [ {{skip}} ],
                  "ops": [ { "type": "resize", "mode": "nearest", "scale": 2, "name": "up" }, { "type": "add", "inputs": ["up", "enc"] } ] } ] } ] }
            """;

        var error = Assert.Throws<SpecException>(() => NetworkSpec.Parse(json, "bad.json"));

        Assert.Equal(path, error.JsonPath);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_organizer_refuses_a_network_with_skips_saying_why()
    {
        // No resolution goes up: unit d adds a strided 1x1 of b's output to its input.
        OpGraph lateral = new([new GraphNode(Ops.Conv(4, 3, padding: 1), [0]), new GraphNode(Ops.Conv(4, 1, stride: 2), [OpGraph.SkipTensor(0)]), new GraphNode(new Add(), [1, 2])]);
        var network = new Network(
            "lateral",
            new FeatureShape(1, 16, 16),
            [
                new Stage([new Unit("a", [Ops.Conv(4, 3, padding: 1)]), new Unit("b", [Ops.Conv(4, 3, padding: 1)])]),
                new Stage([new Unit("c", [Ops.Conv(4, 3, stride: 2, padding: 1)]), new Unit("d", lateral) { Skips = [new UnitReference(0, 1)] }]),
            ],
            []);

        OrganizerResult result = StageOrganizer.Optimize(network);

        Assert.Equal(network, result.After);
        Assert.StartsWith("stage 2, unit 2 reads the output of stage 1, unit 2 (a skip across stages", Assert.Single(result.Steps).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_decomposer_keeps_skips_and_the_units_they_read()
    {
        // Two plain conv units in stage 0 (the second read by the decoder), so rule mode has a run to cover before it.
        var network = new Network(
            "unet2",
            new FeatureShape(8, 8, 8),
            [
                new Stage([new Unit("a0", [Ops.Conv(8, 3, padding: 1), Ops.Relu()]), new Unit("a1", [Ops.Conv(8, 3, padding: 1), Ops.Relu()]), new Unit("a2", [Ops.Conv(8, 3, padding: 1), Ops.Relu()]), new Unit("a3", [Ops.Conv(8, 3, padding: 1), Ops.Relu()])]),
                new Stage([Ops.MaxPool(2)], [new Unit("b", [Ops.Conv(8, 3, padding: 1), Ops.Relu()])]),
                new Stage([new Unit("c", Decoder()) { Skips = [new UnitReference(0, 3)] }]),
            ],
            []);

        Network oneForOne = Decomposer.Decompose(network, ReplacementBlock.DwPw).After;
        Network rule = Decomposer.DecomposeByRule(network).After;

        Assert.Equal(network.Stages[2].Units[0].Skips, oneForOne.Stages[2].Units[0].Skips);
        Assert.IsType<DepthwiseConvolution>(oneForOne.Stages[2].Units[0].Ops[2]);
        Assert.Equal(network.Output, rule.Output);
        UnitReference read = Assert.Single(rule.Stages[2].Units[0].Skips);
        Assert.Equal("a3", rule.Stages[read.Stage].Units[read.Unit].Name);
    }
}
