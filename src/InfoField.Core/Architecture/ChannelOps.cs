namespace InfoField.Architecture;

/// <summary>A permutation of channels in g groups: keeps the shape, reads one channel per output channel, no parameters.</summary>
/// <param name="Groups">g: must divide the channel count.</param>
public abstract record ChannelPermutation(int Groups) : LayerOp
{
    /// <summary>The input channel that lands on each output channel, for <paramref name="channels"/> channels.</summary>
    public abstract int[] SourceChannels(int channels);

    /// <inheritdoc />
    public override OpRole Role => OpRole.Routing;

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Windowing.CheckDivides(Groups, input.Channels, "input") ?? new Checked<FeatureShape>(input);

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input) => SpatialWindow.Point;

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) => ChannelMap.Gather(inputChannels, SourceChannels(inputChannels));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer) => writer.Int("groups", Groups);
}

/// <summary>
/// ShuffleNet's channel shuffle with g groups: the channels, seen as a g x (C/g) matrix, are transposed, so
/// output channel j is input channel <c>(j mod g) (C/g) + j div g</c>. A following g-group layer then reads
/// one channel of every previous group.
/// </summary>
/// <param name="Groups">g: must divide the channel count.</param>
public sealed record ChannelShuffle(int Groups) : ChannelPermutation(Groups)
{
    /// <inheritdoc />
    public override string Type => "shuffle";

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("shuffle", ["groups"], op => new ChannelShuffle(op.Int("groups")));

    /// <inheritdoc />
    public override int[] SourceChannels(int channels)
    {
        int perGroup = channels / Groups;
        return Enumerable.Range(0, channels).Select(j => (j % Groups * perGroup) + (j / Groups)).ToArray();
    }
}

/// <summary>
/// clcNet's interlace with g groups: output group k (of C/g channels) holds input channels k, k + g, k + 2g, ...,
/// so output channel j is input channel <c>(j mod (C/g)) g + j div (C/g)</c>. It is the inverse permutation of a
/// shuffle with g groups (and equals a shuffle with C/g groups).
/// </summary>
/// <param name="Groups">g: must divide the channel count.</param>
public sealed record Interlace(int Groups) : ChannelPermutation(Groups)
{
    /// <inheritdoc />
    public override string Type => "interlace";

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("interlace", ["groups"], op => new Interlace(op.Int("groups")));

    /// <inheritdoc />
    public override int[] SourceChannels(int channels)
    {
        int perGroup = channels / Groups;
        return Enumerable.Range(0, channels).Select(j => (j % perGroup * Groups) + (j / perGroup)).ToArray();
    }
}
