using System.Globalization;

namespace InfoField.Reporting.Html;

/// <summary>The charts of a report, each drawn only from <see cref="ReportDocument"/> parts.</summary>
public static class Charts
{
    private const string Blue = "#3b6ea5";
    private const string LightBlue = "#a9c4e4";
    private const string Green = "#4f9a58";
    private const string Orange = "#e08a2c";
    private const string Red = "#c8323c";
    private const string Gray = "#8c8c8c";
    private const string Axis = "#555555";

    /// <summary>How the field grows unit by unit in one stage: spatial field against the cap, channel coverage against c0, and dIF against theta.</summary>
    public static Chart StageField(StageDocument stage, double theta)
    {
        int n = stage.Units.Count;
        bool volume = stage.InputShape.Length == 4;
        int c0 = stage.InputShape[0], h0 = stage.InputShape[^2], w0 = stage.InputShape[^1], d0 = volume ? stage.InputShape[1] : 0;
        double panel = 300, gap = 20, top = 48, plot = 130, left = 40;
        var svg = new SvgCanvas($"stage-{stage.Index}-field", $"Stage {stage.Index}: field growth per unit", (3 * panel) + (2 * gap) + 20, top + plot + 50);
        string frame = $"Stage {stage.Index} (measured on {string.Join("x", stage.InputShape)}, V0 = {stage.V0:N0})";
        svg.Text(10, 18, frame, 13, bold: true);

        // Panel 1: spatial field against the cap (in a 3-D network IF^d beside IF^h and IF^w, against d0).
        double x0 = 10;
        int cap = Math.Max(Math.Max(h0, w0), d0);
        bool square = h0 == w0 && stage.Units.All(unit => unit.IfH == unit.IfW);
        string title = (volume, square) switch
        {
            (false, true) => "spatial field IF^h = IF^w (cap dashed)",
            (false, false) => "spatial field IF^h, IF^w (cap dashed)",
            (true, true) => "spatial field IF^d, IF^h = IF^w (cap dashed)",
            (true, false) => "spatial field IF^d, IF^h, IF^w (cap dashed)",
        };
        Panel(svg, x0, top, panel, plot, left, title, cap, n, k =>
        {
            UnitDocument unit = stage.Units[k];
            List<(double, string, string)> bars = volume ? [(unit.IfD ?? 0, unit.IfD >= d0 ? Blue : LightBlue, $"{unit.Name}: IF^d = {unit.IfD} of d0 = {d0}")] : [];
            bars.AddRange(square
                ? [(unit.IfW, unit.IfW >= w0 ? Blue : LightBlue, $"{unit.Name}: IF^h = IF^w = {unit.IfW} of {w0}")]
                : [(unit.IfH, unit.IfH >= h0 ? Blue : LightBlue, $"{unit.Name}: IF^h = {unit.IfH} of h0 = {h0}"), (unit.IfW, unit.IfW >= w0 ? Blue : LightBlue, $"{unit.Name}: IF^w = {unit.IfW} of w0 = {w0}")]);
            return bars;
        });
        CapLine(svg, x0 + left, top, panel - left - 10, plot, cap, cap, volume ? $"cap {d0}x{h0}x{w0}" : $"cap {h0}x{w0}");

        // Panel 2: channel coverage against c0.
        x0 += panel + gap;
        Panel(svg, x0, top, panel, plot, left, "channel coverage IF^c (min; mean dot)", c0, n, k =>
        {
            UnitDocument unit = stage.Units[k];
            return [(unit.IfC, unit.IfC >= c0 ? Green : "#9fcfa5", $"{unit.Name}: IF^c = {unit.IfC} of c0 = {c0} (mean {unit.IfCMean:0.#}, max {unit.IfCMax})")];
        });
        CapLine(svg, x0 + left, top, panel - left - 10, plot, c0, c0, $"c0 = {c0}");
        double slot = (panel - left - 10) / n;
        for (int k = 0; k < n; k++)
        {
            UnitDocument unit = stage.Units[k];
            svg.Circle(x0 + left + (slot * (k + 0.5)), top + plot - (plot * unit.IfCMean / Math.Max(c0, 1)), Math.Min(3, slot / 3), "#1d5e27", $"{unit.Name}: mean coverage {unit.IfCMean:0.##}");
        }

        // Panel 3: dIF bars against theta; saturated units marked.
        x0 += panel + gap;
        double maxGain = Math.Max(Math.Max(stage.Units.Max(u => u.DeltaIf ?? 0), theta), 0.1) * 1.15;
        Panel(svg, x0, top, panel, plot, left, "IF gain dIF (theta dashed)", maxGain, n, k =>
        {
            UnitDocument unit = stage.Units[k];
            return unit.DeltaIf is double gain ? [(gain, gain <= theta ? Orange : Blue, $"{unit.Name}: dIF = {gain:0.0000}")] : [];
        });
        CapLine(svg, x0 + left, top, panel - left - 10, plot, theta, maxGain, $"theta = {theta.ToString(CultureInfo.InvariantCulture)}", Red, labelLeft: true);
        bool anySaturated = false;
        for (int k = 0; k < n; k++)
        {
            UnitDocument unit = stage.Units[k];
            double x = x0 + left + (slot * (k + 0.5));
            if (unit.DeltaIf is null)
            {
                svg.Text(x, top + plot - 4, "-", 10, "middle", Gray);
            }
            else if (unit.DeltaIf == 0)
            {
                anySaturated = true;
                svg.Cross(x, top + plot - 8, Math.Min(5, slot / 3), Red);
                svg.Rect(x - Math.Min(6, slot / 2), top + plot - 16, Math.Min(12, slot), 16, Red, tooltip: $"{unit.Name}: dIF = 0, saturated: the stage already sees its whole input", cssClass: "saturated", opacity: 0.15);
            }
        }

        if (anySaturated)
        {
            svg.Text(x0 + panel - 10, top - 6, "x = saturated (dIF 0)", 10, "end", Red, bold: true);
        }

        return new Chart(
            $"stage-{stage.Index}-field",
            $"Stage {stage.Index}: spatial field against the {(volume ? $"{d0}x" : "")}{h0}x{w0} cap, channel coverage against c0 = {c0}, and the IF gain of each unit against theta.",
            svg.Render());
    }

    /// <summary>The network before and after the organizer: units per stage, with moved and removed units marked, and the costs on both sides.</summary>
    public static Chart Organizer(OptimizationDocument run)
    {
        var before = run.Before.StageNumbers.Select((stage, i) => (Stage: stage, Units: Enumerable.Range(0, run.Before.StageUnits[i]).Select(_ => new Marker("original", 0, 0)).ToList())).ToList();
        var after = before.Select(pair => (pair.Stage, Units: pair.Units.ToList())).ToList();
        foreach (StepDocument step in run.Steps.Where(step => step.Action != "stop"))
        {
            var source = after.First(pair => pair.Stage == step.Source).Units;
            Marker unit = source[^1];
            source.RemoveAt(source.Count - 1);
            if (unit.Kind == "original")
            {
                int index = source.Count;
                var original = before.First(pair => pair.Stage == step.Source).Units;
                original[index] = new Marker(step.Action == "move" ? "moved" : "removed", step.Target ?? 0, step.Iteration);
            }

            if (step.Action == "move")
            {
                after.First(pair => pair.Stage == step.Target).Units.Add(new Marker("arrived", step.Source ?? 0, step.Iteration));
            }
        }

        int columns = before.Count;
        int tallest = Math.Max(before.Max(pair => pair.Units.Count), after.Max(pair => pair.Units.Count));
        double box = 16, columnWidth = Math.Max(70, 860.0 / columns), rowHeight = (tallest * (box + 3)) + 40;
        double width = 120 + (columns * columnWidth), height = 40 + (2 * rowHeight) + 60;
        var svg = new SvgCanvas("organizer", "The network before and after the stage-level organizer", width, height);
        svg.Text(10, 18, $"Before: {string.Join(",", run.Before.StageUnits)} ({run.Before.Params:N0} parameters, {Format.Macs(run.Before.Macs)} MACs)", 12, bold: true);
        DrawRow(svg, before, 40, columnWidth, box, rowHeight, "before");
        double afterTop = 40 + rowHeight + 30;
        svg.Text(10, afterTop - 12, $"After: {string.Join(",", run.After.StageUnits)} ({run.After.Params:N0} parameters, {Format.Macs(run.After.Macs)} MACs), net dIF {run.NetDeltaIf:0.00}", 12, bold: true);
        DrawRow(svg, after, afterTop, columnWidth, box, rowHeight, "after");
        double legend = height - 16;
        Legend(svg, 10, legend, Blue, "kept");
        Legend(svg, 90, legend, Orange, "moved away (to stage n)");
        Legend(svg, 280, legend, Gray, "removed");
        Legend(svg, 380, legend, Green, "arrived (from stage n)");
        return new Chart("organizer", "Units per stage before and after the organizer: moved units in orange (before) and green (after), removed units grey and crossed.", svg.Render());
    }

    /// <summary>Which input channels reach each output channel after one and after two copies of a block, as matrices (rows: output channels).</summary>
    public static Chart Connectivity(ConnectivityDocument block, int index)
    {
        double side = 240, gap = 60, top = 50, left = 40;
        var svg = new SvgCanvas($"connectivity-{index}", $"Channel connectivity of {block.Block}", left + (block.After.Count * (side + gap)) + 10, top + side + 40);
        svg.Text(10, 18, $"{block.Block} ({block.Source}): {block.Ops}, {block.Channels} channels", 12, bold: true);
        double cell = side / block.Channels;
        for (int a = 0; a < block.After.Count; a++)
        {
            ReachDocument reach = block.After[a];
            double x0 = left + (a * (side + gap));
            svg.Text(x0, top - 8, $"after {reach.Blocks} block{(reach.Blocks == 1 ? "" : "s")}: IF^c = {reach.MinimumCoverage} of {block.Channels}", 11);
            svg.Rect(x0, top, side, side, "#f4f4f4", Axis);
            for (int row = 0; row < reach.Rows.Count; row++)
            {
                foreach (int[] range in reach.Rows[row])
                {
                    svg.Rect(x0 + (range[0] * cell), top + (row * cell), (range[1] - range[0] + 1) * cell, Math.Max(cell, 0.5), Blue, tooltip: $"output {row} reads inputs {range[0]}-{range[1]}", cssClass: "reach");
                }
            }

            svg.Text(x0 + (side / 2), top + side + 16, "input channel", 10, "middle", Axis);
        }

        svg.Text(12, top + (side / 2), "output", 10, "start", Axis);
        return new Chart($"connectivity-{index}", $"{block.Block}: which input channels (columns) reach each output channel (rows) after one and two blocks.", svg.Render());
    }

    /// <summary>
    /// A branched unit's graph, left to right: one box per op at the column of its longest path from the unit's input,
    /// labelled with the op and the field at its output (IF^h x IF^w x IF^c); a box whose neuron already sees the whole
    /// stage input (IF = V0) is outlined red, so a saturating branch shows at a glance.
    /// </summary>
    public static Chart UnitGraph(UnitDocument unit, StageDocument stage, string id)
    {
        const double BoxWidth = 84, BoxHeight = 40, ColumnGap = 20, RowGap = 14, Top = 72, Left = 14;
        int count = unit.Ops.Count;
        var column = new int[count + 1];
        var row = new int[count + 1];
        var perColumn = new Dictionary<int, int> { [0] = 1 };
        for (int i = 1; i <= count; i++)
        {
            column[i] = 1 + unit.Ops[i - 1].Inputs.Max(input => column[Math.Max(input, 0)]); // a skip is drawn from the input box
            row[i] = perColumn.TryGetValue(column[i], out int used) ? used : 0;
            perColumn[column[i]] = row[i] + 1;
        }

        int columns = column.Max() + 1, rows = perColumn.Values.Max();
        double X(int tensor) => Left + (column[tensor] * (BoxWidth + ColumnGap));
        double Y(int tensor) => Top + (row[tensor] * (BoxHeight + RowGap));
        var svg = new SvgCanvas(id, $"Graph of {unit.Name}", Left + (columns * (BoxWidth + ColumnGap)), Top + (rows * (BoxHeight + RowGap)) + 8);
        string Depth(int? ifD) => ifD is int d ? $"{d}x" : "";
        svg.Text(10, 18, $"stage {stage.Index}, unit {unit.Index}: {unit.Name} ({Depth(unit.IfD)}{unit.IfH}x{unit.IfW}x{unit.IfC} = {unit.If:N0} of V0 = {stage.V0:N0})", 12, bold: true);
        for (int i = 1; i <= count; i++)
        {
            foreach (int input in unit.Ops[i - 1].Inputs.Select(input => Math.Max(input, 0)))
            {
                if (column[i] - column[input] > 1 && row[i] == row[input])
                {
                    // A skip along a row (an identity shortcut) arcs over the boxes it passes.
                    double lift = Math.Min(Top - 30, 14 + (4 * (column[i] - column[input])));
                    svg.Curve(X(input) + (BoxWidth / 2), Y(input), (X(input) + X(i) + BoxWidth) / 2, Y(i) - (2 * lift), X(i) + (BoxWidth / 2), Y(i), Gray, cssClass: "edge");
                }
                else
                {
                    svg.Line(X(input) + BoxWidth, Y(input) + (BoxHeight / 2), X(i), Y(i) + (BoxHeight / 2), Gray, cssClass: "edge");
                }
            }
        }

        svg.Rect(X(0), Y(0), BoxWidth, BoxHeight, "#eeeeee", Axis);
        svg.Text(X(0) + (BoxWidth / 2), Y(0) + 16, "input", 11, "middle", bold: true);
        svg.Text(X(0) + (BoxWidth / 2), Y(0) + 31, string.Join("x", stage.InputShape), 10, "middle", Axis);
        for (int i = 1; i <= count; i++)
        {
            OpDocument op = unit.Ops[i - 1];
            bool saturated = op.If >= stage.V0;
            bool merge = op.Inputs.Count > 1;
            svg.Rect(X(i), Y(i), BoxWidth, BoxHeight, merge ? "#fdf1e3" : "#eef3f9", saturated ? Red : Axis, tooltip: $"t{op.Index} = {op.Type}({string.Join(", ", op.Inputs.Select(OpDocument.TensorName))}): {string.Join("x", op.OutputShape)}, IF {op.If:N0}", cssClass: merge ? "merge" : "op");
            svg.Text(X(i) + (BoxWidth / 2), Y(i) + 16, op.Type, 11, "middle", bold: merge);
            svg.Text(X(i) + (BoxWidth / 2), Y(i) + 31, $"{Depth(op.IfD)}{op.IfH}x{op.IfW}x{op.IfC}", 10, "middle", saturated ? Red : Axis);
        }

        return new Chart(id, $"{unit.Name} (stage {stage.Index}, unit {unit.Index}) as a graph: each box is an op with the field at its output, {ReportTables.FactorsHead(unit.IfD is not null)}; merges are shaded, red marks an op whose neurons already see the whole stage input (IF = V0).", svg.Render());
    }

    /// <summary>Study results: accuracy against a cost (parameters or MACs), one point per model with its spread.</summary>
    public static Chart Results(IReadOnlyList<ResultPointDocument> points, bool macs)
    {
        string id = macs ? "results-macs" : "results-params";
        string what = macs ? "MACs" : "parameters";
        double width = 460, height = 300, left = 60, right = 20, top = 30, bottom = 50;
        var svg = new SvgCanvas(id, $"Test accuracy against {what}", width, height);
        svg.Text(10, 18, $"test accuracy against {what} (mean and one standard deviation)", 12, bold: true);
        double Cost(ResultPointDocument p) => Math.Log10(Math.Max(macs ? p.Macs : p.Params, 1));
        double minX = points.Min(Cost) - 0.1, maxX = points.Max(Cost) + 0.1;
        double minY = points.Min(p => p.AccuracyMean - p.AccuracyStd), maxY = points.Max(p => p.AccuracyMean + p.AccuracyStd);
        double pad = Math.Max((maxY - minY) * 0.15, 0.005);
        minY -= pad;
        maxY += pad;
        var area = new PlotArea(left, top, width - left - right, height - top - bottom, minX, maxX, minY, maxY);
        double plotW = area.Width, plotH = area.Height;
        Func<double, double> X = area.X, Y = area.Y;
        area.DrawAxes(svg);
        for (int t = 0; t <= 4; t++)
        {
            double v = minY + ((maxY - minY) * t / 4);
            svg.Text(left - 4, Y(v) + 3, v.ToString("P1", CultureInfo.InvariantCulture), 9, "end", Axis);
            double c = minX + ((maxX - minX) * t / 4);
            svg.Text(X(c), top + plotH + 14, Format.Macs((long)Math.Pow(10, c)), 9, "middle", Axis);
        }

        svg.Text(left + (plotW / 2), height - 8, $"{what} (log scale)", 10, "middle", Axis);
        foreach (ResultPointDocument p in points)
        {
            double x = X(Cost(p));
            svg.Line(x, Y(p.AccuracyMean - p.AccuracyStd), x, Y(p.AccuracyMean + p.AccuracyStd), Blue, 1.5);
            svg.Circle(x, Y(p.AccuracyMean), 4, Blue, $"{p.Model}: {p.AccuracyMean:P2} +- {p.AccuracyStd:P2} over {p.Runs} runs, {p.Params:N0} parameters, {Format.Macs(p.Macs)} MACs");
            svg.Text(x + 6, Y(p.AccuracyMean) - 6, p.Model, 10);
        }

        return new Chart(id, $"Test accuracy against {what}: one point per model (mean over its runs), bars one standard deviation.", svg.Render());
    }

    /// <summary>
    /// An insertion study: each variant's accuracy change against its dIF, with one standard error either side, one
    /// colour per series, and the zero line (no change).
    /// </summary>
    public static Chart Gains(IReadOnlyList<GainPointDocument> points)
    {
        ArgumentOutOfRangeException.ThrowIfZero(points.Count, nameof(points));
        const string id = "insertion-gains";
        double width = 520, height = 330, left = 60, right = 130, top = 42, bottom = 50;
        var svg = new SvgCanvas(id, "Accuracy change against dIF", width, height);
        svg.Text(10, 18, "accuracy change against dIF of the inserted layer (mean and one standard error)", 12, bold: true);
        double minX = Math.Min(0, points.Min(p => p.DeltaIf)), maxX = points.Max(p => p.DeltaIf);
        double padX = Math.Max((maxX - minX) * 0.08, 0.05);
        minX -= padX;
        maxX += padX;
        double minY = Math.Min(0, points.Min(p => p.Change - p.StdError)) * 100, maxY = Math.Max(0, points.Max(p => p.Change + p.StdError)) * 100;
        double padY = Math.Max((maxY - minY) * 0.1, 0.05);
        minY -= padY;
        maxY += padY;
        var area = new PlotArea(left, top, width - left - right, height - top - bottom, minX, maxX, minY, maxY);
        double plotW = area.Width, plotH = area.Height;
        Func<double, double> X = area.X, Y = area.Y; // Y in accuracy points
        area.DrawAxes(svg);
        svg.Line(left, Y(0), left + plotW, Y(0), Gray, 1, dashed: true);
        foreach (double v in Ticks(minY, maxY))
        {
            svg.Text(left - 4, Y(v) + 3, v.ToString("+0.0#;-0.0#;0", CultureInfo.InvariantCulture), 9, "end", Axis);
        }

        foreach (double c in Ticks(minX, maxX))
        {
            svg.Text(X(c), top + plotH + 14, c.ToString("0.0#", CultureInfo.InvariantCulture), 9, "middle", Axis);
        }

        svg.Text(left + (plotW / 2), height - 8, "dIF of the inserted layer", 10, "middle", Axis);
        svg.Text(left - 30, top - 10, "accuracy change (points)", 9, "start", Axis);
        string[] palette = [Blue, Orange, Green, Red, Gray];
        var series = points.Select(p => p.Series).Distinct(StringComparer.Ordinal).ToList();
        foreach (GainPointDocument p in points)
        {
            int index = series.IndexOf(p.Series);
            string color = palette[index % palette.Length];
            bool tied = points.Any(q => q.Series != p.Series && Math.Abs(q.DeltaIf - p.DeltaIf) < 1e-9);
            double x = X(p.DeltaIf) + (tied ? (index - ((series.Count - 1) / 2.0)) * 5 : 0); // series side by side where dIFs tie
            double y = Y(p.Change * 100);
            svg.Line(x, Y((p.Change - p.StdError) * 100), x, Y((p.Change + p.StdError) * 100), color, 1.5);
            svg.Line(x - 3, Y((p.Change - p.StdError) * 100), x + 3, Y((p.Change - p.StdError) * 100), color);
            svg.Line(x - 3, Y((p.Change + p.StdError) * 100), x + 3, Y((p.Change + p.StdError) * 100), color);
            svg.Circle(x, y, 4, color, string.Create(CultureInfo.InvariantCulture, $"{p.Label} ({p.Series}): dIF {p.DeltaIf:0.00}, accuracy change {p.Change * 100:+0.00;-0.00} ± {p.StdError * 100:0.00} points"));
        }

        for (int s = 0; s < series.Count; s++)
        {
            double y = top + 10 + (s * 16);
            svg.Circle(left + plotW + 16, y - 3, 4, palette[s % palette.Length]);
            svg.Text(left + plotW + 26, y, series[s], 10);
        }

        return new Chart(id, "Accuracy change of each inserted layer (mean over seeds, minus the base's) against its dIF; bars one standard error of the difference, one colour per inserted kernel.", svg.Render());
    }

    /// <summary>The plotting rectangle of an x-y chart and the data ranges it maps to it.</summary>
    private readonly record struct PlotArea(double Left, double Top, double Width, double Height, double MinX, double MaxX, double MinY, double MaxY)
    {
        public double X(double value) => Left + ((value - MinX) / (MaxX - MinX) * Width);

        public double Y(double value) => Top + Height - ((value - MinY) / (MaxY - MinY) * Height);

        public void DrawAxes(SvgCanvas svg)
        {
            svg.Line(Left, Top + Height, Left + Width, Top + Height, Axis);
            svg.Line(Left, Top, Left, Top + Height, Axis);
        }
    }

    /// <summary>Round tick values (steps of 1, 2 or 5 times a power of ten) between <paramref name="min"/> and <paramref name="max"/>, about five of them.</summary>
    private static IEnumerable<double> Ticks(double min, double max)
    {
        double raw = (max - min) / 5;
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = power * (raw / power < 1.5 ? 1 : raw / power < 3.5 ? 2 : 5);
        for (double v = Math.Ceiling(min / step) * step; v <= max + (step * 1e-9); v += step)
        {
            yield return Math.Abs(v) < step * 1e-9 ? 0 : v;
        }
    }

    private static void Panel(SvgCanvas svg, double x0, double top, double width, double height, double left, string title, double max, int n, Func<int, IReadOnlyList<(double Value, string Color, string Tooltip)>> bars)
    {
        double plotW = width - left - 10;
        svg.Text(x0, top - 8, title, 11);
        svg.Line(x0 + left, top + height, x0 + left + plotW, top + height, Axis);
        svg.Line(x0 + left, top, x0 + left, top + height, Axis);
        svg.Text(x0 + left - 4, top + 8, FormatValue(max), 9, "end", Axis);
        svg.Text(x0 + left - 4, top + height, "0", 9, "end", Axis);
        double slot = plotW / n;
        for (int k = 0; k < n; k++)
        {
            var values = bars(k);
            double barWidth = Math.Max(slot * 0.8 / Math.Max(values.Count, 1), 0.5);
            for (int b = 0; b < values.Count; b++)
            {
                var (value, color, tooltip) = values[b];
                double h = height * Math.Min(value / max, 1);
                svg.Rect(x0 + left + (slot * k) + (slot * 0.1) + (b * barWidth), top + height - h, barWidth, h, color, tooltip: tooltip, cssClass: "bar");
            }

            if (n <= 40 || k % 5 == 0)
            {
                svg.Text(x0 + left + (slot * (k + 0.5)), top + height + 12, (k + 1).ToString(CultureInfo.InvariantCulture), 9, "middle", Axis);
            }
        }

        svg.Text(x0 + left + (plotW / 2), top + height + 26, "unit k", 9, "middle", Axis);
    }

    private static void CapLine(SvgCanvas svg, double x, double top, double width, double height, double value, double max, string label, string color = "#333333", bool labelLeft = false)
    {
        double y = top + height - (height * Math.Min(value / max, 1));
        svg.Line(x, y, x + width, y, color, 1.2, dashed: true, cssClass: "cap");
        svg.Text(labelLeft ? x + 3 : x + width, y - 3, label, 9, labelLeft ? "start" : "end", color);
    }

    private static void DrawRow(SvgCanvas svg, List<(int Stage, List<Marker> Units)> row, double top, double columnWidth, double box, double height, string which)
    {
        for (int c = 0; c < row.Count; c++)
        {
            double x = 110 + (c * columnWidth);
            svg.Rect(x, top, columnWidth - 10, height - 10, "#fafafa", "#cccccc");
            svg.Text(x + 4, top + 14, $"stage {row[c].Stage}: {row[c].Units.Count(u => u.Kind != "removed" && u.Kind != "moved")}", 10, bold: true);
            for (int u = 0; u < row[c].Units.Count; u++)
            {
                Marker marker = row[c].Units[u];
                double y = top + 22 + (u * (box + 3));
                string color = marker.Kind switch { "moved" => Orange, "removed" => Gray, "arrived" => Green, _ => Blue };
                string tooltip = marker.Kind switch
                {
                    "moved" => $"moved to stage {marker.Other} in step {marker.Step}",
                    "removed" => $"removed in step {marker.Step}",
                    "arrived" => $"moved here from stage {marker.Other} in step {marker.Step}",
                    _ => "kept",
                };
                svg.Rect(x + 6, y, box, box, color, tooltip: tooltip, cssClass: $"unit-{which} unit-{marker.Kind}");
                if (marker.Kind == "removed")
                {
                    svg.Cross(x + 6 + (box / 2), y + (box / 2), box / 3, "#ffffff");
                }

                if (marker.Kind is "moved" or "arrived")
                {
                    svg.Text(x + 10 + box, y + box - 4, marker.Kind == "moved" ? $"to {marker.Other} (step {marker.Step})" : $"from {marker.Other} (step {marker.Step})", 9, fill: color);
                }
            }
        }
    }

    private static void Legend(SvgCanvas svg, double x, double y, string color, string label)
    {
        svg.Rect(x, y - 9, 10, 10, color);
        svg.Text(x + 14, y, label, 10);
    }

    private static string FormatValue(double value) => value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.##", CultureInfo.InvariantCulture);

    private sealed record Marker(string Kind, int Other, int Step);
}
