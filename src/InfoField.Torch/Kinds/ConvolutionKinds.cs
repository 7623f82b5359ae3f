using System.Globalization;
using InfoField.Architecture;
using InfoField.Torch.Modules;
using InfoField.Torch.Onnx;
using InfoField.Torch.Tracing;
using TorchSharp;
using TorchSharp.Modules;
using static InfoField.Torch.Onnx.OnnxOpWriter;
using static TorchSharp.torch;
using Convolution = InfoField.Architecture.Convolution;

namespace InfoField.Torch.Kinds;

/// <summary>
/// The Torch halves of the convolutions: conv (GC), dw, pw (GPW) as <c>Conv2d</c>, RPW as InfoField's
/// <see cref="RollingPointwiseConv2d"/>. A 1-D network's are the same modules with height-1 kernels (libtorch computes a
/// <c>Conv1d</c> as such a <c>Conv2d</c>); the tracer reads <c>Conv1d</c> too.
/// </summary>
internal static class ConvolutionKinds
{
    /// <summary>conv and GC: <c>Conv2d</c>; the tracer reads every <c>Conv2d</c> by <see cref="Ops.Conv2d"/> (conv, dw or pw).</summary>
    public static TorchOpKind Conv { get; } = TorchOpKind.Of<Convolution>(
        (c, input) => input.HasDepth ? Conv3dModule(input.Channels, c.OutChannels, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups, c.Bias) : nn.Conv2d(input.Channels, c.OutChannels, (c.Kernel.H, c.Kernel.W), (c.Stride.H, c.Stride.W), (c.Padding.H, c.Padding.W), (c.Dilation.H, c.Dilation.W), groups: c.Groups, bias: c.Bias),
        (c, w) => ConvForm(w, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups, c.Bias),
        reluInPlaceAfter: true)
        .Reads<Conv2d>(ReadConv2d)
        .Reads<Conv1d>(ReadConv1d)
        .Reads<Conv3d>(ReadConv3d);

    /// <summary>dw: <c>Conv2d</c> with one group per input channel.</summary>
    public static TorchOpKind Depthwise { get; } = TorchOpKind.Of<DepthwiseConvolution>(
        (d, input) => input.HasDepth ? Conv3dModule(input.Channels, (long)input.Channels * d.Multiplier, d.Kernel, d.Stride, d.Padding, d.Dilation, input.Channels, d.Bias) : nn.Conv2d(input.Channels, (long)input.Channels * d.Multiplier, (d.Kernel.H, d.Kernel.W), (d.Stride.H, d.Stride.W), (d.Padding.H, d.Padding.W), (d.Dilation.H, d.Dilation.W), groups: input.Channels, bias: d.Bias),
        (d, w) => ConvForm(w, d.Kernel, d.Stride, d.Padding, d.Dilation, w.Shape.Channels, d.Bias),
        reluInPlaceAfter: true);

    /// <summary>pw and GPW: a 1x1 <c>Conv2d</c>.</summary>
    public static TorchOpKind Pointwise { get; } = TorchOpKind.Of<PointwiseConvolution>(
        (p, input) => input.HasDepth ? Conv3dModule(input.Channels, p.OutChannels, Pair.Square(1), p.Stride, Pair.Square(0), Pair.Square(1), p.Groups, p.Bias) : nn.Conv2d(input.Channels, p.OutChannels, (1, 1), (p.Stride.H, p.Stride.W), groups: p.Groups, bias: p.Bias),
        (p, w) => ConvForm(w, new Pair(1, 1), p.Stride, new Pair(0, 0), new Pair(1, 1), p.Groups, p.Bias),
        reluInPlaceAfter: true);

    /// <summary>RPW: <see cref="RollingPointwiseConv2d"/>; in ONNX a Gather of the windows' channels, then a 1x1 Conv with one group per filter.</summary>
    public static TorchOpKind Rolling { get; } = TorchOpKind.Of<RollingPointwiseConvolution>(
        (r, input) => new RollingPointwiseConv2d(input.Channels, r.OutChannels, r.Groups, r.Overlap, r.Bias),
        RollingForm,
        reluInPlaceAfter: true)
        .Reads<RollingPointwiseConv2d>((rpw, _) => new RollingPointwiseConvolution(rpw.OutChannels, rpw.Groups, rpw.Overlap, rpw.Bias is not null));

    /// <summary>A <c>Conv2d</c> read as the op it is (<see cref="Ops.Conv2d"/>).</summary>
    private static Op ReadConv2d(Conv2d conv, LayerCall call)
    {
        if (conv.padding_mode != PaddingModes.Zeros || conv.transposed)
        {
            throw call.Unsupported(conv, "padding modes other than zeros and transposed convolutions");
        }

        Pair kernel = Pair2(conv.kernel_size);
        Pair stride = Pair2(conv.stride);
        Pair dilation = Pair2(conv.dilation);
        Pair padding = conv.padding_type switch
        {
            Padding.Same => new Pair(dilation.H * (kernel.H - 1) / 2, dilation.W * (kernel.W - 1) / 2),
            Padding.Valid => Pair.Square(0),
            _ => Pair2(conv.padding ?? [0]),
        };
        return Ops.Conv2d((int)conv.in_channels, (int)conv.out_channels, kernel, stride, padding, dilation, (int)conv.groups, conv.bias is not null);
    }

    /// <summary>A <c>Conv1d</c> of a model of signals read as the op it is, with kernels of height 1.</summary>
    private static Op ReadConv1d(Conv1d conv, LayerCall call)
    {
        if (conv.padding_mode != PaddingModes.Zeros || conv.transposed)
        {
            throw call.Unsupported(conv, "padding modes other than zeros and transposed convolutions");
        }

        int kernel = (int)conv.kernel_size[0], dilation = (int)conv.dilation[0];
        int padding = conv.padding_type switch
        {
            Padding.Same => dilation * (kernel - 1) / 2,
            Padding.Valid => 0,
            _ => (int)(conv.padding ?? [0])[0],
        };
        return Ops.Conv2d((int)conv.in_channels, (int)conv.out_channels, Pair.Line(kernel), Pair.Line((int)conv.stride[0]), Pair.Line(padding, 0), Pair.Line(dilation), (int)conv.groups, conv.bias is not null);
    }

    /// <summary>A <c>Conv3d</c> of a model of volumes read as the op it is (<see cref="Ops.Conv2d"/>), with depth parts.</summary>
    private static Op ReadConv3d(Conv3d conv, LayerCall call)
    {
        if (conv.padding_mode != PaddingModes.Zeros || conv.transposed)
        {
            throw call.Unsupported(conv, "padding modes other than zeros and transposed convolutions");
        }

        Pair kernel = Pair3(conv.kernel_size);
        Pair dilation = Pair3(conv.dilation);
        Pair padding = conv.padding_type switch
        {
            Padding.Same => Pair.Of3d(dilation.D * (kernel.D - 1) / 2, dilation.H * (kernel.H - 1) / 2, dilation.W * (kernel.W - 1) / 2),
            Padding.Valid => Pair.Cube(0),
            _ => Pair3(conv.padding ?? [0]),
        };
        return Ops.Conv2d((int)conv.in_channels, (int)conv.out_channels, kernel, Pair3(conv.stride), padding, dilation, (int)conv.groups, conv.bias is not null);
    }

    /// <summary>A <c>Conv3d</c> for a volume: kernel, stride, padding and dilation as (depth, height, width), a pair without a depth part the identity along it.</summary>
    internal static Conv3d Conv3dModule(long input, long output, Pair kernel, Pair stride, Pair padding, Pair dilation, long groups, bool bias) =>
        nn.Conv3d(input, output, Triple(kernel, 1), Triple(stride, 1), Triple(padding, 0), Triple(dilation, 1), groups: groups, bias: bias);

    /// <summary>A pair as (depth, height, width), <paramref name="absent"/> along the depth when it has no depth part.</summary>
    internal static (long, long, long) Triple(Pair pair, int absent) => (pair.DepthOr(absent), pair.H, pair.W);

    /// <summary>A TorchSharp size of a 3-D layer (one value for every axis, or depth, height and width) as a pair with a depth part.</summary>
    internal static Pair Pair3(long[] values) => values.Length == 1 ? Pair.Cube((int)values[0]) : Pair.Of3d((int)values[0], (int)values[1], (int)values[2]);

    /// <summary>A TorchSharp size (one value for both axes, or two) as a pair.</summary>
    internal static Pair Pair2(long[] values) => values.Length == 1 ? Pair.Square((int)values[0]) : new Pair((int)values[0], (int)values[1]);

    private static string ConvForm(OnnxOpWriter w, Pair kernel, Pair stride, Pair padding, Pair dilation, int groups, bool bias) =>
        w.Node(
            "Conv",
            bias ? [w.Input, w.Weight("weight"), w.Weight("bias")] : [w.Input, w.Weight("weight")],
            w.Spatial("kernel_shape", kernel),
            w.Spatial("strides", stride),
            w.Pads(padding, padding),
            w.Spatial("dilations", dilation),
            Int("group", groups));

    /// <summary>RPW as Gather(input channels in window order) then a 1x1 Conv with one group per filter.</summary>
    private static string RollingForm(RollingPointwiseConvolution r, OnnxOpWriter w)
    {
        int inputChannels = w.Shape.Channels;
        int width = inputChannels / r.Groups;
        int[] starts = RollingWindows.Starts(inputChannels, r.OutChannels, r.Groups, r.Overlap);
        long[] indices = new long[(long)r.OutChannels * width];
        for (int c = 0; c < r.OutChannels; c++)
        {
            for (int i = 0; i < width; i++)
            {
                indices[(c * width) + i] = (starts[c] + i) % inputChannels;
            }
        }

        string windows = w.Node("Gather", [w.Input, w.Constant(w.Prefix + "windows", indices)], string.Create(CultureInfo.InvariantCulture, $"InfoField RPW windows: groups={r.Groups} overlap={r.Overlap:R}"), Int("axis", 1));
        using Tensor weight = w.State("weight").reshape([r.OutChannels, .. w.PerChannel(width)]);
        string weightName = w.Initializer(w.Prefix + "weight", weight);
        return w.Node(
            "Conv",
            r.Bias ? [windows, weightName, w.Weight("bias")] : [windows, weightName],
            w.Spatial("kernel_shape", Pair.Square(1)),
            Int("group", r.OutChannels));
    }
}
