using System.Collections.Immutable;
using InfoField.Field;
using InfoField.Organizer;

namespace InfoField.Reporting;

/// <summary>
/// What <c>infofield analyze</c> computes for a network: its Information Field and the verdicts drawn from it and from
/// the organizer's run with the same alpha, frame, field and theta. <see cref="Document"/> is <c>analyze --json</c>'s document.
/// </summary>
/// <param name="Field">The analysis.</param>
/// <param name="Verdicts">What it means.</param>
public sealed record NetworkAnalysis(NetworkField Field, VerdictsDocument Verdicts)
{
    /// <summary>Every output's field in the frame of the network's input, when <see cref="OutputDocument.Reported"/>; else empty.</summary>
    public ImmutableArray<OutputField> Outputs { get; init; } = [];

    /// <summary>
    /// Analyzes <paramref name="loaded"/> with <paramref name="options"/> (default: the paper's) and draws the verdicts
    /// at saturation threshold <paramref name="theta"/> (default: the organizer's). With <paramref name="outlook"/> false
    /// the organizer does not run and the verdicts leave out what it would do (it analyses the network several times
    /// over; a batch of a search space skips it by default).
    /// </summary>
    public static NetworkAnalysis Of(LoadedNetwork loaded, FieldOptions? options = null, double? theta = null, bool outlook = true)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        options = (options ?? FieldOptions.Default).Validated();
        NetworkField field = InformationField.Analyze(loaded.Network, options);
        var organizer = new OrganizerOptions(options.Frame, OrganizerOptions.Default.Policy, theta ?? OrganizerOptions.Default.Theta, options.Alpha, FieldKind: options.FieldKind).Validated();
        return new NetworkAnalysis(field, VerdictsDocument.Of(field, outlook ? StageOrganizer.Optimize(loaded.Network, organizer) : null, organizer.Theta))
        {
            Outputs = OutputDocument.ReportedFields(loaded.Network),
        };
    }

    /// <summary>The JSON document of <c>infofield analyze --json</c> for <paramref name="loaded"/>, the network analyzed.</summary>
    public AnalysisDocument Document(LoadedNetwork loaded) => AnalysisDocument.From(Field, loaded) with
    {
        Verdicts = Verdicts,
        Outputs = OutputDocument.From(Outputs, Field.Options.FieldKind),
    };

    /// <summary>The outputs as text (<see cref="OutputDocument.Render"/>), empty when none is reported.</summary>
    public string RenderOutputs() =>
        OutputDocument.Render(OutputDocument.From(Outputs, Field.Options.FieldKind), Field.Network.Input);
}
