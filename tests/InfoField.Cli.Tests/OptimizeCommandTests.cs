using System.Text.Json;
using InfoField.Spec;

namespace InfoField.Cli.Tests;

public class OptimizeCommandTests
{
    [Theory]
    [InlineData("vgg16", "cifar10", new[] { 5, 4, 2, 1, 1 }, 5_101_194)]
    [InlineData("mobilenet", "imagenet", new[] { 2, 3, 3, 3, 2 }, 3_517_416)]
    public void Json_has_before_after_net_gain_and_steps(string model, string dataset, int[] after, long parameters)
    {
        JsonElement json = CliRun.Of("optimize", model, "--dataset", dataset, "--json").Json();

        Assert.Equal("infofield-optimization/1", json.GetProperty("schema").GetString());
        Assert.Equal(after, json.GetProperty("after").GetProperty("stageUnits").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(parameters, json.GetProperty("after").GetProperty("params").GetInt64());
        Assert.True(json.GetProperty("before").GetProperty("macs").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Number, json.GetProperty("netDeltaIf").ValueKind);
        var steps = json.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal("stop", steps[^1].GetProperty("action").GetString());
        foreach (JsonElement step in steps)
        {
            foreach (string field in new[] { "source", "sourceDeltaIf", "target", "targetDeltaIf", "action", "reason", "stageUnits" })
            {
                Assert.True(step.TryGetProperty(field, out _), field);
            }
        }
    }

    [Theory]
    [InlineData("shufflenetv2", 2_278_604, false)]
    [InlineData("efficientnet-b0", 5_288_548, false)]
    [InlineData("densenet121", 7_978_856, true)]
    [InlineData("googlenet", 6_624_904, true)]
    [InlineData("mobilenetv3-large", 5_483_032, false)]
    [InlineData("convnext-tiny", 28_589_128, true)] // the 2x2 stride-2 downsampling convolutions
    public void Branched_families_are_analysed_optimized_and_decomposed_on_imagenet(string model, long parameters, bool hasStandardConvs)
    {
        JsonElement analysis = CliRun.Of("analyze", model, "--dataset", "imagenet", "--json").Json();
        JsonElement optimized = CliRun.Of("optimize", model, "--dataset", "imagenet", "--json").Json();
        JsonElement decomposed = CliRun.Of("decompose", model, "--dataset", "imagenet", "--optimized", "--block", "dw-rpw", "--json").Json();

        Assert.Equal(parameters, analysis.GetProperty("params").GetInt64());
        Assert.Equal(parameters, optimized.GetProperty("before").GetProperty("params").GetInt64());
        Assert.Equal(optimized.GetProperty("after").GetProperty("params").GetInt64(), decomposed.GetProperty("before").GetProperty("params").GetInt64());
        Assert.Equal(hasStandardConvs, decomposed.GetProperty("replaced").GetInt32() > 0);
        var steps = optimized.GetProperty("steps").EnumerateArray().ToList();
        Assert.True(steps.Count > 1, "the organizer changed nothing");
        Assert.All(
            steps.Where(step => step.GetProperty("action").GetString() == "move"),
            step => Assert.Contains("(the copy re-created by the", step.GetProperty("reason").GetString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("vgg19", "cifar10", new[] { 6, 4, 3, 2, 1 }, "saturated")]
    [InlineData("mobilenet", "cifar10", new[] { 4, 4, 2, 2, 1 }, "saturated")]
    [InlineData("vgg19", "imagenet", new[] { 3, 2, 4, 4, 3 }, "saturated")]
    [InlineData("vgg16", "cifar10", new[] { 5, 4, 2, 1, 1 }, "literal")]
    public void The_paper_preset_names_its_settings(string model, string dataset, int[] after, string policy)
    {
        JsonElement json = CliRun.Of("optimize", model, "-d", dataset, "--preset", "paper", "--json").Json();

        JsonElement settings = json.GetProperty("settings");
        Assert.Equal(after, json.GetProperty("after").GetProperty("stageUnits").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(policy, settings.GetProperty("policy").GetString());
        Assert.Contains("paper preset", settings.GetProperty("preset").GetString());
    }

    [Fact]
    public void Text_view_shows_steps_and_summary_and_writes_the_spec()
    {
        string directory = Directory.CreateTempSubdirectory("infofield-optimize").FullName;
        try
        {
            string path = Path.Combine(directory, "vgg16-opt.json");

            CliRun run = CliRun.Of("optimize", "vgg16", "--out", path);

            Assert.Equal(0, run.ExitCode);
            Assert.Contains("  after   5,4,2,1,1         5,101,194", run.Output);
            Assert.Contains("move    5 (conv3-512)", run.Output);
            Assert.Contains($"wrote {path}", run.Output);
            Assert.Equal("vgg16-opt", NetworkSpec.Load(path).Name);
            JsonElement reloaded = CliRun.Of("optimize", path, "--json").Json();
            Assert.Equal("stop", reloaded.GetProperty("steps")[0].GetProperty("action").GetString());
            Assert.Single(reloaded.GetProperty("steps").EnumerateArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "optimize", "vgg16", "--preset", "paper", "--theta", "0.1" }, 1, "leave out --theta")]
    [InlineData(new[] { "optimize", "vgg16", "--policy", "greedy" }, 2, "'greedy' not recognized")]
    [InlineData(new[] { "optimize", "vgg16", "--theta", "NaN" }, 2, "--theta: expected a number")]
    [InlineData(new[] { "optimize", "vgg16", "--out", "/nonexistent-dir/x.json" }, 1, "/nonexistent-dir/x.json: cannot write")]
    public void Bad_options_are_named(string[] args, int exitCode, string message)
    {
        CliRun run = CliRun.Of(args);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public void A_network_it_cannot_reorganize_says_why()
    {
        string directory = Directory.CreateTempSubdirectory("infofield-optimize").FullName;
        try
        {
            string path = Path.Combine(directory, "one.json");
            File.WriteAllText(path, """{ "input": [3, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "conv", "out": 4, "kernel": 3, "padding": 1 } ] } ] } ] }""");

            CliRun run = CliRun.Of("optimize", path);

            Assert.Equal(0, run.ExitCode);
            Assert.Contains("the network has a single stage; the organizer moves units between stages", run.Output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Reproduce_marks_every_paper_row()
    {
        JsonElement json = CliRun.Of("reproduce", "--json").Json();
        CliRun text = CliRun.Of("reproduce");

        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(12, rows.Count);
        Assert.All(rows, row => Assert.True(row.GetProperty("unitsMatch").GetBoolean(), row.GetProperty("model").GetString()));
        Assert.Equal(10, rows.Count(row => row.GetProperty("paramsMatch").GetBoolean()));
        Assert.Contains("frame output, policy saturated, theta 0, alpha 3, field local: mobilenet/cifar10, mobilenet/cifar100", text.Output);
        Assert.Contains("* resnet50/cifar100", text.Output);
    }
}
