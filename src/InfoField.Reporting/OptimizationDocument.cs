using System.Text.Json.Serialization;
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
    [property: JsonPropertyName("schema")] string Schema,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("dataset")] string? Dataset,
    [property: JsonPropertyName("width")] double Width,
    [property: JsonPropertyName("settings")] SettingsDocument Settings,
    [property: JsonPropertyName("before")] ArchitectureSummary Before,
    [property: JsonPropertyName("after")] ArchitectureSummary After,
    [property: JsonPropertyName("netDeltaIf")] double NetDeltaIf,
    [property: JsonPropertyName("stopReason")] string StopReason,
    [property: JsonPropertyName("steps")] IReadOnlyList<StepDocument> Steps,
    [property: JsonPropertyName("out")] string? Out)
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
/// <param name="MaxIterations">The iteration bound.</param>
/// <param name="Preset">The preset applied, in words, or null.</param>
public sealed record SettingsDocument(
    [property: JsonPropertyName("frame")] string Frame,
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("theta")] double Theta,
    [property: JsonPropertyName("alpha")] double Alpha,
    [property: JsonPropertyName("maxIterations")] int MaxIterations,
    [property: JsonPropertyName("preset")] string? Preset);

/// <summary>An architecture's shape and cost.</summary>
/// <param name="StageUnits">Units per stage, counted as the paper counts.</param>
/// <param name="StageNumbers">The stage (from 1) of each <paramref name="StageUnits"/> entry (stages holding only stem or tail units are left out).</param>
/// <param name="Params">Parameters.</param>
/// <param name="Macs">MACs.</param>
public sealed record ArchitectureSummary(
    [property: JsonPropertyName("stageUnits")] int[] StageUnits,
    [property: JsonPropertyName("stageNumbers")] int[] StageNumbers,
    [property: JsonPropertyName("params")] long Params,
    [property: JsonPropertyName("macs")] long Macs)
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
    [property: JsonPropertyName("iteration")] int Iteration,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("source")] int? Source,
    [property: JsonPropertyName("sourceUnit")] string? SourceUnit,
    [property: JsonPropertyName("sourceDeltaIf")] double? SourceDeltaIf,
    [property: JsonPropertyName("target")] int? Target,
    [property: JsonPropertyName("targetDeltaIf")] double? TargetDeltaIf,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("stageUnits")] int[] StageUnits,
    [property: JsonPropertyName("candidates")] IReadOnlyList<CandidateDocument> Candidates,
    [property: JsonPropertyName("kept")] IReadOnlyList<KeptDocument> Kept)
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
    [property: JsonPropertyName("stage")] int Stage,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("deltaIf")] double DeltaIf,
    [property: JsonPropertyName("reason")] string Reason);

/// <summary>A stage tried as a target.</summary>
/// <param name="Stage">From 1.</param>
/// <param name="DeltaIf">The appended copy's gain, or null.</param>
/// <param name="Skipped">Why it could not be tried, or null.</param>
public sealed record CandidateDocument(
    [property: JsonPropertyName("stage")] int Stage,
    [property: JsonPropertyName("deltaIf")] double? DeltaIf,
    [property: JsonPropertyName("skipped")] string? Skipped);
