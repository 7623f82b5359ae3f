using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Spec;

namespace InfoField.Core.Tests;

/// <summary>Units as graphs: the field through merges, spec format 2, and the graph rules.</summary>
public class GraphTests
{
    private static readonly FeatureShape Input = new(4, 8, 8);

    [Fact]
    public void Concat_stacks_the_coverage_of_its_branches_and_unites_their_spatial_fields()
    {
        // Branch 1: pw to 2 channels, each seeing all 4 input channels at one position.
        // Branch 2: a 3x3 depthwise, each channel seeing its own input channel over 3x3 positions.
        // A neuron of the concat sees (union of spatial fields) 3x3 positions; the guaranteed channel count is the
        // depthwise channels' 1, the best the pointwise channels' 4.
        OpGraph graph = OpGraph.Parallel(new Concat(), [Ops.Pointwise(2)], [Ops.Depthwise(3)]);

        UnitField unit = AnalyzeOne(graph);

        Assert.Equal(new FeatureShape(6, 8, 8), unit.OutputShape);
        Assert.Equal((3, 3, 1, 4, 9L), (unit.IfH, unit.IfW, unit.IfC, unit.IfCMax, unit.If));
        Assert.Equal((1.0 * 2 * 4 + 4 * 1) / 6, unit.IfCMean, 12);
        Assert.Equal(["pw", "dw", "concat"], unit.Ops.Select(op => op.Type));
        Assert.Equal([4L, 9L, 9L], unit.Ops.Select(op => op.If));
        Assert.Equal([0], unit.Ops[1].Inputs);
        Assert.Equal([1, 2], unit.Ops[2].Inputs);
    }

    [Fact]
    public void Split_selects_channels_and_a_shufflenet_unit_mixes_them_only_in_one_half()
    {
        // ShuffleNetV2 (stride 1): half 0 passes through; half 1 goes pw, 3x3 dw, pw; concat; shuffle with 2 groups.
        OpGraph graph = OpGraph.Parallel(
                new Concat(),
                [Ops.Split(0, 2)],
                [Ops.Split(1, 2), Ops.Pointwise(2), Ops.Depthwise(3), Ops.Pointwise(2)])
            .Then(Ops.Shuffle(2));

        UnitField unit = AnalyzeOne(graph);

        // Passed-through channels see only themselves; the other half's channels see input channels 2 and 3.
        Assert.Equal((3, 1, 2, 9L), (unit.IfW, unit.IfC, unit.IfCMax, unit.If));
        Assert.Equal([1, 2, 1, 2], CoverageOf(graph));
    }

    [Fact]
    public void A_gate_from_global_pooling_makes_every_neuron_see_the_whole_stage_input()
    {
        // Squeeze-and-excitation: x = dw3(input); gate = sigmoid(pw(globalavgpool(x))); out = x * gate.
        // The gate reads every position and (through pw) every channel, so each output neuron depends on all of V0.
        OpGraph graph = new([
            new GraphNode(Ops.Depthwise(3), [0]),
            new GraphNode(Ops.GlobalAvgPool(), [1]),
            new GraphNode(Ops.Pointwise(4), [2]),
            new GraphNode(Ops.Sigmoid(), [3]),
            new GraphNode(new Multiply(), [1, 4]),
        ]);

        UnitField unit = AnalyzeOne(graph, FieldKind.Literal);

        Assert.Equal(Input, unit.OutputShape);
        Assert.Equal((8, 8, 4, Input.Volume), (unit.IfH, unit.IfW, unit.IfC, unit.If));
        Assert.Equal((3, 1), (unit.Ops[0].IfW, unit.Ops[0].IfC));

        // The local field (the default) leaves the gate's reach out: the depthwise window of its own channel.
        UnitField local = AnalyzeOne(graph);
        Assert.Equal((3, 3, 1, 9L), (local.IfH, local.IfW, local.IfC, local.If));

        // The gate sets the reach, not the step between neurons: a following 3x3 unit still counts in input pixels.
        Network twice = Network(graph, [Ops.Conv(4, 3, padding: 1)]);
        Assert.Equal([3 + 7L, 3 + 7 + 2L], InformationField.Analyze(twice).Stages[0].Units.Select(u => u.ReceptiveFieldW));
    }

    [Fact]
    public void Nested_branches_compose_inside_a_residual()
    {
        // body = concat(slice 0..1 of x, dw3(split part 1 of 2 of x)); out = body + x. Every channel c sees input channel
        // c alone (concat keeps the order, the add unites c with c), over 3x3 positions in its second half only; the
        // union of fields is 3x3.
        OpGraph body = OpGraph.Parallel(new Concat(), [Ops.Slice(0, 2)], [Ops.Split(1, 2), Ops.Depthwise(3)]);
        OpGraph graph = Ops.Residual(body);

        UnitField unit = AnalyzeOne(graph);

        Assert.Equal((3, 1, 1, 9L), (unit.IfW, unit.IfC, unit.IfCMax, unit.If));
        Assert.Equal([1, 1, 1, 1], CoverageOf(graph));
        Assert.Equal(["slice", "split", "dw", "concat", "add"], unit.Ops.Select(op => op.Type));

        // With a pointwise shortcut instead, every channel sees all four.
        UnitField projected = AnalyzeOne(Ops.Residual(body, [Ops.Pointwise(4)]));
        Assert.Equal((3, 4, 36L), (projected.IfW, projected.IfC, projected.If));
    }

    [Fact]
    public void Parameters_and_macs_count_every_branch_once()
    {
        OpGraph graph = OpGraph.Parallel(new Concat(), [Ops.Pointwise(2)], [Ops.Conv(3, 3, padding: 1), Ops.BatchNorm()]);

        Cost cost = CostModel.Of(Network(graph)).Total;

        Assert.Equal((4 * 2) + (3 * 4 * 9) + (2 * 3), cost.Parameters);
        Assert.Equal((64L * 4 * 2) + (64L * 4 * 9 * 3), cost.Macs);
    }

    [Fact]
    public void A_chain_unit_and_its_graph_form_are_the_same_unit()
    {
        OpGraph chain = [Ops.Conv(4, 3, padding: 1), Ops.Relu()];
        var graph = new OpGraph([new GraphNode(Ops.Conv(4, 3, padding: 1), [0]), new GraphNode(Ops.Relu(), [1])]);

        Assert.Equal(chain, graph);
        Assert.True(graph.IsChain);
        Assert.False(Ops.Residual(chain).IsChain);
    }

    public static TheoryData<string, string, string> BadGraphs() => new()
    {
        { """{ "name": "a", "type": "relu", "inputs": ["b"] }, { "name": "b", "type": "relu", "inputs": ["a"] }""", "$.stages[0].units[0].ops[0].inputs[0]", "'b' is made by $.stages[0].units[0].ops[1], after this op" },
        { """{ "name": "a", "type": "relu", "inputs": ["a"] }""", "$.stages[0].units[0].ops[0].inputs[0]", "this op's own output: a unit's graph has no cycles" },
        { """{ "type": "relu", "inputs": ["nowhere"] }""", "$.stages[0].units[0].ops[0].inputs[0]", "no op before this one is named 'nowhere'" },
        { """{ "type": "relu", "inputs": [] }""", "$.stages[0].units[0].ops[0].inputs", "reads at least one tensor" },
        { """{ "name": "x", "type": "pw", "out": 2 }, { "type": "add", "inputs": ["input", "x"] }""", "$.stages[0].units[0].ops[1].inputs", "cannot add a 2x8x8 tensor to a 4x8x8 tensor" },
        { """{ "name": "x", "type": "pw", "out": 2 }, { "type": "mul", "inputs": ["input", "x"] }""", "$.stages[0].units[0].ops[1].inputs", "cannot multiply" },
        { """{ "name": "x", "type": "maxpool", "kernel": 2 }, { "type": "concat", "inputs": ["input", "x"] }""", "$.stages[0].units[0].ops[1].inputs", "inputs of a concat have one resolution" },
        { """{ "type": "split", "part": 0, "parts": 3 }""", "$.stages[0].units[0].ops[0].parts", "3 equal parts do not divide the 4 input channels" },
        { """{ "type": "split", "part": 2, "parts": 2 }""", "$.stages[0].units[0].ops[0].part", "must be from 0 to 1" },
        { """{ "type": "slice", "start": 2, "count": 3 }""", "$.stages[0].units[0].ops[0].count", "do not lie within the 4 input channels" },
        { """{ "type": "add" }""", "$.stages[0].units[0].ops[0].inputs", "joins two or more tensors" },
        { """{ "name": "input", "type": "relu" }""", "$.stages[0].units[0].ops[0].name", "names the unit's input" },
        { """{ "name": "x", "type": "relu" }, { "name": "x", "type": "relu" }""", "$.stages[0].units[0].ops[1].name", "already used by $.stages[0].units[0].ops[0]" },
        { """{ "type": "relu", "inputs": [3] }""", "$.stages[0].units[0].ops[0].inputs[0]", "expected the name of a tensor, got the number 3" },
    };

    [Theory]
    [MemberData(nameof(BadGraphs))]
    public void Bad_graphs_are_reported_at_their_json_path(string ops, string path, string rule)
    {
        string json = $$"""{ "format": "infofield-network/2", "input": [4, 8, 8], "stages": [ { "units": [ { "ops": [ {{ops}} ] } ] } ] }""";

        var error = Assert.Throws<SpecException>(() => NetworkSpec.Parse(json, "bad.json"));

        Assert.Equal(path, error.JsonPath);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Format_2_round_trips_graph_units_with_named_inputs()
    {
        Network network = Network(
            OpGraph.Parallel(new Concat(), [Ops.Split(0, 2)], [Ops.Split(1, 2), Ops.Pointwise(2), Ops.Depthwise(3), Ops.Pointwise(2)]).Then(Ops.Shuffle(2)),
            new OpGraph([
                new GraphNode(Ops.Depthwise(3), [0]),
                new GraphNode(Ops.GlobalAvgPool(), [1]),
                new GraphNode(Ops.Pointwise(4, bias: true), [2]),
                new GraphNode(Ops.HardSigmoid(), [3]),
                new GraphNode(new Multiply(), [1, 4]),
            ]));

        string json = NetworkSpec.Serialize(network);
        Network loaded = NetworkSpec.Parse(json);

        Assert.Equal(network, loaded);
        Assert.Equal(json, NetworkSpec.Serialize(loaded));
        Assert.Contains("\"format\": \"infofield-network/2\"", json, StringComparison.Ordinal);
        Assert.Contains("\"inputs\": [", json, StringComparison.Ordinal);
        Assert.StartsWith("{\n  \"format\": \"infofield-network/2\"", NetworkSpec.Canonical(network), StringComparison.Ordinal);
    }

    [Fact]
    public void A_format_1_residual_and_its_format_2_graph_give_the_same_network()
    {
        const string v1 = """
            { "format": "infofield-network/1", "input": [4, 8, 8], "stages": [ { "units": [ { "name": "res", "ops": [
                { "type": "residual", "body": [ { "type": "conv", "out": 4, "kernel": 3, "padding": 1 }, { "type": "bn" } ] },
                { "type": "relu" } ] } ] } ] }
            """;
        const string v2 = """
            { "format": "infofield-network/2", "input": [4, 8, 8], "stages": [ { "units": [ { "name": "res", "ops": [
                { "type": "conv", "out": 4, "kernel": 3, "padding": 1 },
                { "name": "body", "type": "bn" },
                { "type": "add", "inputs": ["body", "input"] },
                { "type": "relu" } ] } ] } ] }
            """;

        Network first = NetworkSpec.Parse(v1);
        Network second = NetworkSpec.Parse(v2);

        Assert.Equal(first, second);
        UnitField fromV1 = InformationField.Analyze(first).Stages[0].Units[0];
        UnitField fromV2 = InformationField.Analyze(second).Stages[0].Units[0];
        Assert.Equal(fromV1.Ops, fromV2.Ops);
        Assert.Equal(fromV1, fromV2);

        // Written back, the residual keeps its shorthand; what run ids hash is what format 1 wrote.
        string json = NetworkSpec.Serialize(first);
        Assert.Contains("\"type\": \"residual\"", json, StringComparison.Ordinal);
        Assert.StartsWith("{\n  \"format\": \"infofield-network/1\"", NetworkSpec.Canonical(first), StringComparison.Ordinal);
        Assert.Equal(json.Replace("infofield-network/2", "infofield-network/1", StringComparison.Ordinal), NetworkSpec.Canonical(first));
    }

    [Fact]
    public void Graph_rules_hold_for_graphs_built_in_code()
    {
        var forward = new OpGraph([new GraphNode(Ops.Relu(), [1])]);
        var dangling = new OpGraph([new GraphNode(Ops.Relu(), [0]), new GraphNode(Ops.Relu(), [0])]);

        Assert.Contains("not made before it", Assert.Throws<ArchitectureException>(() => forward.Shapes(Input)).Message, StringComparison.Ordinal);
        Assert.Equal([Input, Input, Input], dangling.Shapes(Input));
        Assert.Equal([0], dangling.DeadNodes);
        Assert.Contains("a unit needs at least one op", Assert.Throws<ArchitectureException>(() => new Network("n", Input, [new Stage([new Unit("u", OpGraph.Identity)])], [])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_documented_sample_loads_and_its_gate_sees_the_whole_input()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfoField.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no repository root above the tests");
        }

        Network network = NetworkSpec.Load(Path.Combine(root, "samples", "specs", "shufflenetv2-unit.json"));
        StageField stage = InformationField.Analyze(network).Stages[0];

        Assert.Equal((3, 1, 9L), (stage.Units[0].IfW, stage.Units[0].IfC, stage.Units[0].If));
        Assert.Equal(stage.V0, stage.Units[1].Literal.If);
        Assert.Equal((5, 1, 25L), (stage.Units[1].IfW, stage.Units[1].IfC, stage.Units[1].If));
        Assert.Equal("concat", stage.Units[0].Ops[10].Type);
    }

    private static UnitField AnalyzeOne(OpGraph graph, FieldKind kind = FieldKind.Local) =>
        InformationField.Analyze(Network(graph), new FieldOptions(FieldKind: kind)).Stages[0].Units[^1];

    private static Network Network(params OpGraph[] units) =>
        new("graph", Input, [new Stage(units.Select((graph, i) => new Unit($"u{i + 1}", graph)).ToValueList())], []);

    /// <summary>The number of input channels that reach each output channel of <paramref name="graph"/>.</summary>
    private static int[] CoverageOf(OpGraph graph)
    {
        TensorField output = StageTrace.Of(Network(graph), 0).Output(0);
        return Enumerable.Range(0, output.Shape.Channels).Select(c => output.Coverage(c)).ToArray();
    }
}
