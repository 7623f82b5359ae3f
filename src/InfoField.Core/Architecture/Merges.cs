namespace InfoField.Architecture;

/// <summary>How a merge combines the channel coverage of its inputs.</summary>
public enum ChannelJoin
{
    /// <summary>Element-wise (add, multiply): output channel c sees what channel c of every input sees.</summary>
    Union,

    /// <summary>Side by side (concat): the inputs' channels follow one another.</summary>
    Stack,
}

/// <summary>
/// An op that joins two or more tensors of a unit's graph. Its output neuron sees what the neurons it reads see,
/// spatially the union of their fields (docs/information-field.md), and by channel per <see cref="Join"/>.
/// </summary>
public abstract record MergeOp : Op
{
    /// <summary>How the channel coverage of the inputs combines.</summary>
    public abstract ChannelJoin Join { get; }

    /// <inheritdoc />
    public sealed override OpRole Role => OpRole.Merge;

    /// <inheritdoc />
    internal sealed override MergeOp? AsMerge => this;

    /// <summary>A merge cannot be applied to a single tensor.</summary>
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Broken("inputs", $"'{Type}' joins two or more tensors; give it \"inputs\"");

    /// <summary>The output shape for <paramref name="inputs"/>, or the violation when they cannot be joined. The merge's one shape rule.</summary>
    public abstract Checked<FeatureShape> TryOutputShape(IReadOnlyList<FeatureShape> inputs);

    /// <summary>The output shape for <paramref name="inputs"/>; throws <see cref="ArchitectureException"/> when they cannot be joined.</summary>
    public FeatureShape OutputShape(IReadOnlyList<FeatureShape> inputs) => TryOutputShape(inputs).Value;

    /// <summary>The violation when there are fewer than two inputs, else null.</summary>
    protected Violation? CheckTwoOrMore(IReadOnlyList<FeatureShape> inputs) =>
        inputs.Count < 2 ? Broken("inputs", $"'{Type}' joins two or more tensors, got {inputs.Count}") : null;
}

/// <summary>Element-wise sum of tensors of one shape (a residual connection is a body and a shortcut joined by an add).</summary>
public sealed record Add : MergeOp
{
    /// <inheritdoc />
    public override string Type => "add";

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("add", [], _ => new Add());

    /// <inheritdoc />
    public override ChannelJoin Join => ChannelJoin.Union;

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(IReadOnlyList<FeatureShape> inputs)
    {
        if (CheckTwoOrMore(inputs) is { } broken)
        {
            return broken;
        }

        for (int i = 1; i < inputs.Count; i++)
        {
            if (inputs[i] != inputs[0])
            {
                return Broken("inputs", $"cannot add a {inputs[i]} tensor to a {inputs[0]} tensor: every input of an add has the same shape, so an identity shortcut cannot be added here (give the shortcut a projection, e.g. a strided pw and bn)");
            }
        }

        return inputs[0];
    }
}

/// <summary>
/// Element-wise product with broadcasting over space: a gate of C x 1 x 1 (squeeze-and-excitation) scales every
/// position of a C x H x W tensor. Inputs have the same channels and either the same resolution or 1 x 1.
/// </summary>
public sealed record Multiply : MergeOp
{
    /// <inheritdoc />
    public override string Type => "mul";

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("mul", [], _ => new Multiply());

    /// <inheritdoc />
    public override ChannelJoin Join => ChannelJoin.Union;

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(IReadOnlyList<FeatureShape> inputs)
    {
        if (CheckTwoOrMore(inputs) is { } broken)
        {
            return broken;
        }

        FeatureShape output = inputs.MaxBy(shape => shape.Area);
        foreach (FeatureShape shape in inputs)
        {
            if (shape.Channels != output.Channels || !(shape.SameResolution(output) || shape.IsFlat))
            {
                return Broken("inputs", $"cannot multiply a {shape} tensor with a {output} tensor; inputs of a mul have the same channels and the same resolution or 1x1 (a gate)");
            }
        }

        return output;
    }
}

/// <summary>Channel concatenation of tensors of one resolution, in input order (Inception, DenseNet, ShuffleNetV2).</summary>
public sealed record Concat : MergeOp
{
    /// <inheritdoc />
    public override string Type => "concat";

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("concat", [], _ => new Concat());

    /// <inheritdoc />
    public override ChannelJoin Join => ChannelJoin.Stack;

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(IReadOnlyList<FeatureShape> inputs)
    {
        if (CheckTwoOrMore(inputs) is { } broken)
        {
            return broken;
        }

        long channels = 0;
        foreach (FeatureShape shape in inputs)
        {
            if (!shape.SameResolution(inputs[0]))
            {
                return Broken("inputs", $"cannot concatenate a {shape.Resolution} tensor with a {inputs[0].Resolution} tensor; inputs of a concat have one resolution");
            }

            channels += shape.Channels;
        }

        return Limits.CheckRange("inputs", channels, 1, Limits.MaxChannels) ?? Limits.CheckShape("inputs", inputs[0].WithChannels((int)channels));
    }
}

/// <summary>
/// The channels <c>[Start, Start + Count)</c> of a tensor: one part of a channel split (ShuffleNetV2 splits its
/// input into two halves with two slices).
/// </summary>
/// <param name="Start">The first channel taken, from 0.</param>
/// <param name="Count">The number of channels taken, at least 1.</param>
public sealed record ChannelSlice(int Start, int Count) : LayerOp
{
    /// <inheritdoc />
    public override string Type => "slice";

    /// <inheritdoc />
    public override OpRole Role => OpRole.Routing;

    /// <inheritdoc />
    public override Op Rescaled(Func<int, int> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return this with { Start = channels(Start), Count = channels(Count) };
    }

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("slice", ["start", "count"], op => new ChannelSlice(op.Int("start"), op.Int("count")));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer)
    {
        writer.Int("start", Start);
        writer.Int("count", Count);
    }

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Limits.CheckRange("start", Start, 0, Limits.MaxChannels)
        ?? Limits.CheckRange("count", Count, 1, Limits.MaxChannels)
        ?? ((long)Start + Count > input.Channels
            ? Broken("count", $"channels {Start} to {(long)Start + Count - 1} do not lie within the {input.Channels} input channels")
            : new Checked<FeatureShape>(input.WithChannels(Count)));

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input) => SpatialWindow.Point;

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) =>
        ChannelMap.Gather(inputChannels, Enumerable.Range(Start, Count).ToArray());
}

/// <summary>
/// Part <c>Part</c> of <c>Parts</c> equal parts of a tensor's channels: a channel split written without channel counts,
/// so it adapts to any width (ShuffleNetV2 reads part 0 and part 1 of 2). <c>Parts</c> must divide the channels.
/// </summary>
/// <param name="Part">Which part, from 0.</param>
/// <param name="Parts">Into how many equal parts the channels are split.</param>
public sealed record ChannelSplit(int Part, int Parts) : LayerOp
{
    /// <inheritdoc />
    public override string Type => "split";

    /// <inheritdoc />
    public override OpRole Role => OpRole.Routing;

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("split", ["part", "parts"], op => new ChannelSplit(op.Int("part"), op.Int("parts")));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer)
    {
        writer.Int("part", Part);
        writer.Int("parts", Parts);
    }

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input)
    {
        if (Limits.CheckRange("parts", Parts, 1, Limits.MaxChannels) is { } broken)
        {
            return broken;
        }

        if (Part < 0 || Part >= Parts)
        {
            return Broken("part", $"must be from 0 to {Parts - 1} (got {Part})");
        }

        return input.Channels % Parts != 0
            ? Broken("parts", $"{Parts} equal parts do not divide the {input.Channels} input channels")
            : input.WithChannels(input.Channels / Parts);
    }

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input) => SpatialWindow.Point;

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) => AsSlice(inputChannels).Channels(inputChannels);

    /// <summary>The slice this part is of a tensor with <paramref name="inputChannels"/> channels.</summary>
    public ChannelSlice AsSlice(int inputChannels) => new(Part * (inputChannels / Parts), inputChannels / Parts);
}
