using System.CommandLine;
using InfoField.Organizer;
using InfoField.Reporting;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield optimize</c>: the stage-level organizer, step by step.</summary>
internal static class OptimizeCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new CommonOptions();
        var organizer = new OrganizerCliOptions();
        var output = new Option<string?>("--out", "-o") { Description = "Write the optimized network: a spec file, or an ONNX model (freshly initialized weights, seed 0) for a name ending in .onnx." };
        var links = new OutputTarget();
        var command = new Command("optimize", "Reorganize a network's stages where dIF says layers are wasted: move or remove units, step by step, with the reason for each.");
        options.AddModelOptions(command);
        organizer.AddTo(command);
        command.Options.Add(output);
        links.AddTo(command);
        command.Options.Add(options.Json);

        command.SetAction(parsed => console.Guard(() =>
        {
            LoadedNetwork loaded = options.LoadNetwork(parsed);
            var (settings, explanation) = organizer.Resolve(parsed, loaded);
            OrganizerResult result = StageOrganizer.Optimize(loaded.Network, settings);
            string? path = links.Resolve(parsed, parsed.GetValue(output));
            if (path is not null)
            {
                NetworkOutput.Save(result.After.WithName($"{result.Before.Name}-opt"), path);
            }

            if (parsed.GetValue(options.Json))
            {
                console.WriteJson(OptimizationDocument.From(result, loaded, explanation, path));
            }
            else
            {
                console.Out.Write(OrganizerTable.Render(result, loaded.Dataset?.DisplayName, explanation));
                if (path is not null)
                {
                    console.Out.WriteLine($"wrote {Printable.Text(path)}");
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
