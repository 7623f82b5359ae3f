using InfoField.Architecture;

namespace InfoField.Onnx.Readers;

/// <summary>
/// LayerNormalization (opset 17) over the channels alone: axis 1 of a C x 1 x 1 tensor, with a scale and a shift of
/// one value per channel, is <see cref="LayerNorm"/>. The channels-last form PyTorch writes for ConvNeXt's
/// <c>LayerNorm2d</c> on larger maps (Transpose, LayerNormalization over the last axis, Transpose) is not read yet.
/// </summary>
internal static class LayerNormReader
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("LayerNormalization", 17, LayerNormalization) { MinInputs = 2, MaxInputs = 3, MaxOutputs = 3, ParameterInputs = [1, 2] },
    ];

    private static void LayerNormalization(OnnxNodeContext node)
    {
        FlatTensor x = node.Tensor(0);
        FeatureShape shape = node.Shape(x);
        long axis = node.Int("axis", -1);
        if ((axis < 0 ? axis + node.SpatialRank + 2 : axis) != 1 || shape.Height * (long)shape.Width != 1)
        {
            throw node.Fail($"InfoField reads LayerNormalization over the channels alone: axis 1 on a C x 1 x 1 tensor (this one has axis {axis} on a {shape} tensor); the channels-last form (Transpose, LayerNormalization over the last axis, Transpose) is not read yet");
        }

        if (!node.Has(2) || !PerChannel(node.Dims(1), shape.Channels) || !PerChannel(node.Dims(2), shape.Channels))
        {
            throw node.Fail($"InfoField reads LayerNormalization with a scale and a shift of one value per channel ({shape.Channels})");
        }

        node.SetOutput(0, node.Add(new LayerNorm(node.Float("epsilon", 1e-5)), x));
    }

    /// <summary>Whether <paramref name="dims"/> are [C] or the normalized shape [C, 1, 1] (one value per channel).</summary>
    private static bool PerChannel(long[] dims, int channels) =>
        dims.Length is >= 1 and <= 3 && dims[0] == channels && dims.Skip(1).All(dim => dim == 1);
}
