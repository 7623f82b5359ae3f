using TorchSharp.Modules;
using static InfoField.Torch.Onnx.OnnxOpWriter;
using static TorchSharp.torch;

namespace InfoField.Torch.Kinds;

/// <summary>The Torch halves of batch norm, dropout and the head's flatten, linear and softmax (activations: <see cref="ActivationKinds"/>).</summary>
internal static class LayerKinds
{
    /// <summary>bn: <c>BatchNorm2d</c> with affine parameters; in ONNX BatchNormalization with the running statistics.</summary>
    public static TorchOpKind BatchNorm { get; } = TorchOpKind.Of<Architecture.BatchNorm>(
        (b, input) => input.HasDepth ? nn.BatchNorm3d(input.Channels, eps: b.Eps) : nn.BatchNorm2d(input.Channels, eps: b.Eps),
        (b, w) => w.Node("BatchNormalization", [w.Input, w.Weight("weight"), w.Weight("bias"), w.Weight("running_mean"), w.Weight("running_var")], Float("epsilon", b.Eps)),
        reluInPlaceAfter: true)
        .Reads<BatchNorm2d>((bn, call) => bn.affine ? new Architecture.BatchNorm(bn.eps) : throw call.Unsupported(bn, "batch norm without affine parameters"))
        .Reads<BatchNorm1d>((bn, call) => bn.affine ? new Architecture.BatchNorm(bn.eps) : throw call.Unsupported(bn, "batch norm without affine parameters"))
        .Reads<BatchNorm3d>((bn, call) => bn.affine ? new Architecture.BatchNorm(bn.eps) : throw call.Unsupported(bn, "batch norm without affine parameters"));

    /// <summary>dropout: <c>Dropout</c> (the tracer reads <c>Dropout2d</c> too); in ONNX an Identity (inference).</summary>
    public static TorchOpKind Dropout { get; } = TorchOpKind.Of<Architecture.Dropout>(
        (d, _) => nn.Dropout(d.P),
        (_, w) => w.Node("Identity", [w.Input]))
        .Reads<TorchSharp.Modules.Dropout>((dropout, _) => new Architecture.Dropout(Probability(dropout.p)))
        .Reads<Dropout2d>((dropout, _) => new Architecture.Dropout(Probability(dropout.p)));

    /// <summary>flatten: <c>Flatten</c> from dimension 1; in ONNX Flatten with axis 1.</summary>
    public static TorchOpKind Flatten { get; } = TorchOpKind.Of<Architecture.Flatten>(
        (_, _) => nn.Flatten(),
        (_, w) => w.Node("Flatten", [w.Input], Int("axis", 1)))
        .Reads<TorchSharp.Modules.Flatten>((flatten, call) => flatten.start_dim == 1 ? new Architecture.Flatten() : throw call.Unsupported(flatten, $"flattening from dimension {flatten.start_dim}"));

    /// <summary>softmax: <c>Softmax</c> over dimension 1; in ONNX Softmax with axis 1.</summary>
    public static TorchOpKind Softmax { get; } = TorchOpKind.Of<Architecture.Softmax>(
        (_, _) => nn.Softmax(1),
        (_, w) => w.Node("Softmax", [w.Input], Int("axis", 1)))
        .Reads<TorchSharp.Modules.Softmax>((softmax, call) => softmax.dim is 1 or -1 ? new Architecture.Softmax() : throw call.Unsupported(softmax, $"softmax over dimension {softmax.dim}"));

    /// <summary>linear: <c>Linear</c>; in ONNX Gemm with B transposed.</summary>
    public static TorchOpKind Linear { get; } = TorchOpKind.Of<Architecture.Linear>(
        (l, input) => nn.Linear(input.Channels, l.OutFeatures, l.Bias),
        (l, w) => w.Node("Gemm", l.Bias ? [w.Input, w.Weight("weight"), w.Weight("bias")] : [w.Input, w.Weight("weight")], Int("transB", 1)),
        reluInPlaceAfter: true)
        .Reads<TorchSharp.Modules.Linear>((linear, _) => new Architecture.Linear((int)linear.out_features, linear.bias is not null));

    /// <summary>A dropout probability as written (TorchVision stores 0.2 as a float, 0.20000000298...).</summary>
    private static double Probability(double p) => (double)(decimal)(float)p;
}
