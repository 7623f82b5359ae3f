using InfoField.Organizer;

namespace InfoField.Reporting;

/// <summary>The JSON of <c>infofield study alpha --json</c>.</summary>
/// <param name="Schema">Always <c>infofield-alpha-study/1</c>.</param>
/// <param name="Alphas">The alphas compared.</param>
/// <param name="Reference">The reference alpha.</param>
/// <param name="Differing">Per alpha, how many architectures differ from the reference's.</param>
/// <param name="Rows">Per model and dataset.</param>
/// <param name="Skipped">Pairs without a definition.</param>
/// <param name="Field">The field whose gains the organizer compared: <c>local</c> or <c>literal</c>.</param>
public sealed record AlphaStudyDocument(
    string Schema,
    IReadOnlyList<double> Alphas,
    double Reference,
    IReadOnlyList<int> Differing,
    IReadOnlyList<AlphaStudyRow> Rows,
    IReadOnlyList<string> Skipped,
    string Field)
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-alpha-study/1";

    /// <summary>The document of <paramref name="study"/> (<see cref="AlphaSensitivity.OfZoo"/>).</summary>
    public static AlphaStudyDocument From(AlphaSensitivity study) => new(
        SchemaName,
        study.Alphas,
        study.Reference,
        [.. Enumerable.Range(0, study.Alphas.Count).Select(study.Differing)],
        [.. study.Rows.Select(row => new AlphaStudyRow(row.Model, row.Dataset, [.. row.Before], [.. row.After.Select(after => (IReadOnlyList<int>)[.. after])], [.. row.SameAsReference]))],
        study.Skipped,
        study.FieldKind.ToString().ToLowerInvariant());
}

/// <summary>One network in <see cref="AlphaStudyDocument"/>.</summary>
/// <param name="Model">The zoo model.</param>
/// <param name="Dataset">The dataset.</param>
/// <param name="Before">Units per stage before.</param>
/// <param name="After">Units per stage after, per alpha.</param>
/// <param name="SameAsReference">Per alpha, whether the optimized network equals the reference's.</param>
public sealed record AlphaStudyRow(
    string Model,
    string Dataset,
    IReadOnlyList<int> Before,
    IReadOnlyList<IReadOnlyList<int>> After,
    IReadOnlyList<bool> SameAsReference);
