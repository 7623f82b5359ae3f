using System.Collections.Immutable;
using System.Globalization;
using InfoField.Architecture;
using static InfoField.Torch.Onnx.OnnxOpWriter;
using ArchitectureInterlace = InfoField.Architecture.Interlace;

namespace InfoField.Torch.Onnx;

/// <summary>
/// The ONNX form of each single-input op kind: an immutable table keyed by the op's record type, the ONNX half of an
/// op kind as <see cref="Building.ModuleSet"/> is its Torch half. Each entry writes the standard operators a PyTorch
/// export writes for the layer and returns the tensor it made; merges (add, mul, concat) are the graph writer's. Add
/// kinds with <see cref="With{TOp}"/>.
/// </summary>
public sealed class OnnxExportSet
{
    private readonly ImmutableDictionary<Type, Func<Op, OnnxOpWriter, string>> _forms;

    private OnnxExportSet(ImmutableDictionary<Type, Func<Op, OnnxOpWriter, string>> forms) => _forms = forms;

    /// <summary>The ONNX form of every built-in op.</summary>
    public static OnnxExportSet Default { get; } = new OnnxExportSet(ImmutableDictionary<Type, Func<Op, OnnxOpWriter, string>>.Empty)
        .With<Convolution>((c, w) => Conv(w, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups, c.Bias))
        .With<DepthwiseConvolution>((d, w) => Conv(w, d.Kernel, d.Stride, d.Padding, d.Dilation, w.Shape.Channels, d.Bias))
        .With<PointwiseConvolution>((p, w) => Conv(w, new Pair(1, 1), p.Stride, new Pair(0, 0), new Pair(1, 1), p.Groups, p.Bias))
        .With<RollingPointwiseConvolution>(Rolling)
        .With<ChannelShuffle>((s, w) => Permute(w, s.Groups, w.Shape.Channels / s.Groups))
        .With<ArchitectureInterlace>((i, w) => Permute(w, w.Shape.Channels / i.Groups, i.Groups))
        .With<ChannelSlice>((s, w) => Slice(w, s.Start, s.Count))
        .With<ChannelSplit>((s, w) => Slice(w, s.AsSlice(w.Shape.Channels).Start, s.AsSlice(w.Shape.Channels).Count))
        .With<Pooling>(Pool)
        .With<AdaptivePooling>(Adaptive)
        .With<BatchNorm>((b, w) => w.Node("BatchNormalization", [w.Input, w.Weight("weight"), w.Weight("bias"), w.Weight("running_mean"), w.Weight("running_var")], Float("epsilon", b.Eps)))
        .With<Activation>((a, w) => Activate(w, a.Kind))
        .With<Dropout>((_, w) => w.Node("Identity", [w.Input]))
        .With<Flatten>((_, w) => w.Node("Flatten", [w.Input], Int("axis", 1)))
        .With<Softmax>((_, w) => w.Node("Softmax", [w.Input], Int("axis", 1)))
        .With<Linear>((l, w) => w.Node("Gemm", l.Bias ? [w.Input, w.Weight("weight"), w.Weight("bias")] : [w.Input, w.Weight("weight")], Int("transB", 1)));

    /// <summary>This set with <paramref name="form"/> writing every <typeparamref name="TOp"/> (replacing any before).</summary>
    public OnnxExportSet With<TOp>(Func<TOp, OnnxOpWriter, string> form)
        where TOp : Op
    {
        ArgumentNullException.ThrowIfNull(form);
        return new OnnxExportSet(_forms.SetItem(typeof(TOp), (op, writer) => form((TOp)op, writer)));
    }

    /// <summary>Writes <paramref name="op"/> with <paramref name="writer"/> (pointed at its input); returns its output tensor.</summary>
    /// <exception cref="InfoFieldException">No ONNX form is registered for the op's type.</exception>
    internal string Write(Op op, OnnxOpWriter writer) =>
        _forms.TryGetValue(op.GetType(), out var form)
            ? form(op, writer)
            : throw new InfoFieldException($"{writer.NetworkName}: no ONNX form of the op '{op.Type}' ({op.GetType().Name}); register one with OnnxExportSet.With");

    private static string Conv(OnnxOpWriter w, Pair kernel, Pair stride, Pair padding, Pair dilation, int groups, bool bias) =>
        w.Node(
            "Conv",
            bias ? [w.Input, w.Weight("weight"), w.Weight("bias")] : [w.Input, w.Weight("weight")],
            Ints("kernel_shape", kernel.H, kernel.W),
            Ints("strides", stride.H, stride.W),
            Ints("pads", padding.H, padding.W, padding.H, padding.W),
            Ints("dilations", dilation.H, dilation.W),
            Int("group", groups));

    /// <summary>RPW as Gather(input channels in window order) then a 1x1 Conv with one group per filter.</summary>
    private static string Rolling(RollingPointwiseConvolution r, OnnxOpWriter w)
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
        using TorchSharp.torch.Tensor weight = w.State("weight").reshape(r.OutChannels, width, 1, 1);
        string weightName = w.Initializer(w.Prefix + "weight", weight);
        return w.Node(
            "Conv",
            r.Bias ? [windows, weightName, w.Weight("bias")] : [windows, weightName],
            Ints("kernel_shape", 1, 1),
            Int("group", r.OutChannels));
    }

    /// <summary>Reshape to (N, a, b, H, W), swap a and b, reshape back: a shuffle with a = g, an interlace with a = C / g.</summary>
    private static string Permute(OnnxOpWriter w, int a, int b)
    {
        FeatureShape shape = w.Shape;
        string split = w.Node("Reshape", [w.Input, w.Constant("shape", [0, a, b, shape.Height, shape.Width])]);
        string swapped = w.Node("Transpose", [split], Ints("perm", 0, 2, 1, 3, 4));
        return w.Node("Reshape", [swapped, w.Constant("shape", [0, shape.Channels, shape.Height, shape.Width])]);
    }

    private static string Slice(OnnxOpWriter w, int start, int count) =>
        w.Node("Slice", [w.Input, w.Constant("starts", [start]), w.Constant("ends", [start + count]), w.Constant("axes", [1])]);

    private static string Pool(Pooling p, OnnxOpWriter w)
    {
        var attributes = new List<global::Onnx.AttributeProto>
        {
            Ints("kernel_shape", p.Kernel.H, p.Kernel.W),
            Ints("strides", p.Stride.H, p.Stride.W),
            Ints("pads", p.Padding.H, p.Padding.W, p.Padding.H, p.Padding.W),
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
    private static string Adaptive(AdaptivePooling a, OnnxOpWriter w)
    {
        bool max = a.Kind == PoolKind.Max;
        if (a.Output.H == 1 && a.Output.W == 1)
        {
            return w.Node(max ? "GlobalMaxPool" : "GlobalAveragePool", [w.Input]);
        }

        FeatureShape shape = w.Shape;
        if (shape.Height % a.Output.H != 0 || shape.Width % a.Output.W != 0)
        {
            throw new InfoFieldException($"{w.NetworkName}: adaptive pooling from {shape.Resolution} to {a.Output} has no ONNX form: the output must divide the input");
        }

        int kh = shape.Height / a.Output.H, kw = shape.Width / a.Output.W;
        return w.Node(max ? "MaxPool" : "AveragePool", [w.Input], Ints("kernel_shape", kh, kw), Ints("strides", kh, kw));
    }

    private static string Activate(OnnxOpWriter w, ActivationKind kind) => kind switch
    {
        ActivationKind.Relu => w.Node("Relu", [w.Input]),
        ActivationKind.Relu6 => w.Node("Clip", [w.Input, w.Scalar("min", 0f), w.Scalar("max", 6f)]),
        ActivationKind.LeakyRelu => w.Node("LeakyRelu", [w.Input], Float("alpha", 0.01)),
        ActivationKind.Sigmoid => w.Node("Sigmoid", [w.Input]),
        ActivationKind.Tanh => w.Node("Tanh", [w.Input]),
        ActivationKind.Silu => w.Node("Mul", [w.Input, w.Node("Sigmoid", [w.Input])]),
        ActivationKind.Hardswish => w.Node("HardSwish", [w.Input]),
        ActivationKind.Hardsigmoid => w.Node("HardSigmoid", [w.Input], Float("alpha", 1.0 / 6), Float("beta", 0.5)),
        _ => throw new InfoFieldException($"{w.NetworkName}: no ONNX form (at opset {OnnxExport.Opset}) of the activation {kind}"),
    };
}
