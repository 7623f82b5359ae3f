using System.Globalization;

namespace InfoField.Reporting.Html;

/// <summary>A table of the report, as both the HTML report and the browser app show it.</summary>
/// <param name="Id">The element id, or null.</param>
/// <param name="Header">The header row (empty for a table of name-value rows).</param>
/// <param name="Rows">The rows.</param>
public sealed record ReportTable(string? Id, IReadOnlyList<ReportCell> Header, IReadOnlyList<ReportRow> Rows);

/// <summary>A row of a <see cref="ReportTable"/>.</summary>
/// <param name="Cells">The cells.</param>
/// <param name="Class">Its class (<c>saturated</c>, an organizer step's action), or null.</param>
public sealed record ReportRow(IReadOnlyList<ReportCell> Cells, string? Class = null);

/// <summary>A cell of a <see cref="ReportTable"/>.</summary>
/// <param name="Text">What it shows.</param>
/// <param name="Numeric">True for a number (right-aligned, tabular figures).</param>
/// <param name="Class">Another class, or null.</param>
/// <param name="Heading">True for a heading cell (the name of a name-value row).</param>
public sealed record ReportCell(string Text, bool Numeric = false, string? Class = null, bool Heading = false)
{
    /// <summary>A heading cell of a header row.</summary>
    public static ReportCell Head(string text, bool numeric = false) => new(text, numeric, Heading: true);

    /// <summary>A numeric cell.</summary>
    public static ReportCell Number(string text) => new(text, Numeric: true);
}

/// <summary>The tables of a report, built only from <see cref="ReportDocument"/> parts: one source for every page that shows them.</summary>
public static class ReportTables
{
    /// <summary>The summary: model, source, input, parameters, MACs, stages, settings.</summary>
    public static ReportTable Summary(ReportDocument report)
    {
        AnalysisDocument analysis = report.Analysis;
        return new ReportTable(null, [],
        [
            NameValue("model", analysis.Model),
            NameValue("source", analysis.Source + (analysis.Dataset is null ? "" : $", dataset {analysis.Dataset}, width {analysis.Width.ToString(CultureInfo.InvariantCulture)}")),
            NameValue("input", string.Join("x", analysis.Input)),
            NameValue("parameters", analysis.Params.ToString("N0", CultureInfo.InvariantCulture)),
            NameValue("MACs", $"{Format.Macs(analysis.Macs)} ({analysis.Macs.ToString("N0", CultureInfo.InvariantCulture)})"),
            NameValue("stages", $"{analysis.Stages.Count}; units per stage {string.Join(",", report.Optimization.Before.StageUnits)}"),
            NameValue("settings", $"alpha {analysis.Alpha.ToString(CultureInfo.InvariantCulture)}, {analysis.Frame} frame, theta {report.Theta.ToString(CultureInfo.InvariantCulture)}"),
        ]);
    }

    /// <summary>A stage's units: k, name and role, field, IF, dIF (saturated marked), receptive field, parameters, MACs.</summary>
    public static ReportTable Units(StageDocument stage)
    {
        var rows = stage.Units.Select(unit =>
        {
            string gain = unit.DeltaIf is double d ? d.ToString("0.00", CultureInfo.InvariantCulture) + (d == 0 ? " saturated" : "") : "-";
            string role = unit.Role == "body" ? "" : $" [{unit.Role}]";
            return new ReportRow(
            [
                ReportCell.Number(unit.Index.ToString(CultureInfo.InvariantCulture)),
                new ReportCell(unit.Name + role),
                ReportCell.Number($"{unit.IfH}x{unit.IfW}x{unit.IfC}"),
                ReportCell.Number(unit.If.ToString("N0", CultureInfo.InvariantCulture)),
                ReportCell.Number(gain),
                ReportCell.Number(unit.ReceptiveField[1].ToString(CultureInfo.InvariantCulture)),
                ReportCell.Number(unit.Params.ToString("N0", CultureInfo.InvariantCulture)),
                ReportCell.Number(Format.Macs(unit.Macs)),
            ], unit.DeltaIf == 0 ? "saturated" : null);
        }).ToList();
        return new ReportTable(null,
            [ReportCell.Head("k", true), ReportCell.Head("unit"), ReportCell.Head("IF^h x IF^w x IF^c", true), ReportCell.Head("IF", true), ReportCell.Head("dIF", true), ReportCell.Head("RF", true), ReportCell.Head("params", true), ReportCell.Head("MACs", true)],
            rows);
    }

    /// <summary>
    /// The field at every op of a unit (what <c>analyze --detail</c> prints): <c>t3 = dw(t1)</c> is tensor 3, a depthwise
    /// convolution of tensor 1; <c>in</c> is the unit's input.
    /// </summary>
    public static ReportTable Ops(UnitDocument unit)
    {
        var rows = unit.Ops.Select(op => new ReportRow(
        [
            new ReportCell($"t{op.Index} = {op.Type}({string.Join(", ", op.Inputs.Select(input => input == 0 ? "in" : $"t{input}"))})"),
            ReportCell.Number(string.Join("x", op.OutputShape)),
            ReportCell.Number($"{op.IfH}x{op.IfW}x{op.IfC}"),
            ReportCell.Number(op.If.ToString("N0", CultureInfo.InvariantCulture)),
        ])).ToList();
        return new ReportTable(null, [ReportCell.Head("op"), ReportCell.Head("output", true), ReportCell.Head("IF^h x IF^w x IF^c", true), ReportCell.Head("IF", true)], rows);
    }

    /// <summary>The organizer's steps: action, source and its dIF_MIN, target and its dIF'_MAX, units after, why.</summary>
    public static ReportTable OrganizerSteps(OptimizationDocument run)
    {
        var rows = run.Steps.Select(step => new ReportRow(
        [
            ReportCell.Number(step.Iteration.ToString(CultureInfo.InvariantCulture)),
            new ReportCell(step.Action, Class: "action"),
            new ReportCell(step.Source is int s ? $"{s} ({step.SourceUnit ?? ""})" : "-"),
            ReportCell.Number(Gain(step.SourceDeltaIf)),
            ReportCell.Number(step.Target?.ToString(CultureInfo.InvariantCulture) ?? "-"),
            ReportCell.Number(Gain(step.TargetDeltaIf)),
            new ReportCell(string.Join(",", step.StageUnits)),
            new ReportCell(step.Reason),
        ], step.Action)).ToList();
        return new ReportTable("organizer-steps",
            [ReportCell.Head("#", true), ReportCell.Head("action"), ReportCell.Head("source"), ReportCell.Head("dIF_MIN", true), ReportCell.Head("target", true), ReportCell.Head("dIF'_MAX", true), ReportCell.Head("units after"), ReportCell.Head("why")],
            rows);
    }

    /// <summary>Units per stage, parameters and MACs before and after the organizer.</summary>
    public static ReportTable BeforeAfter(OptimizationDocument run) => new(null,
        [ReportCell.Head(""), ReportCell.Head("units per stage"), ReportCell.Head("parameters", true), ReportCell.Head("MACs", true)],
        [Summary("before", run.Before), Summary("after", run.After)]);

    /// <summary>Study results: parameters, MACs, accuracy and its spread, runs.</summary>
    public static ReportTable Results(IReadOnlyList<ResultPointDocument> points) => new(null,
        [ReportCell.Head("model"), ReportCell.Head("parameters", true), ReportCell.Head("MACs", true), ReportCell.Head("accuracy", true), ReportCell.Head("std", true), ReportCell.Head("runs", true)],
        points.Select(point => new ReportRow(
        [
            new ReportCell(point.Model),
            ReportCell.Number(point.Params.ToString("N0", CultureInfo.InvariantCulture)),
            ReportCell.Number(Format.Macs(point.Macs)),
            ReportCell.Number(point.AccuracyMean.ToString("P2", CultureInfo.InvariantCulture)),
            ReportCell.Number(point.AccuracyStd.ToString("P2", CultureInfo.InvariantCulture)),
            ReportCell.Number(point.Runs.ToString(CultureInfo.InvariantCulture)),
        ])).ToList());

    private static ReportRow Summary(string label, ArchitectureSummary summary) => new(
    [
        new ReportCell(label),
        new ReportCell(string.Join(",", summary.StageUnits)),
        ReportCell.Number(summary.Params.ToString("N0", CultureInfo.InvariantCulture)),
        ReportCell.Number(Format.Macs(summary.Macs)),
    ]);

    private static ReportRow NameValue(string name, string value) => new([new ReportCell(name, Heading: true), new ReportCell(value)]);

    private static string Gain(double? value) => value is double v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}

/// <summary>The report's words: section titles and what each section shows, for every page that shows them.</summary>
public static class ReportText
{
    /// <summary>The report's title, e.g. <c>InfoField report: resnet50 on imagenet</c>.</summary>
    public static string Title(AnalysisDocument analysis) => $"InfoField report: {analysis.Model}{(analysis.Dataset is null ? "" : $" on {analysis.Dataset}")}";

    /// <summary>What the report is, under its title.</summary>
    public static string Introduction(ReportDocument report) =>
        $"Information Field (Wang et al., CIKM '21): how much of a stage's input reaches one output neuron, and the gain dIF each unit adds. Static and exact: nothing here was trained{(report.Results.Count > 0 ? ", except the study results" : "")}.";

    /// <summary>The verdicts' section title.</summary>
    public const string VerdictsTitle = "What the numbers mean";

    /// <summary>The summary's section title.</summary>
    public const string SummaryTitle = "Summary";

    /// <summary>The field section's title.</summary>
    public const string FieldTitle = "Information Field per stage";

    /// <summary>What the field section shows.</summary>
    public const string FieldIntroduction = "Per unit: the spatial field against the stage's input size (the cap), the guaranteed channel coverage against c0, and the gain dIF against theta. A crossed red mark is a saturated unit: dIF 0, it adds nothing to what the stage already sees.";

    /// <summary>The organizer section's title.</summary>
    public const string OrganizerTitle = "Stage-level organizer";

    /// <summary>The organizer's settings, in words.</summary>
    public static string OrganizerSettings(OptimizationDocument run) =>
        $"Settings: frame {run.Settings.Frame}, policy {run.Settings.Policy}, theta {run.Settings.Theta.ToString(CultureInfo.InvariantCulture)}, alpha {run.Settings.Alpha.ToString(CultureInfo.InvariantCulture)}, at most {run.Settings.MaxIterations} iterations.{(run.Settings.Preset is null ? "" : " " + run.Settings.Preset + ".")} Stage numbers count every stage.";

    /// <summary>The organizer's net gain and why it stopped.</summary>
    public static string OrganizerOutcome(OptimizationDocument run) =>
        $"Net dIF {run.NetDeltaIf.ToString("0.00", CultureInfo.InvariantCulture)} (moved units: gain at target minus gain at source; minus removed units' gain). {run.StopReason}.";

    /// <summary>The connectivity section's title.</summary>
    public const string ConnectivityTitle = "Channel connectivity of factorized blocks";

    /// <summary>What the connectivity section shows.</summary>
    public const string ConnectivityIntroduction = "Which input channels (columns) reach each output channel (rows) after one and after two consecutive copies of a block, like the paper's Figures 4 and 5: grouped layers keep isolated blocks on the diagonal, RPW's overlapping windows form a band that widens with each block.";
}
