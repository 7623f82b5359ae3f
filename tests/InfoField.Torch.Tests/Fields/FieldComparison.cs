using InfoField.Architecture;
using InfoField.Field;

namespace InfoField.Torch.Tests.Fields;

/// <summary>The engine's fields against <see cref="GradientTruth"/>: per neuron, and per unit over its channels.</summary>
internal static class FieldComparison
{
    /// <summary>On maps of at most this many positions every position is checked.</summary>
    private const int AllPositions = 30;

    /// <summary>Every disagreement between the engine and the gradients on <paramref name="network"/>.</summary>
    public static (List<string> Disagreements, int Units, int Neurons) Check(Network network, int seed, Func<TensorField[], List<Neuron>> choose, bool unitFactors = true)
    {
        var disagreements = new List<string>();
        NetworkField field = InformationField.Analyze(network);
        int units = 0, checkedNeurons = 0;
        for (int s = 0; s < network.Stages.Count; s++)
        {
            StageTrace trace = StageTrace.Of(network, s);
            StageTrace literalTrace = StageTrace.Of(network, s, new FieldOptions(FieldKind: FieldKind.Literal));
            TensorField[] outputs = [.. Enumerable.Range(0, trace.Count).Select(trace.Output)];
            List<Neuron> neurons = choose(outputs);
            checkedNeurons += neurons.Count;
            bool gated = network.Stages[s].Units.Any(unit => unit.Ops.Any(op => op is AdaptivePooling { IsGlobal: true }));
            Reach[]? literalTruth = null;
            foreach (bool local in gated ? new[] { false, true } : [false])
            {
                Reach[] truth = GradientTruth.Of(network, s, neurons, local, seed);
                literalTruth ??= truth;
                for (int b = 0; b < neurons.Count; b++)
                {
                    Neuron neuron = neurons[b];
                    FieldReach engine = outputs[neuron.Unit].Reach(neuron.Channel, neuron.Position(Axes(outputs[neuron.Unit])), local);
                    if (!Same(engine, truth[b]))
                    {
                        disagreements.Add($"stage {s + 1} unit {neuron.Unit + 1} channel {neuron.Channel} at ({neuron.Y}, {neuron.X}{(Axes(outputs[neuron.Unit]) == 3 ? $", frame {neuron.Z}" : "")}){(local ? ", local" : "")}: gradients {truth[b]}, engine {Describe(engine)}");
                    }
                }

                for (int u = 0; u < outputs.Length && unitFactors; u++)
                {
                    UnitField unit = field.Stages[s].Units[u];
                    FieldFactors engine = local ? unit.Local : unit.Literal;
                    FieldFactors want = Factors(neurons, truth, u, local ? literalTruth : null, volume: Axes(outputs[u]) == 3);
                    if (engine != want with { IfCMean = engine.IfCMean } || Math.Abs(engine.IfCMean - want.IfCMean) > 1e-9)
                    {
                        disagreements.Add($"stage {s + 1} unit {u + 1}{(local ? ", local" : "")}: gradients give {want}, the engine {engine}");
                    }

                    if (!local && (trace.If(u) != unit.Local.If || literalTrace.If(u) != unit.Literal.If || unit.If != unit.Local.If))
                    {
                        disagreements.Add($"stage {s + 1} unit {u + 1}: StageTrace gives IF {trace.If(u)} (literal {literalTrace.If(u)}), Analyze {unit.Local.If} (literal {unit.Literal.If})");
                    }
                }
            }

            units += outputs.Length;
        }

        return (disagreements, units, checkedNeurons);
    }

    /// <summary>
    /// Every channel of every unit's output at: all positions of a small map; otherwise the corners, border middles and
    /// centre, and where the engine puts each channel's widest intervals and most channels (literal and local), so that
    /// each channel's best-placed neuron, and so the unit's factors, are among the neurons checked. A 3-D network's
    /// positions have a frame too (the corners and centre of its first, middle and last frames).
    /// </summary>
    public static List<Neuron> EveryChannel(TensorField[] outputs)
    {
        var neurons = new List<Neuron>();
        for (int u = 0; u < outputs.Length; u++)
        {
            TensorField tensor = outputs[u];
            int axes = Axes(tensor);
            int height = tensor.FrameLength(0), width = tensor.FrameLength(1), depth = axes == 3 ? tensor.FrameLength(2) : 1;
            var all = (from z in Enumerable.Range(0, depth) from y in Enumerable.Range(0, height) from x in Enumerable.Range(0, width) select (y, x, z)).ToList();
            var fixedPositions = new HashSet<(int, int, int)>();
            if (all.Count <= AllPositions)
            {
                fixedPositions.UnionWith(all);
            }
            else
            {
                foreach (int z in new[] { 0, depth / 2, depth - 1 })
                {
                    foreach (int y in new[] { 0, height / 2, height - 1 })
                    {
                        foreach (int x in new[] { 0, width / 2, width - 1 })
                        {
                            fixedPositions.Add((y, x, z));
                        }
                    }
                }
            }

            for (int c = 0; c < tensor.Shape.Channels; c++)
            {
                var positions = new HashSet<(int, int, int)>(fixedPositions);
                if (all.Count > AllPositions)
                {
                    foreach (bool local in new[] { false, true })
                    {
                        var reaches = all.Select(p => (Position: p, Reach: tensor.Reach(c, new Neuron(u, c, p.y, p.x, p.z).Position(axes), local))).ToList();
                        foreach (int axis in Enumerable.Range(0, axes))
                        {
                            positions.Add(reaches.MaxBy(r => r.Reach.Axes[axis].Span).Position);
                        }

                        positions.Add(reaches.MaxBy(r => r.Reach.Channels.Count).Position);

                        // Where the engine puts the channel's reach extremes and its interior minimum.
                        var reached = reaches.Where(r => !r.Reach.IsEmpty).ToList();
                        if (reached.Count > 0)
                        {
                            foreach (int axis in Enumerable.Range(0, axes))
                            {
                                positions.Add(reached.MinBy(r => r.Reach.Axes[axis].Lo).Position);
                                positions.Add(reached.MaxBy(r => r.Reach.Axes[axis].Hi).Position);
                            }

                            var (first, last) = Extent(reached.Select(r => r.Reach.Axes).ToList());
                            var inside = reached.Where(r => IsInterior(r.Reach.Axes, first, last)).ToList();
                            if (inside.Count > 0)
                            {
                                foreach (int axis in Enumerable.Range(0, axes))
                                {
                                    positions.Add(inside.MinBy(r => r.Reach.Axes[axis].Span).Position);
                                }
                            }
                        }
                    }
                }

                neurons.AddRange(positions.Select(p => new Neuron(u, c, p.Item1, p.Item2, p.Item3)));
            }
        }

        return neurons;
    }

    /// <summary>Per axis, the first and last stage input position any of <paramref name="axes"/> reaches.</summary>
    private static (int[] First, int[] Last) Extent(List<ValueList<AxisInterval>> axes) =>
        ([.. Enumerable.Range(0, axes[0].Count).Select(a => axes.Min(x => x[a].Lo))], [.. Enumerable.Range(0, axes[0].Count).Select(a => axes.Max(x => x[a].Hi))]);

    /// <summary>True when the intervals lie strictly inside the channel's reach on every axis (an interior neuron).</summary>
    private static bool IsInterior(IReadOnlyList<AxisInterval> axes, int[] first, int[] last) =>
        Enumerable.Range(0, first.Length).All(a => axes[a].Lo > first[a] && axes[a].Hi < last[a]);

    /// <summary>A reach's intervals per axis: height and width, and the frames in a 3-D network.</summary>
    private static ValueList<AxisInterval> Intervals(Reach reach, bool volume) => volume
        ? [new AxisInterval(reach.LoH, reach.HiH), new AxisInterval(reach.LoW, reach.HiW), new AxisInterval(reach.LoD, reach.HiD)]
        : [new AxisInterval(reach.LoH, reach.HiH), new AxisInterval(reach.LoW, reach.HiW)];

    /// <summary>
    /// A unit's field factors from the gradients of its neurons (each channel at its best-placed neuron checked, and at
    /// its narrowest interior neuron): the interior minimum per channel is the narrowest over its interior neurons (whose
    /// interval lies strictly inside the channel's reach on every axis), or its best-placed neuron's spans when none is. With
    /// <paramref name="literal"/> (the literal gradients of the same neurons), <paramref name="truth"/> is local, and a
    /// channel none of whose neurons is reached locally but some literally (only through global pooling) is left out.
    /// With <paramref name="volume"/>, the depth factors too.
    /// </summary>
    public static FieldFactors Factors(List<Neuron> neurons, Reach[] truth, int unit, Reach[]? literal = null, bool volume = false)
    {
        var interior = Enumerable.Range(0, neurons.Count)
            .Where(b => neurons[b].Unit == unit)
            .GroupBy(b => neurons[b].Channel)
            .Where(channel => literal is null || channel.Any(b => !truth[b].IsEmpty) || channel.All(b => literal[b].IsEmpty))
            .Select(channel =>
            {
                var reached = channel.Where(b => !truth[b].IsEmpty).ToList();
                if (reached.Count == 0)
                {
                    return (H: 0, W: 0, D: 0);
                }

                var (first, last) = Extent([.. reached.Select(b => Intervals(truth[b], volume))]);
                var inside = reached.Where(b => IsInterior(Intervals(truth[b], volume), first, last)).ToList();
                return inside.Count > 0
                    ? (H: inside.Min(b => truth[b].SpanH), W: inside.Min(b => truth[b].SpanW), D: inside.Min(b => truth[b].SpanD))
                    : (H: reached.Max(b => truth[b].SpanH), W: reached.Max(b => truth[b].SpanW), D: reached.Max(b => truth[b].SpanD));
            })
            .ToList();
        var perChannel = Enumerable.Range(0, neurons.Count)
            .Where(b => neurons[b].Unit == unit)
            .GroupBy(b => neurons[b].Channel)
            .Where(channel => literal is null || channel.Any(b => !truth[b].IsEmpty) || channel.All(b => literal[b].IsEmpty))
            .OrderBy(channel => channel.Key)
            .Select(channel => (
                H: channel.Max(b => truth[b].SpanH),
                W: channel.Max(b => truth[b].SpanW),
                D: channel.Max(b => truth[b].SpanD),
                C: channel.Max(b => truth[b].Channels.Length)))
            .ToList();
        if (perChannel.Count == 0)
        {
            return new FieldFactors(0, 0, 0, 0, 0, 0, 0, 0);
        }

        int ifH = perChannel.Max(c => c.H), ifW = perChannel.Max(c => c.W), ifC = perChannel.Min(c => c.C), ifD = volume ? perChannel.Max(c => c.D) : 1;
        return new FieldFactors(ifH, perChannel.Min(c => c.H), ifW, perChannel.Min(c => c.W), ifC, perChannel.Average(c => c.C), perChannel.Max(c => c.C), (long)ifH * ifW * ifD * ifC)
        {
            IfHInterior = interior.Min(c => c.H),
            IfWInterior = interior.Min(c => c.W),
            IfD = volume ? ifD : 0,
            IfDMin = volume ? perChannel.Min(c => c.D) : 0,
            IfDInterior = volume ? interior.Min(c => c.D) : 0,
        };
    }

    public static bool Same(FieldReach engine, Reach truth) =>
        engine.Channels.SequenceEqual(truth.Channels)
        && (truth.IsEmpty
            ? engine.IsEmpty
            : engine.Axes[0] == new AxisInterval(truth.LoH, truth.HiH) && engine.Axes[1] == new AxisInterval(truth.LoW, truth.HiW)
                && (engine.Axes.Count < 3 || engine.Axes[2] == new AxisInterval(truth.LoD, truth.HiD)));

    public static string Describe(FieldReach reach) =>
        reach.IsEmpty ? "nothing" : $"channels {{{string.Join(",", reach.Channels)}}}, rows {reach.Axes[0].Lo}..{reach.Axes[0].Hi}, columns {reach.Axes[1].Lo}..{reach.Axes[1].Hi}{(reach.Axes.Count > 2 ? $", frames {reach.Axes[2].Lo}..{reach.Axes[2].Hi}" : "")}";

    /// <summary>The spatial axes of a tensor's positions (2, or 3 with a depth).</summary>
    private static int Axes(TensorField tensor) => tensor.Shape.SpatialAxes;

    /// <summary>
    /// For large networks: per unit, the neurons where the engine puts its extremes (the channel with the widest and the
    /// one with the narrowest interval per axis, each at its best position; the channels with the fewest and the most
    /// input channels; literal and local), the corners of channel 0 and one more channel at its centre, so that every
    /// factor the engine reports for the unit is checked on a neuron that has it.
    /// </summary>
    public static List<Neuron> Extremes(TensorField[] outputs)
    {
        var neurons = new HashSet<Neuron>();
        for (int u = 0; u < outputs.Length; u++)
        {
            TensorField tensor = outputs[u];
            int axes = Axes(tensor);
            int height = tensor.FrameLength(0), width = tensor.FrameLength(1), depth = axes == 3 ? tensor.FrameLength(2) : 1;
            int[] channels = [.. Enumerable.Range(0, tensor.Shape.Channels)];
            foreach (bool local in new[] { false, true })
            {
                foreach (int axis in Enumerable.Range(0, axes))
                {
                    foreach (int channel in new[] { channels.MaxBy(c => tensor.Span(c, axis, local)), channels.MinBy(c => tensor.Span(c, axis, local)) })
                    {
                        neurons.Add(Where(tensor, channel, local, reach => reach.Axes[axis].Span));
                    }
                }

                foreach (int channel in new[] { channels.MaxBy(c => tensor.Coverage(c, local)), channels.MinBy(c => tensor.Coverage(c, local)) })
                {
                    neurons.Add(Where(tensor, channel, local, reach => reach.Channels.Count));
                }
            }

            neurons.Add(new Neuron(u, 0, 0, 0));
            neurons.Add(new Neuron(u, 0, height - 1, width - 1, depth - 1));
            neurons.Add(new Neuron(u, tensor.Shape.Channels / 2, height / 2, width / 2, depth / 2));

            // The neuron of channel c of unit u where measure is largest (the channel's best-placed neuron for it).
            Neuron Where(TensorField field, int channel, bool local, Func<FieldReach, int> measure)
            {
                var best = new Neuron(u, channel, 0, 0);
                int top = -1;
                for (int z = 0; z < depth; z++)
                {
                    for (int y = 0; y < height; y++)
                    {
                        for (int x = 0; x < width; x++)
                        {
                            var neuron = new Neuron(u, channel, y, x, z);
                            int value = measure(field.Reach(channel, neuron.Position(axes), local));
                            if (value > top)
                            {
                                (top, best) = (value, neuron);
                            }
                        }
                    }
                }

                return best;
            }
        }

        return [.. neurons.OrderBy(n => n.Unit).ThenBy(n => n.Channel).ThenBy(n => n.Z).ThenBy(n => n.Y).ThenBy(n => n.X)];
    }
}
