using System.Globalization;
using System.Text;
using InfoField.Field;
using InfoField.Organizer;

namespace InfoField.Reporting;

/// <summary>A unit whose gain is at or below the saturation threshold: it adds (almost) nothing to what its stage sees.</summary>
/// <param name="Stage">The stage, from 1.</param>
/// <param name="Unit">The unit's position in the stage, from 1.</param>
/// <param name="Name">The unit's name.</param>
/// <param name="DeltaIf">Its gain dIF.</param>
public sealed record SaturatedUnitDocument(
    int Stage,
    int Unit,
    string Name,
    double DeltaIf);

/// <summary>A stage whose field covers its whole measured input (IF = V0) before or at its last unit.</summary>
/// <param name="Stage">The stage, from 1.</param>
/// <param name="FromUnit">The first unit whose field is the whole input, from 1.</param>
/// <param name="Units">Units in the stage.</param>
/// <param name="InputShape">The measured tensor [c0, h0, w0].</param>
public sealed record CoveredStageDocument(
    int Stage,
    int FromUnit,
    int Units,
    int[] InputShape);

/// <summary>A unit some of whose output channels never see part of their stage's input channels (IF^c &lt; c0).</summary>
/// <param name="Stage">The stage, from 1.</param>
/// <param name="Unit">The unit's position in the stage, from 1.</param>
/// <param name="Name">The unit's name.</param>
/// <param name="IfC">The guaranteed channel coverage: the fewest input channels an output channel sees.</param>
/// <param name="Channels">c0, the stage's input channels.</param>
public sealed record PartialChannelsDocument(
    int Stage,
    int Unit,
    string Name,
    int IfC,
    int Channels);

/// <summary>A unit some of whose neurons are reached through global pooling: its literal and local fields differ.</summary>
/// <param name="Stage">The stage, from 1.</param>
/// <param name="Unit">The unit's position in the stage, from 1.</param>
/// <param name="Name">The unit's name.</param>
/// <param name="LocalIf">IF of the local field (windows only).</param>
/// <param name="LiteralIf">IF of the literal field (global pooling included).</param>
public sealed record GlobalContextDocument(
    int Stage,
    int Unit,
    string Name,
    long LocalIf,
    long LiteralIf);

/// <summary>What the stage-level organizer would do with the network, in totals.</summary>
/// <param name="Moves">Units it would move to another stage.</param>
/// <param name="Removals">Units it would remove.</param>
/// <param name="FromStages">The stages it would take units from (moved or removed), from 1, ascending.</param>
/// <param name="ToStages">The stages it would move units to, from 1, ascending.</param>
/// <param name="Before">Units per stage before.</param>
/// <param name="After">Units per stage after.</param>
/// <param name="ParamsBefore">Parameters before.</param>
/// <param name="ParamsAfter">Parameters after.</param>
/// <param name="MacsBefore">MACs before.</param>
/// <param name="MacsAfter">MACs after.</param>
/// <param name="StopReason">Why it stopped, in words.</param>
public sealed record OrganizerOutlookDocument(
    int Moves,
    int Removals,
    IReadOnlyList<int> FromStages,
    IReadOnlyList<int> ToStages,
    IReadOnlyList<int> Before,
    IReadOnlyList<int> After,
    long ParamsBefore,
    long ParamsAfter,
    long MacsBefore,
    long MacsAfter,
    string StopReason);

/// <summary>
/// What an analysis means for the network, drawn from <see cref="InformationField.Analyze"/> and
/// <see cref="StageOrganizer.Optimize"/>: the saturated units, the stages whose field already covers their input, the
/// units that never see part of their input channels, what the organizer would change, and, for networks with global
/// pooling inside a stage (squeeze-and-excitation gates, image pooling), which units it reaches. All of them use the field
/// the analysis used (<see cref="FieldOptions.FieldKind"/>: the local field by default). <see cref="Sentences"/> says it
/// in plain words; the lists carry the same facts for scripts.
/// </summary>
/// <param name="Theta">The saturation threshold: a unit is saturated when its dIF is 0 or below theta.</param>
/// <param name="Saturated">The saturated units (stages' first units have no gain and are never listed).</param>
/// <param name="Covered">The stages whose field covers their whole measured input.</param>
/// <param name="PartialChannels">The units whose guaranteed channel coverage is below c0.</param>
/// <param name="Organizer">What the organizer would do; null when its outlook was not asked for (<c>analyze --batch</c> by default, <c>--outlook false</c>).</param>
/// <param name="Sentences">
/// The verdicts in three sentences (the field, the channels, the organizer; two without the outlook), and one more on
/// global context when some unit has it.
/// </param>
/// <param name="Field">The field the verdicts use: <c>local</c> or <c>literal</c>.</param>
/// <param name="GlobalContext">The units whose literal and local fields differ (reached through global pooling).</param>
public sealed record VerdictsDocument(
    double Theta,
    IReadOnlyList<SaturatedUnitDocument> Saturated,
    IReadOnlyList<CoveredStageDocument> Covered,
    IReadOnlyList<PartialChannelsDocument> PartialChannels,
    OrganizerOutlookDocument? Organizer,
    IReadOnlyList<string> Sentences,
    string Field,
    IReadOnlyList<GlobalContextDocument> GlobalContext)
{
    /// <summary>
    /// The verdicts on <paramref name="field"/>, with <paramref name="organizer"/> the organizer's run on the same
    /// network, or null to leave its outlook out; <paramref name="theta"/> is the saturation threshold (the organizer's theta).
    /// </summary>
    public static VerdictsDocument Of(NetworkField field, OrganizerResult? organizer, double theta)
    {
        var saturated = field.Stages.SelectMany(stage => stage.Units
                .Where(unit => unit.DeltaIf is double gain && (gain <= 0 || gain < theta))
                .Select(unit => new SaturatedUnitDocument(stage.Index, unit.Index, unit.Name, unit.DeltaIf!.Value)))
            .ToList();
        var covered = field.Stages
            .Select(stage => (stage, first: stage.Units.FirstOrDefault(unit => unit.If >= stage.V0)))
            .Where(pair => pair.first is not null)
            .Select(pair => new CoveredStageDocument(pair.stage.Index, pair.first!.Index, pair.stage.Units.Length, AnalysisDocument.Shape(pair.stage.InputShape)))
            .ToList();
        var partial = field.Stages.SelectMany(stage => stage.Units
                .Where(unit => unit.IfC < stage.InputShape.Channels)
                .Select(unit => new PartialChannelsDocument(stage.Index, unit.Index, unit.Name, unit.IfC, stage.InputShape.Channels)))
            .ToList();
        OrganizerOutlookDocument? outlook = organizer is null ? null : new OrganizerOutlookDocument(
            organizer.Steps.Count(step => step.Action == OrganizerAction.Move),
            organizer.Steps.Count(step => step.Action == OrganizerAction.Remove),
            [.. organizer.Steps.Where(step => step.Action != OrganizerAction.Stop && step.Source is not null).Select(step => step.Source!.Value).Distinct().Order()],
            [.. organizer.Steps.Where(step => step.Action == OrganizerAction.Move && step.Target is not null).Select(step => step.Target!.Value).Distinct().Order()],
            [.. organizer.BeforeStageUnits],
            [.. organizer.AfterStageUnits],
            organizer.BeforeCost.Parameters,
            organizer.AfterCost.Parameters,
            organizer.BeforeCost.Macs,
            organizer.AfterCost.Macs,
            organizer.StopReason);
        var global = field.Stages.SelectMany(stage => stage.Units
                .Where(unit => unit.HasGlobalContext)
                .Select(unit => new GlobalContextDocument(stage.Index, unit.Index, unit.Name, unit.Local.If, unit.Literal.If)))
            .ToList();
        int units = field.Stages.Sum(stage => stage.Units.Length);
        FieldKind kind = field.Options.FieldKind;
        string[] sentences = outlook is null
            ? [FieldSentence(saturated, covered, units, theta), ChannelSentence(partial)]
            : [FieldSentence(saturated, covered, units, theta), ChannelSentence(partial), OrganizerSentence(outlook)];
        if (global.Count > 0)
        {
            sentences = [.. sentences, GlobalSentence(global, units, kind)];
        }

        return new VerdictsDocument(theta, saturated, covered, partial, outlook, sentences, kind.ToString().ToLowerInvariant(), global);
    }

    /// <summary>The verdicts as text, to follow the analysis tables.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("What this means:");
        foreach (string sentence in Sentences)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {Printable.Text(sentence)}");
        }

        return text.ToString();
    }

    private static string FieldSentence(IReadOnlyList<SaturatedUnitDocument> saturated, IReadOnlyList<CoveredStageDocument> covered, int units, double theta)
    {
        string threshold = theta > 0 ? F($"dIF 0 or below theta = {theta}") : "dIF 0";
        string coverage = covered.Count == 0
            ? "no stage's field covers its whole input yet"
            : F($"{Stages(covered.Select(c => c.Stage).ToList())} already {(covered.Count == 1 ? "sees its" : "see their")} whole input ({string.Join(", ", covered.Select(c => F($"stage {c.Stage} from unit {c.FromUnit} of {c.Units}")))})");
        if (saturated.Count == 0)
        {
            return F($"No unit is saturated ({threshold}); {coverage}.");
        }

        var byStage = saturated.GroupBy(s => s.Stage).Select(g => F($"stage {g.Key} {Positions(g.Select(s => s.Unit).ToList())}"));
        return F($"{saturated.Count} of {units} units {(saturated.Count == 1 ? "is" : "are")} saturated ({threshold}), adding {(theta > 0 ? "little or nothing" : "nothing")} to what their stage sees: {string.Join(", ", byStage)}; {coverage}.");
    }

    private static string ChannelSentence(IReadOnlyList<PartialChannelsDocument> partial)
    {
        if (partial.Count == 0)
        {
            return "Every unit sees all of its stage's input channels.";
        }

        var listed = partial.Take(6).Select(p => F($"stage {p.Stage} unit {p.Unit} ({p.Name}: {p.IfC} of {p.Channels})"));
        string more = partial.Count > 6 ? F($" and {partial.Count - 6} more") : "";
        return F($"{partial.Count} unit(s) have output channels that never see part of their stage's input channels: {string.Join(", ", listed)}{more}.");
    }

    private static string OrganizerSentence(OrganizerOutlookDocument outlook)
    {
        if (outlook.Moves == 0 && outlook.Removals == 0)
        {
            return F($"The stage-level organizer (optimize) would leave the network as it is: {outlook.StopReason}.");
        }

        string actions = string.Join(" and ", new[] { ("move", outlook.Moves), ("remove", outlook.Removals) }
            .Where(action => action.Item2 > 0)
            .Select(action => F($"{action.Item1} {action.Item2} unit{(action.Item2 == 1 ? "" : "s")}")));
        string where = outlook.Moves > 0
            ? F($"from {Stages(outlook.FromStages)} to {Stages(outlook.ToStages)}; ")
            : F($"from {Stages(outlook.FromStages)}; ");
        return F($"The stage-level organizer (optimize) would {actions} ({where}units per stage {StageUnits.Format(outlook.Before)} to {StageUnits.Format(outlook.After)}), changing parameters by {Change(outlook.ParamsBefore, outlook.ParamsAfter)} ({Format.Count(outlook.ParamsBefore)} to {Format.Count(outlook.ParamsAfter)}) and MACs by {Change(outlook.MacsBefore, outlook.MacsAfter)} ({Format.Macs(outlook.MacsBefore)} to {Format.Macs(outlook.MacsAfter)}).");
    }

    private static string GlobalSentence(IReadOnlyList<GlobalContextDocument> global, int units, FieldKind kind)
    {
        var byStage = global.GroupBy(g => g.Stage).Select(g => F($"stage {g.Key} {Positions(g.Select(u => u.Unit).ToList())}"));
        string which = kind == FieldKind.Local
            ? "these verdicts use the local field (what windows reach), in which the pooling's reach does not count; in the literal field their neurons see up to the whole stage input"
            : "these verdicts use the literal field, in which their neurons see up to the whole stage input through the pooling; the local field (what windows reach) leaves that reach out";
        return F($"In {global.Count} of {units} units global pooling (squeeze-and-excitation gates, image pooling) reaches more than the windows do: {string.Join(", ", byStage)}; {which}.");
    }

    private static string Stages(IReadOnlyList<int> stages) =>
        stages.Count == 1 ? F($"stage {stages[0]}") : F($"stages {string.Join(", ", stages.Take(stages.Count - 1))} and {stages[^1]}");

    private static string Positions(IReadOnlyList<int> units)
    {
        if (units.Count == 1)
        {
            return F($"unit {units[0]}");
        }

        bool consecutive = units.Zip(units.Skip(1)).All(pair => pair.Second == pair.First + 1);
        return consecutive ? F($"units {units[0]}-{units[^1]}") : F($"units {string.Join(", ", units)}");
    }

    private static string Change(long before, long after)
    {
        if (before == after || before == 0)
        {
            return before == after ? "0%" : "n/a";
        }

        double percent = Math.Abs((double)(after - before) / before) * 100;
        return F($"{(after > before ? "+" : "-")}{percent.ToString(percent < 1 ? "0.00" : "0.0", CultureInfo.InvariantCulture)}%");
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
