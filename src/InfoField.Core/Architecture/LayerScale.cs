namespace InfoField.Architecture;

/// <summary>
/// Layer scale, as ConvNeXt multiplies a residual branch before the sum: every channel times a learned value of its
/// own (a C-vector, started at <see cref="Init"/>). It reads one neuron (a point window, the identity on channels), so
/// it changes no field; it is an op of its own for its C parameters.
/// </summary>
/// <remarks>Costs: C parameters; no MACs (the cost model counts convolutions and linear layers, docs/cost-model.md).</remarks>
/// <param name="Init">The value every channel's scale starts at when the module is built (torchvision's ConvNeXt: 1e-6).</param>
public sealed record LayerScale(double Init = LayerScale.DefaultInit) : ElementwiseOp
{
    /// <summary>torchvision's ConvNeXt starting value.</summary>
    public const double DefaultInit = 1e-6;

    /// <inheritdoc />
    public override string Type => "layerscale";

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("layerscale", ["init"], op => new LayerScale(op.Double("init", DefaultInit)));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer) => writer.Double("init", Init, DefaultInit);

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        double.IsFinite(Init) ? input : Broken("init", $"{Init} is not a finite number");

    /// <inheritdoc />
    public override long Parameters(FeatureShape input) => input.Channels;
}
