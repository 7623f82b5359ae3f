using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using InfoField.Costs;
using InfoField.Reporting;
using InfoField.Reporting.Html;
using InfoField.Statistics;
using InfoField.Training;

namespace InfoField.Torch.Studies;

/// <summary>One row of a study: a network and its runs' test accuracies (fractions) over seeds.</summary>
/// <param name="Label">The row's name (a zoo name, an optimized form, or a spec file).</param>
/// <param name="Network">The architecture's name.</param>
/// <param name="DeltaIf">Insertion study: the dIF of the inserted unit; null for the base and for comparisons.</param>
/// <param name="Params">Trainable parameters.</param>
/// <param name="Macs">Multiply-accumulates per image.</param>
/// <param name="Seeds">The seeds of the finished runs.</param>
/// <param name="Accuracies">Test accuracy of each finished run, in seed order.</param>
/// <param name="Planned">Runs planned for this row.</param>
/// <param name="Mean">Mean test accuracy (NaN when no run finished).</param>
/// <param name="Std">Sample standard deviation of the test accuracy (NaN for fewer than two runs).</param>
/// <param name="Delta">Mean accuracy minus the reference row's (the base, or the first model); null for the reference.</param>
/// <param name="DeltaStdError">Standard error of <paramref name="Delta"/>: sqrt(s1^2/n1 + s2^2/n2); null unless both rows have two runs or more.</param>
/// <param name="Seconds">Training time of the finished runs, summed.</param>
public sealed record StudyRow(
    string Label,
    string Network,
    double? DeltaIf,
    long Params,
    long Macs,
    IReadOnlyList<long> Seeds,
    IReadOnlyList<double> Accuracies,
    int Planned,
    double Mean,
    double Std,
    double? Delta,
    double? DeltaStdError,
    double Seconds);

/// <summary>
/// A study's result, aggregated from the results folder (JSON schema <c>infofield-study/1</c>, docs/cli.md).
/// </summary>
/// <param name="Schema">Always <c>infofield-study/1</c>.</param>
/// <param name="Study"><c>insertion</c> or <c>compare</c>.</param>
/// <param name="Dataset">The dataset.</param>
/// <param name="Width">The width multiplier of zoo models.</param>
/// <param name="Epochs">Epochs per run.</param>
/// <param name="BatchSize">Batch size.</param>
/// <param name="LearningRate">Initial learning rate.</param>
/// <param name="Schedule">Learning-rate schedule.</param>
/// <param name="SeedCount">Seeds per network (1 to K).</param>
/// <param name="ResultsDirectory">The results folder.</param>
/// <param name="Rows">One per network; the first is the reference.</param>
/// <param name="Spearman">Insertion study: Spearman's rank correlation between the variants' dIF and accuracy change; null otherwise or when undefined.</param>
/// <param name="Missing">Planned runs not finished yet.</param>
/// <param name="Pearson">Insertion study: Pearson's correlation between the variants' dIF and accuracy change; null otherwise or when undefined.</param>
/// <param name="SpearmanP">One-sided permutation p-value of <paramref name="Spearman"/> (exact up to 8 variants, else 100,000 seeded permutations).</param>
/// <param name="PearsonP">One-sided permutation p-value of <paramref name="Pearson"/>.</param>
/// <param name="Comparisons">Kernel study: each DW+RPW row against the DW+GPW row of the same g (accuracy difference and its standard error).</param>
public sealed record StudyReport(
    string Schema,
    string Study,
    string Dataset,
    double Width,
    int Epochs,
    int BatchSize,
    [property: JsonPropertyName("lr")] double LearningRate,
    string Schedule,
    [property: JsonPropertyName("seeds")] int SeedCount,
    [property: JsonPropertyName("resultsDir")] string ResultsDirectory,
    IReadOnlyList<StudyRow> Rows,
    double? Spearman,
    int Missing,
    double? Pearson = null,
    double? SpearmanP = null,
    double? PearsonP = null,
    IReadOnlyList<StudyComparison>? Comparisons = null)
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-study/1";

    /// <summary>
    /// Aggregates <paramref name="state"/> into rows, in the order of <paramref name="labels"/> (the first is the
    /// reference). <paramref name="deltaIf"/> gives the insertion study's gains; the Spearman correlation is taken over
    /// the rows that have a gain and at least one finished run.
    /// </summary>
    public static StudyReport From(string study, SweepState state, IReadOnlyList<string> labels, IReadOnlyDictionary<string, double>? deltaIf, string dataset, double width, TrainingSettings settings, int seeds, string resultsDirectory)
    {
        var rows = new List<StudyRow>();
        foreach (string label in labels)
        {
            var runs = state.Runs.Where(r => r.Run.Label == label).ToList();
            var done = runs.Where(r => r.Record is not null).OrderBy(r => r.Run.Settings.Seed).ToList();
            double[] accuracies = done.Select(r => r.Record!.Result.TestAccuracy).ToArray();
            Cost cost = CostModel.Of(runs[0].Run.Model.Network).Total;
            rows.Add(new StudyRow(
                label,
                runs[0].Run.Model.Network.Name,
                deltaIf is not null && deltaIf.TryGetValue(label, out double gain) ? gain : null,
                cost.Parameters,
                cost.Macs,
                done.Select(r => r.Run.Settings.Seed).ToList(),
                accuracies,
                runs.Count,
                Summary.Mean(accuracies),
                Summary.SampleStandardDeviation(accuracies),
                null,
                null,
                done.Sum(r => r.Record!.Result.Seconds)));
        }

        StudyRow reference = rows[0];
        for (int i = 1; i < rows.Count; i++)
        {
            StudyRow row = rows[i];
            if (row.Accuracies.Count > 0 && reference.Accuracies.Count > 0)
            {
                double? error = row.Accuracies.Count > 1 && reference.Accuracies.Count > 1
                    ? Math.Sqrt((row.Std * row.Std / row.Accuracies.Count) + (reference.Std * reference.Std / reference.Accuracies.Count))
                    : null;
                rows[i] = row with { Delta = row.Mean - reference.Mean, DeltaStdError = error };
            }
        }

        var ranked = rows.Where(r => r.DeltaIf is not null && r.Delta is not null).ToList();
        double[] gains = ranked.Select(r => r.DeltaIf!.Value).ToArray();
        double[] changes = ranked.Select(r => r.Delta!.Value).ToArray();
        double? Defined(double value) => double.IsFinite(value) ? value : null;
        double? Correlation(Func<IReadOnlyList<double>, IReadOnlyList<double>, double> statistic) => ranked.Count >= 2 ? Defined(statistic(gains, changes)) : null;
        double? PValue(Func<IReadOnlyList<double>, IReadOnlyList<double>, double> statistic) => ranked.Count >= 3 ? Defined(Summary.PermutationPValue(gains, changes, statistic)) : null;
        return new StudyReport(
            SchemaName, study, dataset, width, settings.Epochs, settings.BatchSize, settings.LearningRate, settings.ScheduleName, seeds, resultsDirectory, rows,
            Correlation(Summary.Spearman), state.Missing, Correlation(Summary.Pearson), PValue(Summary.Spearman), PValue(Summary.Pearson), KernelComparisons(study, rows));
    }

    /// <summary>Kernel study: every DW+RPW-gX row against DW+GPW-gX (at equal parameters and MACs), as in the paper's Table 6.</summary>
    private static IReadOnlyList<StudyComparison>? KernelComparisons(string study, List<StudyRow> rows)
    {
        if (study != "kernels")
        {
            return null;
        }

        var comparisons = new List<StudyComparison>();
        foreach (StudyRow row in rows.Where(r => r.Label.StartsWith("DW+RPW-g", StringComparison.Ordinal)))
        {
            string groups = row.Label["DW+RPW-".Length..row.Label.IndexOf("-o", StringComparison.Ordinal)];
            StudyRow? gpw = rows.FirstOrDefault(r => r.Label == $"DW+GPW-{groups}");
            if (gpw is null || row.Accuracies.Count == 0 || gpw.Accuracies.Count == 0)
            {
                continue;
            }

            double? error = row.Accuracies.Count > 1 && gpw.Accuracies.Count > 1
                ? Math.Sqrt((row.Std * row.Std / row.Accuracies.Count) + (gpw.Std * gpw.Std / gpw.Accuracies.Count))
                : null;
            comparisons.Add(new StudyComparison(row.Label, gpw.Label, row.Mean - gpw.Mean, error));
        }

        return comparisons;
    }

    /// <summary>The report as text: the settings, a table with the spread, and the correlation.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        string title = Study switch { "insertion" => "Insertion study (the paper's Table 2)", "kernels" => "Kernel-level study (the paper's Table 6)", _ => "Comparison" };
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{title} on {Dataset}, width {Width}: {Epochs} epochs, batch {BatchSize}, lr {LearningRate}, {Schedule} schedule; seeds 1-{SeedCount}; results in {Printable.Text(ResultsDirectory)}"));
        bool insertion = Study == "insertion";
        bool kernels = Study == "kernels";
        var table = new List<string[]>
        {
            insertion ? ["network", "dIF", "runs", "test accuracy % (mean ± std)", "change vs base (± s.e.)", "params", "MACs"]
            : kernels ? ["block", "params", "MACs", "runs", "test accuracy % (mean ± std)", $"change vs {Rows[0].Label} (± s.e.)", "s/epoch"]
            : ["model", "params", "MACs", "runs", "test accuracy % (mean ± std)", $"change vs {Rows[0].Label} (± s.e.)"],
        };
        foreach (StudyRow row in Rows)
        {
            string runs = $"{row.Accuracies.Count}/{row.Planned}";
            string accuracy = row.Accuracies.Count == 0 ? "-" : double.IsNaN(row.Std) ? Percent(row.Mean) : $"{Percent(row.Mean)} ± {Percent(row.Std)}";
            string change = row.Delta is double d ? (row.DeltaStdError is double e ? $"{Signed(d)} ± {Percent(e)}" : Signed(d)) : "-";
            string gain = row.DeltaIf is double g ? g.ToString("0.00", CultureInfo.InvariantCulture) : "-";
            string perEpoch = row.Accuracies.Count == 0 ? "-" : (row.Seconds / row.Accuracies.Count / Epochs).ToString("0.0", CultureInfo.InvariantCulture);
            table.Add(insertion
                ? [row.Label, gain, runs, accuracy, change, Format.Count(row.Params), Format.Macs(row.Macs)]
                : kernels ? [row.Label, Format.Count(row.Params), Format.Macs(row.Macs), runs, accuracy, change, perEpoch]
                : [row.Label, Format.Count(row.Params), Format.Macs(row.Macs), runs, accuracy, change]);
        }

        FieldTable.AppendTable(text, table, [false, .. Enumerable.Repeat(true, table[0].Length - 1)]);
        if (insertion)
        {
            int variants = Rows.Count(r => r.DeltaIf is not null && r.Delta is not null);
            text.AppendLine(Spearman is double rho
                ? string.Create(CultureInfo.InvariantCulture, $"Spearman correlation of dIF and accuracy change over the {variants} variants: {rho:0.00}{PText(SpearmanP)}")
                : "Spearman correlation of dIF and accuracy change: undefined (too few finished variants, or a constant side)");
            if (Pearson is double r)
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Pearson correlation of dIF and accuracy change over the {variants} variants: {r:0.00}{PText(PearsonP)}"));
            }
        }

        if (Comparisons is { Count: > 0 })
        {
            text.AppendLine("DW+RPW against DW+GPW with the same groups (equal parameters and MACs):");
            foreach (StudyComparison comparison in Comparisons)
            {
                string error = comparison.StdError is double e ? $" ± {Percent(e)}" : "";
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {Printable.Text(comparison.Label)} - {Printable.Text(comparison.Versus)}: {Signed(comparison.Delta)}{error} points"));
            }
        }

        if (Missing > 0)
        {
            // What to do about them depends on how the report was asked for (a slice, --report); the caller says it.
            int planned = Rows.Sum(r => r.Planned);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{Missing} of the {planned} planned runs have not finished; the table shows the {planned - Missing} that have."));
        }

        return text.ToString();
    }

    /// <summary>
    /// The study's charts from its finished runs: the insertion study's accuracy change against dIF (one series per
    /// inserted kernel), otherwise accuracy against parameters and against MACs; none before a run has finished.
    /// </summary>
    public IReadOnlyList<Chart> Charts()
    {
        if (Study == "insertion")
        {
            var gains = Rows.Where(r => r.DeltaIf is not null && r.Delta is not null)
                .Select(r => new GainPointDocument(r.Label, InsertedKernel(r.Label), r.DeltaIf!.Value, r.Delta!.Value, r.DeltaStdError ?? 0))
                .ToList();
            return gains.Count == 0 ? [] : [InfoField.Reporting.Html.Charts.Gains(gains)];
        }

        var points = Rows.Where(r => r.Accuracies.Count > 0)
            .Select(r => new ResultPointDocument(r.Label, r.Params, r.Macs, r.Mean, double.IsNaN(r.Std) ? 0 : r.Std, r.Accuracies.Count))
            .ToList();
        return points.Count == 0 ? [] : [InfoField.Reporting.Html.Charts.Results(points, macs: false), InfoField.Reporting.Html.Charts.Results(points, macs: true)];
    }

    /// <summary>The inserted kernel of an insertion variant, from its zoo name (<c>-variantK</c> is 3x3, <c>-variantK-convN</c> N x N).</summary>
    private static string InsertedKernel(string label)
    {
        int at = label.LastIndexOf("-conv", StringComparison.Ordinal);
        return at >= 0 && int.TryParse(label.AsSpan(at + "-conv".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            ? string.Create(CultureInfo.InvariantCulture, $"{k}x{k} conv")
            : "3x3 conv";
    }

    private static string PText(double? p) =>
        p is double value ? string.Create(CultureInfo.InvariantCulture, $" (one-sided permutation p = {value:0.000})") : "";

    private static string Percent(double fraction) => (fraction * 100).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Signed(double fraction) => (fraction >= 0 ? "+" : "-") + Percent(Math.Abs(fraction));
}

/// <summary>One row of a study against another (kernel study: DW+RPW-gX against DW+GPW-gX).</summary>
/// <param name="Label">The row.</param>
/// <param name="Versus">The row it is compared with.</param>
/// <param name="Delta">Mean accuracy of <paramref name="Label"/> minus that of <paramref name="Versus"/> (fractions).</param>
/// <param name="StdError">Standard error of <paramref name="Delta"/>; null unless both rows have two runs or more.</param>
public sealed record StudyComparison(
    string Label,
    string Versus,
    double Delta,
    double? StdError);
