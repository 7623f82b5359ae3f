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
        charts.Add(Charts.Organizer(report.Optimization));
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
        string on = analysis.Dataset is null ? "" : $" on {analysis.Dataset}";
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>InfoField report: {Escape(analysis.Model)}{Escape(on)}</title><style>{Style}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>InfoField report: {Escape(analysis.Model)}{Escape(on)}</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Information Field (Wang et al., CIKM '21): how much of a stage's input reaches one output neuron, and the gain dIF each unit adds. Static and exact: nothing here was trained{(report.Results.Count > 0 ? ", except the study results" : "")}.</p>");

        if (analysis.Verdicts is VerdictsDocument verdicts)
        {
            html.Append("<section id=\"section-verdicts\"><h2>What the numbers mean</h2><ul>");
            foreach (string sentence in verdicts.Sentences)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{Escape(sentence)}</li>");
            }

            html.Append("</ul></section>");
        }

        html.Append("<section id=\"section-summary\"><h2>Summary</h2><table>");
        Row(html, "model", analysis.Model);
        Row(html, "source", analysis.Source + (analysis.Dataset is null ? "" : $", dataset {analysis.Dataset}, width {analysis.Width.ToString(CultureInfo.InvariantCulture)}"));
        Row(html, "input", string.Join("x", analysis.Input));
        Row(html, "parameters", analysis.Params.ToString("N0", CultureInfo.InvariantCulture));
        Row(html, "MACs", $"{Format.Macs(analysis.Macs)} ({analysis.Macs.ToString("N0", CultureInfo.InvariantCulture)})");
        Row(html, "stages", $"{analysis.Stages.Count}; units per stage {string.Join(",", report.Optimization.Before.StageUnits)}");
        Row(html, "settings", $"alpha {analysis.Alpha.ToString(CultureInfo.InvariantCulture)}, {analysis.Frame} frame, theta {report.Theta.ToString(CultureInfo.InvariantCulture)}");
        html.Append("</table></section>");

        html.Append("<section id=\"section-field\"><h2>Information Field per stage</h2><p class=\"muted\">Per unit: the spatial field against the stage's input size (the cap), the guaranteed channel coverage against c0, and the gain dIF against theta. A crossed red mark is a saturated unit: dIF 0, it adds nothing to what the stage already sees.</p>");
        foreach (StageDocument stage in analysis.Stages)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section class=\"stage\" id=\"stage-{stage.Index}\"><h3>Stage {stage.Index}</h3>");
            Figure(html, charts[$"stage-{stage.Index}-field"]);
            html.Append("<table><tr><th class=\"num\">k</th><th>unit</th><th class=\"num\">IF^h x IF^w x IF^c</th><th class=\"num\">IF</th><th class=\"num\">dIF</th><th class=\"num\">RF</th><th class=\"num\">params</th><th class=\"num\">MACs</th></tr>");
            foreach (UnitDocument unit in stage.Units)
            {
                string css = unit.DeltaIf == 0 ? " class=\"saturated\"" : "";
                string gain = unit.DeltaIf is double d ? d.ToString("0.00", CultureInfo.InvariantCulture) + (d == 0 ? " saturated" : "") : "-";
                string role = unit.Role == "body" ? "" : $" [{unit.Role}]";
                html.Append(CultureInfo.InvariantCulture, $"<tr{css}><td class=\"num\">{unit.Index}</td><td>{Escape(unit.Name + role)}</td><td class=\"num\">{unit.IfH}x{unit.IfW}x{unit.IfC}</td><td class=\"num\">{unit.If:N0}</td><td class=\"num\">{gain}</td><td class=\"num\">{unit.ReceptiveField[1]}</td><td class=\"num\">{unit.Params:N0}</td><td class=\"num\">{Format.Macs(unit.Macs)}</td></tr>");
            }

            html.Append("</table>");
            foreach (var (_, unit) in BranchedUnits(analysis).Where(pair => pair.Stage == stage))
            {
                Figure(html, charts[GraphId(stage, unit)]);
            }

            html.Append("</section>");
        }

        html.Append("</section>");

        OptimizationDocument run = report.Optimization;
        html.Append("<section id=\"section-organizer\"><h2>Stage-level organizer</h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Settings: frame {run.Settings.Frame}, policy {run.Settings.Policy}, theta {run.Settings.Theta.ToString(CultureInfo.InvariantCulture)}, alpha {run.Settings.Alpha.ToString(CultureInfo.InvariantCulture)}, at most {run.Settings.MaxIterations} iterations.{(run.Settings.Preset is null ? "" : " " + Escape(run.Settings.Preset) + ".")} Stage numbers count every stage.</p>");
        html.Append("<table id=\"organizer-steps\"><tr><th class=\"num\">#</th><th>action</th><th>source</th><th class=\"num\">dIF_MIN</th><th class=\"num\">target</th><th class=\"num\">dIF'_MAX</th><th>units after</th><th>why</th></tr>");
        foreach (StepDocument step in run.Steps)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{step.Action}\"><td class=\"num\">{step.Iteration}</td><td class=\"action\">{step.Action}</td><td>{(step.Source is int s ? $"{s} ({Escape(step.SourceUnit ?? "")})" : "-")}</td><td class=\"num\">{Gain(step.SourceDeltaIf)}</td><td class=\"num\">{(step.Target?.ToString(CultureInfo.InvariantCulture) ?? "-")}</td><td class=\"num\">{Gain(step.TargetDeltaIf)}</td><td>{string.Join(",", step.StageUnits)}</td><td>{Escape(step.Reason)}</td></tr>");
        }

        html.Append("</table>");
        Figure(html, charts["organizer"]);
        html.Append("<table><tr><th></th><th>units per stage</th><th class=\"num\">parameters</th><th class=\"num\">MACs</th></tr>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td>before</td><td>{string.Join(",", run.Before.StageUnits)}</td><td class=\"num\">{run.Before.Params:N0}</td><td class=\"num\">{Format.Macs(run.Before.Macs)}</td></tr>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td>after</td><td>{string.Join(",", run.After.StageUnits)}</td><td class=\"num\">{run.After.Params:N0}</td><td class=\"num\">{Format.Macs(run.After.Macs)}</td></tr></table>");
        html.Append(CultureInfo.InvariantCulture, $"<p>Net dIF {run.NetDeltaIf.ToString("0.00", CultureInfo.InvariantCulture)} (moved units: gain at target minus gain at source; minus removed units' gain). {Escape(run.StopReason)}.</p></section>");

        if (report.Connectivity.Count > 0)
        {
            html.Append("<section id=\"section-connectivity\"><h2>Channel connectivity of factorized blocks</h2><p class=\"muted\">Which input channels (columns) reach each output channel (rows) after one and after two consecutive copies of a block, like the paper's Figures 4 and 5: grouped layers keep isolated blocks on the diagonal, RPW's overlapping windows form a band that widens with each block.</p>");
            for (int i = 0; i < report.Connectivity.Count; i++)
            {
                Figure(html, charts[$"connectivity-{i + 1}"]);
            }

            html.Append("</section>");
        }

        if (report.Results.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section id=\"section-results\"><h2>Study results</h2><p class=\"muted\">From {Escape(report.ResultsSource ?? "the results folder")}: one point per model, the mean test accuracy over its runs with one standard deviation.</p>");
            Figure(html, charts["results-params"]);
            Figure(html, charts["results-macs"]);
            html.Append("<table><tr><th>model</th><th class=\"num\">parameters</th><th class=\"num\">MACs</th><th class=\"num\">accuracy</th><th class=\"num\">std</th><th class=\"num\">runs</th></tr>");
            foreach (ResultPointDocument point in report.Results)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Escape(point.Model)}</td><td class=\"num\">{point.Params:N0}</td><td class=\"num\">{Format.Macs(point.Macs)}</td><td class=\"num\">{point.AccuracyMean:P2}</td><td class=\"num\">{point.AccuracyStd:P2}</td><td class=\"num\">{point.Runs}</td></tr>");
            }

            html.Append("</table></section>");
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

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append(CultureInfo.InvariantCulture, $"<tr><th>{Escape(name)}</th><td>{Escape(value)}</td></tr>");

    private static void Figure(StringBuilder html, Chart chart) =>
        html.Append(CultureInfo.InvariantCulture, $"<figure>{chart.Svg}<figcaption>{Escape(chart.Caption)}</figcaption></figure>");

    private static string Gain(double? value) => value is double v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}
