using System.Globalization;
using System.Text;
using InfoField.Organizer;

namespace InfoField.Reporting;

/// <summary>Renders an organizer run as text: settings, the step table, and a before/after summary.</summary>
public static class OrganizerTable
{
    /// <summary>The run as text.</summary>
    public static string Render(OrganizerResult result, string? dataset = null, string? preset = null)
    {
        var text = new StringBuilder();
        string on = dataset is null ? "" : $" on {Printable.Text(dataset)}";
        text.AppendLine(CultureInfo.InvariantCulture, $"Stage-level organizer: {Printable.Text(result.Before.Name)}{on}");
        text.AppendLine(CultureInfo.InvariantCulture, $"settings: {result.Options.Describe()}, at most {result.Options.MaxIterations} iterations");
        if (preset is not null)
        {
            text.AppendLine(Printable.Text(preset));
        }

        var uncounted = result.Before.Stages.Select((stage, s) => (stage, s)).Where(pair => !pair.stage.BodyUnits().Any()).Select(pair => pair.s + 1).ToList();
        if (uncounted.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"source and target number every stage; units per stage leave out stage {string.Join(", ", uncounted)}, which holds only stem or tail units");
        }

        text.AppendLine();
        var rows = new List<string[]> { new[] { "#", "action", "source", "dIF_MIN", "target", "dIF'_MAX", "units after", "why" } };
        foreach (OrganizerStep step in result.Steps)
        {
            rows.Add(
            [
                step.Iteration.ToString(CultureInfo.InvariantCulture),
                step.Action.ToString().ToLowerInvariant(),
                step.Source is int s ? $"{s} ({step.SourceUnit})" : "-",
                Gain(step.SourceDeltaIf),
                step.Target is int t ? t.ToString(CultureInfo.InvariantCulture) : "-",
                Gain(step.TargetDeltaIf),
                StageUnits.Format(step.StageUnits),
                step.Reason,
            ]);
        }

        FieldTable.AppendTable(text, rows, [true, false, false, true, true, true, false, false]);
        text.AppendLine();
        var summary = new List<string[]>
        {
            new[] { "", "units per stage", "params", "MACs" },
            new[] { "before", StageUnits.Format(result.BeforeStageUnits), Format.Count(result.BeforeCost.Parameters), Format.Macs(result.BeforeCost.Macs) },
            new[] { "after", StageUnits.Format(result.AfterStageUnits), Format.Count(result.AfterCost.Parameters), Format.Macs(result.AfterCost.Macs) },
        };
        FieldTable.AppendTable(text, summary, [false, false, true, true]);
        text.AppendLine(CultureInfo.InvariantCulture, $"  net dIF {result.NetDeltaIf.ToString("0.00", CultureInfo.InvariantCulture)} (moved units: gain at target minus gain at source; minus removed units' gain)");
        return text.ToString();
    }

    private static string Gain(double? value) => value is double v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}
