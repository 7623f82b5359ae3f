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
        var (x, input, w, groups) = ConvolutionAttributes.Weight(node);
        if ((long)w[1] * groups != input.Channels)
        {
            throw node.Fail($"its weight reads {w[1]} channels per group in {groups} groups, but its input has {input.Channels} channels");
        }

        var (kernel, stride, dilation) = ConvolutionAttributes.Window(node, w);
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
