using InfoField.Architecture;
using InfoField.Torch.Onnx;
using InfoField.Torch.Tracing;
using TorchSharp.Modules;
using static InfoField.Torch.Onnx.OnnxOpWriter;
using static TorchSharp.torch;

namespace InfoField.Torch.Kinds;

/// <summary>
/// The Torch half of <see cref="Activation"/>: one row per <see cref="ActivationKind"/> with its TorchSharp module type,
/// the module, and its ONNX form (null where opset <see cref="OnnxExport.Opset"/> has none). An activation kind is added
/// with its enum value and name in Core (<see cref="Activation.Names"/>) and one row here.
/// </summary>
internal static class ActivationKinds
{
    private static readonly Row[] Rows =
    [
        Row.Of<ReLU>(ActivationKind.Relu, () => nn.ReLU(), w => w.Node("Relu", [w.Input])),
        Row.Of<ReLU6>(ActivationKind.Relu6, () => nn.ReLU6(), w => w.Node("Clip", [w.Input, w.Scalar("min", 0f), w.Scalar("max", 6f)])),
        Row.Of<LeakyReLU>(ActivationKind.LeakyRelu, () => nn.LeakyReLU(LeakySlope), w => w.Node("LeakyRelu", [w.Input], Float("alpha", LeakySlope)), (relu, call) => relu.negative_slope == LeakySlope ? null : $"a leaky ReLU with slope {relu.negative_slope} (InfoField's has {LeakySlope})"),
        Row.Of<Sigmoid>(ActivationKind.Sigmoid, () => nn.Sigmoid(), w => w.Node("Sigmoid", [w.Input])),
        Row.Of<Tanh>(ActivationKind.Tanh, () => nn.Tanh(), w => w.Node("Tanh", [w.Input])),
        Row.Of<SiLU>(ActivationKind.Silu, () => nn.SiLU(), w => w.Node("Mul", [w.Input, w.Node("Sigmoid", [w.Input])])),
        Row.Of<GELU>(ActivationKind.Gelu, () => nn.GELU(), GeluForm, (gelu, call) => gelu.approximate == GELU.Approximate.none ? null : $"GELU with the {gelu.approximate} approximation"),
        Row.Of<Hardswish>(ActivationKind.Hardswish, () => nn.Hardswish(), w => w.Node("HardSwish", [w.Input])),
        Row.Of<Hardsigmoid>(ActivationKind.Hardsigmoid, () => nn.Hardsigmoid(), w => w.Node("HardSigmoid", [w.Input], Float("alpha", 1.0 / 6), Float("beta", 0.5))),
    ];

    /// <summary>
    /// GELU before ONNX has its operator (opset 20): x (1 + erf(x / sqrt(2))) 0.5, as PyTorch writes it (Div, Erf, Add,
    /// Mul, Mul), the pattern the import reads back as GELU.
    /// </summary>
    private static string GeluForm(OnnxOpWriter w)
    {
        string erf = w.Node("Erf", [w.Node("Div", [w.Input, w.Scalar("sqrt2", MathF.Sqrt(2))])]);
        string product = w.Node("Mul", [w.Input, w.Node("Add", [erf, w.Scalar("one", 1f)])]);
        return w.Node("Mul", [product, w.Scalar("half", 0.5f)]);
    }

    /// <summary>The slope of a leaky ReLU's negative part (PyTorch's default).</summary>
    private const double LeakySlope = 0.01;

    /// <summary>Every activation kind: its module by kind, the tracer reading each module type back, and its ONNX form.</summary>
    public static TorchOpKind Activation { get; } = Rows.Aggregate(
        TorchOpKind.Of<Activation>((a, _) => RowOf(a.Kind).Module(), Form),
        (kind, row) => row.AddReader(kind));

    /// <summary>The activation kinds that have an ONNX form at opset <see cref="OnnxExport.Opset"/>.</summary>
    public static IEnumerable<ActivationKind> Exported => Rows.Where(row => row.Onnx is not null).Select(row => row.Kind);

    private static Row RowOf(ActivationKind kind) =>
        Rows.FirstOrDefault(row => row.Kind == kind) ?? throw new UnregisteredOpException(new Activation(kind), "TorchSharp module", nameof(ActivationKinds));

    private static string Form(Activation a, OnnxOpWriter w) =>
        RowOf(a.Kind).Onnx?.Invoke(w) ?? throw new InfoFieldException($"{w.NetworkName}: no ONNX form (at opset {OnnxExport.Opset}) of the activation {a.Type}");

    /// <summary>One activation kind's Torch half.</summary>
    private sealed record Row(ActivationKind Kind, Func<nn.Module<Tensor, Tensor>> Module, Func<OnnxOpWriter, string>? Onnx, Func<TorchOpKind, TorchOpKind> AddReader)
    {
        /// <summary>A row whose module is a <typeparamref name="TModule"/>; <paramref name="refuse"/> says what of such a module is not this activation (null: it is).</summary>
        public static Row Of<TModule>(ActivationKind kind, Func<TModule> module, Func<OnnxOpWriter, string>? onnx, Func<TModule, LayerCall, string?>? refuse = null)
            where TModule : nn.Module<Tensor, Tensor> =>
            new(kind, () => module(), onnx, torchKind => torchKind.Reads<TModule>((m, call) => refuse?.Invoke(m, call) is { } what ? throw call.Unsupported(m, what) : new Activation(kind)));
    }
}
