using System.CommandLine;
using InfoField.Field;
using InfoField.Organizer;
using InfoField.Reporting;
using InfoField.Spec;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield optimize</c>: the stage-level organizer, step by step.</summary>
internal static class OptimizeCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new CommonOptions();
        var policy = new Option<string?>("--policy") { Description = "literal (default: the paper's three rules) or saturated (stop once every stage still gains more than theta)." };
        policy.AcceptOnlyFromAmong("literal", "saturated");
        var frame = new Option<string?>("--frame") { Description = "Coordinate frame of stages opened by a strided unit: input (default) or output." };
        frame.AcceptOnlyFromAmong("input", "output");
        var theta = new Option<double?>("--theta") { Description = "The threshold theta (default 0)." };
        var alpha = new Option<double?>("--alpha") { Description = "Decay constant alpha of dIF (default 3)." };
        var bound = new Option<int>("--max-iterations") { Description = "The iteration bound.", DefaultValueFactory = _ => OrganizerOptions.Default.MaxIterations };
        var preset = new Option<string?>("--preset") { Description = "paper: the settings of paper-notes section 3 for the rows of the paper that need them, the defaults otherwise." };
        preset.AcceptOnlyFromAmong("paper");
        var output = new Option<string?>("--out", "-o") { Description = "Write the optimized network as a spec file." };
        var command = new Command("optimize", "Reorganize a network's stages where dIF says layers are wasted: move or remove units, step by step, with the reason for each.");
        options.AddModelOptions(command);
        foreach (Option option in new Option[] { frame, policy, theta, alpha, bound, preset, output, options.Json })
        {
            command.Options.Add(option);
        }

        command.SetAction(parsed => console.Guard(() =>
        {
            LoadedNetwork loaded = options.LoadNetwork(parsed);
            string? presetName = parsed.GetValue(preset);
            string? explanation = null;
            OrganizerOptions settings;
            if (presetName is not null)
            {
                string? explicitOption = new[] { ("--frame", parsed.GetValue(frame) is not null), ("--policy", parsed.GetValue(policy) is not null), ("--theta", parsed.GetValue(theta) is not null), ("--alpha", parsed.GetValue(alpha) is not null) }
                    .FirstOrDefault(pair => pair.Item2).Item1;
                if (explicitOption is not null)
                {
                    throw new InfoFieldException($"--preset paper chooses frame, policy, theta and alpha itself; leave out {explicitOption}");
                }

                PresetChoice choice = loaded.Dataset is null
                    ? new PresetChoice(OrganizerOptions.Default, "paper preset: spec files have no row in the paper, so the defaults apply")
                    : PaperRows.Preset(loaded.Reference, loaded.Dataset);
                settings = choice.Options with { MaxIterations = parsed.GetValue(bound) };
                explanation = choice.Explanation;
            }
            else
            {
                settings = new OrganizerOptions(
                    parsed.GetValue(frame) == "output" ? CoordinateFrame.Output : CoordinateFrame.Input,
                    parsed.GetValue(policy) == "saturated" ? OrganizerPolicy.Saturated : OrganizerPolicy.Literal,
                    parsed.GetValue(theta) ?? 0,
                    parsed.GetValue(alpha) ?? 3,
                    parsed.GetValue(bound));
            }

            OrganizerResult result = StageOrganizer.Optimize(loaded.Network, settings);
            string? path = parsed.GetValue(output);
            if (path is not null)
            {
                NetworkSpec.Save(result.After.WithName($"{result.Before.Name}-opt"), path);
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
                    console.Out.WriteLine($"wrote {path}");
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
