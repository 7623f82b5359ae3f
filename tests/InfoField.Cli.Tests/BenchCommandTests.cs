using System.Text.Json;

namespace InfoField.Cli.Tests;

public class BenchCommandTests
{
    [Fact]
    public void Quick_rpw_bench_reports_every_implementation_in_the_json_contract()
    {
        string path = Path.Combine(Path.GetTempPath(), $"infofield-bench-{Guid.NewGuid():N}.json");
        try
        {
            JsonElement json = CliRun.Of("bench", "rpw", "--quick", "--json", "--out", path).Json();

            Assert.Equal("infofield-bench-rpw/1", json.GetProperty("schema").GetString());
            Assert.Equal(1, json.GetProperty("threads").GetInt32());
            JsonElement only = Assert.Single(json.GetProperty("cases").EnumerateArray());
            Assert.Equal(16, only.GetProperty("channels").GetInt32());
            Assert.Equal(8, only.GetProperty("size").GetInt32());
            Assert.Equal(4, only.GetProperty("batch").GetInt32());
            Assert.Equal(2, only.GetProperty("groups").GetInt32());
            Assert.Equal(0.5, only.GetProperty("overlap").GetDouble());
            JsonElement ms = only.GetProperty("ms");
            foreach (string name in new[] { "pw", "gpw", "rpw", "rpwListing", "rpwReference", "rpwGather" })
            {
                Assert.True(ms.GetProperty(name).GetDouble() > 0, name);
            }

            Assert.Equal("cpu", json.GetProperty("device").GetString());
            Assert.Equal(ms.GetProperty("rpwGather").GetDouble() / ms.GetProperty("rpw").GetDouble(), only.GetProperty("gatherOverRpw").GetDouble(), 9);

            Assert.Equal(ms.GetProperty("rpw").GetDouble() / ms.GetProperty("gpw").GetDouble(), only.GetProperty("rpwOverGpw").GetDouble(), 9);
            using JsonDocument written = JsonDocument.Parse(File.ReadAllText(path));
            Assert.Equal("infofield-bench-rpw/1", written.RootElement.GetProperty("schema").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_text_view_is_a_table_with_the_target_ratios()
    {
        CliRun run = CliRun.Of("bench", "rpw", "--quick", "--repeats", "1", "--warmup", "0");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("rpw/gpw", run.Output);
        Assert.Contains("listing/rpw", run.Output);
        Assert.Contains("gather/rpw", run.Output);
        Assert.Contains("Targets: rpw/gpw <= 1.15 with 256- and 512-bit lanes, 1.30 with 128-bit lanes, and listing/rpw >= 3.00", run.Output);
    }

    [Theory]
    [InlineData("--batch", "0")]
    [InlineData("--repeats", "0")]
    [InlineData("--threads", "0")]
    public void Bad_options_are_named_in_one_line(string option, string value)
    {
        CliRun run = CliRun.Of("bench", "rpw", "--quick", option, value);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"infofield: error: {option}: {value} is not valid", run.Error);
    }

    [Fact]
    public void One_case_is_timed_and_the_lane_width_is_reported()
    {
        JsonElement json = CliRun.Of("bench", "rpw", "--case", "16,4x4,2,0.33", "--batch", "2", "--repeats", "1", "--warmup", "0", "--json").Json();

        int bits = json.GetProperty("laneBits").GetInt32();
        Assert.Contains(bits, new[] { 128, 256, 512 });
        JsonElement only = Assert.Single(json.GetProperty("cases").EnumerateArray());
        Assert.Equal(16, only.GetProperty("channels").GetInt32());
        Assert.Equal(4, only.GetProperty("size").GetInt32());
        Assert.Equal(2, only.GetProperty("batch").GetInt32());
        Assert.Equal(2, only.GetProperty("groups").GetInt32());
        Assert.Equal(0.33, only.GetProperty("overlap").GetDouble());
        int caseBits = only.GetProperty("laneBits").GetInt32();
        Assert.InRange(caseBits, 128, bits);
        Assert.Equal(caseBits >= 256 ? 1.15 : 1.3, only.GetProperty("gpwTarget").GetDouble());
    }

    [Fact]
    public void The_text_view_names_the_lane_width()
    {
        CliRun run = CliRun.Of("bench", "rpw", "--case", "8,2x2,2,0.5", "--batch", "1", "--repeats", "1", "--warmup", "0");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches("(128|256|512)-bit SIMD lanes", run.Output);
    }

    [Theory]
    [InlineData("64,32x16,2,0.5")]
    [InlineData("64,32x32,2")]
    [InlineData("sixty-four,32x32,2,0.5")]
    [InlineData("64,32,2,0.5")]
    public void A_bad_case_is_named_in_one_line(string value)
    {
        CliRun run = CliRun.Of("bench", "rpw", "--case", value);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"infofield: error: --case: '{value}' is not valid; expected", run.Error);
    }
}
