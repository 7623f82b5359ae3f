using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using InfoField.Architecture;
using InfoField.Organizer;
using InfoField.Reporting.Html;
using InfoField.Zoo;

namespace InfoField.Reporting.Tests;

/// <summary>
/// The depth factor IF^d of a 3-D network in the HTML report (the units' and ops' field cells, the stage charts, the
/// outputs' table and lines) wherever IF^h and IF^w are shown, and 2-D and 1-D pages as they were.
/// </summary>
public class VolumeReportTests
{
    [Fact]
    public void The_report_of_the_zoos_r3d_18_shows_the_depth_factor_beside_the_height_and_width()
    {
        ReportDocument report = ReportBuilder.Build(NetworkSource.Zoo("r3d-18", DatasetInfo.Kinetics400), OrganizerOptions.Default, null, [], [], null);
        string page = HtmlReport.Render(report);
        HashSet<string> rows = Rows(page);

        StageDocument stage = report.Analysis.Stages[1];
        UnitDocument unit = stage.Units[0];
        ReportTable units = ReportTables.Units(stage, report.Analysis.Field);
        Assert.Equal(["k", "unit", "IF^d x IF^h x IF^w x IF^c", "IF", "dIF", "RF (d x h x w)", "params", "MACs"], units.Header.Select(cell => cell.Text));
        Assert.Equal(4, stage.InputShape.Length);
        Assert.NotNull(unit.IfD);
        Assert.True(unit.IfD > 1, "a 3x3x3 block reaches several frames");
        Assert.Equal($"{unit.IfD}x{unit.IfH}x{unit.IfW}x{unit.IfC}", units.Rows[0].Cells[2].Text);
        Assert.Equal($"{unit.ReceptiveField[2]}x{unit.ReceptiveField[0]}x{unit.ReceptiveField[1]}", units.Rows[0].Cells[5].Text);
        Assert.Equal(unit.If, (long)unit.IfD!.Value * unit.IfH * unit.IfW * unit.IfC);
        foreach (StageDocument each in report.Analysis.Stages)
        {
            ReportTable table = ReportTables.Units(each, report.Analysis.Field);
            foreach (ReportRow row in table.Rows.Prepend(new ReportRow(table.Header)))
            {
                Assert.Contains(string.Join("|", row.Cells.Select(cell => cell.Text)), rows);
            }
        }

        // The stage chart draws IF^d against d0 beside IF^h = IF^w; the ops' table and graph lead with IF^d too.
        int d0 = stage.InputShape[1];
        Assert.Contains($"Stage 2 (measured on {string.Join("x", stage.InputShape)}, V0 = ", page, StringComparison.Ordinal);
        Assert.Contains("spatial field IF^d, IF^h = IF^w (cap dashed)", page, StringComparison.Ordinal);
        Assert.Contains($"{WebUtility.HtmlEncode(unit.Name)}: IF^d = {unit.IfD} of d0 = {d0}", page, StringComparison.Ordinal);
        Assert.Contains($"cap {d0}x{stage.InputShape[2]}x{stage.InputShape[3]}", page, StringComparison.Ordinal);
        ReportTable ops = ReportTables.Ops(unit, report.Analysis.Field);
        Assert.Equal("IF^d x IF^h x IF^w x IF^c", ops.Header[2].Text);
        OpDocument op = unit.Ops[0];
        Assert.Equal($"{op.IfD}x{op.IfH}x{op.IfW}x{op.IfC}", ops.Rows[0].Cells[2].Text);
        Chart graph = Charts.UnitGraph(unit, stage, "graph");
        Assert.Contains($">{op.IfD}x{op.IfH}x{op.IfW}x{op.IfC}<", graph.Svg, StringComparison.Ordinal);
        Assert.Contains("IF^d x IF^h x IF^w x IF^c", graph.Caption, StringComparison.Ordinal);
    }

    [Fact]
    public void A_3d_networks_outputs_table_and_lines_give_the_span_stride_and_receptive_field_along_the_depth_too()
    {
        LoadedNetwork volume = Segmenter(FeatureShape.Volume3d(1, 8, 8, 8), Pair.Cube);
        LoadedNetwork image = Segmenter(new FeatureShape(1, 8, 8), Pair.Square);
        NetworkAnalysis analysis = NetworkAnalysis.Of(volume);
        AnalysisDocument document = analysis.Document(volume);
        AnalysisDocument planar = NetworkAnalysis.Of(image).Document(image);

        // Every axis of the cube sees what the image's height sees.
        Assert.Equal(2, document.Outputs.Count);
        foreach (var (output, flat) in document.Outputs.Zip(planar.Outputs))
        {
            Assert.Equal((flat.IfH, flat.IfH, flat.IfHInterior, flat.StrideH, flat.ReceptiveFieldH), (output.IfH, output.IfW, output.IfHInterior, output.StrideH, output.ReceptiveFieldH));
            Assert.Equal((output.IfH, output.IfHInterior, output.StrideH, output.ReceptiveFieldH), (output.IfD!.Value, output.IfDInterior!.Value, output.StrideD!.Value, output.ReceptiveFieldD!.Value));
            Assert.Null(flat.IfD);
        }

        ReportTable table = ReportTables.Outputs(document.Outputs, document.Input);
        Assert.Equal(
            ["out|stage 2, unit 1|4x8x8x8|1x1x1|5x5x5 of 8x8x8|5x5x5|1 of 1|5x5x5|no", "aux|stage 1, unit 1|2x8x8x8|1x1x1|3x3x3 of 8x8x8|3x3x3|1 of 1|3x3x3|no"],
            table.Rows.Select(row => string.Join('|', row.Cells.Select(cell => cell.Text))));
        Assert.Equal(
            ["out|stage 2, unit 1|4x8x8|1x1|5x5 of 8x8|5x5|1 of 1|5x5|no", "aux|stage 1, unit 1|2x8x8|1x1|3x3 of 8x8|3x3|1 of 1|3x3|no"],
            ReportTables.Outputs(planar.Outputs, planar.Input).Rows.Select(row => string.Join('|', row.Cells.Select(cell => cell.Text))));
        Assert.Equal("Outputs (fields in the frame of the 1 x 8 x 8 x 8 input)", OutputDocument.Title(document.Input));
        Assert.Equal(
            "aux (stage 1, unit 1; 2 x 8 x 8 x 8, output stride 1 x 1 x 1): one neuron sees up to 3 x 3 x 3 of 8 x 8 x 8 input voxels (3 x 3 x 3 guaranteed away from the borders; receptive field 3 x 3 x 3 voxels without borders) and 1 of 1 channels; its field does not cover the input",
            document.Outputs[1].Describe(document.Input));
        Assert.Equal(
            "aux (stage 1, unit 1; 2 x 8 x 8, output stride 1 x 1): one neuron sees up to 3 x 3 of 8 x 8 input pixels (3 x 3 guaranteed away from the borders; receptive field 3 x 3 px without borders) and 1 of 1 channels; its field does not cover the input",
            planar.Outputs[1].Describe(planar.Input));

        string page = HtmlReport.Render(ReportBuilder.Build(volume, OrganizerOptions.Default, null, [], [], null));
        Assert.Contains("<h2>Outputs (fields in the frame of the 1 x 8 x 8 x 8 input)</h2>", page, StringComparison.Ordinal);
        Assert.Contains("out|stage 2, unit 1|4x8x8x8|1x1x1|5x5x5 of 8x8x8|5x5x5|1 of 1|5x5x5|no", Rows(page));
    }

    // The SHA-256 of each page as main e74a2a5 (before IF^d reached the report) rendered it: a classifier, a U-Net with
    // its outputs table and skips, a 1-D network. A deliberate change to 2-D or 1-D pages updates these.
    [Theory]
    [InlineData("resnet18", "cifar10", "B1BC55ACADD4FFAB011E7B02CD235B900A31AD7C3431692B484BA78ABF993E33")]
    [InlineData("unet", "cifar10", "66BD21C23A338DEFC56D53524D36D7CF6A7E5FC7C9A51D1F7932BD6638FA2DBA")]
    [InlineData("signal-1d", "", "6E6882AA5C339A559C78003B36851C2B87410F4FB54907C26D13AC2A2F2D6D41")]
    public void Pages_of_2d_and_1d_networks_keep_their_bytes(string model, string dataset, string expected)
    {
        CultureInfo culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            LoadedNetwork loaded = model == "signal-1d" ? Signal() : NetworkSource.Zoo(model, DatasetInfo.Find(dataset));
            string page = HtmlReport.Render(ReportBuilder.Build(loaded, OrganizerOptions.Default, null, [], [], null));

            Assert.DoesNotContain("IF^d", page, StringComparison.Ordinal);
            Assert.DoesNotContain("d0", page, StringComparison.Ordinal);
            Assert.Equal(expected, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(page))));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    // input; out: back at the input's size after a stride-2 stage; aux: a 1x1 conv on the first unit. The windows are
    // cubes in 3-D (pair) and squares in 2-D.
    private static LoadedNetwork Segmenter(FeatureShape input, Func<int, Pair> pair) => new(
        new Network(
                "segmenter",
                input,
                [
                    new Stage([new Unit("a", [new Convolution(4, pair(3), pair(1), pair(1), pair(1))])]),
                    new Stage([new Unit("b", [new Convolution(4, pair(3), pair(2), pair(1), pair(1))])]),
                ],
                [Resize.Nearest(pair(2))],
                input.HasDepth ? 3 : 2)
            .WithOutputs([new NetworkOutput("aux", 0, 0, [Ops.Conv(2, 1)])]),
        "spec",
        null,
        1.0,
        "segmenter.json");

    // A 1-D network of signals: 2 x 64 samples, two stages of 1x3 convolutions, a classifier.
    private static LoadedNetwork Signal() => new(
        new Network(
            "signal",
            new FeatureShape(2, 1, 64),
            [
                new Stage([new Unit("a", [new Convolution(8, new Pair(1, 3), new Pair(1, 1), new Pair(0, 1), new Pair(1, 1)), Ops.Relu()], UnitRole.Stem)]),
                new Stage([new Unit("b", [new Convolution(8, new Pair(1, 3), new Pair(1, 2), new Pair(0, 1), new Pair(1, 1)), Ops.Relu()]), new Unit("c", [new Convolution(8, new Pair(1, 3), new Pair(1, 1), new Pair(0, 1), new Pair(1, 1)), Ops.Relu()])]),
            ],
            [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(3)],
            spatialRank: 1),
        "spec",
        null,
        1.0,
        "signal.json");

    private static HashSet<string> Rows(string page) =>
        Regex.Matches(page, "<tr[^>]*>(.*?)</tr>").Select(row => string.Join("|", Regex.Matches(row.Groups[1].Value, "<t[dh][^>]*>(.*?)</t[dh]>").Select(cell => WebUtility.HtmlDecode(cell.Groups[1].Value)))).ToHashSet();
}
