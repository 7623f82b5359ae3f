using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Reporting.Html;

namespace InfoField.Reporting.Tests;

/// <summary>The report's tables and words, which the HTML report, the browser app and the command's text all show.</summary>
public class ReportTableTests
{
    [Fact]
    public void The_html_report_shows_every_shared_table_row_by_row()
    {
        ReportDocument report = ReportBuilder.Build(NetworkSource.Zoo("resnet18", Zoo.DatasetInfo.ImageNet), OrganizerOptions.Default, null, [], [], null);

        string page = HtmlReport.Render(report);

        var pageRows = Regex.Matches(page, "<tr[^>]*>(.*?)</tr>").Select(row => string.Join("|", Regex.Matches(row.Groups[1].Value, "<t[dh][^>]*>(.*?)</t[dh]>").Select(cell => WebUtility.HtmlDecode(cell.Groups[1].Value)))).ToHashSet();
        var tables = new List<ReportTable> { ReportTables.Summary(report), ReportTables.OrganizerSteps(report.Optimization), ReportTables.BeforeAfter(report.Optimization) };
        tables.AddRange(report.Analysis.Stages.Select(stage => ReportTables.Units(stage, report.Analysis.Field)));
        foreach (ReportTable table in tables)
        {
            foreach (ReportRow row in table.Rows.Prepend(new ReportRow(table.Header)).Where(row => row.Cells.Count > 0))
            {
                Assert.Contains(string.Join("|", row.Cells.Select(cell => cell.Text)), pageRows);
            }
        }

        Assert.Contains("<table id=\"organizer-steps\">", page, StringComparison.Ordinal);
        Assert.Contains($"<h2>{ReportText.FieldTitle}</h2><p class=\"muted\">{ReportText.FieldIntroduction}</p>", page, StringComparison.Ordinal);
        Assert.Contains($"<p>{ReportText.NetGain(report.Optimization)} ", page, StringComparison.Ordinal);
        Assert.Equal(report.Analysis.Stages.Sum(stage => stage.Units.Count(unit => unit.DeltaIf == 0)), CountOf(page, "<tr class=\"saturated\">"));
    }

    [Fact]
    public void A_units_table_marks_saturated_units_and_roles_and_an_ops_table_names_each_tensor()
    {
        ReportDocument report = ReportBuilder.Build(NetworkSource.Zoo("vgg16"), OrganizerOptions.Default, null, [], [], null);
        StageDocument last = report.Analysis.Stages[^1];

        ReportTable units = ReportTables.Units(last, report.Analysis.Field);
        ReportTable ops = ReportTables.Ops(report.Analysis.Stages[0].Units[0], report.Analysis.Field);

        Assert.Equal(["k", "unit", "IF^h x IF^w x IF^c", "IF", "dIF", "RF", "params", "MACs"], units.Header.Select(cell => cell.Text));
        Assert.Equal([true, false, true, true, true, true, true, true], units.Header.Select(cell => cell.Numeric));
        Assert.Equal("saturated", units.Rows[^1].Class);
        Assert.Equal("0.00 saturated", units.Rows[^1].Cells[4].Text);
        Assert.Equal(["t1 = conv(in)", "t2 = bn(t1)", "t3 = relu(t2)"], ops.Rows.Select(row => row.Cells[0].Text));
        Assert.Equal("64x32x32", ops.Rows[0].Cells[1].Text);
    }

    [Theory]
    [InlineData(Field.FieldKind.Local, "literal")]
    [InlineData(Field.FieldKind.Literal, "local")]
    public void A_stage_with_squeeze_and_excitation_gates_shows_the_other_field_beside_the_one_used(Field.FieldKind kind, string other)
    {
        var options = OrganizerOptions.Default with { FieldKind = kind };
        ReportDocument report = ReportBuilder.Build(NetworkSource.Zoo("efficientnet-b0", Zoo.DatasetInfo.ImageNet), options, null, [], [], null);
        StageDocument stage = report.Analysis.Stages[1];
        UnitDocument second = stage.Units[1];

        ReportTable units = ReportTables.Units(stage, report.Analysis.Field);
        ReportTable ops = ReportTables.Ops(second, report.Analysis.Field);
        string page = HtmlReport.Render(report);

        Assert.Equal(["k", "unit", "IF^h x IF^w x IF^c", "IF", "dIF", $"{other} IF", $"{other} dIF", "RF", "params", "MACs"], units.Header.Select(cell => cell.Text));
        UnitFactorsDocument used = kind == Field.FieldKind.Local ? second.Local : second.Literal, beside = kind == Field.FieldKind.Local ? second.Literal : second.Local;
        Assert.Equal(used.If, second.If);
        Assert.Equal(used.DeltaIf, second.DeltaIf);
        Assert.Equal(beside.If.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), units.Rows[1].Cells[5].Text);
        Assert.Equal((kind == Field.FieldKind.Local ? "784" : "200,704"), units.Rows[1].Cells[3].Text);
        Assert.Equal($"{other} IF", ops.Header[^1].Text);
        Assert.Contains($"{kind.ToString().ToLowerInvariant()} field", ReportTables.Summary(report).Rows[^1].Cells[1].Text, StringComparison.Ordinal);
        Assert.Contains($"{kind.ToString().ToLowerInvariant()} field, at most", ReportText.OrganizerSettings(report.Optimization), StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode($"{other} dIF"), page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_decomposition_tables_are_the_text_the_command_prints()
    {
        Architecture.Network vgg = Zoo.ModelZoo.Create("vgg11", "cifar10", 0.25);
        var settings = new BlockSettings(4, 0.5);
        Decomposition result = Decomposer.Decompose(vgg, Decomposer.Blocks["dw-rpw"], settings);
        DecompositionDocument document = DecompositionDocument.From(result, vgg.Name, "cifar10", "dw-rpw", settings, false, null);

        var text = new StringBuilder();
        FieldTable.AppendTable(text, ReportTables.DecompositionSummary(document));
        ReportTable replacements = ReportTables.Replacements(document);

        Assert.Equal(result.Replacements.Count, replacements.Rows.Count);
        Assert.Equal("(kept)", replacements.Rows[0].Cells[3].Text);
        Assert.Equal($"{Format.Count(result.Replacements[1].Before.Parameters)} -> {Format.Count(result.Replacements[1].After.Parameters)}", replacements.Rows[1].Cells[4].Text);
        string[] lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Matches(@"^  before\s+[\d,]+\s+[\d.]+[KMG]?$", lines[2]);
        Assert.EndsWith(((double)result.AfterCost.Macs / result.BeforeCost.Macs).ToString("P1", System.Globalization.CultureInfo.InvariantCulture), lines[4], StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
