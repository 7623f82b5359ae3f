using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Organizer;
using InfoField.Spec;

namespace InfoField.Core.Tests;

/// <summary>
/// Networks with further outputs (a head read from one unit's output): validation, costs, spec files (format 3, the
/// older formats refusing outputs), the organizer's refusal, and each output's field in the frame of the network's input
/// on hand-computed cases.
/// </summary>
public class NetworkOutputTests
{
    // 1 x 16 x 16 -> conv3 (16 x 16) -> conv3 stride 2 (8 x 8); "aux" reads the first unit through a 1x1 conv.
    private static Network TwoOutputs() =>
        new Network("two", new FeatureShape(1, 16, 16), [Stage(Ops.Conv(4, 3, padding: 1)), Stage(Ops.Conv(4, 3, stride: 2, padding: 1))], [])
            .WithOutputs([new NetworkOutput("aux", 0, 0, [Ops.Conv(2, 1)])]);

    private static Stage Stage(Op op) => new([new Unit(op.Type, [op])]);

    [Fact]
    public void A_further_output_has_its_shape_and_its_head_counts_in_the_cost()
    {
        Network network = TwoOutputs();
        NetworkCost cost = CostModel.Of(network);

        Assert.Equal(new FeatureShape(2, 16, 16), Assert.Single(network.Layout.Outputs));
        Assert.Equal(new FeatureShape(4, 8, 8), network.Output);

        // Units: 1*4*9 = 36 and 4*4*9 = 144 weights; aux: 4*2 = 8 weights on 16 x 16 positions.
        Assert.Equal(new Cost(8, 8 * 256), Assert.Single(cost.Outputs));
        Assert.Equal(new Cost(36 + 144 + 8, (36 * 256) + (144 * 64) + (8 * 256)), cost.Total);
    }

    [Fact]
    public void Copies_keep_the_outputs()
    {
        Network network = TwoOutputs();

        Assert.Equal(network.Outputs, network.WithName("renamed").Outputs);
        Assert.Equal(network.Outputs, network.WithInput(new FeatureShape(1, 32, 32)).Outputs);
        Assert.Equal(new FeatureShape(2, 32, 32), Assert.Single(network.WithInput(new FeatureShape(1, 32, 32)).Layout.Outputs));
        Assert.Equal(network.Outputs, network.WithStages(network.Stages).Outputs);
        Assert.NotEqual(network, network.WithOutputs([]));
    }

    [Theory]
    [InlineData("out", 0, 0, "outputs[0].name", "names the main output")]
    [InlineData("", 0, 0, "outputs[0].name", "needs a name")]
    [InlineData("aux", 2, 0, "outputs[0].stage", "one of the 2 stages")]
    [InlineData("aux", 1, 1, "outputs[0].unit", "one of the 1 units of stages[1]")]
    [InlineData("aux", -1, 0, "outputs[0].stage", "got -1")]
    public void An_output_that_reads_nothing_or_reuses_a_name_is_refused_naming_it(string name, int stage, int unit, string path, string rule)
    {
        Network network = TwoOutputs().WithOutputs([]);

        Violation broken = network.TryWithOutputs([new NetworkOutput(name, stage, unit, [])]).Violation!;

        Assert.Equal(path, broken.Path);
        Assert.Contains(rule, broken.Rule);
    }

    [Fact]
    public void Output_names_are_unique_and_heads_must_fit_the_unit_they_read()
    {
        Network network = TwoOutputs().WithOutputs([]);

        Violation twice = network.TryWithOutputs([new NetworkOutput("aux", 0, 0, []), new NetworkOutput("aux", 1, 0, [])]).Violation!;
        Violation tooLarge = network.TryWithOutputs([new NetworkOutput("aux", 1, 0, [Ops.Conv(2, 9)])]).Violation!;

        Assert.Equal(("outputs[1].name", true), (twice.Path, twice.Rule.Contains("unique", StringComparison.Ordinal)));
        Assert.StartsWith("outputs[0].head[0]", tooLarge.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Spec_files_write_outputs_as_format_3_and_read_them_back()
    {
        Network network = TwoOutputs();

        string json = NetworkSpec.Serialize(network);
        Network back = NetworkSpec.Parse(json);

        Assert.Contains($"\"format\": \"{NetworkSpec.FormatV3}\"", json, StringComparison.Ordinal);
        Assert.Equal(network, back);
        Assert.Equal(json, NetworkSpec.Canonical(network));
        Assert.Contains($"\"format\": \"{NetworkSpec.Format}\"", NetworkSpec.Serialize(network.WithOutputs([])), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("infofield-network/2", "$.outputs", "need format 'infofield-network/3'")]
    [InlineData("infofield-network/3", "$.outputs[0].unit", "one of the 1 units of stages[0]")]
    public void Spec_files_name_the_output_that_is_wrong(string format, string path, string rule)
    {
        string json = $$"""
            { "format": "{{format}}", "input": [1, 8, 8],
              "stages": [ { "units": [ { "ops": [ { "type": "conv", "out": 2, "kernel": 3, "padding": 1 } ] } ] } ],
              "outputs": [ { "name": "aux", "stage": 0, "unit": 3 } ] }
            """;

        var error = Assert.Throws<SpecException>(() => NetworkSpec.Parse(json, "bad.json"));

        Assert.Equal(path, error.JsonPath);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_organizer_refuses_a_network_with_further_outputs_saying_why()
    {
        Network network = new Network(
                "three",
                new FeatureShape(1, 16, 16),
                [new Stage([new Unit("a", [Ops.Conv(4, 3, padding: 1)]), new Unit("b", [Ops.Conv(4, 3, padding: 1)])]), Stage(Ops.Conv(4, 3, stride: 2, padding: 1))],
                [])
            .WithOutputs([new NetworkOutput("aux", 0, 1, [])]);

        OrganizerResult result = StageOrganizer.Optimize(network);

        Assert.Equal(network, result.After);
        Assert.Contains("further outputs (output 'aux' reads stage 1, unit 2)", Assert.Single(result.Steps).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_organizer_refuses_a_network_whose_resolution_goes_back_up_saying_why()
    {
        var network = new Network(
            "decoder",
            new FeatureShape(1, 16, 16),
            [
                new Stage([new Unit("a", [Ops.Conv(4, 3, padding: 1)]), new Unit("b", [Ops.Conv(4, 3, padding: 1)])]),
                new Stage([new Unit("c", [Ops.Conv(4, 3, stride: 2, padding: 1)]), new Unit("d", [Ops.Conv(4, 3, padding: 1)])]),
                Stage(Resize.Nearest(2)),
            ],
            []);

        OrganizerResult result = StageOrganizer.Optimize(network);

        Assert.Equal(network, result.After);
        Assert.StartsWith("stage 3 raises the resolution from 8x8 to 16x16 (a decoder", Assert.Single(result.Steps).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_output_is_measured_in_the_frame_of_the_network_input()
    {
        var fields = OutputFields.Of(TwoOutputs());

        // out: neuron i reads conv rows 2i-1..2i+1, input rows 2i-2..2i+2: 5 inside, 3 at row 0 (padding), 4 at row 7.
        OutputField main = fields[0];
        Assert.Equal((Network.MainOutputName, 1, 0, new FeatureShape(4, 8, 8), false), (main.Name, main.Stage, main.Unit, main.Shape, main.Vector));
        Assert.Equal((5, 5, 5, 5, 1), (main.Local.IfH, main.Local.IfHInterior, main.Local.IfW, main.Local.IfWInterior, main.Local.IfC));
        Assert.Equal((2.0, 2.0, 5L, 5L), (main.StrideH, main.StrideW, main.ReceptiveFieldH, main.ReceptiveFieldW));
        Assert.False(main.Covers(FieldKind.Local));

        // aux: the first conv's 3 x 3 window through a 1x1 conv, at the input's resolution.
        OutputField aux = fields[1];
        Assert.Equal(("aux", 0, 0, new FeatureShape(2, 16, 16)), (aux.Name, aux.Stage, aux.Unit, aux.Shape));
        Assert.Equal((3, 3, 1.0), (aux.Literal.IfH, aux.Literal.IfHInterior, aux.StrideH));
        Assert.Equal(aux.Local, aux.Literal);
    }

    [Fact]
    public void A_head_that_pools_globally_covers_the_input_and_one_that_flattens_is_measured_before()
    {
        Network network = TwoOutputs().WithOutputs(
        [
            new NetworkOutput("pooled", 1, 0, [Ops.GlobalAvgPool()]),
            new NetworkOutput("classes", 1, 0, [Ops.Flatten(), Ops.Linear(10)]),
            new NetworkOutput("upsampled", 1, 0, [Resize.Nearest(2)]),
        ]);

        var fields = OutputFields.Of(network);

        Assert.True(fields[1].Covers(FieldKind.Literal));
        Assert.Equal((new FeatureShape(4, 8, 8), true, 5), (fields[2].Shape, fields[2].Vector, fields[2].Local.IfH));

        // Nearest by 2 copies each neuron's field: stride 1, the same best-placed neuron.
        Assert.Equal((1.0, 5, 5), (fields[3].StrideH, fields[3].Local.IfH, fields[3].Local.IfHInterior));
    }
}

/// <summary>
/// Outputs that read another output (<see cref="NetworkOutput.Reads"/>: an FPN's extra level pooled from the top level's
/// output): validation, costs counted once, the field composed through the read output's head, spec format 5, the
/// organizer's refusal and the decomposer keeping them.
/// </summary>
public class OutputReadingOutputTests
{
    // 1 x 16 x 16 -> conv3 (16 x 16) -> conv3 stride 2 (8 x 8); "level" reads the first unit through a 3x3 conv,
    // "pool" reads "level" through a 3x3 max pooling of stride 2.
    private static Network Chained()
    {
        Network network = new Network("chained", new FeatureShape(1, 16, 16), [Stage(Ops.Conv(4, 3, padding: 1)), Stage(Ops.Conv(4, 3, stride: 2, padding: 1))], []);
        var level = new NetworkOutput("level", 0, 0, [Ops.Conv(2, 3, padding: 1)]);
        return network.WithOutputs([level, NetworkOutput.Continuing("pool", level, [Ops.MaxPool(3, 2, padding: 1)])]);
    }

    private static Stage Stage(Op op) => new([new Unit(op.Type, [op])]);

    [Fact]
    public void An_output_reading_another_has_that_outputs_place_and_its_head_reads_that_outputs_tensor()
    {
        Network network = Chained();

        NetworkOutput pool = network.Outputs[1];
        Assert.Equal(("pool", 0, 0, "level"), (pool.Name, pool.Stage, pool.Unit, pool.Reads));
        Assert.Equal(new[] { -1, 0 }, network.Layout.OutputReads.AsEnumerable());
        Assert.Equal((-1, 0), (network.OutputRead(0), network.OutputRead(1)));
        Assert.Equal(new FeatureShape(2, 16, 16), network.OutputHeadInput(1));
        Assert.Equal(new[] { new FeatureShape(2, 16, 16), new FeatureShape(2, 8, 8) }, network.Layout.Outputs.AsEnumerable());
        Assert.Null(network.WithOutputs([network.Outputs[0]]).Outputs[0].Reads);
    }

    [Fact]
    public void The_shared_head_is_counted_once()
    {
        Network network = Chained();
        NetworkCost cost = CostModel.Of(network);

        // level: 4*2*9 = 72 weights on 16 x 16 positions; pool: no weights, no MACs (the conv it reads is level's).
        Assert.Equal(new[] { new Cost(72, 72 * 256), new Cost(0, 0) }, cost.Outputs.AsEnumerable());
        Assert.Equal(new Cost(36 + 144 + 72, (36 * 256) + (144 * 64) + (72 * 256)), cost.Total);
    }

    [Fact]
    public void Its_field_composes_through_the_head_of_the_output_it_reads()
    {
        Network network = Chained();

        var fields = OutputFields.Of(network);

        // The unit's 3x3, level's 3x3 and the pooling's 3x3 of stride 2: pool neuron i reads level rows 2i-1..2i+1, which
        // read input rows 2i-3..2i+3: 7 rows (5 at row 0, where padding cuts 2i-3..-1). Pooling the unit's output alone
        // would give 5.
        OutputField pool = fields[2];
        Assert.Equal(("pool", 0, 0, "level", new FeatureShape(2, 8, 8)), (pool.Name, pool.Stage, pool.Unit, pool.Reads, pool.Shape));
        Assert.Equal((7, 7, 7, 1, 2.0, 7L), (pool.Literal.IfH, pool.Literal.IfHInterior, pool.Literal.IfW, pool.Literal.IfC, pool.StrideH, pool.ReceptiveFieldH));
        Assert.Null(fields[1].Reads);

        // Exactly the field of one output whose head is both heads in a row, read from the unit.
        Network joined = network.WithOutputs([new NetworkOutput("pool", 0, 0, [Ops.Conv(2, 3, padding: 1), Ops.MaxPool(3, 2, padding: 1)])]);
        OutputField alone = OutputFields.Of(joined)[1];
        Assert.Equal((alone.Local, alone.Literal, alone.ReceptiveFieldH, alone.ReceptiveFieldW), (pool.Local, pool.Literal, pool.ReceptiveFieldH, pool.ReceptiveFieldW));
        Assert.Equal(OutputFields.Maps(joined)[1].Reach(1, [0, 3], local: false), OutputFields.Maps(network)[2].Reach(1, [0, 3], local: false));
    }

    [Theory]
    [InlineData("nothing", "outputs[1].reads", "'nothing' names no further output declared before this one")]
    [InlineData("out", "outputs[1].reads", "'out' is the main output")]
    [InlineData("later", "outputs[1].reads", "names no further output declared before this one")]
    [InlineData("pool", "outputs[1].reads", "names no further output declared before this one")]
    public void An_output_reads_only_a_further_output_declared_before_it(string reads, string path, string rule)
    {
        Network network = Chained();
        NetworkOutput level = network.Outputs[0];

        Violation broken = network.TryWithOutputs([level, new NetworkOutput("pool", 0, 0, []) { Reads = reads }, new NetworkOutput("later", 0, 0, [])]).Violation!;

        Assert.Equal((path, true), (broken.Path, broken.Rule.Contains(rule, StringComparison.Ordinal)));
    }

    [Fact]
    public void An_output_reading_another_names_its_place_reads_a_map_and_fits_it()
    {
        Network network = Chained();
        NetworkOutput level = network.Outputs[0];
        var vector = new NetworkOutput("vector", 1, 0, [Ops.Flatten()]);

        Violation elsewhere = network.TryWithOutputs([level, new NetworkOutput("pool", 1, 0, []) { Reads = "level" }]).Violation!;
        Violation otherUnit = network.WithStages([new Stage([new Unit("a", [Ops.Conv(4, 3, padding: 1)]), new Unit("b", [Ops.Conv(4, 3, padding: 1)])]), network.Stages[1]])
            .TryWithOutputs([level, new NetworkOutput("pool", 0, 1, []) { Reads = "level" }]).Violation!;
        Violation ofVector = network.TryWithOutputs([vector, NetworkOutput.Continuing("more", vector, [])]).Violation!;
        Violation tooLarge = network.TryWithOutputs([level, NetworkOutput.Continuing("pool", level, [Ops.MaxPool(17)])]).Violation!;

        Assert.Equal(("outputs[1].stage", true), (elsewhere.Path, elsewhere.Rule.Contains("output 'pool' reads output 'level', which reads stages[0].units[0]", StringComparison.Ordinal)));
        Assert.Equal("outputs[1].unit", otherUnit.Path);
        Assert.Equal(("outputs[1].reads", true), (ofVector.Path, ofVector.Rule.Contains("output 'vector' is a vector (its head has a 'flatten')", StringComparison.Ordinal)));
        Assert.StartsWith("outputs[1].head[0]", tooLarge.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Spec_files_write_an_output_reading_another_as_format_5_and_read_it_back()
    {
        Network network = Chained();

        string json = NetworkSpec.Serialize(network);
        Network back = NetworkSpec.Parse(json);

        Assert.Contains($"\"format\": \"{NetworkSpec.FormatV5}\"", json, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"pool\",\n      \"reads\": \"level\",\n      \"head\"", json, StringComparison.Ordinal);
        Assert.Equal(network, back);
        Assert.Equal("level", back.Outputs[1].Reads);
        Assert.Equal(json, NetworkSpec.Canonical(network));

        // Without the reading output the network keeps format 3.
        Assert.Contains($"\"format\": \"{NetworkSpec.FormatV3}\"", NetworkSpec.Serialize(network.WithOutputs([network.Outputs[0]])), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("infofield-network/4", "\"reads\": \"level\"", "$.outputs[1].reads", "needs format 'infofield-network/5'")]
    [InlineData("infofield-network/5", "\"reads\": \"levels\"", "$.outputs[1].reads", "'levels' names no further output declared before this one")]
    [InlineData("infofield-network/5", "\"reads\": \"level\", \"stage\": 0", "$.outputs[1].stage", "unknown field 'stage'")]
    public void Spec_files_name_the_reading_output_that_is_wrong(string format, string reads, string path, string rule)
    {
        string json = $$"""
            { "format": "{{format}}", "input": [1, 8, 8],
              "stages": [ { "units": [ { "ops": [ { "type": "conv", "out": 2, "kernel": 3, "padding": 1 } ] } ] } ],
              "outputs": [ { "name": "level", "stage": 0, "unit": 0 }, { "name": "pool", {{reads}} } ] }
            """;

        var error = Assert.Throws<SpecException>(() => NetworkSpec.Parse(json, "bad.json"));

        Assert.Equal(path, error.JsonPath);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_organizer_refuses_it_and_the_decomposer_keeps_it()
    {
        Network network = Chained();

        OrganizerResult organized = StageOrganizer.Optimize(network);
        Network decomposed = Kernels.Decomposer.DecomposeByRule(network).After;

        Assert.Equal(network, organized.After);
        Assert.Contains("further outputs (output 'level' reads stage 1, unit 1)", Assert.Single(organized.Steps).Reason, StringComparison.Ordinal);
        Assert.Equal(network.Outputs, decomposed.Outputs);
        Assert.Equal(network.Layout.Outputs.AsEnumerable(), decomposed.Layout.Outputs.AsEnumerable());
    }
}

/// <summary>Whole-network graphs with further outputs (ONNX import, <see cref="GraphStructure"/>): each a chain read from one unit's output.</summary>
public class GraphStructureOutputTests
{
    private static readonly FeatureShape Input = new(1, 8, 8);

    // 0 input -> 1 conv -> 2 relu -> 3 conv stride 2 (main output); the further outputs append nodes 4 on.
    private static FlatGraph Graph(IReadOnlyList<FlatNode> extra, params FlatOutput[] outputs)
    {
        List<FlatNode> nodes = [new(Ops.Conv(2, 3, padding: 1), [0], "conv1"), new(Ops.Relu(), [1], "relu1"), new(Ops.Conv(2, 3, stride: 2, padding: 1), [2], "conv2"), .. extra];
        var shapes = new List<FeatureShape> { Input };
        foreach (FlatNode node in nodes)
        {
            shapes.Add(node.Op is MergeOp merge ? merge.OutputShape([.. node.Inputs.Select(i => shapes[i])]) : node.Op.OutputShape(shapes[node.Inputs[0]]));
        }

        return new FlatGraph(Input, 2, nodes, shapes) { Output = 3, Outputs = outputs };
    }

    [Fact]
    public void A_chain_read_from_a_unit_output_becomes_a_further_output()
    {
        Network network = GraphStructure.Build("g", Graph([new(Ops.Conv(3, 1), [2], "head"), new(Ops.Relu(), [4], "head-relu")], new FlatOutput("aux", 5, "aux")));

        Assert.Equal(new FeatureShape(2, 4, 4), network.Output);
        NetworkOutput aux = Assert.Single(network.Outputs);
        Assert.Equal(("aux", 0, 0, 2), (aux.Name, aux.Stage, aux.Unit, aux.Head.Count));
        Assert.Equal(new FeatureShape(3, 8, 8), Assert.Single(network.Layout.Outputs));
    }

    [Fact]
    public void A_head_that_merges_shares_nodes_or_reads_inside_a_unit_is_refused_naming_it()
    {
        var merged = Assert.Throws<StructureException>(() => GraphStructure.Build("g", Graph([new(Ops.Add(), [2, 2], "the add")], new FlatOutput("aux", 4, "aux"))));
        var shared = Assert.Throws<StructureException>(() => GraphStructure.Build("g", Graph([new(Ops.Conv(3, 1), [2], "shared conv")], new FlatOutput("a", 4, "a"), new FlatOutput("b", 4, "b"))));
        // Inside an Inception-like module: the second branch's tensor before the concat is no cut, so no unit can end there.
        List<FlatNode> module = [new(Ops.Conv(2, 3, padding: 1), [0], "conv1"), new(Ops.Conv(2, 3, padding: 1), [1], "branch a"), new(Ops.Relu(), [2], "relu a"), new(Ops.Conv(2, 1), [1], "branch b"), new(Ops.Concat(), [3, 4], "concat"), new(Ops.Conv(3, 1), [4], "after branch b")];
        var shapes = new List<FeatureShape> { Input };
        foreach (FlatNode node in module)
        {
            shapes.Add(node.Op is MergeOp merge ? merge.OutputShape([.. node.Inputs.Select(i => shapes[i])]) : node.Op.OutputShape(shapes[node.Inputs[0]]));
        }

        var inside = Assert.Throws<StructureException>(() => GraphStructure.Build("g", new FlatGraph(Input, 2, module, shapes) { Output = 5, Outputs = [new FlatOutput("aux", 6, "the output aux")] }));

        Assert.StartsWith("the add: the head of output 'aux' merges tensors here", merged.Message, StringComparison.Ordinal);
        Assert.StartsWith("shared conv: outputs 'a' and 'b' share this node", shared.Message, StringComparison.Ordinal);
        Assert.StartsWith("the output aux: output 'aux' reads a tensor inside a unit", inside.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_unit_ends_where_a_further_output_reads_the_trunk()
    {
        // SSDLite takes its first map after the expansion of an inverted residual block: the unit that would hold the
        // expansion and the depthwise convolution after it ends at the map instead (conv1 and its ReLU, then conv2).
        Network network = GraphStructure.Build("g", Graph([new(Ops.Conv(3, 1), [2], "head")], new FlatOutput("map", 4, "map")));
        Network unsplit = GraphStructure.Build("g", Graph([]));

        NetworkOutput map = Assert.Single(network.Outputs);
        Assert.Equal(("map", 0, 0, 1), (map.Name, map.Stage, map.Unit, map.Head.Count));
        Assert.Equal(network.Stages.Sum(stage => stage.Units.Count), unsplit.Stages.Sum(stage => stage.Units.Count));

        // A map read after conv1 but before its ReLU ends the unit there: the ReLU starts the next.
        Network early = GraphStructure.Build("g", Graph([new(Ops.Conv(3, 1), [1], "after conv1")], new FlatOutput("early", 4, "early")));
        NetworkOutput read = Assert.Single(early.Outputs);
        Assert.Equal(["conv"], early.Stages[read.Stage].Units[read.Unit].Ops.Select(op => op.Type));
    }

    [Fact]
    public void An_FPN_lateral_at_the_deeper_levels_resolution_becomes_a_skip_when_that_levels_output_reads_inside_its_region()
    {
        // torchvision's FPN on two levels at one resolution (fasterrcnn_mobilenet_v3_large_fpn's backbone): C4 = 2,
        // C5 = 4, the top level's inner 1x1 makes 5 that output '1' reads through its 3x3; the lateral 1x1 of C4 (7) is
        // added to it (8) and a 3x3 makes the main output (9). There is no valley of resolution between C4 and the add.
        List<FlatNode> nodes =
        [
            new(Ops.Conv(4, 3, stride: 2, padding: 1), [0], "c4 conv"), new(Ops.Relu(), [1], "c4 relu"),
            new(Ops.Conv(8, 3, padding: 1), [2], "c5 conv"), new(Ops.Relu(), [3], "c5 relu"),
            new(Ops.Conv(6, 1), [4], "inner 1"), new(Ops.Conv(6, 3, padding: 1), [5], "layer 1"),
            new(Ops.Conv(6, 1), [2], "inner 0"), new(Ops.Add(), [7, 5], "top-down add"), new(Ops.Conv(6, 3, padding: 1), [8], "layer 0"),
        ];
        var shapes = new List<FeatureShape> { Input };
        foreach (FlatNode node in nodes)
        {
            shapes.Add(node.Op is MergeOp merge ? merge.OutputShape([.. node.Inputs.Select(i => shapes[i])]) : node.Op.OutputShape(shapes[node.Inputs[0]]));
        }

        var graph = new FlatGraph(Input, 2, nodes, shapes) { Output = 9, Outputs = [new FlatOutput("1", 6, "output 1")] };

        Network network = GraphStructure.Build("fpn", graph);

        var units = network.Stages.SelectMany(stage => stage.Units).ToList();
        Assert.Equal(["conv3-4", "conv3-8", "conv1-6", "residual-6", "conv3-6"], units.Select(unit => unit.Name));
        Assert.Equal([new UnitReference(0, 0)], units[3].Skips);
        NetworkOutput level1 = Assert.Single(network.Outputs);
        Assert.Equal(("1", 0, 2, 1), (level1.Name, level1.Stage, level1.Unit, level1.Head.Count));
        Assert.Equal(36 + 288 + 48 + 324 + 24 + 324, CostModel.Of(network).Total.Parameters);

        // Without the further output nothing reads tensor 5, and C4 to the add stays one branched unit, as before.
        Network alone = GraphStructure.Build("fpn", new FlatGraph(Input, 2, nodes[..5].Concat(nodes[6..]).Select(node => node with { Inputs = [.. node.Inputs.Select(i => i > 5 ? i - 1 : i)] }).ToList(), [.. shapes[..6], .. shapes[7..]]) { Output = 8 });
        Assert.Equal(["conv3-4", "residual-6", "conv3-6"], alone.Stages.SelectMany(stage => stage.Units).Select(unit => unit.Name));

        // LastLevelMaxPool: output 'pool' is a max pooling (kernel 1, stride 2) of output '1', so it reads that output, in
        // either order of the graph's outputs; the 3x3 both read is counted once.
        nodes.Add(new(Ops.MaxPool(1, 2), [6], "extra pool"));
        shapes.Add(nodes[^1].Op.OutputShape(shapes[6]));
        foreach (FlatOutput[] outputs in new[] { new[] { new FlatOutput("1", 6, "output 1"), new FlatOutput("pool", 10, "output pool") }, [new FlatOutput("pool", 10, "output pool"), new FlatOutput("1", 6, "output 1")] })
        {
            Network full = GraphStructure.Build("fpn", new FlatGraph(Input, 2, nodes, shapes) { Output = 9, Outputs = outputs });

            Assert.Equal(network.Stages, full.Stages);
            Assert.Equal(["1", "pool"], full.Outputs.Select(output => output.Name));
            Assert.Equal(NetworkOutput.Continuing("pool", full.Outputs[0], [Ops.MaxPool(1, 2)]), full.Outputs[1]);
            Assert.Equal(level1, full.Outputs[0]);
            Assert.Equal(new FeatureShape(6, 2, 2), full.Layout.Outputs[1]);
            Assert.Equal(CostModel.Of(network).Total, CostModel.Of(full).Total);
        }
    }
}
