using InfoField.Architecture;

namespace InfoField.Onnx.Readers;

/// <summary>What Conv and ConvTranspose read alike: the input, the weight's dims and groups, and the kernel's window.</summary>
internal static class ConvolutionAttributes
{
    /// <summary>Input 0 (a feature map), the dims of weight input 1 (channels, channels, then the kernel) and <c>group</c>.</summary>
    public static (FlatTensor X, FeatureShape Input, int[] Weight, int Groups) Weight(OnnxNodeContext node)
    {
        FlatTensor x = node.Tensor(0);
        FeatureShape input = node.Shape(x);
        int[] weight = node.WeightDims(1, node.SpatialRank + 2, "weight");
        int groups = node.Narrow("group", node.Int("group", 1), 1);
        return (x, input, weight, groups);
    }

    /// <summary>The kernel (its size from the weight, which <c>kernel_shape</c> must match when given), strides and dilations.</summary>
    public static (Pair Kernel, Pair Stride, Pair Dilation) Window(OnnxNodeContext node, int[] weight)
    {
        if (node.Ints("kernel_shape") is { } declared && !declared.SequenceEqual(weight[2..].Select(k => (long)k)))
        {
            throw node.Fail($"has kernel_shape [{string.Join(", ", declared)}] but its weight's kernel is [{string.Join(", ", weight[2..])}]");
        }

        Pair kernel = node.PerAxis(weight[2..]);
        return (kernel, node.Axes("strides", 1), node.Axes("dilations", 1));
    }
}
