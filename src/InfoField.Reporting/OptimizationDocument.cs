using InfoField.Organizer;

namespace InfoField.Reporting;

/// <summary>The JSON contract of <c>infofield optimize --json</c> (docs/cli.md).</summary>
/// <param name="Schema">Always <c>infofield-optimization/1</c>.</param>
/// <param name="Model">The model's name.</param>
/// <param name="Source"><c>zoo</c>, <c>spec</c> or <c>onnx</c>.</param>
/// <param name="Dataset">The dataset of a zoo model, or null.</param>
/// <param name="Width">The width multiplier.</param>
/// <param name="Settings">The organizer settings used.</param>
/// <param name="Before">Units per stage, parameters and MACs before.</param>
/// <param name="After">The same after.</param>
/// <param name="NetDeltaIf">Moved units' gain at target minus gain at source, minus removed units' gain.</param>
/// <param name="StopReason">Why the organizer stopped.</param>
/// <param name="Steps">Every iteration.</param>
/// <param name="Out">The spec file written, or null.</param>
public sealed record OptimizationDocument(
    string Schema,
    string Model,
    string Source,
    string? Dataset,
    double Width,
    SettingsDocument Settings,
    ArchitectureSummary Before,
    ArchitectureSummary After,
    double NetDeltaIf,
    string StopReason,
    IReadOnlyList<StepDocument> Steps,
    string? Out)
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-optimization/1";

    /// <summary>The document of an organizer run on a loaded network.</summary>
    public static OptimizationDocument From(OrganizerResult result, LoadedNetwork loaded, string? preset, string? written) => new(
        SchemaName,
        result.Before.Name,
        loaded.Kind,
        loaded.Dataset?.Name,
        loaded.Width,
        new SettingsDocument(
            result.Options.Frame.ToString().ToLowerInvariant(),
            result.Options.Policy.ToString().ToLowerInvariant(),
            result.Options.Theta,
            result.Options.Alpha,
            result.Options.FieldKind.ToString().ToLowerInvariant(),
            result.Options.MaxIterations,
            preset),
        ArchitectureSummary.Of(result.Before, result.BeforeCost),
        ArchitectureSummary.Of(result.After, result.AfterCost),
        result.NetDeltaIf,
        result.StopReason,
        result.Steps.Select(StepDocument.From).ToList(),
        written);
}

/// <summary>The organizer settings in <see cref="OptimizationDocument"/>.</summary>
/// <param name="Frame"><c>input</c> or <c>output</c>.</param>
/// <param name="Policy"><c>literal</c> or <c>saturated</c>.</param>
/// <param name="Theta">The threshold.</param>
/// <param name="Alpha">The decay constant.</param>
/// <param name="Field">The field whose gains were compared: <c>local</c> or <c>literal</c>.</param>
/// <param name="MaxIterations">The iteration bound.</param>
/// <param name="Preset">The preset applied, in words, or null.</param>
public sealed record SettingsDocument(
    string Frame,
    string Policy,
    double Theta,
    double Alpha,
    string Field,
    int MaxIterations,
    string? Preset);

/// <summary>An architecture's shape and cost.</summary>
/// <param name="StageUnits">Units per stage, counted as the paper counts.</param>
/// <param name="StageNumbers">The stage (from 1) of each <paramref name="StageUnits"/> entry (stages holding only stem or tail units are left out).</param>
/// <param name="Params">Parameters.</param>
/// <param name="Macs">MACs.</param>
public sealed record ArchitectureSummary(
    int[] StageUnits,
    int[] StageNumbers,
    long Params,
    long Macs)
{
    /// <summary>The summary of <paramref name="network"/>.</summary>
    public static ArchitectureSummary Of(Architecture.Network network, Costs.Cost cost) => new(
        [.. Organizer.StageUnits.Of(network)],
        [.. network.Stages.Select((stage, s) => (stage, s)).Where(pair => pair.stage.BodyUnits().Any()).Select(pair => pair.s + 1)],
        cost.Parameters,
        cost.Macs);
}

/// <summary>One organizer iteration in <see cref="OptimizationDocument"/>.</summary>
/// <param name="Iteration">From 1.</param>
/// <param name="Action"><c>move</c>, <c>remove</c> or <c>stop</c>.</param>
/// <param name="Source">Source stage (from 1), or null.</param>
/// <param name="SourceUnit">Source unit's name, or null.</param>
/// <param name="SourceDeltaIf">dIF_MIN, or null.</param>
/// <param name="Target">Target stage (from 1), or null.</param>
/// <param name="TargetDeltaIf">dIF'_MAX, or null.</param>
/// <param name="Reason">Why, in words.</param>
/// <param name="StageUnits">Units per stage after the step.</param>
/// <param name="Candidates">Every stage tried as a target.</param>
/// <param name="Kept">Units with a gain at most the source's that stay because removing them would break the network or change its output.</param>
public sealed record StepDocument(
    int Iteration,
    string Action,
    int? Source,
    string? SourceUnit,
    double? SourceDeltaIf,
    int? Target,
    double? TargetDeltaIf,
    string Reason,
    int[] StageUnits,
    IReadOnlyList<CandidateDocument> Candidates,
    IReadOnlyList<KeptDocument> Kept)
{
    /// <summary>The document of a step.</summary>
    public static StepDocument From(OrganizerStep step) => new(
        step.Iteration,
        step.Action.ToString().ToLowerInvariant(),
        step.Source,
        step.SourceUnit,
        step.SourceDeltaIf,
        step.Target,
        step.TargetDeltaIf,
        step.Reason,
        [.. step.StageUnits],
        step.Candidates.Select(c => new CandidateDocument(c.Stage, c.DeltaIf, c.Skipped)).ToList(),
        step.Kept.Select(k => new KeptDocument(k.Stage, k.Unit, k.DeltaIf, k.Reason)).ToList());
}

/// <summary>A unit the organizer may not move or remove.</summary>
/// <param name="Stage">From 1.</param>
/// <param name="Unit">The unit's name.</param>
/// <param name="DeltaIf">Its gain.</param>
/// <param name="Reason">Why it stays.</param>
public sealed record KeptDocument(
    int Stage,
    string Unit,
    double DeltaIf,
    string Reason);

/// <summary>A stage tried as a target.</summary>
/// <param name="Stage">From 1.</param>
/// <param name="DeltaIf">The appended copy's gain, or null.</param>
/// <param name="Skipped">Why it could not be tried, or null.</param>
public sealed record CandidateDocument(
    int Stage,
    double? DeltaIf,
    string? Skipped);
