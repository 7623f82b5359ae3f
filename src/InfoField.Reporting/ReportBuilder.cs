using InfoField.Field;
using InfoField.Organizer;

namespace InfoField.Reporting;

/// <summary>Builds the <see cref="ReportDocument"/> of a network: analysis, organizer run, connectivity pictures and study results.</summary>
public static class ReportBuilder
{
    /// <summary>
    /// The report of <paramref name="loaded"/> with the organizer's <paramref name="options"/>; pictures of the network's
    /// factorized blocks plus <paramref name="requestedBlocks"/>, and the study <paramref name="results"/> (may be empty).
    /// </summary>
    public static ReportDocument Build(
        LoadedNetwork loaded,
        OrganizerOptions options,
        string? preset,
        IReadOnlyList<ConnectivityDocument> requestedBlocks,
        IReadOnlyList<ResultPointDocument> results,
        string? resultsSource)
    {
        NetworkField field = InformationField.Analyze(loaded.Network, options.Field);
        OrganizerResult run = StageOrganizer.Optimize(loaded.Network, options);
        var notes = new List<string>();
        var blocks = Connectivity.OfNetwork(loaded.Network, notes).Concat(requestedBlocks).ToList();
        return new ReportDocument(
            ReportDocument.SchemaName,
            AnalysisDocument.From(field, loaded) with
            {
                Verdicts = VerdictsDocument.Of(field, run, options.Theta),
                Outputs = OutputDocument.From(OutputDocument.ReportedFields(loaded.Network), options.Field.FieldKind),
            },
            OptimizationDocument.From(run, loaded, preset, null),
            options.Theta,
            blocks,
            results,
            resultsSource,
            notes);
    }
}
