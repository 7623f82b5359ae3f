namespace InfoField.Onnx.Readers;

/// <summary>Every entry of <see cref="OnnxReaderSet.Default"/>: one reader per operator or family, in the files of this folder.</summary>
internal static class DefaultReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        .. ConvolutionReaders.All,
        .. TransposedConvolutionReaders.All,
        .. ResizeReaders.All,
        .. PoolingReaders.All,
        .. ActivationReaders.All,
        .. LayerNormReader.All,
        .. MergeReaders.All,
        .. ChannelReaders.All,
        .. ReshapeReaders.All,
        .. PadReaders.All,
        .. LinearReaders.All,
        .. ValueReaders.All,
        .. ShapeArithmetic.All,
    ];
}
