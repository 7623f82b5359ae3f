using InfoField.Architecture;
using InfoField.Torch.Onnx;
using TorchSharp.Modules;
using static InfoField.Torch.Kinds.ConvolutionKinds;
using static InfoField.Torch.Onnx.OnnxOpWriter;
using static TorchSharp.torch;

namespace InfoField.Torch.Kinds;

/// <summary>The Torch halves of pooling: max and average pooling, adaptive and global pooling.</summary>
internal static class PoolingKinds
{
    /// <summary>maxpool and avgpool: <c>MaxPool2d</c>, <c>AvgPool2d</c>; in ONNX MaxPool, AveragePool.</summary>
    public static TorchOpKind Pooling { get; } = TorchOpKind.Of<Pooling>(
        (p, input) => input.HasDepth ? Pool3d(p, input)
        : p.Kind == PoolKind.Max
            ? nn.MaxPool2d((p.Kernel.H, p.Kernel.W), (p.Stride.H, p.Stride.W), (p.Padding.H, p.Padding.W), ceil_mode: p.CeilMode)
            : nn.AvgPool2d((p.Kernel.H, p.Kernel.W), (p.Stride.H, p.Stride.W), (p.Padding.H, p.Padding.W), ceil_mode: p.CeilMode),
        Pool,
        reluInPlaceAfter: true)
        .Reads<MaxPool2d>((pool, call) => pool.dilation is null || pool.dilation.All(d => d == 1)
            ? new Pooling(PoolKind.Max, Pair2(pool.kernel_size), Pair2(pool.stride ?? pool.kernel_size), Pair2(pool.padding ?? [0]), pool.ceil_mode)
            : throw call.Unsupported(pool, "dilated max pooling"))
        .Reads<AvgPool2d>((pool, _) => new Pooling(PoolKind.Average, Pair2(pool.kernel_size), Pair2(pool.stride ?? pool.kernel_size), Pair2(pool.padding ?? [0]), pool.ceil_mode))
        .Reads<MaxPool1d>((pool, call) => pool.dilation is null or 1
            ? Line(PoolKind.Max, pool.kernel_size, pool.stride, pool.padding, pool.ceil_mode)
            : throw call.Unsupported(pool, "dilated max pooling"))
        .Reads<AvgPool1d>((pool, _) => Line(PoolKind.Average, pool.kernel_size, pool.stride, pool.padding, pool.ceil_mode))
        .Reads<MaxPool3d>((pool, call) => pool.dilation is null || pool.dilation.All(d => d == 1)
            ? new Pooling(PoolKind.Max, Pair3(pool.kernel_size), Pair3(pool.stride ?? pool.kernel_size), Pair3(pool.padding ?? [0]), pool.ceil_mode)
            : throw call.Unsupported(pool, "dilated max pooling"))
        .Reads<AvgPool3d>((pool, call) => pool.count_include_pad || (pool.padding ?? [0]).All(p => p == 0)
            ? new Pooling(PoolKind.Average, Pair3(pool.kernel_size), Pair3(pool.stride ?? pool.kernel_size), Pair3(pool.padding ?? [0]), pool.ceil_mode)
            : throw call.Unsupported(pool, "average pooling that leaves the padding out of the count"));

    /// <summary>adaptive and global pooling: <c>AdaptiveMaxPool2d</c>, <c>AdaptiveAvgPool2d</c>; in ONNX global pooling, or a plain pool where the output divides the input.</summary>
    public static TorchOpKind Adaptive { get; } = TorchOpKind.Of<AdaptivePooling>(
        (a, input) => input.HasDepth ? Adaptive3d(a, input)
        : a.Kind == PoolKind.Max
            ? nn.AdaptiveMaxPool2d([a.Output.H, a.Output.W])
            : nn.AdaptiveAvgPool2d((a.Output.H, a.Output.W)),
        AdaptiveForm,
        reluInPlaceAfter: true)
        .Reads<AdaptiveAvgPool2d>((_, call) => new AdaptivePooling(PoolKind.Average, new Pair(call.Output.Height, call.Output.Width)))
        .Reads<AdaptiveMaxPool2d>((_, call) => new AdaptivePooling(PoolKind.Max, new Pair(call.Output.Height, call.Output.Width)))
        .Reads<AdaptiveAvgPool1d>((pool, _) => new AdaptivePooling(PoolKind.Average, Pair.Line((int)pool.output_size)))
        .Reads<AdaptiveMaxPool1d>((pool, _) => new AdaptivePooling(PoolKind.Max, Pair.Line((int)pool.output_size)))
        .Reads<AdaptiveAvgPool3d>((_, call) => Adaptive3dOf(PoolKind.Average, call.Output))
        .Reads<AdaptiveMaxPool3dModule>((_, call) => Adaptive3dOf(PoolKind.Max, call.Output));

    /// <summary>A 3-D adaptive pooling read from the output it gave (global pooling when that is one position).</summary>
    private static AdaptivePooling Adaptive3dOf(PoolKind kind, FeatureShape output) =>
        output.IsFlat ? new AdaptivePooling(kind, 1) : new AdaptivePooling(kind, Pair.Of3d(output.Depth, output.Height, output.Width));

    /// <summary>
    /// A 3-D pooling for a volume (a window without a depth part pools each frame alone). libtorch's 3-D average pooling
    /// refuses a window larger than the input along an axis, padding or not (its 2-D one allows it): refused here with one
    /// line instead.
    /// </summary>
    private static nn.Module<Tensor, Tensor> Pool3d(Pooling p, FeatureShape input)
    {
        if (p.Kind == PoolKind.Average && !Fits3d(p, input))
        {
            throw new InfoFieldException($"avgpool with kernel {p.Kernel} on a {input} volume has no TorchSharp module: libtorch's AvgPool3d needs a window no larger than its input along every axis");
        }

        return p.Kind == PoolKind.Max
            ? nn.MaxPool3d(Triple(p.Kernel, 1), Triple(p.Stride, 1), Triple(p.Padding, 0), ceil_mode: p.CeilMode)
            : nn.AvgPool3d(Triple(p.Kernel, 1), Triple(p.Stride, 1), Triple(p.Padding, 0), ceil_mode: p.CeilMode);
    }

    /// <summary>True when <paramref name="p"/>'s window is no larger than <paramref name="input"/> along every axis (what libtorch's AvgPool3d needs).</summary>
    internal static bool Fits3d(Pooling p, FeatureShape input) =>
        p.Kernel.DepthOr(1) <= input.Depth && p.Kernel.H <= input.Height && p.Kernel.W <= input.Width;

    /// <summary>3-D adaptive pooling to the op's output for <paramref name="input"/> (global pooling over the depth too).</summary>
    private static nn.Module<Tensor, Tensor> Adaptive3d(AdaptivePooling a, FeatureShape input)
    {
        FeatureShape output = a.OutputShape(input);
        return a.Kind == PoolKind.Max
            ? new AdaptiveMaxPool3dModule([output.Depth, output.Height, output.Width])
            : nn.AdaptiveAvgPool3d((output.Depth, output.Height, output.Width));
    }

    /// <summary>
    /// 3-D adaptive max pooling window by window (PyTorch's windows: <c>floor(i n / m)</c> to <c>ceil((i + 1) n / m)</c>
    /// per axis): TorchSharp 0.107's <c>AdaptiveMaxPool3d</c> fails with a null reference in its native call.
    /// </summary>
    private sealed class AdaptiveMaxPool3dModule(long[] output) : nn.Module<Tensor, Tensor>("AdaptiveMaxPool3d")
    {
        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var cells = new List<Tensor>();
            for (long d = 0; d < output[0]; d++)
            {
                for (long h = 0; h < output[1]; h++)
                {
                    for (long w = 0; w < output[2]; w++)
                    {
                        cells.Add(input[TensorIndex.Colon, TensorIndex.Colon, Window(d, input.shape[2], output[0]), Window(h, input.shape[3], output[1]), Window(w, input.shape[4], output[2])].amax([2, 3, 4]));
                    }
                }
            }

            return stack(cells, 2).reshape([input.shape[0], input.shape[1], .. output]).MoveToOuterDisposeScope();
        }

        private static TensorIndex Window(long i, long n, long m) => TensorIndex.Slice(i * n / m, (((i + 1) * n) + m - 1) / m);
    }

    /// <summary>A 1-D pooling (<c>MaxPool1d</c>, <c>AvgPool1d</c>) with windows of height 1.</summary>
    private static Pooling Line(PoolKind kind, long kernel, long? stride, long? padding, bool ceilMode) =>
        new(kind, Pair.Line((int)kernel), Pair.Line((int)(stride ?? kernel)), Pair.Line((int)(padding ?? 0), 0), ceilMode);

    private static string Pool(Pooling p, OnnxOpWriter w)
    {
        var attributes = new List<global::Onnx.AttributeProto>
        {
            w.Spatial("kernel_shape", p.Kernel),
            w.Spatial("strides", p.Stride),
            w.Pads(p.Padding, p.Padding),
            Int("ceil_mode", p.CeilMode ? 1 : 0),
        };
        if (p.Kind == PoolKind.Max)
        {
            return w.Node("MaxPool", [w.Input], [.. attributes]);
        }

        attributes.Add(Int("count_include_pad", 1));
        return w.Node("AveragePool", [w.Input], [.. attributes]);
    }

    /// <summary>Adaptive pooling to 1x1 as global pooling, to an output that divides the input as a plain pool.</summary>
    private static string AdaptiveForm(AdaptivePooling a, OnnxOpWriter w)
    {
        bool max = a.Kind == PoolKind.Max;
        if (a.Output.H == 1 && a.Output.W == 1)
        {
            return w.Node(max ? "GlobalMaxPool" : "GlobalAveragePool", [w.Input]);
        }

        FeatureShape shape = w.Shape;
        FeatureShape output = a.OutputShape(shape);
        if (shape.Height % output.Height != 0 || shape.Width % output.Width != 0 || (shape.HasDepth && shape.Depth % output.Depth != 0))
        {
            throw new InfoFieldException($"{w.NetworkName}: adaptive pooling from {shape.Resolution} to {output.Resolution} has no ONNX form: the output must divide the input");
        }

        var kernel = new Pair(shape.Height / output.Height, shape.Width / output.Width) { D = shape.HasDepth ? shape.Depth / output.Depth : 0 };
        return w.Node(max ? "MaxPool" : "AveragePool", [w.Input], w.Spatial("kernel_shape", kernel), w.Spatial("strides", kernel));
    }
}
