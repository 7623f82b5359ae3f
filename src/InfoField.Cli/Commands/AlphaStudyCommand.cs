using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
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
        command.Options.Add(alphas);
        command.Options.Add(json);
        command.SetAction(parsed => console.Guard(() =>
        {
            List<double> values = Parse(parsed.GetRequiredValue(alphas));
            AlphaSensitivity study = AlphaSensitivity.OfZoo(values);
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
        text.AppendLine(CultureInfo.InvariantCulture, $"The organizer (input frame, literal policy, theta 0) on {study.Rows.Count} zoo networks (every model and dataset it defines), at alpha {string.Join(", ", study.Alphas.Select(A))}, against alpha {A(study.Reference)}:");
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

/// <summary>The JSON of <c>infofield study alpha --json</c>.</summary>
/// <param name="Schema">Always <c>infofield-alpha-study/1</c>.</param>
/// <param name="Alphas">The alphas compared.</param>
/// <param name="Reference">The reference alpha.</param>
/// <param name="Differing">Per alpha, how many architectures differ from the reference's.</param>
/// <param name="Rows">Per model and dataset.</param>
/// <param name="Skipped">Pairs without a definition.</param>
internal sealed record AlphaStudyDocument(
    [property: JsonPropertyName("schema")] string Schema,
    [property: JsonPropertyName("alphas")] IReadOnlyList<double> Alphas,
    [property: JsonPropertyName("reference")] double Reference,
    [property: JsonPropertyName("differing")] IReadOnlyList<int> Differing,
    [property: JsonPropertyName("rows")] IReadOnlyList<AlphaStudyRow> Rows,
    [property: JsonPropertyName("skipped")] IReadOnlyList<string> Skipped)
{
    public static AlphaStudyDocument From(AlphaSensitivity study) => new(
        "infofield-alpha-study/1",
        study.Alphas,
        study.Reference,
        [.. Enumerable.Range(0, study.Alphas.Count).Select(study.Differing)],
        [.. study.Rows.Select(row => new AlphaStudyRow(row.Model, row.Dataset, [.. row.Before], [.. row.After.Select(after => (IReadOnlyList<int>)[.. after])], [.. row.SameAsReference]))],
        study.Skipped);
}

/// <summary>One network in <see cref="AlphaStudyDocument"/>.</summary>
/// <param name="Model">The zoo model.</param>
/// <param name="Dataset">The dataset.</param>
/// <param name="Before">Units per stage before.</param>
/// <param name="After">Units per stage after, per alpha.</param>
/// <param name="SameAsReference">Per alpha, whether the optimized network equals the reference's.</param>
internal sealed record AlphaStudyRow(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("dataset")] string Dataset,
    [property: JsonPropertyName("before")] IReadOnlyList<int> Before,
    [property: JsonPropertyName("after")] IReadOnlyList<IReadOnlyList<int>> After,
    [property: JsonPropertyName("sameAsReference")] IReadOnlyList<bool> SameAsReference);
