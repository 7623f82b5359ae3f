using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Readers;

/// <summary>Conv: a convolution of 1-D or 2-D inputs, classified depthwise, pointwise or standard once passes are done.</summary>
internal static class ConvolutionReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("Conv", 1, Conv) { MinInputs = 2, MaxInputs = 3, ParameterInputs = [1, 2] },
    ];

    private static void Conv(OnnxNodeContext node)
    {
        FlatTensor x = node.Tensor(0);
        FeatureShape input = node.Shape(x);
        int rank = node.SpatialRank;
        int[] w = node.WeightDims(1, rank + 2, "weight");
        int groups = node.Narrow("group", node.Int("group", 1), 1);
        if ((long)w[1] * groups != input.Channels)
        {
            throw node.Fail($"its weight reads {w[1]} channels per group in {groups} groups, but its input has {input.Channels} channels");
        }

        if (node.Ints("kernel_shape") is { } declared && !declared.SequenceEqual(w[2..].Select(k => (long)k)))
        {
            throw node.Fail($"has kernel_shape [{string.Join(", ", declared)}] but its weight's kernel is [{string.Join(", ", w[2..])}]");
        }

        Pair kernel = rank == 2 ? new Pair(w[2], w[3]) : new Pair(1, w[2]);
        Pair stride = node.Axes("strides", 1);
        Pair dilation = node.Axes("dilations", 1);
        Pair padding = node.Padding(input, kernel, stride, dilation);
        bool bias = node.Has(2);
        if (bias)
        {
            node.RequireVector(2, w[0], "bias");
        }

        var form = new ConvolutionForm(w[0], kernel, stride, padding, dilation, groups, bias);
        Op op = form.ToOp(input.Channels);
        FeatureShape shape = op.TryOutputShape(input).OrThrow(broken => node.Fail($"read as '{op.Type}': {broken.Message}"));

        node.SetOutput(0, new FlatTensor(node.Importer.AddPending(node, new ConvStep(form), [x.Index], shape)));
    }
}
