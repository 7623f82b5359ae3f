namespace InfoField.Architecture;

/// <summary>
/// An op whose output is all zeros: of its input's shape by default (NAS-Bench-201's <c>none</c> edge, PyTorch's
/// <c>x.mul(0.)</c>), or with <see cref="OutChannels"/> channels and at <see cref="Stride"/> (the positions 0, s, 2s,
/// ... of the input, as the framework's strided <c>none</c> edge keeps them). No output neuron depends on any input
/// neuron: its field is empty (spans and channel count 0, docs/information-field.md#empty-fields), so a sum with it has
/// the other terms' field and a unit whose output is zero has IF 0. No parameters and no MACs (a multiplication by zero is
/// not a multiply-accumulate of a convolution or linear layer).
/// </summary>
/// <param name="OutChannels">Output channels, or null for the input's.</param>
/// <param name="Stride">Which positions are kept, per axis (1: all).</param>
public sealed record Zero(int? OutChannels, Pair Stride) : LayerOp
{
    /// <summary>Zeros of the input's shape.</summary>
    public Zero()
        : this(null, Pair.Square(1))
    {
    }

    /// <inheritdoc />
    public override string Type => "zero";

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("zero", ["out", "stride"], op => new Zero(op.Has("out") ? op.Int("out") : null, op.Pair("stride", 1)));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer)
    {
        if (OutChannels is int channels)
        {
            writer.Int("out", channels);
        }

        writer.Pair("stride", Stride, 1);
    }

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input)
    {
        int channels = OutChannels ?? input.Channels;
        return Windowing.CheckChannels("out", channels)
            ?? Windowing.TrySlide(input, Pair.Square(1), Stride, Pair.Square(0), Pair.Square(1), out FeatureShape output)
            ?? Limits.CheckShape("out", output.WithChannels(channels));
    }

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input) => Windowing.Sliding(1, Stride, 0, 1);

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) => ChannelMap.None(inputChannels, OutChannels ?? inputChannels);
}
