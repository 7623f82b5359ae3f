using InfoField.Architecture;

namespace InfoField.Field;

/// <summary>
/// One part of a channel's field: a set of stage input channels and, per spatial axis, the positions they are reached
/// from (<see cref="AxisField"/>). A neuron at position p depends on <c>Channels x [Lo_h(p), Hi_h(p)] x [Lo_w(p), Hi_w(p)]</c>
/// when every axis is non-empty at p, and on nothing of this part otherwise. <see cref="Global"/> marks what arrives
/// only through global pooling: it counts for the literal field, not for the local one.
/// </summary>
internal readonly record struct FieldPart(bool Global, ChannelSet Channels, AxisField[] Axes)
{
    public bool HasEmpty
    {
        get
        {
            foreach (AxisField axis in Axes)
            {
                if (axis.HasEmpty)
                {
                    return true;
                }
            }

            return false;
        }
    }

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

    public ChannelField(ChannelUniverse universe, FieldPart[] parts, SpatialAxis[]? plane)
    {
        Id = universe.NextField();
        Parts = parts;
        Plane = plane;
        foreach (FieldPart part in parts)
        {
            HasGlobal |= part.Global;
        }
    }

    /// <summary>The literal factors of a tensor whose every channel holds this field, once computed (<see cref="TensorField.Factors(bool)"/>).</summary>
    public FieldFactors? LiteralFactors { get; set; }

    /// <summary>The local factors of a tensor whose every channel holds this field, once computed.</summary>
    public FieldFactors? LocalFactors { get; set; }

    /// <summary>True when some part arrives only through global pooling (the local field then differs from the literal one).</summary>
    public bool HasGlobal { get; }

    /// <summary>Compares fields by identity and hashes them by <see cref="Id"/>.</summary>
    public static IEqualityComparer<ChannelField> ByIdentity { get; } = new IdentityComparer();

    /// <summary>The field's number in its stage (<see cref="ChannelUniverse.NextField"/>).</summary>
    public int Id { get; }

    /// <summary>The parts; none when no neuron of the channel depends on the stage input.</summary>
    public FieldPart[] Parts { get; }

    /// <summary>
    /// The receptive field in image pixels per axis (no borders), or null when the channel depends on nothing (a channel
    /// of a skip from an earlier stage has no parts, since it depends on nothing of the stage input, but keeps its plane).
    /// </summary>
    public SpatialAxis[]? Plane { get; }

    /// <summary>The union of two fields (the inputs of an add or mul at one channel).</summary>
    public static ChannelField Union(ChannelField[] fields, ChannelUniverse universe) => Union(fields, [0, 1], universe);

    /// <summary>The union of the fields <paramref name="read"/> of <paramref name="fields"/> (a layer's read set).</summary>
    public static ChannelField Union(ChannelField[] fields, ReadOnlySpan<int> read, ChannelUniverse universe)
    {
        if (read.IsEmpty)
        {
            // An output channel that reads no input channel (a zero op) depends on nothing.
            return universe.Nothing;
        }

        ChannelField first = fields[read[0]];
        int i = 1;
        while (i < read.Length && ReferenceEquals(fields[read[i]], first))
        {
            i++;
        }

        if (i == read.Length)
        {
            return first;
        }

        if (read.Length == 2 && Two(first, fields[read[1]], universe) is ChannelField two)
        {
            return two;
        }

        var fuser = new Fuser(universe, read.Length);
        ChannelField? last = null;
        SpatialAxis[]? plane = null;
        foreach (int index in read)
        {
            ChannelField field = fields[index];
            if (ReferenceEquals(field, last))
            {
                // A field read again adds nothing; only runs are skipped (hashing every field would cost more than it saves).
                continue;
            }

            last = field;
            fuser.Add(field.Parts);
            plane = UnitePlanes(plane, field.Plane);
        }

        return new ChannelField(universe, fuser.Parts(), plane);
    }

    /// <summary>
    /// The union of two different fields when it is quick to make, as <see cref="Fuser"/> would unite them: a field that
    /// depends on nothing (and has no plane) adds nothing; two one-part fields of the same kind, empty at the same
    /// positions, become one part. Null otherwise.
    /// </summary>
    private static ChannelField? Two(ChannelField left, ChannelField right, ChannelUniverse universe)
    {
        if (left.Parts.Length == 0 && left.Plane is null)
        {
            return right;
        }

        if (right.Parts.Length == 0 && right.Plane is null)
        {
            return left;
        }

        if (left.Parts.Length != 1 || right.Parts.Length != 1)
        {
            return null;
        }

        FieldPart a = left.Parts[0], b = right.Parts[0];
        if (a.Global != b.Global || a.Axes.Length != b.Axes.Length)
        {
            return null;
        }

        Span<AxisField?> hull = [null, null, null];
        bool same = true;
        for (int axis = 0; axis < a.Axes.Length; axis++)
        {
            if (!a.Axes[axis].SameEmptiness(b.Axes[axis]))
            {
                return null;
            }

            hull[axis] = AxisField.Hull(a.Axes[axis], b.Axes[axis]);
            same &= ReferenceEquals(a.Axes[axis], b.Axes[axis]);
        }

        AxisField[] axes = same ? a.Axes : AxisFieldCache.Axes(hull[..a.Axes.Length]!);
        return new ChannelField(universe, [new FieldPart(a.Global, universe.Union(a.Channels, b.Channels), axes)], UnitePlanes(left.Plane, right.Plane));
    }

    /// <summary>Per axis, the hull of two receptive fields in image pixels.</summary>
    public static SpatialAxis[]? UnitePlanes(SpatialAxis[]? left, SpatialAxis[]? right)
    {
        if (left is null || right is null || ReferenceEquals(left, right))
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
    public ChannelField Through(ref LayerStep step)
    {
        var parts = new FieldPart[Parts.Length];
        int kept = 0;
        foreach (FieldPart part in Parts)
        {
            AxisField[]? axes = step.Axes(part.Axes);
            if (axes is not null)
            {
                parts[kept++] = new FieldPart(part.Global || step.Global, part.Channels, axes);
            }
        }

        if (kept < parts.Length)
        {
            Array.Resize(ref parts, kept);
        }

        if (parts.Length > 1)
        {
            var fuser = new Fuser(step.Universe);
            fuser.Add(parts);
            parts = fuser.Parts();
        }

        return new ChannelField(step.Universe, parts, Plane is null ? null : step.Plane(Plane));
    }

    /// <summary>A 1x1 field spread over a map of <paramref name="lengths"/> positions (a gate in a mul).</summary>
    public ChannelField Broadcast(int[] lengths, ChannelUniverse universe)
    {
        var parts = new FieldPart[Parts.Length];
        for (int p = 0; p < parts.Length; p++)
        {
            FieldPart part = Parts[p];
            var axes = new AxisField[part.Axes.Length];
            for (int a = 0; a < axes.Length; a++)
            {
                axes[a] = part.Axes[a].Broadcast(lengths[a]);
            }

            parts[p] = new FieldPart(part.Global, part.Channels, axes);
        }

        SpatialAxis[]? plane = null;
        if (Plane is not null)
        {
            plane = new SpatialAxis[Plane.Length];
            for (int a = 0; a < plane.Length; a++)
            {
                plane[a] = Plane[a].Centred();
            }
        }

        return new ChannelField(universe, parts, plane);
    }

    /// <summary>
    /// The best-placed neuron of the channel, literal or local: per axis the widest interval, and the most stage input
    /// channels, over the positions of the channel (each maximum may come from another position).
    /// </summary>
    public Summary Summarize(bool local, ChannelUniverse universe)
    {
        if (!local)
        {
            return _literal ??= Compute(Parts, universe);
        }

        if (_local is null)
        {
            _local = HasGlobal ? Compute(Array.FindAll(Parts, part => !part.Global), universe) : Summarize(local: false, universe);
        }

        return _local;
    }

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

    private static Summary Compute(FieldPart[] parts, ChannelUniverse universe)
    {
        if (parts.Length == 0)
        {
            return Summary.Nothing;
        }

        int rank = parts[0].Axes.Length;
        if (parts.Length == 1)
        {
            return OfOne(parts[0].Axes, parts[0].Channels.Count);
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

            return new Summary(AxisInts.Of(spans), universe.Union([.. parts.Select(part => part.Channels)]).Count, AxisInts.Of(InteriorOfProduct(parts)));
        }

        return Enumerate(parts, universe, rank);
    }

    /// <summary>The summary of a field of one part: its axes <paramref name="axes"/> and <paramref name="channels"/> stage input channels.</summary>
    public static Summary OfOne(AxisField[] axes, int channels)
    {
        AxisInts widest = default;
        for (int a = 0; a < axes.Length; a++)
        {
            widest[a] = axes[a].MaxSpan;
        }

        return new Summary(widest, channels, InteriorOfOne(axes, widest));
    }

    /// <summary>
    /// The interior minimum of one part: its neurons are the product of its axes' non-empty positions, so each axis's own
    /// interior minimum (shared by every field holding that axis field) decides, when every axis has interior positions.
    /// </summary>
    private static AxisInts InteriorOfOne(AxisField[] axes, AxisInts widest)
    {
        AxisInts interior = default;
        for (int a = 0; a < axes.Length; a++)
        {
            interior[a] = axes[a].InteriorSpan;
            if (interior[a] < 0)
            {
                return widest;
            }
        }

        return interior;
    }

    /// <summary>
    /// The interior minimum (<see cref="Summary.Interior"/>) of parts that are all active at every neuron they reach on
    /// every axis (one part, or parts without empty positions), so that the neurons that reach something are the product
    /// of the axes' non-empty positions and each axis can be taken alone: per axis the hull of the parts' intervals at each
    /// position, and the interior neurons are the products of the axes' interior positions; when some axis has none, the
    /// channel has no interior neuron and its best-placed neuron's spans stand.
    /// </summary>
    private static int[] InteriorOfProduct(FieldPart[] parts)
    {
        int rank = parts[0].Axes.Length;
        var interior = new int[rank];
        var widest = new int[rank];
        bool everyAxis = true;
        for (int a = 0; a < rank; a++)
        {
            int length = parts[0].Axes[a].Length;
            var los = new int[length];
            var his = new int[length];
            int first = int.MaxValue, last = int.MinValue;
            for (int i = 0; i < length; i++)
            {
                int lo = int.MaxValue, hi = int.MinValue;
                foreach (FieldPart part in parts)
                {
                    if (!part.Axes[a].IsEmpty(i))
                    {
                        lo = Math.Min(lo, part.Axes[a].Lo(i));
                        hi = Math.Max(hi, part.Axes[a].Hi(i));
                    }
                }

                (los[i], his[i]) = (lo, hi);
                if (lo <= hi)
                {
                    first = Math.Min(first, lo);
                    last = Math.Max(last, hi);
                }
            }

            int inside = int.MaxValue, any = 0;
            for (int i = 0; i < length; i++)
            {
                if (los[i] > his[i])
                {
                    continue;
                }

                any = Math.Max(any, his[i] - los[i] + 1);
                if (los[i] > first && his[i] < last)
                {
                    inside = Math.Min(inside, his[i] - los[i] + 1);
                }
            }

            everyAxis &= inside != int.MaxValue;
            interior[a] = inside;
            widest[a] = any;
        }

        return everyAxis ? interior : widest;
    }

    /// <summary>
    /// The interior minimum over neurons given one by one (the hull per axis of each neuron that reaches something):
    /// the interior neurons are those whose interval along every axis lies strictly inside the channel's reach.
    /// </summary>
    private static int[] InteriorOf(List<(int Lo, int Hi)[]> neurons, int rank)
    {
        if (neurons.Count == 0)
        {
            return new int[rank];
        }

        var first = new int[rank];
        var last = new int[rank];
        Array.Fill(first, int.MaxValue);
        Array.Fill(last, int.MinValue);
        foreach (var hull in neurons)
        {
            for (int a = 0; a < rank; a++)
            {
                first[a] = Math.Min(first[a], hull[a].Lo);
                last[a] = Math.Max(last[a], hull[a].Hi);
            }
        }

        var interior = new int[rank];
        var widest = new int[rank];
        Array.Fill(interior, int.MaxValue);
        bool anyInside = false;
        foreach (var hull in neurons)
        {
            bool inside = true;
            for (int a = 0; a < rank; a++)
            {
                widest[a] = Math.Max(widest[a], hull[a].Hi - hull[a].Lo + 1);
                inside &= hull[a].Lo > first[a] && hull[a].Hi < last[a];
            }

            if (inside)
            {
                anyInside = true;
                for (int a = 0; a < rank; a++)
                {
                    interior[a] = Math.Min(interior[a], hull[a].Hi - hull[a].Lo + 1);
                }
            }
        }

        return anyInside ? interior : widest;
    }

    /// <summary>Neuron by neuron over the whole map: for parts that reach only some positions.</summary>
    private static Summary Enumerate(FieldPart[] parts, ChannelUniverse universe, int rank)
    {
        int[] lengths = [.. parts[0].Axes.Select(axis => axis.Length)];
        var position = new int[rank];
        var spans = new int[rank];
        var hulls = new List<(int Lo, int Hi)[]>();
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
                var hull = new (int Lo, int Hi)[rank];
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
                    hull[a] = (lo, hi);
                }

                hulls.Add(hull);

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
                return new Summary(AxisInts.Of(spans), channels, AxisInts.Of(InteriorOf(hulls, rank)));
            }
        }
    }

    /// <summary>Identity and <see cref="Id"/>.</summary>
    private sealed class IdentityComparer : IEqualityComparer<ChannelField>
    {
        public bool Equals(ChannelField? x, ChannelField? y) => ReferenceEquals(x, y);

        public int GetHashCode(ChannelField obj) => obj.Id;
    }

    /// <summary>The best-placed neuron of a channel: per axis the widest interval, and the most channels; and the interior minimum.</summary>
    /// <param name="Spans">Per axis, the widest interval over the positions (0 when no neuron depends on anything).</param>
    /// <param name="Channels">The most stage input channels a neuron of the channel depends on.</param>
    /// <param name="Interior">
    /// Per axis, the narrowest interval over the channel's interior neurons: those that depend on something and whose
    /// interval along every axis lies strictly inside the channel's reach (its first position after the first stage
    /// input position any neuron of the channel reaches, its last before the last), so that no border cuts their field.
    /// A channel without interior neurons (a map too small for its field: every neuron's reaches a border) keeps its
    /// best-placed neuron's spans; 0 when no neuron depends on anything.
    /// </param>
    internal sealed record Summary(AxisInts Spans, int Channels, AxisInts Interior)
    {
        /// <summary>A channel that depends on nothing.</summary>
        public static Summary Nothing { get; } = new(default, 0, default);
    }

    /// <summary>
    /// Unites parts that can be held as one (channels united, intervals hulled) without changing what any neuron depends
    /// on, now or after any later op: parts of the same kind (local or global) that are empty at exactly the same
    /// positions, so that every neuron depends on both or on neither.
    /// </summary>
    private sealed class Fuser(ChannelUniverse universe, int capacity = 4)
    {
        private readonly List<Group> _groups = [];

        public void Add(FieldPart[] parts)
        {
            foreach (FieldPart part in parts)
            {
                Group? found = null;
                foreach (Group group in _groups)
                {
                    if (group.Global == part.Global && SameEmptiness(group.Axes[0], part.Axes))
                    {
                        found = group;
                        break;
                    }
                }

                if (found is null)
                {
                    _groups.Add(new Group(part.Global, part.Channels, part.Axes, capacity));
                    continue;
                }

                if (!ReferenceEquals(found.Sets[^1], part.Channels))
                {
                    found.Sets.Add(part.Channels);
                }

                // Intervals are hulled once per distinct set of axis fields, when the parts are made.
                bool known = false;
                foreach (AxisField[] axes in found.Axes)
                {
                    known |= SameFields(axes, part.Axes);
                }

                if (!known)
                {
                    found.Axes.Add(part.Axes);
                }
            }
        }

        public FieldPart[] Parts()
        {
            var parts = new FieldPart[_groups.Count];
            for (int g = 0; g < parts.Length; g++)
            {
                Group group = _groups[g];
                AxisField[] axes = group.Axes[0];
                if (group.Axes.Count > 1)
                {
                    axes = (AxisField[])axes.Clone();
                    for (int a = 0; a < axes.Length; a++)
                    {
                        for (int k = 1; k < group.Axes.Count; k++)
                        {
                            axes[a] = AxisField.Hull(axes[a], group.Axes[k][a]);
                        }
                    }
                }

                parts[g] = new FieldPart(group.Global, universe.Union(group.Sets), axes);
            }

            return parts;
        }

        private static bool SameFields(AxisField[] left, AxisField[] right)
        {
            for (int a = 0; a < left.Length; a++)
            {
                if (!ReferenceEquals(left[a], right[a]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Parts being united: their kind, channel sets, and distinct axis fields.</summary>
        private sealed class Group(bool global, ChannelSet channels, AxisField[] axes, int capacity)
        {
            public bool Global { get; } = global;

            public List<ChannelSet> Sets { get; } = new(capacity) { channels };

            public List<AxisField[]> Axes { get; } = [axes];
        }

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

/// <summary>One int per spatial axis (up to three), held inline.</summary>
[System.Runtime.CompilerServices.InlineArray(FeatureShape.MaxSpatialAxes)]
internal struct AxisInts
{
    private int _first;

    /// <summary>The values of <paramref name="values"/> (one to three), the rest 0.</summary>
    public static AxisInts Of(int[] values)
    {
        AxisInts ints = default;
        values.CopyTo(ints);
        return ints;
    }
}
