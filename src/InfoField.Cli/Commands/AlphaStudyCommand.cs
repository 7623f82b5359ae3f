using System.CommandLine;
using System.Globalization;
using System.Text;
using InfoField.Organizer;
using InfoField.Reporting;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield study alpha</c>: does alpha change the organizer's architectures? Static, over the whole zoo.</summary>
internal static class AlphaStudyCommand
{
    public static Command Create(CliConsole console)
    {
        var alphas = new Option<string>("--alphas") { Description = "The alphas to compare, comma-separated; 3 (the reference) is always included.", DefaultValueFactory = _ => "0.5,1,2,3,5,10" };
        var json = new Option<bool>("--json") { Description = "Write JSON (schema infofield-alpha-study/1) instead of text." };
        var command = new Command("alpha", "The paper's claim that alpha makes no substantial difference (section 3.2): the organizer on every zoo model and dataset at each alpha, compared with alpha = 3. Trains nothing.");
        var field = CommonOptions.CreateField();
        command.Options.Add(alphas);
        command.Options.Add(field);
        command.Options.Add(json);
        command.SetAction(parsed => console.Guard(() =>
        {
            List<double> values = Parse(parsed.GetRequiredValue(alphas));
            AlphaSensitivity study = AlphaSensitivity.OfZoo(values, options: OrganizerOptions.Default with { FieldKind = CommonOptions.ParseField(parsed.GetValue(field)) });
            if (parsed.GetValue(json))
            {
                console.WriteJson(AlphaStudyDocument.From(study));
            }
            else
            {
                console.Out.Write(Render(study));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static List<double> Parse(string text)
    {
        var values = new List<double>();
        foreach (string item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(item, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double alpha) || !(alpha > 0) || !double.IsFinite(alpha))
            {
                throw new InfoFieldException($"--alphas: '{item}' is not a positive number (write decimals with a point, e.g. 0.5,1,3)");
            }

            values.Add(alpha);
        }

        return values.Append(3).Distinct().Order().ToList();
    }

    private static string Render(AlphaSensitivity study)
    {
        var text = new StringBuilder();
        string A(double alpha) => alpha.ToString(CultureInfo.InvariantCulture);
        text.AppendLine(CultureInfo.InvariantCulture, $"The organizer (input frame, literal policy, theta 0, {study.FieldKind.ToString().ToLowerInvariant()} field) on {study.Rows.Count} zoo networks (every model and dataset it defines), at alpha {string.Join(", ", study.Alphas.Select(A))}, against alpha {A(study.Reference)}:");
        var summary = new List<string[]> { new[] { "alpha", "architectures that differ from alpha 3" } };
        for (int i = 0; i < study.Alphas.Count; i++)
        {
            summary.Add([A(study.Alphas[i]), string.Create(CultureInfo.InvariantCulture, $"{study.Differing(i)} of {study.Rows.Count}")]);
        }

        FieldTable.AppendTable(text, summary, [true, true]);
        var differing = study.Rows.Where(row => row.Differs).ToList();
        text.AppendLine();
        text.AppendLine(differing.Count == 0 ? "Every network gets the same architecture at every alpha." : "Where they differ (units per stage; = marks the architecture of alpha 3):");
        if (differing.Count > 0)
        {
            var rows = new List<string[]> { (string[])["model", "dataset", "before", .. study.Alphas.Select(alpha => $"alpha {A(alpha)}")] };
            foreach (AlphaSensitivityRow row in differing)
            {
                rows.Add([row.Model, row.Dataset, StageUnits.Format(row.Before), .. row.After.Select((after, i) => row.SameAsReference[i] ? "=" : StageUnits.Format(after))]);
            }

            FieldTable.AppendTable(text, rows, [false, false, false, .. study.Alphas.Select(_ => false)]);
        }

        if (study.Skipped.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Not defined, skipped: {study.Skipped.Count} model/dataset pairs (e.g. {study.Skipped[0]}).");
        }

        return text.ToString();
    }
}
