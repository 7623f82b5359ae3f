using InfoField.Architecture;
using InfoField.Torch.Kinds;
using InfoField.Torch.Onnx;
using InfoField.Torch.Tracing;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static InfoField.Torch.Kinds.ConvolutionKinds;
using static InfoField.Torch.Onnx.OnnxOpWriter;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// A transposed convolution (the module of <see cref="TransposedConvolution"/>) computed by libtorch's
/// <c>conv_transpose2d</c>, with PyTorch's <c>ConvTranspose2d</c> parameters (<c>weight</c> of C_in x C_out/groups x
/// k_h x k_w, <c>bias</c>) and initialization. InfoField builds this rather than TorchSharp's <c>ConvTranspose2d</c>,
/// whose module (0.107) lengthens the output by the first output padding along both axes: <c>(1, 0)</c> adds a column too.
/// </summary>
public sealed class TransposedConv2d : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;

    [ComponentName(Name = "bias")]
    private readonly Parameter? _bias;

    private readonly long[] _stride;
    private readonly long[] _padding;
    private readonly long[] _outputPadding;
    private readonly long[] _dilation;
    private readonly bool _volume;

    /// <summary>Creates the layer for <paramref name="inputChannels"/> input channels, initialized as PyTorch initializes <c>ConvTranspose2d</c>.</summary>
    public TransposedConv2d(long inputChannels, TransposedConvolution op, string name = "TransposedConv2d")
        : this(inputChannels, op, volume: false, name)
    {
    }

    /// <summary>
    /// Creates the layer for <paramref name="inputChannels"/> input channels; with <paramref name="volume"/>, for a 3-D
    /// network's (N, C, D, H, W) tensors, as PyTorch's <c>ConvTranspose3d</c> (a pair without a depth part is the identity
    /// along the depth).
    /// </summary>
    public TransposedConv2d(long inputChannels, TransposedConvolution op, bool volume, string name = "TransposedConv2d")
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        Op = op;
        _volume = volume;
        _stride = Axes(op.Stride, 1);
        _padding = Axes(op.Padding, 0);
        _outputPadding = Axes(op.OutputPadding, 0);
        _dilation = Axes(op.Dilation, 1);
        long[] kernel = Axes(op.Kernel, 1);
        _weight = new Parameter(empty([inputChannels, op.OutChannels / op.Groups, .. kernel]));
        nn.init.kaiming_uniform_(_weight, Math.Sqrt(5));
        if (op.Bias)
        {
            // PyTorch's bound: 1 / sqrt(fan_in), fan_in read from the weight's second dimension and the kernel.
            double bound = 1 / Math.Sqrt((double)op.OutChannels / op.Groups * op.Kernel.Taps);
            _bias = new Parameter(empty(op.OutChannels));
            nn.init.uniform_(_bias, -bound, bound);
        }

        RegisterComponents();
    }

    /// <summary>The op this module computes.</summary>
    public TransposedConvolution Op { get; }

    /// <summary>The Torch half of <see cref="TransposedConvolution"/>: this module; the tracer reads it and TorchSharp's <c>ConvTranspose2d</c>; ONNX ConvTranspose.</summary>
    internal static TorchOpKind Kind { get; } = TorchOpKind.Of<TransposedConvolution>((op, input) => new TransposedConv2d(input.Channels, op, input.HasDepth), Onnx, reluInPlaceAfter: true)
        .Reads<TransposedConv2d>((module, _) => module.Op)
        .Reads<ConvTranspose2d>(ReadTorchSharp)
        .Reads<ConvTranspose1d>(ReadTorchSharp1d);

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => _volume
        ? nn.functional.conv_transpose3d(input, _weight, _bias, _stride, _padding, _outputPadding, _dilation, Op.Groups)
        : nn.functional.conv_transpose2d(input, _weight, _bias, _stride, _padding, _outputPadding, _dilation, Op.Groups);

    /// <summary>A pair's values per axis of this layer: height and width, after the depth for a volume.</summary>
    private long[] Axes(Pair pair, int absent) => _volume ? [pair.DepthOr(absent), pair.H, pair.W] : [pair.H, pair.W];

    /// <summary>TorchSharp's own module, read when what it computed is what its settings say (see the class remarks).</summary>
    private static TransposedConvolution ReadTorchSharp(ConvTranspose2d conv, LayerCall call) => Matching(call, conv, conv.padding_mode, "ConvTranspose2d", " (TorchSharp's module applies the first output padding to both axes; build InfoField's TransposedConv2d instead)", new TransposedConvolution(
            (int)conv.out_channels,
            Pair2(conv.kernel_size),
            Pair2(conv.stride),
            Pair2(conv.padding ?? [0]),
            Pair2(conv.output_padding ?? [0]),
            Pair2(conv.dilation),
            (int)conv.groups,
            conv.bias is not null));

    /// <summary>TorchSharp's <c>ConvTranspose1d</c> of a model of signals, with kernels of height 1.</summary>
    private static TransposedConvolution ReadTorchSharp1d(ConvTranspose1d conv, LayerCall call) => Matching(call, conv, conv.padding_mode, "ConvTranspose1d", "", new TransposedConvolution(
            (int)conv.out_channels,
            Pair.Line((int)conv.kernel_size[0]),
            Pair.Line((int)conv.stride[0]),
            Pair.Line((int)(conv.padding ?? [0])[0], 0),
            Pair.Line((int)(conv.output_padding ?? [0])[0], 0),
            Pair.Line((int)conv.dilation[0]),
            (int)conv.groups,
            conv.bias is not null));

    /// <summary>
    /// <paramref name="op"/>, read from TorchSharp's <paramref name="module"/> (<paramref name="what"/>), when it pads with
    /// zeros and what it computed in the traced call is what its settings give; otherwise one line saying which
    /// (<paramref name="hint"/> follows the second).
    /// </summary>
    private static TransposedConvolution Matching(LayerCall call, nn.Module module, PaddingModes padding, string what, string hint, TransposedConvolution op)
    {
        if (padding != PaddingModes.Zeros)
        {
            throw call.Unsupported(module, "transposed convolutions with padding modes other than zeros");
        }

        Checked<FeatureShape> shape = op.TryOutputShape(call.Input);
        return shape.IsValid && shape.Value == call.Output
            ? op
            : throw call.Unsupported(module, $"a {what} whose output {call.Output} is not the {(shape.IsValid ? shape.Value.ToString() : "shape")} its settings give{hint}");
    }

    /// <summary>
    /// ConvTranspose. PyTorch's output padding lengthens the output at the end, where the padding cuts it: the same as
    /// cutting <c>padding - output_padding</c> there, which is how it is written; only what the end padding cannot
    /// absorb is written as <c>output_padding</c>.
    /// </summary>
    private static string Onnx(TransposedConvolution t, OnnxOpWriter w)
    {
        int endH = Math.Max(0, t.Padding.H - t.OutputPadding.H), endW = Math.Max(0, t.Padding.W - t.OutputPadding.W), endD = Math.Max(0, t.Padding.D - t.OutputPadding.D);
        int extraH = Math.Max(0, t.OutputPadding.H - t.Padding.H), extraW = Math.Max(0, t.OutputPadding.W - t.Padding.W), extraD = Math.Max(0, t.OutputPadding.D - t.Padding.D);
        return w.Node(
            "ConvTranspose",
            t.Bias ? [w.Input, w.Weight("weight"), w.Weight("bias")] : [w.Input, w.Weight("weight")],
            w.Spatial("kernel_shape", t.Kernel),
            w.Spatial("strides", t.Stride),
            w.Pads(t.Padding, new Pair(endH, endW) { D = endD }),
            w.Spatial("output_padding", new Pair(extraH, extraW) { D = extraD }),
            w.Spatial("dilations", t.Dilation),
            Int("group", t.Groups));
    }
}
