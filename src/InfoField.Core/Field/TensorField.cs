using InfoField.Architecture;

namespace InfoField.Field;

/// <summary>
/// The field of every neuron of one tensor inside a stage, exactly: for each channel, which of the stage input's channels
/// and, per spatial axis, which interval of its positions each neuron of that channel depends on (position by position,
/// borders included), the same for the local field (what arrives through windows only, leaving out global pooling), and
/// the receptive field in image pixels. Channels with the same field share one object, so dense layers stay cheap.
/// Immutable; made by <see cref="InformationField"/> and <see cref="StageTrace"/>.
/// </summary>
public sealed class TensorField
{
    private readonly ChannelUniverse _universe;
    private readonly int[] _lengths;

    /// <summary>
    /// The field every channel holds, when they all hold one (the output of a dense layer, and of every op after it that
    /// keeps it so): such a tensor holds no array of its channels until one is asked for.
    /// </summary>
    private readonly ChannelField? _uniform;

    /// <summary>
    /// What every channel holds when channel c depends on stage input channel c alone, each through the same axes and
    /// with the same receptive field (the stage input, and what ops channel by channel make of it): such a tensor, like a
    /// uniform one, holds no array of its channels until one is asked for.
    /// </summary>
    private readonly Diagonal? _diagonal;

    /// <summary>The field of each channel; made from <see cref="_uniform"/> or <see cref="_diagonal"/> when first needed.</summary>
    private ChannelField[]? _array;

    /// <summary>The factors and the union of all channels, shared with every tensor that holds the same channels (a normalization or activation keeps them).</summary>
    private TensorCache? _cache;

    /// <summary>A tensor of <paramref name="shape"/> holding <paramref name="channels"/>, one field per channel.</summary>
    private TensorField(ChannelUniverse universe, FeatureShape shape, int[] lengths, ChannelField[] channels, TensorCache? factors = null)
        : this(universe, shape, lengths, factors) => _array = channels;

    /// <summary>A tensor of <paramref name="shape"/> whose every channel holds <paramref name="uniform"/>.</summary>
    private TensorField(ChannelUniverse universe, FeatureShape shape, int[] lengths, ChannelField uniform, TensorCache? factors = null)
        : this(universe, shape, lengths, factors) => _uniform = uniform;

    /// <summary>A diagonal tensor of <paramref name="shape"/> (its channels those of the stage input, one by one).</summary>
    private TensorField(ChannelUniverse universe, FeatureShape shape, int[] lengths, Diagonal diagonal, TensorCache? factors = null)
        : this(universe, shape, lengths, factors) => _diagonal = diagonal;

    /// <summary>What every tensor holds whatever holds its channels.</summary>
    private TensorField(ChannelUniverse universe, FeatureShape shape, int[] lengths, TensorCache? factors)
    {
        _universe = universe;
        Shape = shape;
        _lengths = lengths;
        _cache = factors;
    }

    /// <summary>The field of each channel.</summary>
    private ChannelField[] Channels => _array ??= _uniform is not null ? Uniform(_uniform, Shape.Channels) : _diagonal!.Channels(_universe);

    private TensorCache Cache => _cache ??= new TensorCache();

    /// <summary>The field of channel <paramref name="next"/> and the end of its run (the channels after it that hold the same field), moving <paramref name="next"/> past the run.</summary>
    private ChannelField Run(ref int next)
    {
        if (_uniform is not null)
        {
            next = _array?.Length ?? Shape.Channels;
            return _uniform;
        }

        ChannelField[] channels = Channels;
        ChannelField channel = channels[next++];
        while (next < channels.Length && ReferenceEquals(channels[next], channel))
        {
            next++;
        }

        return channel;
    }

    /// <summary>A tensor of <paramref name="channels"/>, held as one field when every channel holds the same.</summary>
    private static TensorField Of(ChannelUniverse universe, FeatureShape shape, int[] lengths, ChannelField[] channels)
    {
        for (int c = 1; c < channels.Length; c++)
        {
            if (!ReferenceEquals(channels[c], channels[0]))
            {
                return new TensorField(universe, shape, lengths, channels);
            }
        }

        return channels.Length == 0 ? new TensorField(universe, shape, lengths, channels) : new TensorField(universe, shape, lengths, channels[0]);
    }

    private static ChannelField[] Uniform(ChannelField field, int count)
    {
        var channels = new ChannelField[count];
        Array.Fill(channels, field);
        return channels;
    }

    /// <summary>Whether some read set of <paramref name="map"/> is empty (an output channel that reads nothing) and whether some is not.</summary>
    private static (bool Empty, bool Reading) ReadSets(ChannelMap map)
    {
        if (map.IsIdentity)
        {
            return (false, map.InputChannels > 0);
        }

        bool empty = false, reading = false;
        for (int set = 0; set < map.ReadSetCount; set++)
        {
            empty |= map.ReadSet(set).IsEmpty;
            reading |= !map.ReadSet(set).IsEmpty;
        }

        return (empty, reading);
    }

    /// <summary>The tensor's shape.</summary>
    public FeatureShape Shape { get; }

    /// <summary>True when the tensor is held as one diagonal field (<see cref="Diagonal"/>), not channel by channel.</summary>
    internal bool IsDiagonal => _diagonal is not null;

    /// <summary>The number of the stage input's channels (c0).</summary>
    public int StageChannels => _universe.Channels;

    /// <summary>
    /// Positions along spatial axis <paramref name="axis"/> in the stage's frame: the tensor's own size, except in the
    /// output frame of a strided stage, where tensors larger than the stage's output count at its size.
    /// </summary>
    public int FrameLength(int axis) => _lengths[axis];

    /// <summary>
    /// What the neuron of channel <paramref name="channel"/> at <paramref name="position"/> (one index per spatial axis, in
    /// the frame) depends on in the stage's input tensor; with <paramref name="local"/>, through windows only.
    /// </summary>
    public FieldReach Reach(int channel, ReadOnlySpan<int> position, bool local = false)
    {
        if ((uint)channel >= (uint)Channels.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, $"the tensor has {Channels.Length} channels");
        }

        if (position.Length != _lengths.Length)
        {
            throw new ArgumentException($"a position has {_lengths.Length} indices, one per spatial axis", nameof(position));
        }

        for (int a = 0; a < _lengths.Length; a++)
        {
            if ((uint)position[a] >= (uint)_lengths[a])
            {
                throw new ArgumentOutOfRangeException(nameof(position), position[a], $"axis {a} has {_lengths[a]} positions");
            }
        }

        var (channels, axes) = Channels[channel].Reach(position, local, _universe, _lengths.Length);
        return new FieldReach(channels.ToValueList(), axes.Select(axis => new AxisInterval(axis.Lo, axis.Hi)).ToValueList());
    }

    /// <summary>
    /// The field factors over the output channels, literal or local: per channel its best-placed neuron (per axis the
    /// widest interval, the most input channels), then the maximum and minimum over channels (and the mean of the channel
    /// counts). The headline IF is the farthest spatial reach times the guaranteed channel coverage. The local factors
    /// leave out the channels reached only through global pooling (an image-pooling branch before it is mixed with the
    /// others): they say nothing about what windows reach; when every channel is such a channel, the local field is empty.
    /// </summary>
    public FieldFactors Factors(bool local = false)
    {
        if (_uniform is { Parts.Length: > 0 } field)
        {
            // The factors of one field do not depend on how many channels hold it: computed once per field, and for a
            // field of one part (a dense layer's output) once per axes and channel count on the thread.
            if (local && field.HasGlobal)
            {
                return field.LocalFactors ??= Summarize(local);
            }

            return field.LiteralFactors ??= field.Parts.Length == 1 && Shape.Channels > 0
                ? AxisFieldCache.Factors(field.Parts[0].Axes, field.Parts[0].Channels.Count, static (axes, channels) => OfOne(ChannelField.OfOne(axes, channels), axes.Length))
                : Summarize(local: false);
        }

        if (_diagonal is { Global: false } diagonal && Shape.Channels > 0)
        {
            // Every channel holds one part of one input channel through the same axes; nothing arrives through global
            // pooling, so the local factors are the literal ones.
            return Cache.Literal ??= AxisFieldCache.Factors(diagonal.Axes, 1, static (axes, channels) => OfOne(ChannelField.OfOne(axes, channels), axes.Length));
        }

        return local ? Cache.Local ??= (HasGlobal() ? Summarize(local) : Factors(local: false)) : Cache.Literal ??= Summarize(local);
    }

    /// <summary>The field factors of <paramref name="kind"/> (<see cref="Factors(bool)"/>).</summary>
    public FieldFactors Factors(FieldKind kind) => Factors(local: kind == FieldKind.Local);

    /// <summary>The most stage input channels a neuron of channel <paramref name="channel"/> depends on (its best-placed neuron's).</summary>
    public int Coverage(int channel, bool local = false) => Channels[channel].Summarize(local, _universe).Channels;

    /// <summary>
    /// The narrowest interval along <paramref name="axis"/> over the interior neurons of channel <paramref name="channel"/>
    /// (those whose intervals lie strictly inside the channel's reach; its best-placed neuron's when none is interior).
    /// </summary>
    public int InteriorSpan(int channel, int axis, bool local = false) => Channels[channel].Summarize(local, _universe).Interior[axis];

    /// <summary>The widest interval along <paramref name="axis"/> that a neuron of channel <paramref name="channel"/> depends on (its best-placed neuron's).</summary>
    public int Span(int channel, int axis, bool local = false) => Channels[channel].Summarize(local, _universe).Spans[axis];

    /// <summary>
    /// True when some channel holds a part that arrives only through global pooling; without one the local field is the
    /// literal field, channel by channel.
    /// </summary>
    private bool HasGlobal()
    {
        if (_uniform is not null)
        {
            return _uniform.HasGlobal;
        }

        if (_diagonal is not null)
        {
            return _diagonal.Global;
        }

        ChannelField? last = null;
        foreach (ChannelField channel in Channels)
        {
            if (!ReferenceEquals(channel, last) && channel.HasGlobal)
            {
                return true;
            }

            last = channel;
        }

        return false;
    }

    private FieldFactors Summarize(bool local)
    {
        int rank = _lengths.Length;
        Span<int> max = stackalloc int[rank];
        Span<int> min = stackalloc int[rank];
        Span<int> interior = stackalloc int[rank];
        max.Clear();
        min.Fill(int.MaxValue);
        interior.Fill(int.MaxValue);
        int minChannels = int.MaxValue, maxChannels = 0;
        long total = 0;
        int counted = 0;
        int count = _array?.Length ?? Shape.Channels;
        int next = 0;
        while (next < count)
        {
            // Channels that share a field come in runs (a dense layer's output is one run): summarize each run once.
            int start = next;
            ChannelField channel = Run(ref next);

            ChannelField.Summary summary = channel.Summarize(local, _universe);
            if (local && summary.Channels == 0 && channel.Summarize(local: false, _universe).Channels > 0)
            {
                // Reached only through global pooling: no window reaches it, so it has no local field to count.
                continue;
            }

            counted += next - start;
            for (int a = 0; a < rank; a++)
            {
                max[a] = Math.Max(max[a], summary.Spans[a]);
                min[a] = Math.Min(min[a], summary.Spans[a]);
                interior[a] = Math.Min(interior[a], summary.Interior[a]);
            }

            minChannels = Math.Min(minChannels, summary.Channels);
            maxChannels = Math.Max(maxChannels, summary.Channels);
            total += (long)summary.Channels * (next - start);
        }

        if (counted == 0)
        {
            return new FieldFactors(0, 0, 0, 0, 0, 0, 0, 0);
        }

        return Make(max, min, interior, minChannels, (double)total / counted, maxChannels);
    }

    /// <summary>The factors of a tensor whose every channel has the summary <paramref name="summary"/> (a tensor of one field), of <paramref name="rank"/> spatial axes.</summary>
    private static FieldFactors OfOne(ChannelField.Summary summary, int rank)
    {
        AxisInts spans = summary.Spans, interior = summary.Interior;
        ReadOnlySpan<int> widest = ((ReadOnlySpan<int>)spans)[..rank];
        return Make(widest, widest, ((ReadOnlySpan<int>)interior)[..rank], summary.Channels, summary.Channels, summary.Channels);
    }

    /// <summary>The factors from the spans per axis over channels (<paramref name="max"/>, <paramref name="min"/>, <paramref name="interior"/>) and the channel counts.</summary>
    private static FieldFactors Make(ReadOnlySpan<int> max, ReadOnlySpan<int> min, ReadOnlySpan<int> interior, int minChannels, double meanChannels, int maxChannels)
    {
        // A volume's depth is a third spatial factor (IF = IF^d x IF^h x IF^w x IF^c); images and signals have none.
        bool depth = max.Length > 2;
        return new FieldFactors(max[0], min[0], max[1], min[1], minChannels, meanChannels, maxChannels, (long)max[0] * max[1] * (depth ? max[2] : 1) * minChannels)
        {
            IfHInterior = interior[0],
            IfWInterior = interior[1],
            IfD = depth ? max[2] : 0,
            IfDMin = depth ? min[2] : 0,
            IfDInterior = depth ? interior[2] : 0,
        };
    }

    /// <summary>The widest receptive field in image pixels (uncapped, on an infinite plane) over the channels, along <paramref name="axis"/>.</summary>
    public long ReceptiveField(int axis)
    {
        if (_uniform is not null || _diagonal is not null)
        {
            return (_uniform is not null ? _uniform.Plane : _diagonal!.Plane) is SpatialAxis[] only ? only[axis].Reach : 0;
        }

        long reach = 0;
        ChannelField? last = null;
        foreach (ChannelField channel in Channels)
        {
            if (!ReferenceEquals(channel, last) && channel.Plane is SpatialAxis[] plane)
            {
                reach = Math.Max(reach, plane[axis].Reach);
            }

            last = channel;
        }

        return reach;
    }

    /// <summary>
    /// The stage input: channel c is reached by input channel c alone, position i by position i, and its receptive field
    /// in image pixels is <paramref name="planes"/>[c] (every channel at one pixel when null).
    /// </summary>
    internal static TensorField Start(StageFrame frame, FeatureShape input, SpatialAxis[]?[]? planes)
    {
        var universe = new ChannelUniverse(input.Channels);
        int[] lengths = frame.Lengths(input);
        AxisField[] identity = [.. lengths.Select(AxisField.Identity)];
        SpatialAxis[] pixel = [.. lengths.Select(_ => SpatialAxis.Start)];
        if (planes is null || Array.TrueForAll(planes, plane => ReferenceEquals(plane, planes[0])))
        {
            // Every channel has one receptive field (the image's, or the previous stage's output of one field): a diagonal tensor.
            Span<AxisField> axes = identity;
            return new TensorField(universe, input, lengths, new Diagonal(false, AxisFieldCache.Axes(axes), planes is null ? pixel : planes[0]));
        }

        var channels = new ChannelField[input.Channels];
        for (int c = 0; c < channels.Length; c++)
        {
            channels[c] = new ChannelField(universe, [new FieldPart(false, universe.Single(c), identity)], planes is null ? pixel : planes[c]);
        }

        return new TensorField(universe, input, lengths, channels);
    }

    /// <summary>
    /// A tensor of <paramref name="shape"/> in this tensor's frame that no neuron of the stage input reaches (a skip from an
    /// earlier stage: a constant for this stage), its channels' receptive fields in image pixels <paramref name="planes"/>
    /// (none when null).
    /// </summary>
    internal TensorField Unreached(FeatureShape shape, SpatialAxis[]?[]? planes, StageFrame frame)
    {
        var channels = new ChannelField[shape.Channels];
        for (int c = 0; c < channels.Length; c++)
        {
            SpatialAxis[]? plane = planes?[c];
            channels[c] = c > 0 && ReferenceEquals(plane, planes?[c - 1]) ? channels[c - 1] : new ChannelField(_universe, [], plane);
        }

        return new TensorField(_universe, shape, frame.Lengths(shape), channels);
    }

    /// <summary>
    /// For each channel, the stage input channels that reach some neuron of it (the union of its parts); with
    /// <paramref name="local"/>, through windows only (global parts left out).
    /// </summary>
    internal ChannelCoverage ChannelCoverage(bool local = false)
    {
        var sets = new ChannelSet[Channels.Length];
        for (int c = 0; c < sets.Length; c++)
        {
            if (c > 0 && ReferenceEquals(Channels[c], Channels[c - 1]))
            {
                sets[c] = sets[c - 1];
                continue;
            }

            FieldPart[] parts = local ? Array.FindAll(Channels[c].Parts, part => !part.Global) : Channels[c].Parts;
            sets[c] = parts.Length == 0 ? _universe.Empty : _universe.Union([.. parts.Select(part => part.Channels)]);
        }

        return Field.ChannelCoverage.Of(_universe, sets);
    }

    /// <summary>The receptive field in image pixels of every channel, to start the next stage with (after its entry pooling).</summary>
    internal SpatialAxis[]?[] Planes()
    {
        if (_uniform is not null || _diagonal is not null)
        {
            var planes = new SpatialAxis[]?[Shape.Channels];
            Array.Fill(planes, _uniform is not null ? _uniform.Plane : _diagonal!.Plane);
            return planes;
        }

        return [.. Channels.Select(channel => channel.Plane)];
    }

    /// <summary>The field after <paramref name="layer"/>: the union over each output channel's read set, through the layer's windows.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="frame">The stage's frame.</param>
    /// <param name="shape">The layer's output shape when known (computed otherwise).</param>
    internal TensorField Through(LayerOp layer, StageFrame frame, FeatureShape? shape = null)
    {
        SpatialWindow window = layer.Window(Shape);
        FeatureShape output = shape ?? layer.OutputShape(Shape);
        ChannelMap map = layer.Channels(Shape.Channels);
        int[] lengths = frame.Lengths(output, _lengths);
        bool keepsPositions = window.IsPoint && ReferenceEquals(lengths, _lengths);
        if (map.IsIdentity && keepsPositions)
        {
            if (output == Shape)
            {
                // A normalization or an activation: the same tensor of fields (immutable, so it is shared).
                return this;
            }

            return _uniform is not null ? new TensorField(_universe, output, _lengths, _uniform)
                : _diagonal is not null ? new TensorField(_universe, output, _lengths, _diagonal, Cache)
                : new TensorField(_universe, output, _lengths, Channels, Cache);
        }

        var step = new LayerStep(_universe, window, frame.HonorStride, Shape, output, lengths);
        if (_diagonal is { } diagonal && ThroughDiagonal(diagonal, map, ref step, keepsPositions, output, lengths) is TensorField fast)
        {
            return fast;
        }

        (bool empty, bool reading) = _uniform is null ? default : ReadSets(map);
        if (_uniform is not null && !reading)
        {
            // A zero op: no output channel reads anything.
            return new TensorField(_universe, output, lengths, _universe.Nothing);
        }

        if (_uniform is not null && !empty)
        {
            // Every output channel reads some channels, and all of them hold one field: so do the output's.
            return new TensorField(_universe, output, lengths, keepsPositions ? _uniform : _uniform.Through(ref step));
        }

        Dictionary<ChannelField, ChannelField>? through = null;
        ChannelField? lastUnion = null, lastField = null;
        // Each read set's field, when output channels may share read sets (an identity map reads each channel once).
        ChannelField?[]? byReadSet = map.IsIdentity ? null : new ChannelField?[map.ReadSetCount];
        var channels = new ChannelField[map.OutputChannels];
        for (int o = 0; o < channels.Length; o++)
        {
            int set = map.ReadSetOf(o);
            if (byReadSet?[set] is not ChannelField field)
            {
                ReadOnlySpan<int> reads = map.IsIdentity ? [set] : map.ReadSet(set);
                ChannelField union = reads.Length == 1 ? Channels[reads[0]]
                    : reads.Length == Channels.Length ? Cache.All ??= ChannelField.Union(Channels, reads, _universe) // every channel (a dense layer)
                    : ChannelField.Union(Channels, reads, _universe);

                if (keepsPositions)
                {
                    field = union;
                }
                else if (ReferenceEquals(union, lastUnion))
                {
                    field = lastField!;
                }
                else if (through?.TryGetValue(union, out ChannelField? done) == true)
                {
                    field = done;
                }
                else
                {
                    field = union.Through(ref step);
                    if (lastUnion is not null)
                    {
                        through ??= new(ChannelField.ByIdentity) { [lastUnion] = lastField! };
                        through[union] = field;
                    }
                }

                lastUnion = union;
                lastField = field;

                if (byReadSet is not null)
                {
                    byReadSet[set] = field;
                }
            }

            channels[o] = field;
        }

        return Of(_universe, output, lengths, channels);
    }

    /// <summary>
    /// The field after a layer of this diagonal tensor, without making its channels one by one, where that is quick and
    /// gives the fields the channel-by-channel walk gives: a layer that maps channel c to channel c (a pooling, a
    /// depthwise convolution) keeps the tensor diagonal, one step on the shared axes; a dense layer (a read set of every
    /// channel) gives every output channel the union of all, every input channel through the shared axes. Null otherwise.
    /// </summary>
    private TensorField? ThroughDiagonal(Diagonal diagonal, ChannelMap map, ref LayerStep step, bool keepsPositions, FeatureShape output, int[] lengths)
    {
        if (map.IsIdentity && !keepsPositions)
        {
            // Null when some axis is empty everywhere: each channel then keeps no part (left to the walk).
            AxisField[]? axes = step.Axes(diagonal.Axes);
            return axes is null ? null
                : new TensorField(_universe, output, lengths, new Diagonal(diagonal.Global || step.Global, axes, diagonal.Plane is null ? null : step.Plane(diagonal.Plane)));
        }

        if (!map.IsIdentity && map.ReadSetCount == 1 && map.ReadSet(0).Length == Shape.Channels && map.OutputChannels > 0)
        {
            ChannelField all = Cache.All ??= diagonal.All(_universe);
            return new TensorField(_universe, output, lengths, keepsPositions ? all : all.Through(ref step));
        }

        return null;
    }

    /// <summary>
    /// The field of a merge: concat stacks the inputs' channels; add and mul unite channel c of every input, a 1x1 input
    /// (a gate) spread over the map first.
    /// </summary>
    /// <param name="merge">The merge.</param>
    /// <param name="inputs">The fields of its inputs.</param>
    /// <param name="frame">The stage's frame.</param>
    /// <param name="shape">The merge's output shape when known (computed otherwise).</param>
    internal static TensorField Merge(MergeOp merge, IReadOnlyList<TensorField> inputs, StageFrame frame, FeatureShape? shape = null)
    {
        FeatureShape output = shape ?? merge.OutputShape([.. inputs.Select(input => input.Shape)]);
        int[] lengths = frame.Lengths(output, inputs[0]._lengths);
        ChannelUniverse universe = inputs[0]._universe;
        if (merge.Join == ChannelJoin.Stack)
        {
            var stacked = new ChannelField[output.Channels];
            int next = 0;
            foreach (TensorField input in inputs)
            {
                input.Channels.CopyTo(stacked, next);
                next += input.Channels.Length;
            }

            return Of(universe, output, lengths, stacked);
        }

        if (AllUniform(inputs))
        {
            // Every input holds one field on all its channels: so does the output, their union.
            ChannelField? united = null;
            for (int k = 0; k < inputs.Count; k++)
            {
                TensorField input = inputs[k];
                ChannelField field = Same(input._lengths, lengths) ? input._uniform! : input._uniform!.Broadcast(lengths, universe);
                united = united is null || ReferenceEquals(united, field) ? field : ChannelField.Union([united, field], universe);
            }

            return new TensorField(universe, output, lengths, united!);
        }

        var sources = new ChannelField[inputs.Count][];
        for (int k = 0; k < sources.Length; k++)
        {
            TensorField input = inputs[k];
            if (Same(input._lengths, lengths))
            {
                sources[k] = input.Channels;
                continue;
            }

            // A 1x1 gate: each channel's field spread over the map (runs of one field spread once).
            var spread = new ChannelField[input.Channels.Length];
            for (int c = 0; c < spread.Length; c++)
            {
                ChannelField channel = input.Channels[c];
                spread[c] = c > 0 && ReferenceEquals(channel, input.Channels[c - 1]) ? spread[c - 1] : channel.Broadcast(lengths, universe);
            }

            sources[k] = spread;
        }

        Dictionary<(int, int), ChannelField>? unions = null;
        (ChannelField Left, ChannelField Right, ChannelField Union)? last = null;
        var channels = new ChannelField[output.Channels];
        for (int c = 0; c < channels.Length; c++)
        {
            if (c > 0 && SameAsBefore(sources, c))
            {
                // Every input holds the field it held at the channel before (a run): the same union.
                channels[c] = channels[c - 1];
                continue;
            }

            ChannelField field = sources[0][c];
            for (int k = 1; k < sources.Length; k++)
            {
                ChannelField next = sources[k][c];
                if (ReferenceEquals(field, next))
                {
                    continue;
                }

                if (last is ({ } left, { } right, { } known) && ReferenceEquals(left, field) && ReferenceEquals(right, next))
                {
                    field = known;
                    continue;
                }

                unions ??= [];
                if (!unions.TryGetValue((field.Id, next.Id), out ChannelField? union))
                {
                    union = ChannelField.Union([field, next], universe);
                    unions[(field.Id, next.Id)] = union;
                }

                last = (field, next, union);
                field = union;
            }

            channels[c] = field;
        }

        return Of(universe, output, lengths, channels);
    }

    private static bool Same(int[] lengths, int[] other) => ReferenceEquals(lengths, other) || lengths.AsSpan().SequenceEqual(other);

    private static bool AllUniform(IReadOnlyList<TensorField> inputs)
    {
        for (int k = 0; k < inputs.Count; k++)
        {
            if (inputs[k]._uniform is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when every input's channel <paramref name="c"/> holds the same field as its channel <c>c - 1</c>.</summary>
    private static bool SameAsBefore(ChannelField[][] sources, int c)
    {
        foreach (ChannelField[] source in sources)
        {
            if (!ReferenceEquals(source[c], source[c - 1]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// What each channel of a diagonal tensor holds: channel c depends on stage input channel c alone (in a global part when
/// <paramref name="Global"/>), through the axis fields <paramref name="Axes"/>, with the receptive field <paramref name="Plane"/>.
/// </summary>
internal sealed record Diagonal(bool Global, AxisField[] Axes, SpatialAxis[]? Plane)
{
    /// <summary>The field of every channel, one by one.</summary>
    public ChannelField[] Channels(ChannelUniverse universe)
    {
        var channels = new ChannelField[universe.Channels];
        for (int c = 0; c < channels.Length; c++)
        {
            channels[c] = new ChannelField(universe, [new FieldPart(Global, universe.Single(c), Axes)], Plane);
        }

        return channels;
    }

    /// <summary>The union of every channel's field: every input channel through the same axes.</summary>
    public ChannelField All(ChannelUniverse universe) => new(universe, [new FieldPart(Global, universe.Full, Axes)], Plane);
}

/// <summary>What is computed once for tensors that hold the same channels: their factors and the union of all their channels.</summary>
internal sealed class TensorCache
{
    /// <summary>The union of every channel's field, which every dense layer reading the tensor needs.</summary>
    public ChannelField? All { get; set; }

    public FieldFactors? Literal { get; set; }

    public FieldFactors? Local { get; set; }
}

/// <summary>What one layer does to the fields it reads, per axis, with its results shared within the layer.</summary>
internal struct LayerStep(ChannelUniverse universe, SpatialWindow window, bool honorStride, FeatureShape input, FeatureShape output, int[] frameOutput)
{
    private readonly SpatialWindow _window = window;
    private SpatialAxis[]? _lastPlane;
    private SpatialAxis[]? _lastResult;
    private AxisField[]? _lastAxes;
    private AxisField[]? _lastAxesResult;

    /// <summary>The stage's input channels.</summary>
    public readonly ChannelUniverse Universe => universe;

    /// <summary>True for global pooling: what passes becomes global (literal, not local).</summary>
    public bool Global => _window.Global;

    /// <summary>
    /// A part's axis fields after this layer, or null when some axis is empty everywhere (the part then reaches no neuron).
    /// Parts that share their axis fields get one shared result.
    /// </summary>
    public AxisField[]? Axes(AxisField[] axes)
    {
        if (ReferenceEquals(axes, _lastAxes))
        {
            return _lastAxesResult;
        }

        Span<AxisField?> result = [null, null, null];
        bool empty = false;
        for (int a = 0; a < axes.Length; a++)
        {
            AxisField axis = Axis(a, axes[a]);
            result[a] = axis;
            empty |= axis.AllEmpty;
        }

        _lastAxes = axes;
        _lastAxesResult = empty ? null : AxisFieldCache.Axes(result[..axes.Length]!);
        return _lastAxesResult;
    }

    /// <summary>The axis field after this layer's window along axis <paramref name="axis"/>.</summary>
    public AxisField Axis(int axis, AxisField field) =>
        field.Through(honorStride ? _window[axis] : _window[axis].WithoutStride(), frameOutput[axis]);

    /// <summary>The receptive field in image pixels after this layer (real windows and sizes, strides honored).</summary>
    public SpatialAxis[] Plane(SpatialAxis[] plane)
    {
        if (ReferenceEquals(plane, _lastPlane))
        {
            return _lastResult!;
        }

        Span<SpatialAxis> result = stackalloc SpatialAxis[plane.Length];
        for (int a = 0; a < plane.Length; a++)
        {
            result[a] = plane[a].Through(_window[a], input.Size(a), output.Size(a));
        }

        _lastPlane = plane;
        _lastResult = AxisFieldCache.Plane(result);
        return _lastResult;
    }
}
