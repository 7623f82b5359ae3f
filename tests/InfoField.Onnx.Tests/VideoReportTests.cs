using System.Net;
using System.Text.RegularExpressions;
using InfoField.Organizer;
using InfoField.Reporting;
using InfoField.Reporting.Html;
using static InfoField.Onnx.Tests.OnnxModels;

namespace InfoField.Onnx.Tests;

/// <summary>The HTML report of imported video networks shows the depth factor IF^d beside IF^h and IF^w.</summary>
public class VideoReportTests
{
    [Theory]
    [InlineData("r3d_18_opset11", 3)] // the stem's 3x7x7 convolution
    [InlineData("r2plus1d_18_opset13", 1)] // the (2+1)-D stem's first unit is its 1x7x7 convolution
    public void The_report_of_an_imported_video_network_shows_the_depth_factor(string fixture, int stemFrames)
    {
        LoadedNetwork loaded = OnnxImport.LoadNetwork(Fixture(fixture));
        ReportDocument report = ReportBuilder.Build(loaded, OrganizerOptions.Default, null, [], [], null);

        string page = HtmlReport.Render(report);

        var rows = Regex.Matches(page, "<tr[^>]*>(.*?)</tr>").Select(row => string.Join("|", Regex.Matches(row.Groups[1].Value, "<t[dh][^>]*>(.*?)</t[dh]>").Select(cell => WebUtility.HtmlDecode(cell.Groups[1].Value)))).ToHashSet();
        Assert.Equal([1, 3, 8, 56, 56], [1, .. report.Analysis.Input]);
        foreach (StageDocument stage in report.Analysis.Stages)
        {
            ReportTable units = ReportTables.Units(stage, report.Analysis.Field);
            Assert.Equal("IF^d x IF^h x IF^w x IF^c", units.Header[2].Text);
            Assert.Contains(string.Join("|", units.Header.Select(cell => cell.Text)), rows);
            foreach (var (unit, row) in stage.Units.Zip(units.Rows))
            {
                Assert.StartsWith($"{unit.IfD}x{unit.IfH}x{unit.IfW}x{unit.IfC}", row.Cells[2].Text, StringComparison.Ordinal);
                Assert.Contains(string.Join("|", row.Cells.Select(cell => cell.Text)), rows);
            }

            Assert.Contains($"{WebUtility.HtmlEncode(stage.Units[^1].Name)}: IF^d = {stage.Units[^1].IfD} of d0 = {stage.InputShape[1]}", page, StringComparison.Ordinal);
        }

        // The first unit's field spans stemFrames of the clip's 8 frames; the last stage's units see all the frames of their
        // stage's input.
        Assert.Equal(stemFrames, report.Analysis.Stages[0].Units[0].IfD);
        Assert.Equal(report.Analysis.Stages[^1].InputShape[1], report.Analysis.Stages[^1].Units[^1].IfD);
    }
}
