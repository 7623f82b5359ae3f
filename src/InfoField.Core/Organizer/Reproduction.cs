using InfoField.Costs;
using InfoField.Zoo;

namespace InfoField.Organizer;

/// <summary>One paper row next to what InfoField computes for it.</summary>
/// <param name="Paper">The row as printed.</param>
/// <param name="Settings">The settings used, in words.</param>
/// <param name="StageUnits">Our units per stage after.</param>
/// <param name="Cost">Our parameters and MACs after.</param>
/// <param name="NetDeltaIf">Our net dIF.</param>
/// <param name="UnitsMatch">Same units per stage as the paper.</param>
/// <param name="ParametersMatch">Our parameters, rounded to 0.01M as the paper prints them, equal the paper's.</param>
public sealed record ReproducedRow(PaperRow Paper, string Settings, string StageUnits, Cost Cost, double NetDeltaIf, bool UnitsMatch, bool ParametersMatch)
{
    /// <summary>Architecture and parameters both match.</summary>
    public bool Matches => UnitsMatch && ParametersMatch;
}

/// <summary>Runs the organizer on every row of the paper's Tables 3-5 with <c>--preset paper</c>.</summary>
public static class Reproduction
{
    /// <summary>Every row of <see cref="PaperRows.Rows"/>, reproduced.</summary>
    public static IReadOnlyList<ReproducedRow> Run() => PaperRows.Rows.Select(Run).ToList();

    /// <summary>One row, reproduced.</summary>
    public static ReproducedRow Run(PaperRow row)
    {
        DatasetInfo dataset = DatasetInfo.Find(row.Dataset);
        PresetChoice preset = PaperRows.Preset(row.Model, dataset);
        OrganizerResult result = StageOrganizer.Optimize(ModelZoo.Create(row.Model, new ZooRequest(dataset)), preset.Options);
        string units = Organizer.StageUnits.Format(result.AfterStageUnits);
        return new ReproducedRow(
            row,
            preset.Options.Describe(),
            units,
            result.AfterCost,
            result.NetDeltaIf,
            units == row.StageUnits,
            Math.Round(result.AfterCost.Parameters / 1e6, 2) == row.ParametersM);
    }
}
