using System.CommandLine;
using System.Globalization;
using System.Text;
using InfoField.Organizer;
using InfoField.Reporting;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield reproduce</c>: the architecture columns of the paper's Tables 3-5 beside InfoField's.</summary>
internal static class ReproduceCommand
{
    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Write JSON instead of text." };
        var command = new Command("reproduce", "Run the organizer on the paper's Tables 3, 4 and 5 (VGG16, VGG19, MobileNet, ResNet50) and compare units per stage, parameters, MACs and dIF.") { json };
        command.SetAction(parsed => console.Guard(() =>
        {
            IReadOnlyList<ReproducedRow> rows = Reproduction.Run();
            if (parsed.GetValue(json))
            {
                console.WriteJson(ReproductionDocument.From(rows));
                return ExitCodes.Success;
            }

            console.Out.Write(Render(rows));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Render(IReadOnlyList<ReproducedRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("The paper's Tables 3-5 (optimized rows) beside InfoField's organizer with --preset paper.");
        text.AppendLine("units and params match when the units per stage are equal and the parameters round to the printed 0.01M.");
        text.AppendLine();
        var table = new List<string[]> { new[] { "table", "model", "dataset", "units paper", "units ours", "params paper", "params ours", "MFLOPs paper", "MMAC ours", "dIF paper", "dIF ours", "match" } };
        foreach (ReproducedRow row in rows)
        {
            string match = row.Matches ? "yes" : row.UnitsMatch ? "units only" : "no";
            table.Add(
            [
                row.Paper.Table.ToString(CultureInfo.InvariantCulture),
                row.Paper.Model,
                row.Paper.Dataset,
                row.Paper.StageUnits,
                row.StageUnits,
                row.Paper.ParametersM.ToString("0.00", CultureInfo.InvariantCulture) + "M",
                (row.Cost.Parameters / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + "M",
                row.Paper.Mflops.ToString("N0", CultureInfo.InvariantCulture),
                (row.Cost.Macs / 1e6).ToString("N0", CultureInfo.InvariantCulture),
                row.Paper.DeltaIf.ToString("0.00", CultureInfo.InvariantCulture),
                row.NetDeltaIf.ToString("0.00", CultureInfo.InvariantCulture),
                match + (row.Paper.Note is null ? "" : " *"),
            ]);
        }

        FieldTable.AppendTable(text, table, [true, false, false, false, false, true, true, true, true, true, true, false]);
        text.AppendLine();
        text.AppendLine("Settings used:");
        foreach (var group in rows.GroupBy(row => row.Settings))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key}: {string.Join(", ", group.Select(row => $"{row.Paper.Model}/{row.Paper.Dataset}"))}");
        }

        foreach (ReproducedRow row in rows.Where(row => row.Paper.Note is not null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"* {row.Paper.Model}/{row.Paper.Dataset}: {row.Paper.Note}");
        }

        text.AppendLine("dIF ours is the net gain (moved units: gain at target minus gain at source; minus removed units' gain); the paper's dIF column agrees with it only for the ImageNet VGG rows (see docs/reproduce.md).");
        return text.ToString();
    }
}
