namespace InfoField.Architecture;

/// <summary>
/// Short factory methods for ops, with PyTorch's defaults, so that network definitions read like layer lists:
/// <c>[Ops.Conv(64, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()]</c>.
/// </summary>
public static class Ops
{
    /// <summary>A square k x k convolution (GC when <paramref name="groups"/> &gt; 1).</summary>
    public static Convolution Conv(int outChannels, int kernel, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = false) =>
        new(outChannels, kernel, stride, padding, dilation, groups, bias);

    /// <summary>
    /// The op that a framework's 2-D convolution layer is (PyTorch's <c>Conv2d</c>, ONNX's <c>Conv</c>), the one rule the
    /// tracer and the ONNX import share: depthwise (DW, with a multiplier) when it has one group per input channel, more
    /// than one input channel and a whole number of outputs per group; pointwise (PW, or GPW with groups) when it is 1x1
    /// without padding; otherwise a convolution (GC with groups).
    /// </summary>
    /// <param name="inputChannels">The channels the layer reads.</param>
    /// <param name="outChannels">The channels it makes.</param>
    /// <param name="kernel">Kernel size per axis.</param>
    /// <param name="stride">Stride per axis.</param>
    /// <param name="padding">Zero padding per axis and side.</param>
    /// <param name="dilation">Dilation per axis.</param>
    /// <param name="groups">Number of groups.</param>
    /// <param name="bias">Whether it adds a bias per output channel.</param>
    public static LayerOp Conv2d(int inputChannels, int outChannels, Pair kernel, Pair stride, Pair padding, Pair dilation, int groups, bool bias)
    {
        if (groups == inputChannels && inputChannels > 1 && outChannels % inputChannels == 0)
        {
            return new DepthwiseConvolution(kernel, stride, padding, dilation, outChannels / inputChannels, bias);
        }

        return kernel.H == 1 && kernel.W == 1 && kernel.DepthOr(1) == 1 && padding == Pair.Square(0)
            ? new PointwiseConvolution(outChannels, groups, stride, bias)
            : new Convolution(outChannels, kernel, stride, padding, dilation, groups, bias);
    }

    /// <summary>A depthwise convolution; padding defaults to "same" for odd kernels, (k - 1) d / 2.</summary>
    public static DepthwiseConvolution Depthwise(int kernel = 3, int stride = 1, int? padding = null, int dilation = 1, int multiplier = 1, bool bias = false) =>
        new(kernel, stride, padding ?? (kernel - 1) * dilation / 2, dilation, multiplier, bias);

    /// <summary>A pointwise (1x1) convolution: PW, or GPW when <paramref name="groups"/> &gt; 1.</summary>
    public static PointwiseConvolution Pointwise(int outChannels, int groups = 1, int stride = 1, bool bias = false) =>
        new(outChannels, groups, stride, bias);

    /// <summary>The paper's rolling pointwise convolution RPW(g, o).</summary>
    public static RollingPointwiseConvolution RollingPointwise(int outChannels, int groups, double overlap, bool bias = false) =>
        new(outChannels, groups, overlap, bias);

    /// <summary>A channel shuffle with g groups.</summary>
    public static ChannelShuffle Shuffle(int groups) => new(groups);

    /// <summary>An interlace with g groups.</summary>
    public static Interlace Interlace(int groups) => new(groups);

    /// <summary>Batch normalization; <paramref name="eps"/> is PyTorch's <c>eps</c>.</summary>
    public static BatchNorm BatchNorm(double eps = Architecture.BatchNorm.DefaultEps) => new(eps);

    /// <summary>ReLU.</summary>
    public static Activation Relu() => new(ActivationKind.Relu);

    /// <summary>ReLU6.</summary>
    public static Activation Relu6() => new(ActivationKind.Relu6);

    /// <summary>Max pooling; the stride defaults to the kernel size.</summary>
    public static Pooling MaxPool(int kernel, int? stride = null, int padding = 0, bool ceilMode = false) =>
        new(PoolKind.Max, kernel, stride ?? kernel, padding, ceilMode);

    /// <summary>Average pooling; the stride defaults to the kernel size.</summary>
    public static Pooling AvgPool(int kernel, int? stride = null, int padding = 0, bool ceilMode = false) =>
        new(PoolKind.Average, kernel, stride ?? kernel, padding, ceilMode);

    /// <summary>Global average pooling (adaptive to 1x1).</summary>
    public static AdaptivePooling GlobalAvgPool() => new(PoolKind.Average, 1);

    /// <summary>Adaptive average pooling to <paramref name="output"/> x <paramref name="output"/>.</summary>
    public static AdaptivePooling AdaptiveAvgPool(int output) => new(PoolKind.Average, output);

    /// <summary>Dropout.</summary>
    public static Dropout Dropout(double p = 0.5) => new(p);

    /// <summary>Flatten.</summary>
    public static Flatten Flatten() => new();

    /// <summary>Softmax over a flat input.</summary>
    public static Softmax Softmax() => new();

    /// <summary>A fully connected layer.</summary>
    public static Linear Linear(int outFeatures, bool bias = true) => new(outFeatures, bias);

    /// <summary>A residual connection: body plus shortcut; an empty <paramref name="shortcut"/> is the identity.</summary>
    public static OpGraph Residual(OpGraph body, OpGraph? shortcut = null) =>
        OpGraph.Residual(body, shortcut is null || shortcut.Count == 0 ? OpGraph.Identity : shortcut);

    /// <summary>An element-wise sum (a merge).</summary>
    public static Add Add() => new();

    /// <summary>A channel concatenation (a merge).</summary>
    public static Concat Concat() => new();

    /// <summary>An element-wise product, broadcasting a 1x1 gate over space (a merge).</summary>
    public static Multiply Multiply() => new();

    /// <summary>Channels <c>[start, start + count)</c>.</summary>
    public static ChannelSlice Slice(int start, int count) => new(start, count);

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> equal parts of the channels.</summary>
    public static ChannelSplit Split(int part, int parts) => new(part, parts);

    /// <summary>Sigmoid.</summary>
    public static Activation Sigmoid() => new(ActivationKind.Sigmoid);

    /// <summary>Hard sigmoid.</summary>
    public static Activation HardSigmoid() => new(ActivationKind.Hardsigmoid);

    /// <summary>Hard swish.</summary>
    public static Activation HardSwish() => new(ActivationKind.Hardswish);

    /// <summary>SiLU (swish).</summary>
    public static Activation Silu() => new(ActivationKind.Silu);
}
