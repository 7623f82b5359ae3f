using System.Text.Json;

namespace InfoField.Cli.Tests;

public class KernelCommandTests
{
    [Fact]
    public void Rule_reports_both_conditions_with_the_values_compared()
    {
        JsonElement json = CliRun.Of("rule", "F", "--channels", "64", "--groups", "2", "--overlap", "0.5", "--against", "2", "--json").Json();
        CliRun text = CliRun.Of("rule", "B", "-c", "32");

        JsonElement verdict = Assert.Single(json.EnumerateArray());
        Assert.True(verdict.GetProperty("satisfied").GetBoolean());
        Assert.Equal(1600, verdict.GetProperty("standardIf").GetInt64());
        Assert.Equal(4, verdict.GetProperty("removals").GetArrayLength());
        Assert.Contains("satisfied: B may replace one standard 3x3 convolution", text.Output);
        Assert.Contains("not satisfied: compactness fails", text.Output);
    }

    [Fact]
    public void Rule_table_and_spec_blocks()
    {
        string directory = Directory.CreateTempSubdirectory("infofield-rule").FullName;
        try
        {
            string path = Path.Combine(directory, "block.json");
            File.WriteAllText(path, """{ "input": [16, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "dw", "kernel": 3, "padding": 1 }, { "type": "pw", "out": 16 } ] } ] } ] }""");

            CliRun table = CliRun.Of("rule", "--table");
            JsonElement spec = CliRun.Of("rule", path, "--against", "1", "--json").Json();

            Assert.Contains("block  ", table.Output);
            Assert.Contains("no (compact)", table.Output);
            Assert.True(spec[0].GetProperty("satisfied").GetBoolean());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "rule", "G", "-c", "8" }, "unknown block 'G'")]
    [InlineData(new[] { "rule", "F", "-c", "10", "-g", "4" }, "--groups 4 must divide --channels 10")]
    [InlineData(new[] { "rule", "F", "-c", "8", "-o", "1.5" }, "--overlap 1.5 is outside [0, 1)")]
    [InlineData(new[] { "rule", "B" }, "--channels is required")]
    [InlineData(new[] { "rule", "B", "-c", "8", "--against", "3" }, "--against must be 1 or 2")]
    [InlineData(new[] { "decompose", "vgg16" }, "give --block")]
    [InlineData(new[] { "decompose", "vgg16", "--rule", "--block", "dw-pw" }, "leave out --block")]
    [InlineData(new[] { "decompose", "vgg16", "--block", "dw-rpw", "--overlap", "1" }, "--overlap 1: must be in [0, 1)")]
    [InlineData(new[] { "decompose", "vgg16", "--block", "dw-gpw", "--groups", "0" }, "--groups 0: must be at least 1")]
    public void Bad_kernel_options_are_named(string[] args, string message)
    {
        CliRun run = CliRun.Of(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public void Decompose_reports_parameters_macs_replacements_and_the_architecture()
    {
        JsonElement pw = CliRun.Of("decompose", "vgg16", "--optimized", "--block", "dw-pw", "--json").Json();
        JsonElement rpw = CliRun.Of("decompose", "vgg16", "--optimized", "--block", "dw-rpw", "--groups", "4", "--overlap", "0.33", "--json").Json();
        JsonElement gpw = CliRun.Of("decompose", "vgg16", "--optimized", "--block", "dw-gpw", "--groups", "4", "--json").Json();
        JsonElement rule = CliRun.Of("decompose", "vgg16", "--optimized", "--rule", "--json").Json();

        Assert.Equal(12, pw.GetProperty("replaced").GetInt32());
        Assert.Equal(5_101_194, pw.GetProperty("before").GetProperty("params").GetInt64());
        Assert.Equal(gpw.GetProperty("params").GetInt64(), rpw.GetProperty("params").GetInt64());
        Assert.Equal(gpw.GetProperty("macs").GetInt64(), rpw.GetProperty("macs").GetInt64());
        Assert.True(pw.GetProperty("params").GetInt64() > rpw.GetProperty("params").GetInt64());
        Assert.Equal("infofield-network/2", rpw.GetProperty("architecture").GetProperty("format").GetString());
        Assert.Equal("rule", rule.GetProperty("block").GetString());
        Assert.Equal(12, rule.GetProperty("replaced").GetInt32());
    }
}
