using System.Text.Json.Nodes;
using InfoField.Samples.NasBench201;

namespace InfoField.Cli.Tests;

/// <summary><c>infofield analyze --batch</c>: one JSON line per spec line, equal to <c>analyze --json</c> of that spec.</summary>
public sealed class BatchCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("infofield-batch-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Each_line_equals_analyze_json_of_the_same_spec_as_a_file()
    {
        // Spread over the space, with a cell whose output is zero and the issue's cell (a convolution read only by 'none' edges).
        Cell[] sample =
        [
            .. Enumerable.Range(0, 30).Select(i => Cell.FromIndex(((i * 521) + 3_906) % Cell.Count)),
            Cell.Parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"),
            Cell.Parse("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"),
        ];
        Assert.Contains(sample, cell => cell.OutputIsZero);
        string specs = Path.Combine(_directory, "space.jsonl");
        File.WriteAllLines(specs, sample.Select(cell => SpaceSpec.Json(cell)));

        CliRun batch = CliRun.Of("analyze", "--batch", specs, "--alpha", "2", "--theta", "0.05");

        Assert.True(batch.ExitCode == 0, batch.Error);
        string[] lines = batch.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(sample.Length, lines.Length);
        for (int i = 0; i < sample.Length; i++)
        {
            string file = Path.Combine(_directory, $"cell-{i}.json");
            File.WriteAllText(file, SpaceSpec.Json(sample[i], indented: true));
            CliRun single = CliRun.Of("analyze", file, "--json", "--outlook", "false", "--alpha", "2", "--theta", "0.05");
            Assert.True(single.ExitCode == 0, single.Error);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(single.Output), JsonNode.Parse(lines[i])), $"line {i + 1} differs from analyze --json of {sample[i]}");
            Assert.Equal(sample[i].ToString(), JsonNode.Parse(lines[i])!["model"]!.GetValue<string>());
            Assert.Null(JsonNode.Parse(lines[i])!["verdicts"]!["organizer"]);
        }
    }

    [Fact]
    public void Without_detail_each_line_equals_analyze_json_without_detail_which_is_the_full_document_less_its_op_fields()
    {
        Cell[] sample =
        [
            .. Enumerable.Range(0, 6).Select(i => Cell.FromIndex(((i * 2_609) + 11) % Cell.Count)),
            Cell.Parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"),
            Cell.Parse("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"),
        ];
        string specs = Path.Combine(_directory, "brief.jsonl");
        File.WriteAllLines(specs, sample.Select(cell => SpaceSpec.Json(cell)));

        CliRun batch = CliRun.Of("analyze", "--batch", specs, "--detail", "false");
        CliRun full = CliRun.Of("analyze", "--batch", specs);

        Assert.True(batch.ExitCode == 0, batch.Error);
        string[] lines = batch.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] fullLines = full.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(sample.Length, lines.Length);
        Assert.True(batch.Output.Length * 3 < full.Output.Length, $"{batch.Output.Length} bytes without detail, {full.Output.Length} with");
        for (int i = 0; i < sample.Length; i++)
        {
            string file = Path.Combine(_directory, $"brief-{i}.json");
            File.WriteAllText(file, SpaceSpec.Json(sample[i]));
            CliRun single = CliRun.Of("analyze", file, "--json", "--outlook", "false", "--detail", "false");
            Assert.True(single.ExitCode == 0, single.Error);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(single.Output), JsonNode.Parse(lines[i])), $"line {i + 1} differs from analyze --json --detail false of {sample[i]}");

            // The full document with every unit's ops emptied is this line: nothing else changes.
            JsonNode expected = JsonNode.Parse(fullLines[i])!;
            foreach (JsonNode? stage in expected["stages"]!.AsArray())
            {
                foreach (JsonNode? unit in stage!["units"]!.AsArray())
                {
                    Assert.NotEmpty(unit!["ops"]!.AsArray());
                    unit["ops"] = new JsonArray();
                }
            }

            Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(lines[i])), $"line {i + 1} is not the full document less its op fields");
        }
    }

    [Fact]
    public void Dead_branches_are_a_warning_line_in_text_and_a_list_in_json()
    {
        string file = Path.Combine(_directory, "dead.json");
        File.WriteAllText(file, """
            { "input": [4, 8, 8], "stages": [ { "units": [ { "name": "cell", "ops": [
                { "name": "dead", "type": "conv", "out": 4, "kernel": 3, "padding": 1 }, { "type": "bn" },
                { "type": "relu", "inputs": ["input"] } ] } ] } ] }
            """);

        CliRun text = CliRun.Of("analyze", file);
        CliRun json = CliRun.Of("analyze", file, "--json");

        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains(
            "warning: stage 1 unit 1 (cell): 2 ops on dead branches (t1 conv, t2 bn): their output does not lead to the unit's output; counted in parameters and MACs, not in the field",
            text.Output.Split('\n'));
        JsonNode unit = JsonNode.Parse(json.Output)!["stages"]![0]!["units"]![0]!;
        Assert.Equal([1, 2], unit["deadOps"]!.AsArray().Select(index => index!.GetValue<int>()));
        Assert.Equal((4 * 4 * 9) + 8, unit["params"]!.GetValue<long>());
        Assert.Equal(1, unit["if"]!.GetValue<long>());
    }

    [Fact]
    public void The_outlook_can_be_asked_for_and_then_equals_analyze_json()
    {
        string spec = SpaceSpec.Json(Cell.FromIndex(3_906));
        string specs = Path.Combine(_directory, "one.jsonl");
        string file = Path.Combine(_directory, "one.json");
        File.WriteAllText(specs, spec + "\n");
        File.WriteAllText(file, spec);

        CliRun batch = CliRun.Of("analyze", "--batch", specs, "--outlook", "true");
        CliRun single = CliRun.Of("analyze", file, "--json");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(single.Output), JsonNode.Parse(batch.Output)));
        Assert.NotNull(JsonNode.Parse(batch.Output)!["verdicts"]!["organizer"]);
    }

    [Fact]
    public void A_failing_line_gives_its_error_line_and_the_batch_goes_on_then_exits_1()
    {
        string good = SpaceSpec.Json(Cell.FromIndex(3_906));
        string specs = Path.Combine(_directory, "mixed.jsonl");
        File.WriteAllText(specs, string.Join("\n", good, "{ \"input\": [3, 8, 8], \"stages\": [ { \"units\": [ { \"ops\": [ { \"type\": \"conv\", \"out\": 4 } ] } ] } ] }", "", good) + "\n");

        CliRun batch = CliRun.Of("analyze", "--batch", specs);

        Assert.Equal(1, batch.ExitCode);
        string[] lines = batch.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal("infofield-analysis/1", JsonNode.Parse(lines[0])!["schema"]!.GetValue<string>());
        Assert.Equal(lines[0], lines[3]);
        JsonNode error = JsonNode.Parse(lines[1])!;
        Assert.Equal(2, error["line"]!.GetValue<int>());
        Assert.Equal($"{specs}:2: $.stages[0].units[0].ops[0]: missing field 'kernel' (an integer or [height, width])", error["error"]!.GetValue<string>());
        Assert.Equal(3, JsonNode.Parse(lines[2])!["line"]!.GetValue<int>());
        Assert.Equal($"infofield: error: {specs}: 2 of 4 lines failed (lines 2, 3); their output lines say why{Environment.NewLine}", batch.Error);
    }

    [Theory]
    [InlineData(new[] { "analyze", "vgg11", "--batch", "x.jsonl" }, "give a model or --batch, not both")]
    [InlineData(new[] { "analyze" }, "give a model (or --batch with a JSON Lines file of specs)")]
    [InlineData(new[] { "analyze", "--batch", "x.jsonl", "--width", "0.5" }, "--batch reads specs: --dataset and --width do not apply")]
    public void Model_and_batch_exclude_each_other(string[] args, string message)
    {
        CliRun run = CliRun.Of(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_batch_file_is_one_line()
    {
        CliRun run = CliRun.Of("analyze", "--batch", Path.Combine(_directory, "none.jsonl"));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"infofield: error: {Path.Combine(_directory, "none.jsonl")}: cannot read the JSON Lines file of specs: no such file{Environment.NewLine}", run.Error);
    }
}
