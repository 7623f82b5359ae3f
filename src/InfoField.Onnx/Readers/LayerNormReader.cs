using InfoField.Architecture;

namespace InfoField.Onnx.Readers;

/// <summary>
/// LayerNormalization (opset 17) over the channels alone is <see cref="LayerNorm"/>: over the last axis of a
/// channels-last view (the Transpose, LayerNormalization, Transpose PyTorch writes for ConvNeXt's <c>LayerNorm2d</c>,
/// <see cref="ChannelsLast"/>), of a vector of features, or axis 1 of a C x 1 x 1 tensor; with a scale and a shift of
/// one value per channel. Before opset 17 exporters write it as arithmetic: <see cref="LayerNormPattern"/>.
/// </summary>
internal static class LayerNormReader
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("LayerNormalization", 17, ChannelsLast.LayerNormalization) { MinInputs = 2, MaxInputs = 3, MaxOutputs = 3, ParameterInputs = [1, 2] },
    ];
}
