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

/// <summary>
/// The tables of a report, built only from the documents (<see cref="ReportDocument"/> parts, <see cref="DecompositionDocument"/>):
/// the HTML report, the browser app and the command's text show these, so they cannot disagree.
/// </summary>
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
            NameValue("settings", $"alpha {analysis.Alpha.ToString(CultureInfo.InvariantCulture)}, {analysis.Frame} frame, {analysis.Field} field, theta {report.Theta.ToString(CultureInfo.InvariantCulture)}"),
        ]);
    }

    /// <summary>
    /// A stage's units: k, name and role, field, IF, dIF (saturated marked), receptive field, parameters, MACs (in a 3-D
    /// network the field leads with IF^d and the receptive field is d x h x w). The field,
    /// IF and dIF are of <paramref name="field"/> (the analysis's <see cref="AnalysisDocument.Field"/>); in a stage where
    /// global pooling makes the local and literal fields differ, the other field's IF and dIF follow them.
    /// </summary>
    public static ReportTable Units(StageDocument stage, string field)
    {
        ArgumentNullException.ThrowIfNull(stage);
        bool local = field == "local";
        string other = local ? "literal" : "local";
        bool global = stage.Units.Any(unit => unit.Local != unit.Literal);
        bool volume = stage.InputShape.Length == 4;
        var rows = stage.Units.Select(unit =>
        {
            string gain = unit.DeltaIf is double d ? d.ToString("0.00", CultureInfo.InvariantCulture) + (d == 0 ? " saturated" : "") : "-";
            string role = unit.Role == "body" ? "" : $" [{unit.Role}]";
            UnitFactorsDocument beside = local ? unit.Literal : unit.Local;
            var cells = new List<ReportCell>
            {
                ReportCell.Number(unit.Index.ToString(CultureInfo.InvariantCulture)),
                new ReportCell(unit.Name + role),
                ReportCell.Number(volume
                    ? $"{unit.IfD}x{unit.IfH}x{unit.IfW}x{unit.IfC}" + Interior(unit.IfDInterior, unit.IfHInterior, unit.IfWInterior, unit.IfDMin, unit.IfHMin, unit.IfWMin)
                    : $"{unit.IfH}x{unit.IfW}x{unit.IfC}" + Interior(unit.IfHInterior, unit.IfWInterior, unit.IfHMin, unit.IfWMin)),
                ReportCell.Number(unit.If.ToString("N0", CultureInfo.InvariantCulture)),
                ReportCell.Number(gain),
            };
            if (global)
            {
                cells.Add(ReportCell.Number(beside.If.ToString("N0", CultureInfo.InvariantCulture)));
                cells.Add(ReportCell.Number(beside.DeltaIf is double g ? g.ToString("0.00", CultureInfo.InvariantCulture) : "-"));
            }

            cells.AddRange(
            [
                ReportCell.Number(volume
                    ? string.Create(CultureInfo.InvariantCulture, $"{unit.ReceptiveField[2]}x{unit.ReceptiveField[0]}x{unit.ReceptiveField[1]}")
                    : unit.ReceptiveField[1].ToString(CultureInfo.InvariantCulture)),
                ReportCell.Number(unit.Params.ToString("N0", CultureInfo.InvariantCulture)),
                ReportCell.Number(Format.Macs(unit.Macs)),
            ]);
            return new ReportRow(cells, unit.DeltaIf == 0 ? "saturated" : null);
        }).ToList();
        var header = new List<ReportCell> { ReportCell.Head("k", true), ReportCell.Head("unit"), ReportCell.Head(FactorsHead(volume), true), ReportCell.Head("IF", true), ReportCell.Head("dIF", true) };
        if (global)
        {
            header.Add(ReportCell.Head($"{other} IF", true));
            header.Add(ReportCell.Head($"{other} dIF", true));
        }

        header.AddRange([ReportCell.Head(volume ? "RF (d x h x w)" : "RF", true), ReportCell.Head("params", true), ReportCell.Head("MACs", true)]);
        return new ReportTable(null, header, rows);
    }

    /// <summary>
    /// Every output's field in the frame of the network's input <paramref name="input"/> [C, H, W] or [C, D, H, W] (what
    /// <see cref="OutputDocument.Describe"/> says, one column per fact): the output, the unit its head reads (or the output it continues), the map the
    /// field is measured at, the output stride, the best-placed neuron's span of the input, the span every neuron away
    /// from the borders is guaranteed (the interior minimum), the input channels every neuron reaches, the receptive
    /// field in image pixels without borders, and whether the field covers the input. In a 3-D network the strides,
    /// spans and receptive field are d x h x w.
    /// </summary>
    public static ReportTable Outputs(IReadOnlyList<OutputDocument> outputs, int[] input)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(input);
        bool volume = input.Length == 4;
        string size = string.Join("x", input.Skip(1));
        return new ReportTable(
            "outputs-table",
            [
                ReportCell.Head("output"), ReportCell.Head("reads"), ReportCell.Head("map", true), ReportCell.Head("output stride", true),
                ReportCell.Head("best-placed span", true), ReportCell.Head("interior minimum", true), ReportCell.Head("channels", true),
                ReportCell.Head("RF (px)", true), ReportCell.Head("covers the input"),
            ],
            [.. outputs.Select(output => new ReportRow(
            [
                new ReportCell(output.Name),
                new ReportCell(output.HeadReads()),
                ReportCell.Number(string.Join("x", output.Shape) + (output.Vector ? " (before vectors)" : "")),
                ReportCell.Number((volume ? $"{Stride(output.StrideD ?? 0)}x" : "") + $"{Stride(output.StrideH)}x{Stride(output.StrideW)}"),
                ReportCell.Number(string.Create(CultureInfo.InvariantCulture, $"{Depth(output.IfD)}{output.IfH}x{output.IfW} of {size}")),
                ReportCell.Number(string.Create(CultureInfo.InvariantCulture, $"{Depth(output.IfDInterior)}{output.IfHInterior}x{output.IfWInterior}")),
                ReportCell.Number(string.Create(CultureInfo.InvariantCulture, $"{output.IfC} of {input[0]}")),
                ReportCell.Number(string.Create(CultureInfo.InvariantCulture, $"{Depth(output.ReceptiveFieldD)}{output.ReceptiveFieldH}x{output.ReceptiveFieldW}")),
                new ReportCell(output.Covers ? "yes" : "no"),
            ]))]);

        static string Stride(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
        static string Depth(long? value) => value is long d ? string.Create(CultureInfo.InvariantCulture, $"{d}x") : "";
    }

    /// <summary>
    /// The interior minimum <c> (interior HxW)</c> where it is below every channel's best-placed neuron (resolution went up:
    /// a neuron's field depends on where it sits; docs/information-field.md), else nothing.
    /// </summary>
    public static string Interior(int height, int width, int leastHeight, int leastWidth) =>
        height < leastHeight || width < leastWidth ? string.Create(CultureInfo.InvariantCulture, $" (interior {height}x{width})") : "";

    /// <summary>The interior minimum of a 3-D field, <c> (interior DxHxW)</c>, where it is below every channel's best-placed neuron along some axis, else nothing.</summary>
    public static string Interior(int? depth, int height, int width, int? leastDepth, int leastHeight, int leastWidth) =>
        depth < leastDepth || height < leastHeight || width < leastWidth ? string.Create(CultureInfo.InvariantCulture, $" (interior {depth}x{height}x{width})") : "";

    /// <summary>The header of a field's factors: <c>IF^h x IF^w x IF^c</c>, led by <c>IF^d</c> in a 3-D network.</summary>
    public static string FactorsHead(bool volume) => volume ? "IF^d x IF^h x IF^w x IF^c" : "IF^h x IF^w x IF^c";

    /// <summary>
    /// The field at every op of a unit (what <c>analyze --detail</c> prints): <c>t3 = dw(t1)</c> is tensor 3, a depthwise
    /// convolution of tensor 1; <c>in</c> is the unit's input. The field and IF are of <paramref name="field"/>; where
    /// global pooling makes the fields differ inside the unit, the other field's IF follows.
    /// </summary>
    public static ReportTable Ops(UnitDocument unit, string field)
    {
        ArgumentNullException.ThrowIfNull(unit);
        bool local = field == "local";
        bool global = unit.Ops.Any(op => op.Local != op.Literal);
        bool volume = unit.OutputShape.Length == 4;
        var rows = unit.Ops.Select(op =>
        {
            var cells = new List<ReportCell>
            {
                new ReportCell($"t{op.Index} = {op.Type}({string.Join(", ", op.Inputs.Select(OpDocument.TensorName))})"),
                ReportCell.Number(string.Join("x", op.OutputShape)),
                ReportCell.Number(volume
                    ? $"{op.IfD}x{op.IfH}x{op.IfW}x{op.IfC}" + Interior(op.IfDInterior, op.IfHInterior, op.IfWInterior, op.IfDMin, op.IfHMin, op.IfWMin)
                    : $"{op.IfH}x{op.IfW}x{op.IfC}" + Interior(op.IfHInterior, op.IfWInterior, op.IfHMin, op.IfWMin)),
                ReportCell.Number(op.If.ToString("N0", CultureInfo.InvariantCulture)),
            };
            if (global)
            {
                cells.Add(ReportCell.Number((local ? op.Literal : op.Local).If.ToString("N0", CultureInfo.InvariantCulture)));
            }

            return new ReportRow(cells);
        }).ToList();
        var header = new List<ReportCell> { ReportCell.Head("op"), ReportCell.Head("output", true), ReportCell.Head(FactorsHead(volume), true), ReportCell.Head("IF", true) };
        if (global)
        {
            header.Add(ReportCell.Head($"{(local ? "literal" : "local")} IF", true));
        }

        return new ReportTable(null, header, rows);
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

    /// <summary>Every standard convolution the decomposer considered: where, unit, what it was, what replaced it (or kept), parameters and MACs before and after, why.</summary>
    public static ReportTable Replacements(DecompositionDocument decomposition) => new(null,
        [ReportCell.Head("where"), ReportCell.Head("unit"), ReportCell.Head("standard"), ReportCell.Head("replaced by"), ReportCell.Head("params", true), ReportCell.Head("MACs", true), ReportCell.Head("why")],
        decomposition.Replacements.Select(r => new ReportRow(
        [
            new ReportCell(r.Location),
            new ReportCell(r.Unit),
            new ReportCell(r.From),
            new ReportCell(r.To ?? "(kept)"),
            ReportCell.Number($"{Format.Count(r.ParamsBefore)} -> {Format.Count(r.ParamsAfter)}"),
            ReportCell.Number($"{Format.Macs(r.MacsBefore)} -> {Format.Macs(r.MacsAfter)}"),
            new ReportCell(r.Reason),
        ])).ToList());

    /// <summary>Parameters and MACs before and after the decomposer, and their ratios.</summary>
    public static ReportTable DecompositionSummary(DecompositionDocument decomposition)
    {
        double parameters = (double)decomposition.Params / decomposition.Before.Params;
        double macs = (double)decomposition.Macs / decomposition.Before.Macs;
        return new ReportTable(null, [ReportCell.Head(""), ReportCell.Head("params", true), ReportCell.Head("MACs", true)],
        [
            new ReportRow([new ReportCell("before"), ReportCell.Number(Format.Count(decomposition.Before.Params)), ReportCell.Number(Format.Macs(decomposition.Before.Macs))]),
            new ReportRow([new ReportCell("after"), ReportCell.Number(Format.Count(decomposition.Params)), ReportCell.Number(Format.Macs(decomposition.Macs))]),
            new ReportRow([new ReportCell("ratio"), ReportCell.Number(parameters.ToString("P1", CultureInfo.InvariantCulture)), ReportCell.Number(macs.ToString("P1", CultureInfo.InvariantCulture))]),
        ]);
    }

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
