using System.Globalization;
using InfoField.Reporting;
using InfoField.Statistics;

namespace InfoField.Torch.Studies;

/// <summary>The finished runs of a results folder as report points: one per network and recipe, accuracy over seeds.</summary>
public static class StudyPoints
{
    /// <summary>
    /// Every finished run in <paramref name="folder"/>, grouped by row label, dataset, width and recipe (seeds apart);
    /// a label trained with several recipes gets them in its name.
    /// </summary>
    public static IReadOnlyList<ResultPointDocument> Read(ResultsFolder folder)
    {
        var groups = folder.ReadAll()
            .GroupBy(r => (r.Label, r.Result.Dataset, r.Result.Width, r.Result.Epochs, r.Result.BatchSize, r.Result.LearningRate, r.Result.Schedule))
            .OrderBy(g => g.Key.Label, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Epochs)
            .ToList();
        return groups.Select(group =>
        {
            double[] accuracies = group.OrderBy(r => r.Result.Seed).Select(r => r.Result.TestAccuracy).ToArray();
            bool ambiguous = groups.Count(g => g.Key.Label == group.Key.Label) > 1;
            string name = ambiguous
                ? string.Create(CultureInfo.InvariantCulture, $"{group.Key.Label} ({group.Key.Dataset}, width {group.Key.Width}, {group.Key.Epochs} epochs, batch {group.Key.BatchSize}, lr {group.Key.LearningRate}, {group.Key.Schedule})")
                : group.Key.Label;
            double std = Summary.SampleStandardDeviation(accuracies);
            RunRecord first = group.First();
            return new ResultPointDocument(name, first.Result.Params, first.Result.Macs, Summary.Mean(accuracies), double.IsNaN(std) ? 0 : std, accuracies.Length);
        }).ToList();
    }
}
