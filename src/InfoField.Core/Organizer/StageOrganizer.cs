using System.Globalization;
using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;

namespace InfoField.Organizer;

/// <summary>
/// The paper's stage-level organizer (section 4.1, docs/organizer.md). Each iteration takes the movable unit with the
/// smallest IF gain (a stage's last body unit, never a stem, tail or a stage's first unit), tries a copy of it at the
/// end of every other stage, and then moves it where the copy gains most, removes it, or stops, by the chosen policy.
/// Every intermediate network is validated by the architecture model.
/// </summary>
public static class StageOrganizer
{
    /// <summary>Reorganizes <paramref name="network"/>; never throws for networks it cannot change, it says why in the last step.</summary>
    public static OrganizerResult Optimize(Network network, OrganizerOptions? options = null)
    {
        options = (options ?? OrganizerOptions.Default).Validated();
        var steps = new List<OrganizerStep>();
        var seen = new HashSet<string> { Signature(network) };
        double net = 0;
        Network current = network;
        string? blocker = CannotReorganize(network);
        if (blocker is not null)
        {
            steps.Add(Stop(1, null, null, [], current, blocker));
            return Result(network, current, options, steps, net);
        }

        StageTrace[] traces = Enumerable.Range(0, network.Stages.Count).Select(s => StageTrace.Of(network, s, options.Field)).ToArray();
        for (int iteration = 1; ; iteration++)
        {
            if (iteration > options.MaxIterations)
            {
                steps.Add(Stop(iteration, null, null, [], current, $"the iteration bound ({options.MaxIterations}) is reached"));
                break;
            }

            Source? source = FindSource(current, traces);
            if (source is null)
            {
                steps.Add(Stop(iteration, null, null, [], current, "no stage has a movable unit (a stage needs two or more units, and its last unit must not be a stem or tail unit)"));
                break;
            }

            if (options.Policy == OrganizerPolicy.Saturated && source.DeltaIf > options.Theta)
            {
                steps.Add(Stop(iteration, source, null, [], current, $"saturated policy: the smallest gain dIF_MIN = {F(source.DeltaIf)} (stage {source.Stage + 1}) is above theta = {F(options.Theta)}, so every stage still gains"));
                break;
            }

            var (target, candidates) = FindTarget(current, traces, source);
            double? best = target?.DeltaIf;
            OrganizerStep step;
            Network next;
            if (target is not null && target.DeltaIf > source.DeltaIf && target.DeltaIf > options.Theta)
            {
                Stage receiving = current.Stages[target.Stage];
                var stages = current.Stages
                    .SetItem(target.Stage, receiving with { Units = receiving.Units.Insert(target.Position, target.Copy) })
                    .SetItem(source.Stage, RemoveUnit(current.Stages[source.Stage], source.Unit));
                next = current.WithStages(stages);
                step = Step(iteration, source, target, candidates, OrganizerAction.Move, next,
                    $"dIF'_MAX = {F(target.DeltaIf)} in stage {target.Stage + 1} > dIF_MIN = {F(source.DeltaIf)} and > theta = {F(options.Theta)}: move (the copy {target.How})");
                net += target.DeltaIf - source.DeltaIf;
            }
            else if (BelowTheta(source.DeltaIf, options.Theta) && (best is null || BelowTheta(best.Value, options.Theta)))
            {
                next = current.WithStages(current.Stages.SetItem(source.Stage, RemoveUnit(current.Stages[source.Stage], source.Unit)));
                string comparison = options.Theta == 0 ? "<= 0" : $"< theta = {F(options.Theta)}";
                string targetPart = best is null ? "no stage can take a copy" : $"dIF'_MAX = {F(best.Value)}";
                step = Step(iteration, source, target, candidates, OrganizerAction.Remove, next,
                    $"dIF_MIN = {F(source.DeltaIf)} and {targetPart} are both {comparison}: the unit adds nothing anywhere, remove it");
                net -= source.DeltaIf;
            }
            else
            {
                string why = best is null
                    ? $"no stage can take a copy and dIF_MIN = {F(source.DeltaIf)} is not {(options.Theta == 0 ? "<= 0" : $"< theta = {F(options.Theta)}")}"
                    : best <= source.DeltaIf
                        ? $"dIF'_MAX = {F(best.Value)} in stage {target!.Stage + 1} does not exceed dIF_MIN = {F(source.DeltaIf)}: no move gains"
                        : $"dIF'_MAX = {F(best.Value)} does not exceed theta = {F(options.Theta)}";
                steps.Add(Step(iteration, source, target, candidates, OrganizerAction.Stop, current, why));
                break;
            }

            if (!seen.Add(Signature(next)))
            {
                steps.Add(step with { Action = OrganizerAction.Stop, StageUnits = StageUnits.Of(current), Architecture = current, Reason = step.Reason + "; but that returns to an earlier architecture, so stop", Recreation = null });
                break;
            }

            steps.Add(step);
            traces = Retrace(current, next, traces, options);
            current = next;
        }

        return Result(network, current, options, steps, net);
    }

    private static string? CannotReorganize(Network network)
    {
        int usable = network.Stages.Count(stage => stage.BodyUnits().Any());
        if (network.Stages.Count < 2)
        {
            return "the network has a single stage; the organizer moves units between stages";
        }

        if (usable == 0)
        {
            return "no unit is a body unit (all are stem or tail units), so there is nothing to move or remove";
        }

        return null;
    }

    private static Source? FindSource(Network network, StageTrace[] traces)
    {
        Source? best = null;
        for (int s = 0; s < network.Stages.Count; s++)
        {
            Stage stage = network.Stages[s];
            int last = LastBodyUnit(stage);
            if (last < 1 || stage.BodyUnits().Count() < 2)
            {
                continue;
            }

            double gain = traces[s].DeltaIf(last) ?? 0;
            if (best is null || gain <= best.DeltaIf)
            {
                best = new Source(s, last, stage.Units[last], network.Layout.Stages[s].Units[last].Input, gain);
            }
        }

        return best;
    }

    private static (Target? Best, List<TargetCandidate> Candidates) FindTarget(Network network, StageTrace[] traces, Source source)
    {
        Target? best = null;
        var candidates = new List<TargetCandidate>();
        for (int t = 0; t < network.Stages.Count; t++)
        {
            Stage stage = network.Stages[t];
            if (t == source.Stage)
            {
                continue;
            }

            if (!stage.BodyUnits().Any())
            {
                candidates.Add(new TargetCandidate(t + 1, null, "holds only stem or tail units"));
                continue;
            }

            int position = LastBodyUnit(stage) + 1;
            try
            {
                Recreation copy = UnitFamilies.Recreate(source.Unit, source.Input, network.Layout.Stages[t].Units[position - 1].Output, network.SpatialRank);
                double gain = traces[t].DeltaIfOfInserted(copy.Unit, position);
                candidates.Add(new TargetCandidate(t + 1, gain, null));
                if (best is null || gain > best.DeltaIf)
                {
                    best = new Target(t, position, copy.Unit, gain, copy.How);
                }
            }
            catch (InfoFieldException error)
            {
                candidates.Add(new TargetCandidate(t + 1, null, error.Message));
            }
        }

        return (best, candidates);
    }

    /// <summary>The traces of <paramref name="next"/>, re-using those of stages that did not change.</summary>
    private static StageTrace[] Retrace(Network previous, Network next, StageTrace[] traces, OrganizerOptions options)
    {
        var result = new StageTrace[next.Stages.Count];
        for (int s = 0; s < result.Length; s++)
        {
            bool sameInput = next.Layout.Stages[s].UnitsInput == previous.Layout.Stages[s].UnitsInput;
            result[s] = !sameInput ? StageTrace.Of(next, s, options.Field)
                : ReferenceEquals(next.Stages[s], previous.Stages[s]) ? traces[s]
                : traces[s].With(next.Stages[s].Units);
        }

        return result;
    }

    private static Stage RemoveUnit(Stage stage, Unit unit)
    {
        int index = LastBodyUnitIndex(stage, unit);
        return stage with { Units = stage.Units.RemoveAt(index) };
    }

    private static int LastBodyUnitIndex(Stage stage, Unit unit)
    {
        int last = LastBodyUnit(stage);
        return stage.Units[last] == unit ? last : throw new InvalidOperationException("the source unit is no longer the stage's last body unit");
    }

    private static int LastBodyUnit(Stage stage)
    {
        for (int u = stage.Units.Count - 1; u >= 0; u--)
        {
            if (stage.Units[u].Role == UnitRole.Body)
            {
                return u;
            }
        }

        return -1;
    }

    private static bool BelowTheta(double gain, double theta) => theta == 0 ? gain <= 0 : gain < theta;

    private static OrganizerStep Step(int iteration, Source source, Target? target, List<TargetCandidate> candidates, OrganizerAction action, Network after, string reason) =>
        new(iteration, source.Stage + 1, source.Unit.Name, source.DeltaIf, target is null ? null : target.Stage + 1, target?.DeltaIf, action, reason, StageUnits.Of(after), candidates.ToValueList(), after, action == OrganizerAction.Move ? target?.How : null);

    private static OrganizerStep Stop(int iteration, Source? source, Target? target, List<TargetCandidate> candidates, Network current, string reason) =>
        new(iteration, source is null ? null : source.Stage + 1, source?.Unit.Name, source?.DeltaIf, target is null ? null : target.Stage + 1, target?.DeltaIf, OrganizerAction.Stop, reason, StageUnits.Of(current), candidates.ToValueList(), current);

    private static OrganizerResult Result(Network before, Network after, OrganizerOptions options, List<OrganizerStep> steps, double net) =>
        new(before, after, options, steps.ToValueList(), net, CostModel.Of(before).Total, CostModel.Of(after).Total);

    private static string Signature(Network network) =>
        string.Join("|", network.Stages.Select(stage => string.Join(",", stage.Units.Select(unit => unit.Name))));

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private sealed record Source(int Stage, int Index, Unit Unit, FeatureShape Input, double DeltaIf);

    private sealed record Target(int Stage, int Position, Unit Copy, double DeltaIf, string How);
}
