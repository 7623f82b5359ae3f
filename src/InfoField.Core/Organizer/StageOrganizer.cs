using System.Globalization;
using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;

namespace InfoField.Organizer;

/// <summary>
/// The paper's stage-level organizer (section 4.1, docs/organizer.md). Each iteration takes the movable unit with the
/// smallest IF gain (a stage's last body unit, never a stem, tail or a stage's first unit), tries a copy of it at the
/// end of every other stage, and then moves it where the copy gains most, removes it, or stops, by the chosen policy.
/// Every edit is checked with the architecture model's rules before it is made: one that would leave an invalid network
/// or change the network's output shape is not made, and the step says why (docs/organizer.md).
/// </summary>
public static class StageOrganizer
{
    /// <summary>
    /// Reorganizes <paramref name="network"/>. It never throws for a valid network: edits it may not make, and networks
    /// it cannot change, are said in the steps.
    /// </summary>
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
        var memo = new Memo();
        for (int iteration = 1; ; iteration++)
        {
            if (iteration > options.MaxIterations)
            {
                steps.Add(Stop(iteration, null, null, [], current, $"the iteration bound ({options.MaxIterations}) is reached"));
                break;
            }

            var (source, removed, kept) = FindSource(current, traces);
            if (source is null || removed is null)
            {
                string why = kept.Count == 0
                    ? "no stage has a movable unit (a stage needs two or more units, and its last unit must not be a stem or tail unit)"
                    : $"no stage's last unit can be moved or removed: {string.Join("; ", kept.Select(unit => unit.Describe()))}";
                steps.Add(Stop(iteration, null, null, [], current, why) with { Kept = kept.ToValueList() });
                break;
            }

            if (options.Policy == OrganizerPolicy.Saturated && source.DeltaIf > options.Theta)
            {
                steps.Add(Stop(iteration, source, null, [], current, $"saturated policy: the smallest gain dIF_MIN = {F(source.DeltaIf)} (stage {source.Stage + 1}) is above theta = {F(options.Theta)}, so every stage still gains").WithKept(kept));
                break;
            }

            var (targets, candidates) = FindTargets(current, traces, source, memo);

            // The best target whose move leaves a valid network with the same output; a target that would not is
            // skipped with the reason, and the next best is tried.
            Target? target = null;
            Network? moved = null;
            foreach (Target candidate in targets)
            {
                if (!(candidate.DeltaIf > source.DeltaIf && candidate.DeltaIf > options.Theta))
                {
                    break;
                }

                Checked<Network> move = TryMove(current, removed, source, candidate);
                if (move.TryGet(out Network? result, out Violation? refused))
                {
                    (target, moved) = (candidate, result);
                    break;
                }

                int index = candidates.FindIndex(c => c.Stage == candidate.Stage + 1);
                candidates[index] = candidates[index] with { Skipped = refused.Message };
            }

            target ??= targets.FirstOrDefault(t => candidates.Single(c => c.Stage == t.Stage + 1).Skipped is null);
            double? best = target?.DeltaIf;
            OrganizerStep step;
            Network next;
            if (moved is not null)
            {
                next = moved;
                step = Step(iteration, source, target, candidates, OrganizerAction.Move, next,
                    $"dIF'_MAX = {F(target!.DeltaIf)} in stage {target.Stage + 1} > dIF_MIN = {F(source.DeltaIf)} and > theta = {F(options.Theta)}: move (the copy {target.How})");
                net += target.DeltaIf - source.DeltaIf;
            }
            else if (BelowTheta(source.DeltaIf, options.Theta) && (best is null || BelowTheta(best.Value, options.Theta)))
            {
                next = removed;
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
                steps.Add(Step(iteration, source, target, candidates, OrganizerAction.Stop, current, why).WithKept(kept));
                break;
            }

            step = step.WithKept(kept);
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
        int usable = Enumerable.Range(0, network.Stages.Count).Count(s => LastBodyUnit(network, s) >= 0);
        if (network.Stages.Count < 2)
        {
            return "the network has a single stage; the organizer moves units between stages";
        }

        if (network.Outputs.Count > 0)
        {
            NetworkOutput first = network.Outputs[0];
            return $"the network has further outputs (output '{first.Name}' reads stage {first.Stage + 1}, unit {first.Unit + 1}); their heads read units where they are, so the organizer does not move or remove units of such a network";
        }

        for (int s = 0; s < network.Stages.Count; s++)
        {
            for (int u = 0; u < network.Stages[s].Units.Count; u++)
            {
                if (network.Stages[s].Units[u].Skips is [UnitReference read, ..])
                {
                    return $"stage {s + 1}, unit {u + 1} reads the output of stage {read.Stage + 1}, unit {read.Unit + 1} (a skip across stages, as a U-Net's or an FPN's); moving or removing units would change what such units read, so the organizer does not edit a network with skips";
                }
            }
        }

        for (int s = 0; s < network.Stages.Count; s++)
        {
            FeatureShape input = network.Layout.Stages[s].Input, output = network.Layout.Stages[s].Output;
            if (output.Height > input.Height || output.Width > input.Width)
            {
                return $"stage {s + 1} raises the resolution from {input.Resolution} to {output.Resolution} (a decoder: a segmentation head or a U-Net's upward path); the organizer cannot tell such a network's decoder and head units from its encoder's, and never moves or removes them, so it does not edit it";
            }
        }

        if (usable == 0)
        {
            return "no unit is a body unit (all are stem or tail units), so there is nothing to move or remove";
        }

        return null;
    }

    /// <summary>
    /// The movable unit with the smallest gain (ties go to the later stage) whose removal leaves a valid network with
    /// the same output, and that network; the units with smaller gains that failed this or are the classifier, each with why.
    /// </summary>
    private static (Source? Source, Network? Removed, List<KeptUnit> Kept) FindSource(Network network, StageTrace[] traces)
    {
        // Each stage's last movable unit; and the classifier, which is never moved but is named when its gain is smaller.
        var sources = new List<(Source Source, string? Classifier)>();
        for (int s = network.Stages.Count - 1; s >= 0; s--)
        {
            Stage stage = network.Stages[s];
            int end = stage.Units.Count - 1;
            if (end >= 1 && stage.Units[end].Role == UnitRole.Body && IsClassifier(network, s, end))
            {
                string why = $"it is the classifier: its channels are the network's {network.Output} output, with no linear layer after it";
                sources.Add((new Source(s, end, stage.Units[end], network.Layout.Stages[s].Units[end].Input, traces[s].DeltaIf(end) ?? 0), why));
            }

            int last = LastBodyUnit(network, s);
            if (last < 1 || Enumerable.Range(0, last).All(u => stage.Units[u].Role != UnitRole.Body))
            {
                continue;
            }

            double gain = traces[s].DeltaIf(last) ?? 0;
            sources.Add((new Source(s, last, stage.Units[last], network.Layout.Stages[s].Units[last].Input, gain), null));
        }

        // A stable order: among equal gains the later stage (listed first) comes first.
        var kept = new List<KeptUnit>();
        foreach (var (source, classifier) in sources.OrderBy(candidate => candidate.Source.DeltaIf))
        {
            if (classifier is not null)
            {
                kept.Add(new KeptUnit(source.Stage + 1, source.Unit.Name, source.DeltaIf, classifier));
                continue;
            }

            Checked<Network> removal = Checked(network, network.TryWithStages(network.Stages.SetItem(source.Stage, RemoveUnit(network.Stages[source.Stage], source.Index))), "removing it");
            if (removal.TryGet(out Network? removed, out Violation? refused))
            {
                return (source, removed, kept);
            }

            kept.Add(new KeptUnit(source.Stage + 1, source.Unit.Name, source.DeltaIf, refused.Message));
        }

        return (null, null, kept);
    }

    /// <summary>
    /// The copy of the source unit re-created for every other stage, with its gain there, best first (ties go to the
    /// earlier stage); and every stage tried, with its gain or why it could not take a copy.
    /// </summary>
    private static (List<Target> Targets, List<TargetCandidate> Candidates) FindTargets(Network network, StageTrace[] traces, Source source, Memo memo)
    {
        var targets = new List<Target>();
        var candidates = new List<TargetCandidate>();
        for (int t = 0; t < network.Stages.Count; t++)
        {
            Stage stage = network.Stages[t];
            if (t == source.Stage)
            {
                continue;
            }

            int position = LastBodyUnit(network, t) + 1;
            if (position == 0)
            {
                candidates.Add(new TargetCandidate(t + 1, null, stage.BodyUnits().Any() ? "holds only stem or tail units and the classifier" : "holds only stem or tail units"));
                continue;
            }

            FeatureShape stageOutput = network.Layout.Stages[t].Units[position - 1].Output;
            if (!memo.Recreate(source.Unit, source.Input, stageOutput, network.SpatialRank).TryGet(out Recreation? copy, out Violation? refused))
            {
                candidates.Add(new TargetCandidate(t + 1, null, refused.Message));
                continue;
            }

            double gain = memo.Gain(traces[t], copy.Unit, position);
            candidates.Add(new TargetCandidate(t + 1, gain, null));
            targets.Add(new Target(t, position, copy.Unit, gain, copy.How));
        }

        // Stable: among equal gains the earlier stage stays first.
        return ([.. targets.OrderByDescending(target => target.DeltaIf)], candidates);
    }

    /// <summary>The network with the copy appended to the target stage and the source unit removed, if valid with the same output.</summary>
    private static Checked<Network> TryMove(Network current, Network removed, Source source, Target target)
    {
        Stage receiving = current.Stages[target.Stage];
        return Checked(current, removed.TryWithStages(removed.Stages.SetItem(target.Stage, receiving with { Units = receiving.Units.Insert(target.Position, target.Copy) })), "taking the copy");
    }

    /// <summary>
    /// <paramref name="edited"/> when it is valid and keeps the input and output shapes of <paramref name="current"/>;
    /// otherwise why not, starting with <paramref name="what"/> (an edit that would break the network or change what it
    /// outputs is never made).
    /// </summary>
    private static Checked<Network> Checked(Network current, Checked<Network> edited, string what)
    {
        if (!edited.TryGet(out Network? network, out Violation? broken))
        {
            return Violation.Of($"{what} would leave an invalid network ({broken.Message})");
        }

        return network.Output != current.Output
            ? Violation.Of($"{what} would change the network's output from {current.Output} to {network.Output}")
            : network;
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

    private static Stage RemoveUnit(Stage stage, int index) => stage with { Units = stage.Units.RemoveAt(index) };

    /// <summary>
    /// The index of stage <paramref name="s"/>'s last body unit that the organizer may move, remove or append after;
    /// -1 when none. The classifier (<see cref="IsClassifier"/>) is left out, as a tail unit is.
    /// </summary>
    private static int LastBodyUnit(Network network, int s)
    {
        Stage stage = network.Stages[s];
        for (int u = stage.Units.Count - 1; u >= 0; u--)
        {
            if (stage.Units[u].Role == UnitRole.Body && !IsClassifier(network, s, u))
            {
                return u;
            }
        }

        return -1;
    }

    /// <summary>
    /// True for the unit whose channels are the network's output features: the last unit, when the head sets no
    /// feature count of its own (SqueezeNet's final 1x1 convolution to the classes, followed only by pooling). It is the
    /// classifier, so the organizer treats it as it treats a tail unit: never moved or removed, and nothing appended after it.
    /// </summary>
    private static bool IsClassifier(Network network, int s, int u)
    {
        if (s != network.Stages.Count - 1 || u != network.Stages[s].Units.Count - 1)
        {
            return false;
        }

        // A head that sets its own features (a linear layer) gives the same output for a wider input.
        FeatureShape input = network.Layout.HeadInput;
        return !OpSequence.TryOutputShape(network.Head, input.WithChannels(input.Channels * 2)).TryGet(out FeatureShape wider, out _)
            || wider != network.Output;
    }

    /// <summary>The step with the units left in place before its source, named in its reason too.</summary>
    private static OrganizerStep WithKept(this OrganizerStep step, List<KeptUnit> kept) =>
        kept.Count == 0 || step.Kept.Count > 0
            ? step
            : step with { Kept = kept.ToValueList(), Reason = $"{step.Reason} ({string.Join("; ", kept.Select(unit => unit.Describe()))})" };

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

    /// <summary>
    /// What one run has computed already: a unit re-created for a stage's output, and the gain of a copy appended to a
    /// stage's trace (a trace is kept while its stage does not change, so its gains stay valid). The zoo's units repeat
    /// (every conv3-512 of VGG's last stages is the same unit), so most tries of later iterations are found here.
    /// </summary>
    private sealed class Memo
    {
        private readonly Dictionary<(Unit Unit, FeatureShape Input, FeatureShape StageOutput), Checked<Recreation>> _copies = [];
        private readonly Dictionary<(StageTrace Trace, Unit Copy, int Position), double> _gains = new(new TraceKeyComparer());

        public Checked<Recreation> Recreate(Unit unit, FeatureShape input, FeatureShape stageOutput, int spatialRank)
        {
            if (!_copies.TryGetValue((unit, input, stageOutput), out Checked<Recreation> copy))
            {
                copy = UnitFamilies.TryRecreate(unit, input, stageOutput, spatialRank);
                _copies[(unit, input, stageOutput)] = copy;
            }

            return copy;
        }

        public double Gain(StageTrace trace, Unit copy, int position)
        {
            if (!_gains.TryGetValue((trace, copy, position), out double gain))
            {
                gain = trace.DeltaIfOfInserted(copy, position);
                _gains[(trace, copy, position)] = gain;
            }

            return gain;
        }

        /// <summary>Traces by reference (a retraced stage is a new trace), copies by value.</summary>
        private sealed class TraceKeyComparer : IEqualityComparer<(StageTrace Trace, Unit Copy, int Position)>
        {
            public bool Equals((StageTrace Trace, Unit Copy, int Position) x, (StageTrace Trace, Unit Copy, int Position) y) =>
                ReferenceEquals(x.Trace, y.Trace) && x.Position == y.Position && x.Copy == y.Copy;

            public int GetHashCode((StageTrace Trace, Unit Copy, int Position) key) =>
                HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Trace), key.Copy, key.Position);
        }
    }

    private sealed record Target(int Stage, int Position, Unit Copy, double DeltaIf, string How);
}
