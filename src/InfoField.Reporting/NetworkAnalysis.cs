using InfoField.Field;
using InfoField.Organizer;

namespace InfoField.Reporting;

/// <summary>
/// What <c>infofield analyze</c> computes for a network: its Information Field and the verdicts drawn from it and from
/// the organizer's run with the same alpha, frame and theta. <see cref="Document"/> is <c>analyze --json</c>'s document.
/// </summary>
/// <param name="Field">The analysis.</param>
/// <param name="Verdicts">What it means.</param>
public sealed record NetworkAnalysis(NetworkField Field, VerdictsDocument Verdicts)
{
    /// <summary>
    /// Analyzes <paramref name="loaded"/> with <paramref name="options"/> (default: the paper's) and draws the verdicts
    /// at saturation threshold <paramref name="theta"/> (default: the organizer's).
    /// </summary>
    public static NetworkAnalysis Of(LoadedNetwork loaded, FieldOptions? options = null, double? theta = null)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        options = (options ?? FieldOptions.Default).Validated();
        NetworkField field = InformationField.Analyze(loaded.Network, options);
        var organizer = new OrganizerOptions(options.Frame, OrganizerOptions.Default.Policy, theta ?? OrganizerOptions.Default.Theta, options.Alpha);
        return new NetworkAnalysis(field, VerdictsDocument.Of(field, StageOrganizer.Optimize(loaded.Network, organizer.Validated()), organizer.Theta));
    }

    /// <summary>The JSON document of <c>infofield analyze --json</c> for <paramref name="loaded"/>, the network analyzed.</summary>
    public AnalysisDocument Document(LoadedNetwork loaded) => AnalysisDocument.From(Field, loaded) with { Verdicts = Verdicts };
}
