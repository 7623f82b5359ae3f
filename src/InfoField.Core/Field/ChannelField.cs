namespace InfoField.Field;

/// <summary>
/// One part of a channel's field: a set of stage input channels and, per spatial axis, the positions they are reached
/// from (<see cref="AxisField"/>). A neuron at position p depends on <c>Channels x [Lo_h(p), Hi_h(p)] x [Lo_w(p), Hi_w(p)]</c>
/// when every axis is non-empty at p, and on nothing of this part otherwise. <see cref="Global"/> marks what arrives
/// only through global pooling: it counts for the literal field, not for the local one.
/// </summary>
internal sealed class FieldPart(bool global, ChannelSet channels, AxisField[] axes)
{
    public bool Global { get; } = global;

    public ChannelSet Channels { get; } = channels;

    public AxisField[] Axes { get; } = axes;

    public bool HasEmpty => Axes.Any(axis => axis.HasEmpty);

    /// <summary>True when the neuron at <paramref name="position"/> depends on this part.</summary>
    public bool ActiveAt(ReadOnlySpan<int> position)
    {
        for (int a = 0; a < Axes.Length; a++)
        {
            if (Axes[a].IsEmpty(position[a]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// The field of one channel of a tensor inside a stage: what each of its neurons depends on in the stage's input tensor
/// (a union of <see cref="FieldPart"/>s, usually one), and its receptive field in image pixels on an infinite plane.
/// Immutable and shared: channels with the same field hold the same object, and every summary is computed once per object.
/// </summary>
internal sealed class ChannelField
{
    private Summary? _literal;
    private Summary? _local;

    public ChannelField(FieldPart[] parts, SpatialAxis[]? plane)
    {
        Parts = parts;
        Plane = plane;
    }

    /// <summary>The parts; none when no neuron of the channel depends on the stage input.</summary>
    public FieldPart[] Parts { get; }

    /// <summary>The receptive field in image pixels per axis (no borders), or null when the channel depends on nothing.</summary>
    public SpatialAxis[]? Plane { get; }

    /// <summary>The union of <paramref name="fields"/> (a layer's read set, or the inputs of an add or mul at one channel).</summary>
    public static ChannelField Union(IReadOnlyList<ChannelField> fields, ChannelUniverse universe)
    {
        ChannelField first = fields[0];
        int i = 1;
        while (i < fields.Count && ReferenceEquals(fields[i], first))
        {
            i++;
        }

        if (i == fields.Count)
        {
            return first;
        }

        var fuser = new Fuser(universe);
        HashSet<ChannelField>? seen = fields.Count > 8 ? new(ReferenceEqualityComparer.Instance) : null;
        ChannelField? last = null;
        SpatialAxis[]? plane = null;
        foreach (ChannelField field in fields)
        {
            if (ReferenceEquals(field, last) || (seen is not null && !seen.Add(field)))
            {
                continue;
            }

            last = field;
            fuser.Add(field.Parts);
            plane = UnitePlanes(plane, field.Plane);
        }

        return new ChannelField(fuser.Parts(), plane);
    }

    /// <summary>Per axis, the hull of two receptive fields in image pixels.</summary>
    public static SpatialAxis[]? UnitePlanes(SpatialAxis[]? left, SpatialAxis[]? right)
    {
        if (left is null || right is null)
        {
            return left ?? right;
        }

        var plane = new SpatialAxis[left.Length];
        for (int a = 0; a < plane.Length; a++)
        {
            plane[a] = SpatialAxis.Union(left[a], right[a]);
        }

        return plane;
    }

    /// <summary>The field after a layer (<paramref name="step"/>), which applies its window to every part.</summary>
    public ChannelField Through(LayerStep step)
    {
        var parts = new List<FieldPart>(Parts.Length);
        foreach (FieldPart part in Parts)
        {
            var axes = new AxisField[part.Axes.Length];
            bool empty = false;
            for (int a = 0; a < axes.Length; a++)
            {
                axes[a] = step.Axis(a, part.Axes[a]);
                empty |= axes[a].AllEmpty;
            }

            if (!empty)
            {
                parts.Add(new FieldPart(part.Global || step.Global, part.Channels, axes));
            }
        }

        FieldPart[] result = [.. parts];
        if (result.Length > 1)
        {
            var fuser = new Fuser(step.Universe);
            fuser.Add(result);
            result = fuser.Parts();
        }

        return new ChannelField(result, Plane is null ? null : step.Plane(Plane));
    }

    /// <summary>A 1x1 field spread over a map of <paramref name="lengths"/> positions (a gate in a mul).</summary>
    public ChannelField Broadcast(int[] lengths, Dictionary<AxisField, AxisField>[] memo)
    {
        var parts = new FieldPart[Parts.Length];
        for (int p = 0; p < parts.Length; p++)
        {
            FieldPart part = Parts[p];
            var axes = new AxisField[part.Axes.Length];
            for (int a = 0; a < axes.Length; a++)
            {
                AxisField axis = part.Axes[a];
                if (!memo[a].TryGetValue(axis, out AxisField? spread))
                {
                    spread = axis.Broadcast(lengths[a]);
                    memo[a][axis] = spread;
                }

                axes[a] = spread;
            }

            parts[p] = new FieldPart(part.Global, part.Channels, axes);
        }

        return new ChannelField(parts, Plane?.Select(axis => axis.Centred()).ToArray());
    }

    /// <summary>
    /// The best-placed neuron of the channel, literal or local: per axis the widest interval, and the most stage input
    /// channels, over the positions of the channel (each maximum may come from another position).
    /// </summary>
    public Summary Summarize(bool local, ChannelUniverse universe) =>
        local ? _local ??= Compute(local, universe) : _literal ??= Compute(local, universe);

    /// <summary>What the neuron at <paramref name="position"/> depends on: stage input channels, and per axis an interval.</summary>
    public (int[] Channels, (int Lo, int Hi)[] Axes) Reach(ReadOnlySpan<int> position, bool local, ChannelUniverse universe, int rank)
    {
        var sets = new List<ChannelSet>();
        var axes = new (int Lo, int Hi)[rank];
        Array.Fill(axes, (int.MaxValue, int.MinValue));
        foreach (FieldPart part in Parts)
        {
            if ((local && part.Global) || !part.ActiveAt(position))
            {
                continue;
            }

            sets.Add(part.Channels);
            for (int a = 0; a < rank; a++)
            {
                axes[a] = (Math.Min(axes[a].Lo, part.Axes[a].Lo(position[a])), Math.Max(axes[a].Hi, part.Axes[a].Hi(position[a])));
            }
        }

        return sets.Count == 0 ? ([], axes.Select(_ => (0, -1)).ToArray()) : (universe.Union(sets).Members(), axes);
    }

    private Summary Compute(bool local, ChannelUniverse universe)
    {
        FieldPart[] parts = local ? [.. Parts.Where(part => !part.Global)] : Parts;
        int rank = Parts.Length == 0 ? 0 : Parts[0].Axes.Length;
        if (parts.Length == 0)
        {
            return new Summary(new int[rank], 0);
        }

        if (parts.Length == 1)
        {
            return new Summary([.. parts[0].Axes.Select(axis => axis.MaxSpan)], parts[0].Channels.Count);
        }

        if (!parts.Any(part => part.HasEmpty))
        {
            // Every part reaches every neuron: per axis the hull at each position, and all channels together.
            var spans = new int[rank];
            for (int a = 0; a < rank; a++)
            {
                for (int i = 0; i < parts[0].Axes[a].Length; i++)
                {
                    int lo = int.MaxValue, hi = int.MinValue;
                    foreach (FieldPart part in parts)
                    {
                        lo = Math.Min(lo, part.Axes[a].Lo(i));
                        hi = Math.Max(hi, part.Axes[a].Hi(i));
                    }

                    spans[a] = Math.Max(spans[a], hi - lo + 1);
                }
            }

            return new Summary(spans, universe.Union([.. parts.Select(part => part.Channels)]).Count);
        }

        return Enumerate(parts, universe, rank);
    }

    /// <summary>Neuron by neuron over the whole map: for parts that reach only some positions.</summary>
    private static Summary Enumerate(FieldPart[] parts, ChannelUniverse universe, int rank)
    {
        int[] lengths = [.. parts[0].Axes.Select(axis => axis.Length)];
        var position = new int[rank];
        var spans = new int[rank];
        int channels = 0;
        var counts = new Dictionary<ulong, int>();
        while (true)
        {
            ulong active = 0;
            var sets = new List<ChannelSet>();
            for (int p = 0; p < parts.Length; p++)
            {
                if (parts[p].ActiveAt(position))
                {
                    active |= 1UL << (p % 64);
                    sets.Add(parts[p].Channels);
                }
            }

            if (sets.Count > 0)
            {
                for (int a = 0; a < rank; a++)
                {
                    int lo = int.MaxValue, hi = int.MinValue;
                    foreach (FieldPart part in parts)
                    {
                        if (part.ActiveAt(position))
                        {
                            lo = Math.Min(lo, part.Axes[a].Lo(position[a]));
                            hi = Math.Max(hi, part.Axes[a].Hi(position[a]));
                        }
                    }

                    spans[a] = Math.Max(spans[a], hi - lo + 1);
                }

                if (parts.Length > 64 || !counts.TryGetValue(active, out int count))
                {
                    count = universe.Union(sets).Count;
                    counts[active] = count;
                }

                channels = Math.Max(channels, count);
            }

            int axisToStep = rank - 1;
            while (axisToStep >= 0 && ++position[axisToStep] == lengths[axisToStep])
            {
                position[axisToStep] = 0;
                axisToStep--;
            }

            if (axisToStep < 0)
            {
                return new Summary(spans, channels);
            }
        }
    }

    /// <summary>The best-placed neuron of a channel: per axis the widest interval, and the most channels.</summary>
    /// <param name="Spans">Per axis, the widest interval over the positions (0 when no neuron depends on anything).</param>
    /// <param name="Channels">The most stage input channels a neuron of the channel depends on.</param>
    internal sealed record Summary(int[] Spans, int Channels);

    /// <summary>
    /// Unites parts that can be held as one (channels united, intervals hulled) without changing what any neuron depends
    /// on, now or after any later op: parts of the same kind (local or global) that are empty at exactly the same
    /// positions, so that every neuron depends on both or on neither.
    /// </summary>
    private sealed class Fuser(ChannelUniverse universe)
    {
        private readonly List<(bool Global, List<ChannelSet> Sets, AxisField[] Axes)> _groups = [];

        public void Add(FieldPart[] parts)
        {
            foreach (FieldPart part in parts)
            {
                int found = -1;
                for (int g = 0; g < _groups.Count && found < 0; g++)
                {
                    var group = _groups[g];
                    if (group.Global == part.Global && SameEmptiness(group.Axes, part.Axes))
                    {
                        found = g;
                    }
                }

                if (found < 0)
                {
                    _groups.Add((part.Global, [part.Channels], [.. part.Axes]));
                    continue;
                }

                var (_, sets, axes) = _groups[found];
                sets.Add(part.Channels);
                for (int a = 0; a < axes.Length; a++)
                {
                    axes[a] = AxisField.Hull(axes[a], part.Axes[a]);
                }
            }
        }

        public FieldPart[] Parts() =>
            [.. _groups.Select(group => new FieldPart(group.Global, universe.Union(group.Sets), group.Axes))];

        private static bool SameEmptiness(AxisField[] left, AxisField[] right)
        {
            for (int a = 0; a < left.Length; a++)
            {
                if (!left[a].SameEmptiness(right[a]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
