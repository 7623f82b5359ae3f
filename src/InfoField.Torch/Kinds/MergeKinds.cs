using InfoField.Architecture;
using InfoField.Torch.Modules;
using InfoField.Torch.Tracing;
using static InfoField.Torch.Onnx.OnnxOpWriter;
using static TorchSharp.torch;

namespace InfoField.Torch.Kinds;

/// <summary>
/// The Torch halves of the merges: each a <see cref="MergeModule"/> running one function, which the tracer also uses
/// to recognize the merge by value, and the ONNX operator over all inputs.
/// </summary>
internal static class MergeKinds
{
    /// <summary>add: a sum (the tracer lists the deeper input first: a residual branch, then its shortcut); in ONNX Add.</summary>
    public static TorchOpKind Add { get; } = TorchOpKind.Merge(new Add(), MergeModule.Fold(static (left, right) => left.add(right)), MergeOrder.DeeperFirst, (_, w) => w.Fold("Add"));

    /// <summary>mul: a product, a 1x1 gate broadcast over space (the tracer lists the gated tensor, then the gate); in ONNX Mul.</summary>
    public static TorchOpKind Multiply { get; } = TorchOpKind.Merge(new Multiply(), MergeModule.Fold(static (left, right) => left.mul(right)), MergeOrder.EarlierFirst, (_, w) => w.Fold("Mul"));

    /// <summary>concat: a concatenation along the channels; in ONNX Concat with axis 1.</summary>
    public static TorchOpKind Concat { get; } = TorchOpKind.Merge(new Concat(), static inputs => cat([.. inputs], dim: 1), MergeOrder.EarlierFirst, (_, w) => w.Node("Concat", w.Inputs, Int("axis", 1)));
}
