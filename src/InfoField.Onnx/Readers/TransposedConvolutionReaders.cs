using InfoField.Architecture;

namespace InfoField.Onnx.Readers;

/// <summary>ConvTranspose: a transposed convolution of 1-D or 2-D inputs.</summary>
internal static class TransposedConvolutionReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("ConvTranspose", 1, ConvTranspose) { MinInputs = 2, MaxInputs = 3, ParameterInputs = [1, 2] },
    ];

    /// <summary>
    /// The weight is C_in x C_out/group x kernel. Pads may cut less at the end than at the start: PyTorch's output padding
    /// (what InfoField's export writes); <c>output_padding</c> adds to it; <c>output_shape</c> and auto_pad are refused.
    /// </summary>
    private static void ConvTranspose(OnnxNodeContext node)
    {
        var (x, input, w, groups) = ConvolutionAttributes.Weight(node);
        if (w[0] != input.Channels)
        {
            throw node.Fail($"its weight reads {w[0]} channels, but its input has {input.Channels} channels");
        }

        if (node.HasAttribute("output_shape"))
        {
            throw node.Fail("gives output_shape; InfoField reads ConvTranspose with pads and output_padding (as PyTorch exports it)");
        }

        if (node.Text("auto_pad", "NOTSET") is not ("NOTSET" or ""))
        {
            throw node.Fail($"has auto_pad '{node.Text("auto_pad", "NOTSET")}'; InfoField reads ConvTranspose with explicit pads");
        }

        var (kernel, stride, dilation) = ConvolutionAttributes.Window(node, w);
        int rank = node.SpatialRank;
        long[] pads = node.Ints("pads") ?? new long[2 * rank];
        long[] extra = node.Ints("output_padding") ?? new long[rank];
        if (pads.Length != 2 * rank || extra.Length != rank)
        {
            throw node.Fail($"has {pads.Length} pads and {extra.Length} output paddings for {rank} spatial axes");
        }

        var begin = new int[rank];
        var added = new int[rank];
        for (int a = 0; a < rank; a++)
        {
            begin[a] = node.Narrow("pads", pads[a]);
            long end = node.Narrow("pads", pads[rank + a]);
            if (end > begin[a])
            {
                throw node.Fail($"cuts {end} positions at the end of axis {a + 2} and {begin[a]} at the start; InfoField reads a transposed convolution that cuts as much or less at the end (PyTorch's padding and output padding)");
            }

            added[a] = node.Narrow("output_padding", begin[a] - end + extra[a]);
        }

        Pair padding = node.PerAxis(begin, heightInOneD: 0);
        Pair outputPadding = node.PerAxis(added, heightInOneD: 0);
        bool bias = node.Has(2);
        if (bias)
        {
            node.RequireVector(2, (long)w[1] * groups, "bias");
        }

        var op = new TransposedConvolution(w[1] * groups, kernel, stride, padding, outputPadding, dilation, groups, bias);
        op.TryOutputShape(input).OrThrow(broken => node.Fail($"read as 'convtranspose': {broken.Message}"));
        node.SetOutput(0, node.Add(op, x));
    }
}
