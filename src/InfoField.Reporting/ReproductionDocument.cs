using InfoField.Organizer;

namespace InfoField.Reporting;

/// <summary>The JSON contract of <c>infofield reproduce --json</c> (schema <c>infofield-reproduction/1</c>).</summary>
/// <param name="Schema">Always <c>infofield-reproduction/1</c>.</param>
/// <param name="Rows">One per optimized row of the paper's Tables 3-5.</param>
public sealed record ReproductionDocument(
    string Schema,
    IReadOnlyList<ReproducedRowDocument> Rows)
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-reproduction/1";

    /// <summary>The document of <paramref name="rows"/> (<see cref="Reproduction.Run()"/>).</summary>
    public static ReproductionDocument From(IReadOnlyList<ReproducedRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new(
            SchemaName,
            rows.Select(row => new ReproducedRowDocument(
                row.Paper.Table, row.Paper.Model, row.Paper.Dataset, row.Settings,
                row.Paper.StageUnits, row.StageUnits, row.Paper.ParametersM, row.Cost.Parameters,
                row.Paper.Mflops, row.Cost.Macs, row.Paper.DeltaIf, row.NetDeltaIf,
                row.UnitsMatch, row.ParametersMatch, row.Paper.Note)).ToList());
    }
}

/// <summary>One paper row beside InfoField's organizer in <see cref="ReproductionDocument"/>.</summary>
/// <param name="Table">The paper's table.</param>
/// <param name="Model">The model.</param>
/// <param name="Dataset">The dataset.</param>
/// <param name="Settings">The organizer settings used, in words.</param>
/// <param name="PaperStageUnits">Units per stage in the paper.</param>
/// <param name="StageUnits">Units per stage here.</param>
/// <param name="PaperParamsM">The paper's parameters, in millions.</param>
/// <param name="Params">Parameters here.</param>
/// <param name="PaperMflops">The paper's MFLOPs.</param>
/// <param name="Macs">MACs here.</param>
/// <param name="PaperDeltaIf">The paper's dIF.</param>
/// <param name="NetDeltaIf">The net dIF here.</param>
/// <param name="UnitsMatch">Units per stage are equal.</param>
/// <param name="ParamsMatch">Parameters round to the printed 0.01M.</param>
/// <param name="Note">A note on the row, or null.</param>
public sealed record ReproducedRowDocument(
    int Table,
    string Model,
    string Dataset,
    string Settings,
    string PaperStageUnits,
    string StageUnits,
    double PaperParamsM,
    long Params,
    double PaperMflops,
    long Macs,
    double PaperDeltaIf,
    double NetDeltaIf,
    bool UnitsMatch,
    bool ParamsMatch,
    string? Note);
