namespace InfoField.Architecture;

/// <summary>Batch normalization with affine parameters (a scale and a shift per channel).</summary>
/// <param name="Eps">The value added to the variance, PyTorch's <c>eps</c> (1e-5 by default; GoogLeNet and MobileNetV3 use 1e-3).</param>
public sealed record BatchNorm(double Eps = BatchNorm.DefaultEps) : ElementwiseOp
{
    /// <summary>PyTorch's default <c>eps</c>.</summary>
    public const double DefaultEps = 1e-5;

    /// <inheritdoc />
    public override string Type => "bn";

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("bn", ["eps"], op => new BatchNorm(op.Double("eps", DefaultEps)));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer) => writer.Double("eps", Eps, DefaultEps);

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Eps > 0 && double.IsFinite(Eps) ? input : Broken("eps", $"{Eps} is not a positive number");

    /// <inheritdoc />
    public override long Parameters(FeatureShape input) => 2L * input.Channels;
}

/// <summary>The nonlinearities an <see cref="Activation"/> can apply.</summary>
public enum ActivationKind
{
    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>min(max(0, x), 6).</summary>
    Relu6,

    /// <summary>x for x &gt; 0, 0.01 x otherwise.</summary>
    LeakyRelu,

    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid,

    /// <summary>Hyperbolic tangent.</summary>
    Tanh,

    /// <summary>x sigmoid(x).</summary>
    Silu,

    /// <summary>Gaussian error linear unit.</summary>
    Gelu,

    /// <summary>x relu6(x + 3) / 6.</summary>
    Hardswish,

    /// <summary>relu6(x + 3) / 6.</summary>
    Hardsigmoid,
}

/// <summary>An elementwise nonlinearity.</summary>
/// <param name="Kind">Which nonlinearity.</param>
public sealed record Activation(ActivationKind Kind) : ElementwiseOp
{
    /// <summary>Spec-file names of the activations, which are also their op types.</summary>
    public static IReadOnlyDictionary<string, ActivationKind> Names { get; } = new Dictionary<string, ActivationKind>
    {
        ["relu"] = ActivationKind.Relu,
        ["relu6"] = ActivationKind.Relu6,
        ["leakyrelu"] = ActivationKind.LeakyRelu,
        ["sigmoid"] = ActivationKind.Sigmoid,
        ["tanh"] = ActivationKind.Tanh,
        ["silu"] = ActivationKind.Silu,
        ["gelu"] = ActivationKind.Gelu,
        ["hardswish"] = ActivationKind.Hardswish,
        ["hardsigmoid"] = ActivationKind.Hardsigmoid,
    };

    /// <inheritdoc />
    public override string Type => (uint)Kind < (uint)TypeNames.Length && TypeNames[(int)Kind] is string name ? name : Names.First(pair => pair.Value == Kind).Key;

    /// <summary>The name of each kind, indexed by its value (read for every op of every analysed unit).</summary>
    private static readonly string?[] TypeNames = NamesByValue();

    /// <inheritdoc />
    public override bool ReadsVectors => true;

    /// <summary>The spec-file kinds, one per activation name.</summary>
    public static IReadOnlyList<Spec.OpKind> Kinds { get; } =
        Names.Select(pair => new Spec.OpKind(pair.Key, [], _ => new Activation(pair.Value))).ToList();

    private static string?[] NamesByValue()
    {
        var names = new string?[Names.Values.Max(kind => (int)kind) + 1];
        foreach ((string name, ActivationKind kind) in Names)
        {
            names[(int)kind] ??= name;
        }

        return names;
    }
}

/// <summary>Dropout with drop probability <c>P</c> (no effect on shape, parameters or field).</summary>
/// <param name="P">Probability of zeroing an element during training, in [0, 1).</param>
public sealed record Dropout(double P = 0.5) : ElementwiseOp
{
    /// <inheritdoc />
    public override string Type => "dropout";

    /// <inheritdoc />
    public override bool ReadsVectors => true;

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("dropout", ["p"], op => new Dropout(op.Double("p", 0.5)));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer) => writer.Double("p", P, 0.5);

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        P >= 0 && P < 1 ? input : Broken("p", $"{P} is outside [0, 1)");
}

/// <summary>An op that belongs in the classifier head, after the last stage (flatten, linear, softmax).</summary>
public abstract record HeadOp : Op
{
    /// <inheritdoc />
    public override OpRole Role => OpRole.Head;

    /// <inheritdoc />
    public override bool ReadsVectors => true;
}

/// <summary>Flattens a C x H x W map into a vector of C H W features (classifier heads only).</summary>
public sealed record Flatten : HeadOp
{
    /// <inheritdoc />
    public override string Type => "flatten";

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("flatten", [], _ => new Flatten());

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Limits.CheckRange("type", input.Volume, 1, Limits.MaxVolume) ?? new Checked<FeatureShape>(new FeatureShape((int)input.Volume, 1, 1));
}

/// <summary>A fully connected layer on a flat input (classifier heads only).</summary>
/// <param name="OutFeatures">Number of outputs.</param>
/// <param name="Bias">Whether the layer adds a bias per output.</param>
public sealed record Linear(int OutFeatures, bool Bias = true) : HeadOp
{
    /// <inheritdoc />
    public override string Type => "linear";

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("linear", ["out", "bias"], op => new Linear(op.Int("out"), op.Bool("bias", true)));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer)
    {
        writer.Int("out", OutFeatures);
        writer.Bool("bias", Bias, true);
    }

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Windowing.CheckChannels("out", OutFeatures)
        ?? (input.IsFlat ? new Checked<FeatureShape>(new FeatureShape(OutFeatures, 1, 1)) : Broken("type", $"linear needs a flat input but receives {input}; put a flatten (or a global pooling) before it"));

    /// <inheritdoc />
    public override long Parameters(FeatureShape input) => Limits.Add("parameters", Limits.Count("parameters", input.Channels, OutFeatures), Bias ? OutFeatures : 0);

    /// <inheritdoc />
    public override long Macs(FeatureShape input) => Limits.Count("MACs", input.Channels, OutFeatures);
}

/// <summary>Softmax over the features of a flat input (classifier heads only; as in the paper's Listing 1).</summary>
public sealed record Softmax : HeadOp
{
    /// <inheritdoc />
    public override string Type => "softmax";

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("softmax", [], _ => new Softmax());

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        input.IsFlat ? input : Broken("type", $"softmax needs a flat input but receives {input}; put a flatten (or a global pooling) before it");
}
