using System.Globalization;
using System.Text;
using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Samples.NasBench201;
using InfoField.Spec;

namespace InfoField.Core.Tests;

/// <summary>
/// The NAS-Bench-201 space of samples/NasBench201 against the framework's counts (tests/fixtures/nasbench201,
/// written by tools/nasbench201/reference_counts.py from PyTorch), and reading specs as JSON Lines.
/// </summary>
public class SearchSpaceTests
{
    private static readonly Lazy<Dictionary<string, (long Params, long Macs, bool Zero)>> Reference = new(() =>
        File.ReadLines(Path.Combine(Root(), "tests", "fixtures", "nasbench201", "reference.tsv"))
            .Skip(1)
            .Select(line => line.Split('\t'))
            .ToDictionary(
                fields => fields[0],
                fields => (long.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[2], CultureInfo.InvariantCulture), fields[3] == "1")));

    [Fact]
    public void The_space_has_15625_cells_in_the_reference_order_341_of_them_with_a_zero_output()
    {
        Assert.Equal(Cell.Count, Reference.Value.Count);
        Assert.Equal(Reference.Value.Keys.Order(StringComparer.Ordinal), Cell.All.Select(cell => cell.Code));
        Assert.All(Cell.All, cell => Assert.Equal(Reference.Value[cell.Code].Zero, cell.OutputIsZero));
        Assert.Equal(341, Cell.All.Count(cell => cell.OutputIsZero));
    }

    [Fact]
    public void Architecture_strings_read_back_to_their_cell()
    {
        const string Best = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
        Cell best = Cell.Parse(Best);
        Assert.Equal(Best, best.ToString());
        Assert.Equal([EdgeOp.Conv3x3, EdgeOp.Conv3x3, EdgeOp.AvgPool3x3, EdgeOp.SkipConnect, EdgeOp.Conv3x3, EdgeOp.SkipConnect], best.Ops.ToArray());
        Assert.All(Cell.All.Where(cell => cell.Index % 97 == 0), cell => Assert.Equal(cell, Cell.Parse(cell.ToString())));
        Assert.All(Cell.All.Where(cell => cell.Index % 97 == 0), cell => Assert.Equal(cell, Cell.FromIndex(cell.Index)));
        Assert.Throws<FormatException>(() => Cell.Parse("|nor_conv_3x3~0|+|none~1|none~0|+|skip_connect~0|none~1|none~2|"));
        Assert.Throws<FormatException>(() => Cell.Parse("|conv~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"));
    }

    /// <summary>Every cell, the 341 with a zero output included: 'none' edges are zero ops, dead convolutions count.</summary>
    [Fact]
    public void Parameters_and_macs_equal_the_frameworks_for_every_cell()
    {
        int checkedCells = 0;
        foreach (Cell cell in Cell.All)
        {
            Network network = NetworkSpec.Parse(SpaceSpec.Json(cell));
            Cost total = CostModel.Of(network).Total;
            var (parameters, macs, _) = Reference.Value[cell.Code];
            Assert.True(parameters == total.Parameters && macs == total.Macs, $"{cell}: {total.Parameters:N0} parameters and {total.Macs:N0} MACs; PyTorch counts {parameters:N0} and {macs:N0}");
            checkedCells++;
        }

        Assert.Equal(Cell.Count, checkedCells);
    }

    /// <summary>
    /// The field through zero ops: a cell whose output is zero whatever its input depends on nothing (IF 0, like the
    /// framework's exact zeros), and a 'none' edge adds nothing to a sum: the cell with its none edges written as zero ops
    /// has the field of the same cell with those edges left out.
    /// </summary>
    [Fact]
    public void Zero_cells_have_an_empty_field_and_none_edges_add_nothing_to_a_sum()
    {
        foreach (Cell cell in Cell.All.Where(cell => cell.Index % 7 == 0))
        {
            NetworkField field = InformationField.Analyze(NetworkSpec.Parse(SpaceSpec.Json(cell)));
            UnitField first = field.Stages[0].Units[1];
            Assert.Equal(cell.OutputIsZero, first.If == 0 && first.IfC == 0 && first.IfH == 0);
            Assert.Equal(cell.OutputIsZero, field.Stages[2].Units[^1].If == 0);
        }

        // |nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2| without its none edges.
        Network zeros = NetworkSpec.Parse(SpaceSpec.Json(Cell.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|")));
        OpGraph pruned = new([
            new GraphNode(Ops.Relu(), [0]), new GraphNode(Ops.Conv(16, 3, padding: 1), [1]), new GraphNode(Ops.BatchNorm(), [2]),
            new GraphNode(Ops.Relu(), [0]), new GraphNode(Ops.Conv(16, 3, padding: 1), [4]), new GraphNode(Ops.BatchNorm(), [5]),
            new GraphNode(Ops.Relu(), [6]), new GraphNode(Ops.Conv(16, 1), [7]), new GraphNode(Ops.BatchNorm(), [8]),
            new GraphNode(new Add(), [0, 9]),
        ]);
        Network withoutNone = zeros.WithStages([zeros.Stages[0] with { Units = [zeros.Stages[0].Units[0], new Unit("cell-16", pruned)] }, .. zeros.Stages.Skip(1)]);
        StageField a = InformationField.Analyze(zeros).Stages[0], b = InformationField.Analyze(withoutNone).Stages[0];
        Assert.Equal((b.Units[1].IfH, b.Units[1].IfW, b.Units[1].IfC, b.Units[1].If), (a.Units[1].IfH, a.Units[1].IfW, a.Units[1].IfC, a.Units[1].If));
        Assert.Equal([1, 2, 3], b.Units[1].DeadOps);
        Assert.Empty(a.Units[1].DeadOps);
        Assert.Equal(CostModel.Of(zeros.Stages[0].Units[1], new FeatureShape(16, 32, 32)), CostModel.Of(withoutNone.Stages[0].Units[1], new FeatureShape(16, 32, 32)));
    }

    [Fact]
    public void A_dead_branch_is_costed_reported_and_outside_the_field()
    {
        const string Spec = """
            { "input": [4, 8, 8], "stages": [ { "units": [ { "name": "cell", "ops": [
                { "name": "dead", "type": "conv", "out": 4, "kernel": 3, "padding": 1 }, { "type": "bn" },
                { "type": "relu", "inputs": ["input"] } ] } ] } ] }
            """;
        Network network = NetworkSpec.Parse(Spec);
        UnitField unit = InformationField.Analyze(network).Stages[0].Units[0];

        Assert.Equal([1, 2], unit.DeadOps);
        Assert.Equal((4 * 4 * 9) + 8, unit.Cost.Parameters);
        Assert.Equal(4 * 4 * 9 * 64, unit.Cost.Macs);
        Assert.Equal((1, 1, 1, 1L), (unit.IfH, unit.IfW, unit.IfC, unit.If));
        Assert.Equal(network, NetworkSpec.Parse(NetworkSpec.Serialize(network)));
    }

    [Fact]
    public void The_zero_op_reads_and_writes_its_fields()
    {
        Network network = NetworkSpec.Parse("""{ "input": [4, 9, 9], "stages": [ { "units": [ { "ops": [ { "type": "zero" } ] } ] }, { "units": [ { "ops": [ { "type": "zero", "out": 8, "stride": 2 } ] } ] } ] }""");

        Assert.Equal(new Zero(), network.Stages[0].Units[0].Graph.Nodes[0].Op);
        Assert.Equal(new Zero(8, new Pair(2, 2)), network.Stages[1].Units[0].Graph.Nodes[0].Op);
        Assert.Equal(new FeatureShape(8, 5, 5), network.Output);
        Assert.Equal(default, CostModel.Of(network).Total);
        Assert.Equal(network, NetworkSpec.Parse(NetworkSpec.Serialize(network)));
        Assert.Contains("\"stride\": 2", NetworkSpec.Serialize(network), StringComparison.Ordinal);
        Assert.Equal("zero", network.Stages[0].Units[0].Name);
    }

    [Fact]
    public void The_skeleton_alone_has_the_frameworks_73306_parameters()
    {
        // Every edge a skip connection: the cells add nothing, so this is the stem, the reductions and the head.
        Network network = NetworkSpec.Parse(SpaceSpec.Json(Cell.Of(EdgeOp.SkipConnect, EdgeOp.SkipConnect, EdgeOp.SkipConnect, EdgeOp.SkipConnect, EdgeOp.SkipConnect, EdgeOp.SkipConnect)));
        Assert.Equal(73_306, CostModel.Of(network).Total.Parameters);
        Assert.Equal(3, network.Stages.Count);
        Assert.Equal([6, 6, 6], network.Stages.Select(stage => stage.Units.Count));
    }

    [Fact]
    public void Json_lines_give_one_result_per_line_in_order_and_errors_do_not_stop_them()
    {
        string good = SpaceSpec.Json(Cell.Parse("|nor_conv_1x1~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"));
        string text = string.Join("\n", [
            good,
            "",
            "{ \"input\": [3, 8, 8], \"stages\": [ { \"units\": [ { \"ops\": [ { \"type\": \"conv3\" } ] } ] } ] }",
            "not json",
            good + "\r",
            "{ \"input\": [3, 8, 8], \"stages\": [ { \"units\": [ { \"ops\": [ { \"type\": \"relu\" } ] } ] } ] }",
        ]);
        var lines = NetworkSpec.ReadLines(new MemoryStream(Encoding.UTF8.GetBytes("\uFEFF" + text)), "space.jsonl").ToList();

        Assert.Equal([1, 2, 3, 4, 5, 6], lines.Select(line => line.Number));
        Assert.Equal(NetworkSpec.Parse(good), lines[0].Network);
        Assert.Equal(lines[0].Network, lines[4].Network);
        Assert.Equal("space.jsonl:2: an empty line; expected a spec (one JSON object per line)", lines[1].Error!.Message);
        Assert.StartsWith("space.jsonl:3: $.stages[0].units[0].ops[0].type: unknown op 'conv3'", lines[2].Error!.Message, StringComparison.Ordinal);
        Assert.StartsWith("space.jsonl:4: not valid JSON (line 1, byte ", lines[3].Error!.Message, StringComparison.Ordinal);
        Assert.Equal("space-6", lines[5].Network!.Name);
        Assert.All(lines, line => Assert.True((line.Network is null) != (line.Error is null)));
    }

    [Fact]
    public void A_line_over_the_spec_limit_is_an_error_and_the_next_line_reads()
    {
        string good = SpaceSpec.Json(Cell.FromIndex(3_906));
        string huge = "{ \"name\": \"" + new string('x', (int)Files.BoundedFile.MaxSpecBytes) + "\" }";
        var lines = NetworkSpec.ReadLines(new MemoryStream(Encoding.UTF8.GetBytes(huge + "\n" + good)), "big.jsonl").ToList();

        Assert.Equal(2, lines.Count);
        Assert.Equal("big.jsonl:1: the line is longer than the limit of 4 MiB for a spec", lines[0].Error!.Message);
        Assert.NotNull(lines[1].Network);
    }

    private static string Root()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfoField.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no repository root above the tests");
        }

        return root;
    }
}
