using System.Text.Json;

namespace InfoField.Cli.Tests;

/// <summary>The zoo's U-Net (skips across stages) through analyze, report, export, optimize and decompose.</summary>
public class UNetCommandTests
{
    [Fact]
    public void Analyze_report_and_export_read_the_unet_and_its_skips()
    {
        string directory = Directory.CreateTempSubdirectory("infofield-unet-cli-").FullName;
        try
        {
            string report = Path.Combine(directory, "unet.html"), exported = Path.Combine(directory, "unet.onnx"), spec = Path.Combine(directory, "unet.json");

            JsonElement analysis = CliRun.Of("analyze", "unet", "--width", "0.25", "--json").Json();
            CliRun text = CliRun.Of("analyze", "unet", "--width", "0.25");
            CliRun html = CliRun.Of("report", "unet", "--width", "0.25", "--out", report);
            CliRun export = CliRun.Of("export", "unet", "--width", "0.25", "--out", exported);
            JsonElement reread = CliRun.Of("analyze", exported, "--json").Json();

            JsonElement decoder = analysis.GetProperty("stages")[5].GetProperty("units")[0];
            JsonElement skip = Assert.Single(decoder.GetProperty("skips").EnumerateArray().ToList());
            Assert.Equal((4, 1), (skip.GetProperty("stage").GetInt32(), skip.GetProperty("unit").GetInt32()));
            JsonElement output = analysis.GetProperty("outputs")[0];
            Assert.Equal(("out", 9, 1, true), (output.GetProperty("name").GetString(), output.GetProperty("stage").GetInt32(), output.GetProperty("unit").GetInt32(), output.GetProperty("covers").GetBoolean()));
            Assert.Contains("skips: stage 6 unit 1 (up-128) reads skip0 = stage 4 unit 1", text.Output, StringComparison.Ordinal);
            Assert.Equal((0, 0), (html.ExitCode, export.ExitCode));
            Assert.Contains("t2 = concat(skip0, t1)", File.ReadAllText(report), StringComparison.Ordinal);
            Assert.Equal(analysis.GetProperty("params").GetInt64(), reread.GetProperty("params").GetInt64());
            Assert.Equal(analysis.GetProperty("macs").GetInt64(), reread.GetProperty("macs").GetInt64());
            // The same field of the output (the import groups the decoder's ops into units its own way).
            Assert.Equal(Field(output), Field(reread.GetProperty("outputs")[0]));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Field(JsonElement output) =>
        string.Join(",", output.EnumerateObject().Where(property => property.Name != "unit").Select(property => $"{property.Name}={property.Value.GetRawText()}"));

    [Fact]
    public void Optimize_refuses_the_unet_saying_why_and_decompose_replaces_its_kernels()
    {
        JsonElement optimized = CliRun.Of("optimize", "unet", "--width", "0.25", "--json").Json();
        JsonElement decomposed = CliRun.Of("decompose", "unet", "--width", "0.25", "--block", "dw-pw", "--json").Json();

        Assert.Contains("(a skip across stages", optimized.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(17, decomposed.GetProperty("replaced").GetInt32());
    }
}
