using InfoField.Architecture;
using InfoField.Costs;

namespace InfoField.Organizer;

/// <summary>What the organizer did in one iteration.</summary>
public enum OrganizerAction
{
    /// <summary>The source unit moved to the target stage.</summary>
    Move,

    /// <summary>The source unit was removed.</summary>
    Remove,

    /// <summary>The organizer stopped.</summary>
    Stop,
}

/// <summary>One iteration of the organizer: what it compared, what it did and why.</summary>
/// <param name="Iteration">Iteration number, from 1.</param>
/// <param name="Source">The source stage (from 1): the stage whose last movable unit has the smallest dIF; null when none.</param>
/// <param name="SourceUnit">Name of the source unit.</param>
/// <param name="SourceDeltaIf">dIF_MIN, the source unit's gain; null when there is no source.</param>
/// <param name="Target">The target stage (from 1): where an appended copy gains most; null when none.</param>
/// <param name="TargetDeltaIf">dIF'_MAX, the gain of the copy appended to the target; null when there is no target.</param>
/// <param name="Action">Move, remove or stop.</param>
/// <param name="Reason">Why, in words, with the values compared.</param>
/// <param name="StageUnits">Units per stage after the step, counted as the paper counts.</param>
/// <param name="Candidates">The gain of an appended copy for every stage tried (stage from 1, gain or the reason it could not be tried).</param>
/// <param name="Architecture">The network after the step (validated).</param>
/// <param name="Recreation">For a move, how the copy was made for the target stage (by its family's builder, or rescaled); otherwise null.</param>
/// <param name="Kept">
/// Units with a gain at most the source's that the organizer left in place because removing them would leave an
/// invalid network or change its output (each with why); empty when the source is the smallest gain.
/// </param>
public sealed record OrganizerStep(
    int Iteration,
    int? Source,
    string? SourceUnit,
    double? SourceDeltaIf,
    int? Target,
    double? TargetDeltaIf,
    OrganizerAction Action,
    string Reason,
    ValueList<int> StageUnits,
    ValueList<TargetCandidate> Candidates,
    Network Architecture,
    string? Recreation = null,
    ValueList<KeptUnit> Kept = default);

/// <summary>A stage's last movable unit that the organizer may not move or remove, and why.</summary>
/// <param name="Stage">The stage, from 1.</param>
/// <param name="Unit">The unit's name.</param>
/// <param name="DeltaIf">Its gain.</param>
/// <param name="Reason">Why it stays: removing it would leave an invalid network (the rule broken) or change the network's output.</param>
public sealed record KeptUnit(int Stage, string Unit, double DeltaIf, string Reason)
{
    /// <summary>One line: <c>stage 4's pw-1000 (dIF 0.0000) stays: removing it would change ...</c>.</summary>
    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"stage {Stage}'s {Unit} (dIF {DeltaIf:0.0000}) stays: {Reason}");
}

/// <summary>One stage tried as a target: the gain of an appended copy, or why it could not take one.</summary>
/// <param name="Stage">The stage, from 1.</param>
/// <param name="DeltaIf">The appended copy's gain, or null.</param>
/// <param name="Skipped">Why the stage could not take a copy, or null.</param>
public sealed record TargetCandidate(int Stage, double? DeltaIf, string? Skipped);

/// <summary>The organizer's run: both networks, every step, and the totals the paper reports.</summary>
/// <param name="Before">The network given.</param>
/// <param name="After">The reorganized network (valid; equal to <paramref name="Before"/> when nothing changed).</param>
/// <param name="Options">The settings used.</param>
/// <param name="Steps">Every iteration, the last one a stop.</param>
/// <param name="NetDeltaIf">
/// The net IF gain: for each move, the unit's gain at its target minus its gain at its source; minus the gain of each
/// removed unit. (With this reading the paper's 0.39 for VGG16 on ImageNet is reproduced.)
/// </param>
/// <param name="BeforeCost">Parameters and MACs before.</param>
/// <param name="AfterCost">Parameters and MACs after.</param>
public sealed record OrganizerResult(
    Network Before,
    Network After,
    OrganizerOptions Options,
    ValueList<OrganizerStep> Steps,
    double NetDeltaIf,
    Cost BeforeCost,
    Cost AfterCost)
{
    /// <summary>Units per stage before, counted as the paper counts.</summary>
    public ValueList<int> BeforeStageUnits => StageUnits.Of(Before);

    /// <summary>Units per stage after, counted as the paper counts.</summary>
    public ValueList<int> AfterStageUnits => StageUnits.Of(After);

    /// <summary>True when the organizer changed the network.</summary>
    public bool Changed => Steps.Any(step => step.Action != OrganizerAction.Stop);

    /// <summary>Why the organizer stopped.</summary>
    public string StopReason => Steps[^1].Reason;
}

/// <summary>The paper's way of counting units per stage.</summary>
public static class StageUnits
{
    /// <summary>
    /// Body units per stage (VGG convs, ResNet blocks, MobileNet DW+PW blocks; stems and tails are not counted),
    /// leaving out stages that hold only stem or tail units (ImageNet ResNet's stem stage), as the paper's tables do.
    /// </summary>
    public static ValueList<int> Of(Network network) =>
        network.Stages.Select(stage => stage.BodyUnits().Count()).Where(count => count > 0).ToValueList();

    /// <summary>Units per stage as text, e.g. <c>5,4,2,1,1</c>.</summary>
    public static string Format(IEnumerable<int> units) => string.Join(",", units);
}
