using System.Text.Json;

namespace InfoField.Cli.Tests;

/// <summary>The zoo's r3d-18 (a 3-D network of Kinetics-400 clips) through models, analyze, report, export, optimize and decompose.</summary>
public class R3dCommandTests
{
    [Fact]
    public void Analyze_report_and_export_read_r3d_18_with_its_field_along_the_frames()
    {
        string directory = Directory.CreateTempSubdirectory("infofield-r3d-cli-").FullName;
        try
        {
            string report = Path.Combine(directory, "r3d.html"), exported = Path.Combine(directory, "r3d.onnx");

            JsonElement analysis = CliRun.Of("analyze", "r3d-18", "--dataset", "kinetics400", "--width", "0.25", "--json").Json();
            CliRun text = CliRun.Of("analyze", "r3d-18", "--dataset", "kinetics400", "--width", "0.25");
            CliRun html = CliRun.Of("report", "r3d-18", "--dataset", "kinetics400", "--width", "0.25", "--out", report);
            CliRun export = CliRun.Of("export", "r3d-18", "--dataset", "kinetics400", "--width", "0.25", "--out", exported);
            JsonElement reread = CliRun.Of("analyze", exported, "--json").Json();

            Assert.Equal([3, 16, 112, 112], analysis.GetProperty("input").EnumerateArray().Select(dim => dim.GetInt32()));
            JsonElement stem = analysis.GetProperty("stages")[0].GetProperty("units")[0];
            Assert.Equal((3, 7, 7), (stem.GetProperty("ifD").GetInt32(), stem.GetProperty("ifH").GetInt32(), stem.GetProperty("ifW").GetInt32()));
            Assert.Contains("IF = IF^d x IF^h x IF^w x IF^c", text.Output, StringComparison.Ordinal);
            Assert.Contains("1  conv3x7x7-16 [stem]     3     7     7     3    441", text.Output, StringComparison.Ordinal);
            Assert.Equal((0, 0), (html.ExitCode, export.ExitCode));
            Assert.Contains("r3d-18", File.ReadAllText(report), StringComparison.Ordinal);
            Assert.Equal(analysis.GetProperty("params").GetInt64(), reread.GetProperty("params").GetInt64());
            Assert.Equal(analysis.GetProperty("macs").GetInt64(), reread.GetProperty("macs").GetInt64());
            Assert.Equal(Fields(analysis), Fields(reread));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // Every unit's field (the import names units its own way).
    private static List<string> Fields(JsonElement analysis) =>
    [
        .. analysis.GetProperty("stages").EnumerateArray().SelectMany(stage => stage.GetProperty("units").EnumerateArray())
            .Select(unit => $"{unit.GetProperty("ifD")} {unit.GetProperty("ifH")} {unit.GetProperty("ifW")} {unit.GetProperty("ifC")}"),
    ];

    [Fact]
    public void Optimize_finds_no_move_on_r3d_18_and_decompose_replaces_its_3x3x3_convolutions()
    {
        JsonElement optimized = CliRun.Of("optimize", "r3d-18", "--dataset", "kinetics400", "--width", "0.25", "--json").Json();
        JsonElement decomposed = CliRun.Of("decompose", "r3d-18", "--dataset", "kinetics400", "--width", "0.25", "--block", "dw-pw", "--json").Json();

        Assert.Contains("in stage 2 does not exceed dIF_MIN = 1.4171: no move gains", optimized.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(16, decomposed.GetProperty("replaced").GetInt32());
    }

    [Fact]
    public void R3d_18_is_listed_for_kinetics400_and_refused_for_images_saying_why()
    {
        JsonElement models = CliRun.Of("models", "--dataset", "kinetics400", "--json").Json();
        CliRun images = CliRun.Of("analyze", "r3d-18");
        CliRun clips = CliRun.Of("analyze", "vgg16", "--dataset", "kinetics400");

        JsonElement r3d = Assert.Single(models.GetProperty("models").EnumerateArray().ToList());
        Assert.Equal(("r3d-18", 33_371_472L, 40_696_553_472L), (r3d.GetProperty("name").GetString(), r3d.GetProperty("params").GetInt64(), r3d.GetProperty("macs").GetInt64()));
        Assert.Equal(["kinetics400"], r3d.GetProperty("datasets").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal((1, "infofield: error: r3d-18 is a 3-D network of video clips (torchvision's video definition); build it for the kinetics400 dataset"), (images.ExitCode, images.Error.Trim()));
        Assert.Equal((1, "infofield: error: vgg16 is a network of images; kinetics400 holds video clips (build a 3-D model such as r3d-18 for it)"), (clips.ExitCode, clips.Error.Trim()));
    }
}
