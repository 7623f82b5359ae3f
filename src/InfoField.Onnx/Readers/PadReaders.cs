using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Readers;

/// <summary>Pad with zeros on the spatial axes, kept for <see cref="Passes.PadFolding"/>, which folds it into the Conv or pooling reading it.</summary>
internal static class PadReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("Pad", 2, node => Pad(node, node.Ints("pads") ?? throw node.Fail("has no pads"), node.Float("value", 0))),
        new("Pad", 11, node => Pad(node, node.Integers(1, OnnxLimits.MaxFoldedRank * 2), node.Has(2) ? node.Scalar(2) : 0)) { MinInputs = 2, MaxInputs = 3 },
        new("Pad", 18, Pad18) { MinInputs = 2, MaxInputs = 4 },
    ];

    private static void Pad18(OnnxNodeContext node)
    {
        if (node.Has(3))
        {
            throw node.Fail("pads selected axes (its axes input); InfoField reads Pad with pads for every axis");
        }

        Pad(node, node.Integers(1, OnnxLimits.MaxFoldedRank * 2), node.Has(2) ? node.Scalar(2) : 0);
    }

    private static void Pad(OnnxNodeContext node, long[] amounts, double value)
    {
        FlatTensor x = node.Tensor(0);
        int axes = node.SpatialRank + 2;
        if (node.Text("mode", "constant") != "constant" || value != 0 || amounts.Length != 2 * axes)
        {
            throw node.Fail("InfoField reads Pad with zeros on all axes (mode constant, value 0), folded into the Conv or pooling after it");
        }

        if (amounts[0] != 0 || amounts[1] != 0 || amounts[axes] != 0 || amounts[axes + 1] != 0)
        {
            throw node.Fail("pads the batch or channel axis; InfoField folds only spatial zero padding into the Conv or pooling after it");
        }

        Pair padding = node.SymmetricPadding([.. amounts[2..axes]], [.. amounts[(axes + 2)..]]);
        FeatureShape shape = node.Shape(x);
        long height = shape.Height + (2L * padding.H), width = shape.Width + (2L * padding.W);
        long depth = shape.HasDepth ? shape.Depth + (2L * padding.D) : 0;
        if (height > Limits.MaxExtent || width > Limits.MaxExtent || depth > Limits.MaxExtent)
        {
            throw node.Fail($"pads a {shape} tensor to {(shape.HasDepth ? $"{depth}x" : "")}{height}x{width}, more than the limit of {Limits.MaxExtent:N0} per axis");
        }

        FeatureShape padded = shape with { Height = (int)height, Width = (int)width, Depth = (int)depth };
        node.SetOutput(0, new FlatTensor(node.Importer.AddPending(node, new PadStep(padding), [x.Index], padded)));
    }
}
