using InfoField.Architecture;

namespace InfoField.Onnx.Readers;

/// <summary>Gemm and MatMul as linear layers on flat features (MatMul's bias, an Add after it, is <see cref="Passes.LinearBias"/>'s; MatMul on channels-last tokens is <see cref="ChannelsLast"/>'s).</summary>
internal static class LinearReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("Gemm", 1, Gemm) { MinInputs = 2, MaxInputs = 3, ParameterInputs = [1, 2] },
        new("MatMul", 1, MatMul) { MinInputs = 2, MaxInputs = 2, ParameterInputs = [1] },
    ];

    private static void Gemm(OnnxNodeContext node)
    {
        FlatTensor x = node.Tensor(0);
        if (node.Int("transA", 0) != 0)
        {
            throw node.Fail("InfoField reads Gemm as a linear layer: A not transposed, B a 2-D initializer");
        }

        int[] b = node.WeightDims(1, 2, "weight B");
        bool transposed = node.Int("transB", 0) != 0;
        int inFeatures = transposed ? b[1] : b[0];
        int outFeatures = transposed ? b[0] : b[1];
        bool bias = node.Has(2);
        if (bias)
        {
            long[] c = node.Dims(2);
            if (c.Length is < 1 or > 2 || c[^1] != outFeatures || (c.Length == 2 && c[0] != 1))
            {
                throw node.Fail($"its bias C has dims [{string.Join(", ", c)}]; expected [{outFeatures}], one per output feature");
            }
        }

        Linear(node, x, inFeatures, outFeatures, bias);
    }

    private static void MatMul(OnnxNodeContext node)
    {
        if (ChannelsLast.MatMul(node))
        {
            return;
        }

        FlatTensor x = node.Tensor(0);
        if (!node.IsConstant(1))
        {
            throw node.Fail("InfoField reads MatMul as a linear layer: its second input a 2-D initializer");
        }

        int[] b = node.WeightDims(1, 2, "weight");
        Linear(node, x, b[0], b[1], false);
    }

    private static void Linear(OnnxNodeContext node, FlatTensor x, int inFeatures, int outFeatures, bool bias)
    {
        FeatureShape input = node.Shape(x);
        if (!input.IsFlat || input.Channels != inFeatures)
        {
            throw node.Fail($"reads a {input} tensor but its weight takes {inFeatures} features; InfoField reads {node.OpType} as a linear layer on flat features (put a Flatten before it)");
        }

        node.SetOutput(0, node.Add(new Linear(outFeatures, bias), x));
    }
}
