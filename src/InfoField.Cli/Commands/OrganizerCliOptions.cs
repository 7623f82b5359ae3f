using System.CommandLine;
using InfoField.Field;
using InfoField.Organizer;

namespace InfoField.Cli.Commands;

/// <summary>The organizer's options, shared by <c>optimize</c> and <c>report</c>.</summary>
internal sealed class OrganizerCliOptions
{
    public OrganizerCliOptions()
    {
        Policy.AcceptOnlyFromAmong("literal", "saturated");
        Frame.AcceptOnlyFromAmong("input", "output");
        Preset.AcceptOnlyFromAmong("paper");
    }

    public Option<string?> Frame { get; } = new("--frame") { Description = "Coordinate frame of stages opened by a strided unit: input (default) or output." };

    public Option<string?> Policy { get; } = new("--policy") { Description = "literal (default: the paper's three rules) or saturated (stop once every stage still gains more than theta)." };

    public Option<double?> Theta { get; } = new("--theta") { Description = "The threshold theta (default 0)." };

    public Option<double?> Alpha { get; } = new("--alpha") { Description = "Decay constant alpha of dIF (default 3)." };

    public Option<int> MaxIterations { get; } = new("--max-iterations") { Description = "The iteration bound.", DefaultValueFactory = _ => OrganizerOptions.Default.MaxIterations };

    public Option<string?> Preset { get; } = new("--preset") { Description = "paper: the settings of docs/paper-reading.md section 3 for the rows of the paper that need them, the defaults otherwise." };

    public Option<string> Field { get; } = CommonOptions.CreateField();

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Frame, Policy, Theta, Alpha, MaxIterations, Preset, Field })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The settings asked for, and the preset's explanation when <c>--preset paper</c> chose them.</summary>
    public (OrganizerOptions Options, string? Preset) Resolve(ParseResult parsed, LoadedNetwork loaded)
    {
        if (parsed.GetValue(Preset) is not null)
        {
            string? explicitOption = new[] { ("--frame", parsed.GetValue(Frame) is not null), ("--policy", parsed.GetValue(Policy) is not null), ("--theta", parsed.GetValue(Theta) is not null), ("--alpha", parsed.GetValue(Alpha) is not null) }
                .FirstOrDefault(pair => pair.Item2).Item1;
            if (explicitOption is not null)
            {
                throw new InfoFieldException($"--preset paper chooses frame, policy, theta and alpha itself; leave out {explicitOption}");
            }

            PresetChoice choice = PaperRows.Preset(loaded);
            return (choice.Options with { MaxIterations = parsed.GetValue(MaxIterations), FieldKind = CommonOptions.ParseField(parsed.GetValue(Field)) }, choice.Explanation);
        }

        var options = new OrganizerOptions(
            parsed.GetValue(Frame) == "output" ? CoordinateFrame.Output : CoordinateFrame.Input,
            parsed.GetValue(Policy) == "saturated" ? OrganizerPolicy.Saturated : OrganizerPolicy.Literal,
            parsed.GetValue(Theta) ?? 0,
            parsed.GetValue(Alpha) ?? 3,
            parsed.GetValue(MaxIterations),
            CommonOptions.ParseField(parsed.GetValue(Field)));
        return (options.Validated(), null);
    }
}
