using System.CommandLine;
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
            NetworkAnalysis analysis = NetworkAnalysis.Of(loaded, options.FieldOptions(parsed), parsed.GetValue(theta));
            if (parsed.GetValue(options.Json))
            {
                console.WriteJson(analysis.Document(loaded));
            }
            else
            {
                console.Out.Write(FieldTable.Render(analysis.Field, loaded.Dataset?.DisplayName, parsed.GetValue(detail)));
                console.Out.WriteLine();
                console.Out.Write(analysis.Verdicts.Render());
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
