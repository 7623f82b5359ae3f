using System.Text.Json;

namespace InfoField.Cli.Tests;

public class AnalyzeCommandTests
{
    [Theory]
    [InlineData(1, 1.73)]
    [InlineData(2, 1.60)]
    [InlineData(3, 0.29)]
    [InlineData(4, 0.0)]
    [InlineData(5, 0.0)]
    public void The_inserted_conv_of_each_variant_has_the_gain_of_table_2(int k, double paper)
    {
        JsonElement json = CliRun.Of("analyze", $"vgg11-variant{k}", "--json").Json();

        JsonElement stage = json.GetProperty("stages")[k - 1];
        JsonElement inserted = stage.GetProperty("units")[stage.GetProperty("units").GetArrayLength() - 1];
        Assert.Equal(k, stage.GetProperty("index").GetInt32());
        Assert.InRange(inserted.GetProperty("deltaIf").GetDouble(), paper - 0.01, paper + 0.01);
    }

    [Fact]
    public void Variant_3_stage_3_has_the_fields_of_table_1()
    {
        JsonElement json = CliRun.Of("analyze", "vgg11-variant3", "--json").Json();

        JsonElement stage = json.GetProperty("stages")[2];
        var units = stage.GetProperty("units").EnumerateArray().ToList();
        Assert.Equal([128, 8, 8], stage.GetProperty("inputShape").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(8192, stage.GetProperty("v0").GetInt64());
        Assert.Equal([1152L, 3200L, 6272L], units.Select(u => u.GetProperty("if").GetInt64()));
        Assert.Equal(JsonValueKind.Null, units[0].GetProperty("deltaIf").ValueKind);
        Assert.InRange(units[1].GetProperty("deltaIf").GetDouble(), 1.16, 1.18);
        Assert.Equal([3, 5, 7], units.Select(u => u.GetProperty("ifW").GetInt32()));
        Assert.Equal([128, 128, 128], units.Select(u => u.GetProperty("ifC").GetInt32()));
    }

    [Fact]
    public void Detail_gives_the_field_of_every_op_inside_a_unit_in_text_and_json()
    {
        CliRun text = CliRun.Of("analyze", "resnet18", "--dataset", "imagenet", "--detail");
        JsonElement json = CliRun.Of("analyze", "resnet18", "--dataset", "imagenet", "--json").Json();

        JsonElement unit = json.GetProperty("stages")[1].GetProperty("units")[0];
        var ops = unit.GetProperty("ops").EnumerateArray().ToList();
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("t6 = add(t5, in)     5     5    64  1600", text.Output, StringComparison.Ordinal);
        Assert.Equal(["conv", "bn", "relu", "conv", "bn", "add", "relu"], ops.Select(op => op.GetProperty("type").GetString()));
        Assert.Equal([5, 0], ops[5].GetProperty("inputs").EnumerateArray().Select(i => i.GetInt32()));
        Assert.Equal([576L, 576L, 576L, 1600L, 1600L, 1600L, 1600L], ops.Select(op => op.GetProperty("if").GetInt64()));
        Assert.Equal(unit.GetProperty("if").GetInt64(), ops[^1].GetProperty("if").GetInt64());
        Assert.DoesNotContain("t1 = conv(in)", CliRun.Of("analyze", "resnet18", "--dataset", "imagenet").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_carries_the_documented_contract()
    {
        JsonElement json = CliRun.Of("analyze", "resnet50", "--dataset", "imagenet", "--json").Json();

        Assert.Equal("infofield-analysis/1", json.GetProperty("schema").GetString());
        Assert.Equal("resnet50", json.GetProperty("model").GetString());
        Assert.Equal("imagenet", json.GetProperty("dataset").GetString());
        Assert.Equal([3, 224, 224], json.GetProperty("input").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(25_557_032, json.GetProperty("params").GetInt64());
        Assert.True(json.GetProperty("macs").GetInt64() > 4_000_000_000);
        foreach (JsonElement stage in json.GetProperty("stages").EnumerateArray())
        {
            foreach (string field in new[] { "index", "inputShape", "v0", "units" })
            {
                Assert.True(stage.TryGetProperty(field, out _), field);
            }

            foreach (JsonElement unit in stage.GetProperty("units").EnumerateArray())
            {
                foreach (string field in new[] { "ifH", "ifW", "ifC", "if", "deltaIf", "receptiveField", "params", "macs" })
                {
                    Assert.True(unit.TryGetProperty(field, out _), field);
                }
            }
        }
    }

    [Fact]
    public void Options_change_the_analysis()
    {
        JsonElement input = CliRun.Of("analyze", "resnet50", "-d", "imagenet", "--json").Json();
        JsonElement output = CliRun.Of("analyze", "resnet50", "-d", "imagenet", "--frame", "output", "--alpha", "1", "--json").Json();
        JsonElement narrow = CliRun.Of("analyze", "vgg16", "--width", "0.25", "--input", "1x64x48", "--json").Json();

        Assert.Equal([256, 56, 56], input.GetProperty("stages")[2].GetProperty("inputShape").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal([256, 28, 28], output.GetProperty("stages")[2].GetProperty("inputShape").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(1.0, output.GetProperty("alpha").GetDouble());
        Assert.Equal([1, 64, 48], narrow.GetProperty("input").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal([16, 64, 48], narrow.GetProperty("stages")[0].GetProperty("outputShape").EnumerateArray().Select(v => v.GetInt32()));
    }

    [Fact]
    public void Text_view_is_a_table_per_stage()
    {
        CliRun run = CliRun.Of("analyze", "vgg16");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("vgg16 on CIFAR-10: input 3x32x32, 14,728,266 parameters", run.Output);
        Assert.Contains("Stage 5: measured on 512x2x2 (c0 x h0 x w0), V0 = 2048; output 512x2x2", run.Output);
        Assert.Contains("  1  conv3-256     3     3   128  1152     -", run.Output);
    }

    [Fact]
    public void Spec_files_are_analysed_and_bad_ones_are_named()
    {
        string directory = Directory.CreateTempSubdirectory("infofield-cli").FullName;
        try
        {
            string good = Path.Combine(directory, "net.json");
            File.WriteAllText(good, """{ "input": [3, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "conv", "out": 4, "kernel": 3, "padding": 1 } ] } ] } ] }""");
            string bad = Path.Combine(directory, "bad.json");
            File.WriteAllText(bad, """{ "input": [3, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "conv", "out": 4, "kernel": 3, "groups": 2 } ] } ] } ] }""");

            JsonElement json = CliRun.Of("analyze", good, "--json").Json();
            CliRun failure = CliRun.Of("analyze", bad);
            CliRun width = CliRun.Of("analyze", good, "--width", "2");

            Assert.Equal("spec", json.GetProperty("source").GetString());
            Assert.Equal(JsonValueKind.Null, json.GetProperty("dataset").ValueKind);
            Assert.Equal(1, failure.ExitCode);
            Assert.Equal($"infofield: error: {bad}: $.stages[0].units[0].ops[0].groups: 2 does not divide the 3 input channels\n", failure.Error.Replace("\r", "", StringComparison.Ordinal));
            Assert.Equal(1, width.ExitCode);
            Assert.Contains("--width: applies to zoo models", width.Error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "analyze", "vgg61" }, 1, "unknown model 'vgg61'")]
    [InlineData(new[] { "analyze", "missing.json" }, 1, "missing.json: cannot read the spec file")]
    [InlineData(new[] { "analyze", "vgg16", "--dataset", "svhn" }, 1, "unknown dataset 'svhn'")]
    [InlineData(new[] { "analyze", "vgg16", "--input", "3x32" }, 1, "--input 3x32: zoo models take images")]
    [InlineData(new[] { "analyze", "vgg16", "--input", "3xlarge" }, 1, "--input '3xlarge'")]
    [InlineData(new[] { "analyze", "vgg16", "--input", "3x8x8" }, 1, "shrinks to zero")]
    [InlineData(new[] { "analyze", "vgg16", "--alpha", "-1" }, 1, "--alpha: must be")]
    [InlineData(new[] { "analyze", "vgg16", "--frame", "sideways" }, 2, "'sideways' not recognized")]
    [InlineData(new[] { "analyze" }, 2, "give a model (or --batch with a JSON Lines file of specs)")]
    [InlineData(new[] { "frobnicate" }, 2, "frobnicate")]
    public void Bad_input_gets_a_clear_error_and_no_stack_trace(string[] args, int exitCode, string message)
    {
        CliRun run = CliRun.Of(args);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal("", run.Output);
    }
}
