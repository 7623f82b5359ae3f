using System.Globalization;
using System.Text;
using static InfoField.Reporting.Html.SvgCanvas;

namespace InfoField.Reporting.Html;

/// <summary>
/// Renders a <see cref="ReportDocument"/> as one self-contained HTML page: inline SVG and CSS, no script, nothing
/// fetched, readable when printed. Every chart comes from <see cref="Charts"/>, drawn only from the document.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body { font-family: Helvetica, Arial, sans-serif; color: #222; max-width: 1040px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
        h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 19px; border-bottom: 1px solid #ccc; padding-bottom: 4px; margin-top: 32px; }
        h3 { font-size: 15px; margin: 20px 0 6px; } .muted { color: #666; font-size: 13px; }
        table { border-collapse: collapse; font-size: 13px; margin: 8px 0; } th, td { padding: 3px 8px; border-bottom: 1px solid #e2e2e2; text-align: left; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } tr.saturated td { color: #c8323c; font-weight: bold; }
        tr.move td.action { color: #e08a2c; font-weight: bold; } tr.remove td.action { color: #8c8c8c; font-weight: bold; } tr.stop td.action { font-weight: bold; }
        figure { margin: 12px 0 20px; } figcaption { font-size: 12px; color: #555; margin-top: 4px; max-width: 900px; }
        svg.chart { max-width: 100%; height: auto; border: 1px solid #eee; }
        code { background: #f3f3f3; padding: 1px 4px; border-radius: 3px; }
        @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } figure, table, section.stage { break-inside: avoid; } svg.chart { border: none; } }
        """;

    /// <summary>The charts of <paramref name="report"/>, in page order (what <c>--format svg</c> writes).</summary>
    public static IReadOnlyList<Chart> ChartsOf(ReportDocument report)
    {
        var charts = report.Analysis.Stages.Select(stage => Charts.StageField(stage, report.Theta)).ToList();
        charts.AddRange(BranchedUnits(report.Analysis).Select(pair => Charts.UnitGraph(pair.Unit, pair.Stage, GraphId(pair.Stage, pair.Unit))));
        if (report.Optimization.Before.StageNumbers.Length > 0)
        {
            // A network of stem and tail units only has nothing the organizer may move: no chart of its run.
            charts.Add(Charts.Organizer(report.Optimization));
        }
        charts.AddRange(report.Connectivity.Select((block, i) => Charts.Connectivity(block, i + 1)));
        if (report.Results.Count > 0)
        {
            charts.Add(Charts.Results(report.Results, macs: false));
            charts.Add(Charts.Results(report.Results, macs: true));
        }

        return charts;
    }

    /// <summary>The page.</summary>
    public static string Render(ReportDocument report, string? command = null)
    {
        AnalysisDocument analysis = report.Analysis;
        var charts = ChartsOf(report).ToDictionary(chart => chart.Id);
        var html = new StringBuilder();
        string title = Escape(ReportText.Title(analysis));
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{Style}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{title}</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{ReportText.Introduction(report)}</p>");

        if (analysis.Verdicts is VerdictsDocument verdicts)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section id=\"section-verdicts\"><h2>{ReportText.VerdictsTitle}</h2><ul>");
            foreach (string sentence in verdicts.Sentences)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{Escape(sentence)}</li>");
            }

            html.Append("</ul></section>");
        }

        if (analysis.Outputs.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section id=\"section-outputs\"><h2>{Escape(OutputDocument.Title(analysis.Input))}</h2><ul>");
            foreach (OutputDocument output in analysis.Outputs)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{Escape(output.Describe(analysis.Input))}</li>");
            }

            html.Append("</ul>");
            Table(html, ReportTables.Outputs(analysis.Outputs, analysis.Input));
            html.Append("</section>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<section id=\"section-summary\"><h2>{ReportText.SummaryTitle}</h2>");
        Table(html, ReportTables.Summary(report));
        html.Append("</section>");

        html.Append(CultureInfo.InvariantCulture, $"<section id=\"section-field\"><h2>{ReportText.FieldTitle}</h2><p class=\"muted\">{ReportText.FieldIntroduction}</p>");
        foreach (StageDocument stage in analysis.Stages)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section class=\"stage\" id=\"stage-{stage.Index}\"><h3>Stage {stage.Index}</h3>");
            Figure(html, charts[$"stage-{stage.Index}-field"]);
            Table(html, ReportTables.Units(stage, analysis.Field));
            foreach (var (_, unit) in BranchedUnits(analysis).Where(pair => pair.Stage == stage))
            {
                Figure(html, charts[GraphId(stage, unit)]);
            }

            html.Append("</section>");
        }

        html.Append("</section>");

        OptimizationDocument run = report.Optimization;
        html.Append(CultureInfo.InvariantCulture, $"<section id=\"section-organizer\"><h2>{ReportText.OrganizerTitle}</h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{Escape(ReportText.OrganizerSettings(run))}</p>");
        Table(html, ReportTables.OrganizerSteps(run));
        if (charts.TryGetValue("organizer", out Chart? organizer))
        {
            Figure(html, organizer);
        }

        Table(html, ReportTables.BeforeAfter(run));
        html.Append(CultureInfo.InvariantCulture, $"<p>{ReportText.NetGain(run)} {Escape(run.StopReason)}.</p></section>");

        if (report.Connectivity.Count > 0 || report.ConnectivityNotes.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section id=\"section-connectivity\"><h2>{ReportText.ConnectivityTitle}</h2><p class=\"muted\">{ReportText.ConnectivityIntroduction}</p>");
            for (int i = 0; i < report.Connectivity.Count; i++)
            {
                Figure(html, charts[$"connectivity-{i + 1}"]);
            }

            foreach (string note in report.ConnectivityNotes)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{Escape(note)}</p>");
            }

            html.Append("</section>");
        }

        if (report.Results.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section id=\"section-results\"><h2>{ReportText.ResultsTitle}</h2><p class=\"muted\">{Escape(ReportText.ResultsIntroduction(report))}</p>");
            Figure(html, charts["results-params"]);
            Figure(html, charts["results-macs"]);
            Table(html, ReportTables.Results(report.Results));
            html.Append("</section>");
        }

        if (command is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Made with <code>{Escape(command)}</code>.</p>");
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>
    /// The branched units drawn as graphs: the first unit of each distinct structure (its ops and how they connect), at
    /// most <see cref="MaxGraphs"/>; chains are left to the tables.
    /// </summary>
    public static IEnumerable<(StageDocument Stage, UnitDocument Unit)> BranchedUnits(AnalysisDocument analysis)
    {
        var seen = new HashSet<string>();
        return analysis.Stages
            .SelectMany(stage => stage.Units.Select(unit => (Stage: stage, Unit: unit)))
            .Where(pair => pair.Unit.Ops.Any(op => op.Inputs is not [int only] || only != op.Index - 1))
            .Where(pair => seen.Add(string.Join(";", pair.Unit.Ops.Select(op => $"{op.Type}({string.Join(",", op.Inputs)})"))))
            .Take(MaxGraphs);
    }

    private const int MaxGraphs = 8;

    /// <summary>The id of the graph chart of <paramref name="unit"/> in <paramref name="stage"/>, e.g. <c>stage-2-unit-1-graph</c>.</summary>
    public static string GraphId(StageDocument stage, UnitDocument unit) => $"stage-{stage.Index}-unit-{unit.Index}-graph";

    /// <summary>A report table as HTML: a header row when it has one, then its rows; every text escaped.</summary>
    private static void Table(StringBuilder html, ReportTable table)
    {
        html.Append(table.Id is null ? "<table>" : $"<table id=\"{Escape(table.Id)}\">");
        if (table.Header.Count > 0)
        {
            Row(html, new ReportRow(table.Header));
        }

        foreach (ReportRow row in table.Rows)
        {
            Row(html, row);
        }

        html.Append("</table>");
    }

    private static void Row(StringBuilder html, ReportRow row)
    {
        html.Append(row.Class is null ? "<tr>" : $"<tr class=\"{Escape(row.Class)}\">");
        foreach (ReportCell cell in row.Cells)
        {
            string tag = cell.Heading ? "th" : "td";
            string? css = (cell.Numeric, cell.Class) switch
            {
                (true, null) => "num",
                (true, string other) => "num " + other,
                (false, var other) => other,
            };
            html.Append(CultureInfo.InvariantCulture, $"<{tag}{(css is null ? "" : $" class=\"{Escape(css)}\"")}>{Escape(cell.Text)}</{tag}>");
        }

        html.Append("</tr>");
    }

    private static void Figure(StringBuilder html, Chart chart) =>
        html.Append(CultureInfo.InvariantCulture, $"<figure>{chart.Svg}<figcaption>{Escape(chart.Caption)}</figcaption></figure>");
}
