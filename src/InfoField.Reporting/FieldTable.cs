using System.Globalization;
using System.Text;
using InfoField.Architecture;
using InfoField.Field;

namespace InfoField.Reporting;

/// <summary>Renders an Information Field report as plain-text tables, one per stage, like the paper's Table 1.</summary>
public static class FieldTable
{
    /// <summary>
    /// The report as text; with <paramref name="detail"/>, each unit of more than one op is followed by the field at
    /// every op's output (<c>t3 = dw(t1)</c>: tensor 3 is a depthwise convolution of tensor 1; <c>in</c> is the unit's input).
    /// </summary>
    public static string Render(NetworkField field, string? dataset = null, bool detail = false)
    {
        var text = new StringBuilder();
        var network = field.Network;
        text.Append(Printable.Text(network.Name));
        if (dataset is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" on {Printable.Text(dataset)}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $": input {network.Input}, {Format.Count(field.Cost.Total.Parameters)} parameters, {Format.Macs(field.Cost.Total.Macs)}");
        FieldKind kind = field.Options.FieldKind;
        FieldKind other = kind == FieldKind.Local ? FieldKind.Literal : FieldKind.Local;
        string otherName = other.ToString().ToLowerInvariant();
        bool anyGlobal = field.Stages.Any(stage => stage.Units.Any(Differs));
        text.AppendLine(CultureInfo.InvariantCulture, $"alpha = {field.Options.Alpha.ToString(CultureInfo.InvariantCulture)}, {field.Options.Frame.ToString().ToLowerInvariant()} frame, {kind.ToString().ToLowerInvariant()} field; IF = {(network.Input.HasDepth ? "IF^d x " : "")}IF^h x IF^w x IF^c, dIF = (IF_k - IF_k-1) / IF_k-1 * exp(-alpha IF_k-1 / V0)");
        if (anyGlobal)
        {
            text.AppendLine(kind == FieldKind.Local
                ? "Global pooling (squeeze-and-excitation gates, image pooling) reaches some units: IF and dIF are of the local field (what windows reach); in stages where it differs, the literal field, which counts the pooling's reach, is beside them."
                : "Global pooling (squeeze-and-excitation gates, image pooling) reaches some units: IF and dIF are of the literal field, which counts the pooling's reach; in stages where it differs, the local field (what windows reach) is beside them.");
        }

        foreach (StageField stage in field.Stages)
        {
            text.AppendLine();
            bool raises = stage.OutputShape.Height > stage.InputShape.Height || stage.OutputShape.Width > stage.InputShape.Width || stage.OutputShape.Depth > stage.InputShape.Depth;
            bool volume = stage.InputShape.HasDepth;
            string frame = raises ? " (opens with a unit that raises the resolution, measured on its input)"
                : stage.OpensWithStridedUnit ? $" (opens with a strided unit, {field.Options.Frame.ToString().ToLowerInvariant()} frame)" : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"Stage {stage.Index}: measured on {stage.InputShape} ({(volume ? "c0 x d0 x h0 x w0" : "c0 x h0 x w0")}), V0 = {stage.V0}; output {stage.OutputShape}{frame}");
            bool global = stage.Units.Any(Differs);
            var header = new List<string> { "k", "unit" };
            header.AddRange(volume ? ["IF^d", "IF^h", "IF^w"] : ["IF^h", "IF^w"]);
            header.AddRange(["IF^c", "IF", "dIF"]);
            if (global)
            {
                header.AddRange([$"{otherName} IF", $"{otherName} dIF"]);
            }

            header.AddRange(["RF", "params", "MACs"]);
            var rows = new List<string[]> { header.ToArray() };
            bool interior = false;
            foreach (UnitField unit in stage.Units)
            {
                string name = unit.Role == UnitRole.Body ? unit.Name : $"{unit.Name} [{unit.Role.ToString().ToLowerInvariant()}]";
                var row = new List<string> { unit.Index.ToString(CultureInfo.InvariantCulture), name };
                if (volume)
                {
                    row.Add(Spatial(unit.IfD, unit.IfDMin, unit.IfDInterior, ref interior));
                }

                row.AddRange(
                [
                    Spatial(unit.IfH, unit.IfHMin, unit.IfHInterior, ref interior),
                    Spatial(unit.IfW, unit.IfWMin, unit.IfWInterior, ref interior),
                    unit.IfC.ToString(CultureInfo.InvariantCulture),
                    unit.If.ToString(CultureInfo.InvariantCulture),
                    Gain(unit.DeltaIf),
                ]);
                if (global)
                {
                    row.AddRange([unit.Factors(other).If.ToString(CultureInfo.InvariantCulture), Gain(unit.Gain(other))]);
                }

                row.AddRange(
                [
                    volume ? $"{unit.ReceptiveFieldD}x{unit.ReceptiveFieldH}x{unit.ReceptiveFieldW}"
                    : unit.ReceptiveFieldH == unit.ReceptiveFieldW
                        ? unit.ReceptiveFieldW.ToString(CultureInfo.InvariantCulture)
                        : $"{unit.ReceptiveFieldH}x{unit.ReceptiveFieldW}",
                    Format.Count(unit.Cost.Parameters),
                    Format.Macs(unit.Cost.Macs),
                ]);
                rows.Add(row.ToArray());
                if (detail && unit.Ops.Count > 1)
                {
                    rows.AddRange(unit.Ops.Select(op =>
                    {
                        var cells = new List<string> { "", $"  t{op.Index} = {op.Type}({string.Join(", ", op.Inputs.Select(OpDocument.TensorName))})" };
                        if (volume)
                        {
                            cells.Add(op.IfD.ToString(CultureInfo.InvariantCulture));
                        }

                        cells.AddRange(
                        [
                            op.IfH.ToString(CultureInfo.InvariantCulture),
                            op.IfW.ToString(CultureInfo.InvariantCulture),
                            op.IfC.ToString(CultureInfo.InvariantCulture),
                            op.If.ToString(CultureInfo.InvariantCulture),
                            "",
                        ]);
                        if (global)
                        {
                            cells.AddRange([(kind == FieldKind.Local ? op.Literal : op.Local).If.ToString(CultureInfo.InvariantCulture), ""]);
                        }

                        cells.AddRange(["", "", ""]);
                        return cells.ToArray();
                    }));
                }
            }

            AppendTable(text, rows, [.. header.Select((_, c) => c >= 2)]);
            if (interior)
            {
                text.AppendLine(volume ? "IF^d, IF^h, IF^w: the best-placed neuron's; (n) what every interior neuron is guaranteed, where it is less (resolution went up)" : "IF^h, IF^w: the best-placed neuron's; (n) what every interior neuron is guaranteed, where it is less (resolution went up)");
            }
        }

        AppendUnitLines(text, field, Skips);
        AppendUnitLines(text, field, DeadBranches);
        return text.ToString();
    }

    /// <summary>After a blank line, the line <paramref name="line"/> gives for each unit (null for none).</summary>
    private static void AppendUnitLines(StringBuilder text, NetworkField field, Func<StageField, UnitField, string?> line)
    {
        bool first = true;
        foreach (StageField stage in field.Stages)
        {
            foreach (UnitField unit in stage.Units)
            {
                if (line(stage, unit) is not string written)
                {
                    continue;
                }

                if (first)
                {
                    text.AppendLine();
                    first = false;
                }

                text.AppendLine(written);
            }
        }
    }

    /// <summary>The line of a unit that reads earlier units' outputs (skips across stages), saying what they add to its stage's field.</summary>
    private static string? Skips(StageField stage, UnitField unit) =>
        unit.Skips.Count == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"skips: stage {stage.Index} unit {unit.Index} ({unit.Name}) reads {string.Join(", ", unit.Skips.Select((skip, j) => $"skip{j} = stage {skip.Stage + 1} unit {skip.Unit + 1}"))}; {SkipMeaning(stage, unit)}, and each output's field in the input frame goes through it");

    /// <summary>What the unit's skips add to its stage's field: one from an earlier stage nothing, one from the same stage its own field.</summary>
    private static string SkipMeaning(StageField stage, UnitField unit)
    {
        bool earlier = unit.Skips.Any(skip => skip.Stage + 1 < stage.Index), same = unit.Skips.Any(skip => skip.Stage + 1 == stage.Index);
        const string Earlier = "a skip from an earlier stage adds nothing to this stage's field (it does not depend on the stage's input)";
        const string Same = "a skip from this stage brings the field of the unit it reads";
        return earlier && same ? $"{Earlier}; {Same}" : same ? Same : Earlier;
    }

    /// <summary>The warning line of a unit with ops on dead branches: they are costed, and not in the field.</summary>
    private static string? DeadBranches(StageField stage, UnitField unit) =>
        unit.DeadOps.Count == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"warning: stage {stage.Index} unit {unit.Index} ({unit.Name}): {unit.DeadOps.Count} op{(unit.DeadOps.Count == 1 ? "" : "s")} on dead branches ({string.Join(", ", unit.DeadOps.Select(op => unit.Ops.Count >= op ? $"t{op} {unit.Ops[op - 1].Type}" : $"t{op}"))}): their output does not lead to the unit's output; counted in parameters and MACs, not in the field");

    /// <summary>True when the unit's local and literal fields, or their gains, differ.</summary>
    private static bool Differs(UnitField unit) => unit.Local != unit.Literal || unit.LocalDeltaIf != unit.LiteralDeltaIf;

    private static string Gain(double? gain) => gain is double value ? value.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    /// <summary>A spatial factor, followed by the interior minimum in parentheses where it is below every channel's best-placed neuron.</summary>
    private static string Spatial(int headline, int least, int interior, ref bool shown)
    {
        string text = headline.ToString(CultureInfo.InvariantCulture);
        if (interior >= least)
        {
            return text;
        }

        shown = true;
        return string.Create(CultureInfo.InvariantCulture, $"{text} ({interior})");
    }

    /// <summary>Appends a report table (<see cref="Html.ReportTables"/>) as aligned columns, numbers right-aligned.</summary>
    public static void AppendTable(StringBuilder text, Html.ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(table);
        var rows = new List<string[]> { table.Header.Select(cell => cell.Text).ToArray() };
        rows.AddRange(table.Rows.Select(row => row.Cells.Select(cell => cell.Text).ToArray()));
        AppendTable(text, rows, [.. table.Header.Select(cell => cell.Numeric)]);
    }

    /// <summary>Appends rows as aligned columns; the first row is the header. Cells are printed through <see cref="Printable.Text"/>.</summary>
    public static void AppendTable(StringBuilder text, IReadOnlyList<string[]> rows, IReadOnlyList<bool> rightAligned)
    {
        ArgumentNullException.ThrowIfNull(rows);
        rows = [.. rows.Select(row => row.Select(Printable.Text).ToArray())];
        int columns = rows[0].Length;
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(row => row[c].Length)).ToArray();
        for (int r = 0; r < rows.Count; r++)
        {
            var cells = rows[r].Select((cell, c) => rightAligned[c] ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
            text.AppendLine("  " + string.Join("  ", cells).TrimEnd());
            if (r == 0)
            {
                text.AppendLine("  " + string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }
    }
}

/// <summary>Number formats shared by text reports.</summary>
public static class Format
{
    /// <summary>An exact count with thousands separators: 14,728,266.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>MACs in the unit that reads best: 313.2M, 15.47G.</summary>
    public static string Macs(long value) => value switch
    {
        >= 1_000_000_000 => (value / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + "G",
        >= 1_000_000 => (value / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (value / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + "K",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };
}
