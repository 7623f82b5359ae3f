using System.Globalization;
using InfoField.Field;
using InfoField.Organizer;

namespace InfoField.Web.Model;

/// <summary>
/// The page's settings, the options of <c>infofield report</c> (and of <c>analyze</c> and <c>optimize</c>): alpha,
/// frame, theta, policy, the iteration bound, the paper preset, which chooses the first four itself, and the field.
/// </summary>
/// <param name="Alpha">Decay constant alpha of dIF.</param>
/// <param name="Frame">Coordinate frame of stages opened by a strided unit.</param>
/// <param name="Theta">The threshold theta.</param>
/// <param name="Policy">The organizer's policy.</param>
/// <param name="MaxIterations">The organizer's iteration bound.</param>
/// <param name="Preset">True for <c>--preset paper</c>.</param>
/// <param name="FieldKind">The field IF, dIF, the verdicts and the organizer use (<c>--field</c>).</param>
public sealed record PageSettings(double Alpha, CoordinateFrame Frame, double Theta, OrganizerPolicy Policy, int MaxIterations, bool Preset, FieldKind FieldKind = FieldKind.Local)
{
    /// <summary>The command line's defaults.</summary>
    public static PageSettings Default { get; } = new(
        OrganizerOptions.Default.Alpha, OrganizerOptions.Default.Frame, OrganizerOptions.Default.Theta, OrganizerOptions.Default.Policy, OrganizerOptions.Default.MaxIterations, false, OrganizerOptions.Default.FieldKind);

    /// <summary>Reads the settings form; a value that is not a number is refused with one line naming its field.</summary>
    public static PageSettings Parse(string alpha, string frame, string theta, string policy, string maxIterations, bool preset, string field = "local") => new(
        Number("alpha", alpha),
        frame == "output" ? CoordinateFrame.Output : CoordinateFrame.Input,
        Number("theta", theta),
        policy == "saturated" ? OrganizerPolicy.Saturated : OrganizerPolicy.Literal,
        Count("max-iterations", maxIterations),
        preset,
        field == "literal" ? FieldKind.Literal : FieldKind.Local);

    /// <summary>A number typed into the field <paramref name="field"/>, read in the invariant culture as the command line reads it.</summary>
    public static double Number(string field, string text)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new ParameterException(field, $"'{text}'", "expected a finite number such as 3 or 0.5");
        }

        return value;
    }

    /// <summary>A whole number typed into the field <paramref name="field"/>.</summary>
    public static int Count(string field, string text)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            throw new ParameterException(field, $"'{text}'", "expected a whole number");
        }

        return value;
    }

    /// <summary>The organizer settings for <paramref name="loaded"/>, with the preset's explanation when it chose them.</summary>
    public (OrganizerOptions Options, string? Preset) Organizer(LoadedNetwork loaded)
    {
        if (Preset)
        {
            PresetChoice choice = PaperRows.Preset(loaded);
            return (choice.Options with { MaxIterations = MaxIterations, FieldKind = FieldKind }, choice.Explanation);
        }

        return (new OrganizerOptions(Frame, Policy, Theta, Alpha, MaxIterations, FieldKind).Validated(), null);
    }
}
