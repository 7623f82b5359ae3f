using System.CommandLine;
using InfoField.Field;
using InfoField.Reporting;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield analyze</c>: the Information Field report of a network, per stage and unit.</summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new CommonOptions();
        var command = new Command("analyze", "Report the Information Field of every unit: spatial field, channel coverage, IF, its gain dIF, receptive field, parameters and MACs.");
        options.AddModelOptions(command);
        command.Options.Add(options.Alpha);
        command.Options.Add(options.Frame);
        command.Options.Add(options.Json);
        var detail = new Option<bool>("--detail") { Description = "Also give the field at every op inside each unit (which branch of a block saturates); the JSON always has it." };
        command.Options.Add(detail);
        command.SetAction(parsed => console.Guard(() =>
        {
            LoadedNetwork loaded = options.LoadNetwork(parsed);
            NetworkField field = InformationField.Analyze(loaded.Network, options.FieldOptions(parsed));
            if (parsed.GetValue(options.Json))
            {
                console.WriteJson(AnalysisDocument.From(field, loaded));
            }
            else
            {
                console.Out.Write(FieldTable.Render(field, loaded.Dataset?.DisplayName, parsed.GetValue(detail)));
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
