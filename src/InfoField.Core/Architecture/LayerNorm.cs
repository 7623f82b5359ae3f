namespace InfoField.Architecture;

/// <summary>
/// Layer normalization over the channels of each position, as ConvNeXt's <c>LayerNorm2d</c>: every output neuron is its
/// channel's value less the mean of the C values at its position, divided by their standard deviation (with
/// <c>Eps</c> added to the variance), then scaled and shifted per channel. So it reads one position (a point window)
/// and all C channels there: its channel map is dense, unlike batch norm's identity.
/// </summary>
/// <remarks>
/// Costs: 2C parameters (the per-channel scale and shift, like batch norm's affine parameters); no MACs, because the cost
/// model counts the multiply-accumulates of convolutions and linear layers only, as the paper's FLOPs columns do, and
/// normalization is counted as batch norm is (docs/cost-model.md).
/// </remarks>
/// <param name="Eps">The value added to the variance, PyTorch's <c>eps</c> (1e-5 by default, as <c>nn.LayerNorm</c>; ConvNeXt uses 1e-6).</param>
public sealed record LayerNorm(double Eps = LayerNorm.DefaultEps) : LayerOp
{
    /// <summary>PyTorch's default <c>eps</c>.</summary>
    public const double DefaultEps = 1e-5;

    /// <inheritdoc />
    public override string Type => "layernorm";

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("layernorm", ["eps"], op => new LayerNorm(op.Double("eps", DefaultEps)));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer) => writer.Double("eps", Eps, DefaultEps);

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Eps > 0 && double.IsFinite(Eps) ? input : Broken("eps", $"{Eps} is not a positive number");

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input) => SpatialWindow.Point;

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) => ChannelMap.Grouped(inputChannels, inputChannels, 1);

    /// <inheritdoc />
    public override long Parameters(FeatureShape input) => 2L * input.Channels;
}
