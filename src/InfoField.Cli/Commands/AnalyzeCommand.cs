using System.CommandLine;
using InfoField.Field;
using InfoField.Organizer;
using InfoField.Reporting;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield analyze</c>: the Information Field report of a network, per stage and unit.</summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new CommonOptions();
        var theta = new Option<double>("--theta") { Description = "Threshold theta of the verdicts: a unit is saturated when its dIF is 0 or below theta; the organizer's outlook uses it too.", DefaultValueFactory = _ => OrganizerOptions.Default.Theta };
        var command = new Command("analyze", "Report the Information Field of every unit: spatial field, channel coverage, IF, its gain dIF, receptive field, parameters and MACs; then what it means: saturated units, covered stages, unseen channels, and what optimize would change.");
        options.AddModelOptions(command);
        command.Options.Add(options.Alpha);
        command.Options.Add(options.Frame);
        command.Options.Add(theta);
        command.Options.Add(options.Json);
        var detail = new Option<bool>("--detail") { Description = "Also give the field at every op inside each unit (which branch of a block saturates); the JSON always has it." };
        command.Options.Add(detail);
        command.SetAction(parsed => console.Guard(() =>
        {
            LoadedNetwork loaded = options.LoadNetwork(parsed);
            FieldOptions fieldOptions = options.FieldOptions(parsed);
            NetworkField field = InformationField.Analyze(loaded.Network, fieldOptions);
            var organizer = new OrganizerOptions(fieldOptions.Frame, OrganizerOptions.Default.Policy, parsed.GetValue(theta), fieldOptions.Alpha);
            VerdictsDocument verdicts = VerdictsDocument.Of(field, StageOrganizer.Optimize(loaded.Network, organizer.Validated()), organizer.Theta);
            if (parsed.GetValue(options.Json))
            {
                console.WriteJson(AnalysisDocument.From(field, loaded) with { Verdicts = verdicts });
            }
            else
            {
                console.Out.Write(FieldTable.Render(field, loaded.Dataset?.DisplayName, parsed.GetValue(detail)));
                console.Out.WriteLine();
                console.Out.Write(verdicts.Render());
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
