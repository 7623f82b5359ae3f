using InfoField.Architecture;
using InfoField.Spec;

namespace InfoField.Core.Tests.CustomOps;

/// <summary>
/// A test-only op kind, declared in this one file as a user would: its rules (shape, window, connectivity, costs) and
/// its spec codec. It reverses the channel order of every group of <c>Width</c> channels.
/// </summary>
/// <param name="Width">The size of the blocks whose channels are reversed; must divide the channels.</param>
public sealed record ReverseChannels(int Width) : LayerOp
{
    /// <summary>The spec-file kind, registered with <c>OpSet.Default.With(ReverseChannels.Kind)</c>.</summary>
    public static OpKind Kind { get; } = new("reverse", ["width"], op => new ReverseChannels(op.Int("width")));

    /// <inheritdoc />
    public override string Type => "reverse";

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Width >= 1 && input.Channels % Width == 0
            ? input
            : new Violation("width", $"{Width} does not divide the {input.Channels} input channels");

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input) => SpatialWindow.Point;

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) =>
        ChannelMap.Gather(inputChannels, Enumerable.Range(0, inputChannels).Select(c => (c / Width * Width) + (Width - 1 - (c % Width))).ToArray());

    /// <inheritdoc />
    public override void Write(OpWriter writer) => writer.Int("width", Width);
}
