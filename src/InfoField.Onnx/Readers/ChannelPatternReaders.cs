namespace InfoField.Onnx.Readers;

/// <summary>
/// The operators that are arithmetic in exporters' layer norm and GELU (<see cref="LayerNormPattern"/>,
/// <see cref="GeluPattern"/>): Sub and Div (also shape arithmetic of integer constants), Pow, Sqrt and Erf. Add, Mul, ReduceMean, MatMul, Transpose and LayerNormalization ask the patterns first in their own
/// readers (<see cref="MergeReaders"/>, <see cref="PoolingReaders"/>, <see cref="LinearReaders"/>,
/// <see cref="ReshapeReaders"/>, <see cref="LayerNormReader"/>).
/// </summary>
internal static class ChannelPatternReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("Sub", 1, Sub) { MinInputs = 2, MaxInputs = 2 },
        new("Div", 1, Div) { MinInputs = 2, MaxInputs = 2 },
        new("Pow", 1, LayerNormPattern.Pow) { MinInputs = 2, MaxInputs = 2 },
        new("Sqrt", 1, LayerNormPattern.Sqrt),
        new("Erf", 1, GeluPattern.Erf),
    ];

    private static void Sub(OnnxNodeContext node)
    {
        if (ShapeArithmetic.AllIntegerConstants(node))
        {
            ShapeArithmetic.Arithmetic(node);
            return;
        }

        LayerNormPattern.Sub(node);
    }

    private static void Div(OnnxNodeContext node)
    {
        if (ShapeArithmetic.AllIntegerConstants(node))
        {
            ShapeArithmetic.Arithmetic(node);
            return;
        }

        if (!LayerNormPattern.Div(node) && !GeluPattern.Div(node))
        {
            throw node.Fail("divides values that are not integer constants; InfoField reads Div as shape arithmetic, a layer norm's division by the deviation, or GELU's x / sqrt(2)");
        }
    }
}
