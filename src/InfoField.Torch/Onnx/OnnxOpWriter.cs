using Google.Protobuf;
using InfoField.Architecture;
using Onnx;
using static TorchSharp.torch;

namespace InfoField.Torch.Onnx;

/// <summary>
/// What the ONNX form of one op (<see cref="OnnxExportSet"/>) writes with: the tensors it reads and their shapes, the
/// op's weights in the module's state, and nodes, initializers and attributes of the graph being written. Every method
/// returns the name of the tensor it made.
/// </summary>
public sealed class OnnxOpWriter
{
    private readonly GraphProto _graph;
    private readonly Dictionary<string, Tensor> _state;
    private readonly List<Tensor>? _borrowed;
    private int _tensors;

    /// <summary>
    /// A writer adding to <paramref name="graph"/>. With <paramref name="borrowed"/>, initializers wrap the tensors'
    /// own memory instead of a copy, and the tensors are added to that list, to be disposed once the model is written.
    /// </summary>
    internal OnnxOpWriter(GraphProto graph, Dictionary<string, Tensor> state, string networkName, int spatialRank, List<Tensor>? borrowed = null)
    {
        _graph = graph;
        SpatialRank = spatialRank;
        _state = state;
        NetworkName = networkName;
        _borrowed = borrowed;
        Prefix = string.Empty;
    }

    /// <summary>The name of the tensor the op reads (a merge's first input).</summary>
    public string Input => Inputs[0];

    /// <summary>The shape of <see cref="Input"/> (one sample).</summary>
    public FeatureShape Shape => Shapes[0];

    /// <summary>The names of the tensors the op reads: one, or a merge's two or more.</summary>
    public IReadOnlyList<string> Inputs { get; private set; } = [string.Empty];

    /// <summary>The shapes of <see cref="Inputs"/> (one sample).</summary>
    public IReadOnlyList<FeatureShape> Shapes { get; private set; } = [new(1, 1, 1)];

    /// <summary>The prefix of the op's entries in the module's state (<c>stages.0.1.</c>): its weights are <c>Prefix + "weight"</c>, ...</summary>
    public string Prefix { get; private set; }

    /// <summary>The network being written, for messages.</summary>
    public string NetworkName { get; }

    /// <summary>
    /// The spatial axes of the tensors written: 2 for images (N x C x H x W), 1 for signals (N x C x L). A 1-D network's
    /// modules are 2-D ones of height 1; its ONNX form is 1-D throughout, as PyTorch writes <c>Conv1d</c>: attributes
    /// name the length only (<see cref="Spatial"/>, <see cref="Pads"/>) and kernels lose their height (<see cref="Weight"/>).
    /// </summary>
    public int SpatialRank { get; }

    /// <summary>
    /// The values of <paramref name="value"/> along the written spatial axes: <c>[H, W]</c>, <c>[W]</c> for signals,
    /// <c>[D, H, W]</c> for volumes (a pair without a depth part: 1 along the depth, a kernel's, stride's or scale's identity).
    /// </summary>
    public long[] Axes(Pair value) => Axes(value, 1);

    /// <summary>As <see cref="Axes(Pair)"/>, with <paramref name="absent"/> along a volume's depth for a pair without a depth part (0 for paddings).</summary>
    public long[] Axes(Pair value, int absent) => SpatialRank switch
    {
        1 => [value.W],
        3 => [value.DepthOr(absent), value.H, value.W],
        _ => [value.H, value.W],
    };

    /// <summary>The sizes of <paramref name="shape"/>'s written spatial axes: <c>[H, W]</c>, <c>[L]</c> for signals, <c>[D, H, W]</c> for volumes.</summary>
    public long[] Resolution(FeatureShape shape) => Axes(new Pair(shape.Height, shape.Width) { D = shape.Depth });

    /// <summary>An ints attribute with one value per written spatial axis (kernel_shape, strides, dilations, output_padding, ...).</summary>
    public AttributeProto Spatial(string name, Pair value) => Ints(name, Axes(value, name == "output_padding" ? 0 : 1));

    /// <summary>The <c>pads</c> attribute: the padding at the start of every written spatial axis, then at the end.</summary>
    public AttributeProto Pads(Pair begin, Pair end) => Ints("pads", [.. Axes(begin, 0), .. Axes(end, 0)]);

    /// <summary>
    /// The shape of a per-channel tensor that broadcasts over the written spatial axes: <c>[C, 1, 1]</c>, <c>[C, 1]</c>
    /// for signals, <c>[C, 1, 1, 1]</c> for volumes.
    /// </summary>
    public long[] PerChannel(int channels) => [channels, .. Enumerable.Repeat(1L, SpatialRank)];

    /// <summary>Adds a node of <paramref name="opType"/> (default domain) reading <paramref name="inputs"/>; returns its output tensor.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, params AttributeProto[] attributes) => Node(opType, inputs, null, attributes);

    /// <summary>As <see cref="Node(string, IReadOnlyList{string}, AttributeProto[])"/>, with a doc string on the node.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, string? doc, params AttributeProto[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        string output = $"t{++_tensors}";
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_tensors}", Output = { output }, DocString = doc ?? string.Empty };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>
    /// The op's state entry <c>Prefix + entry</c> (a weight, a bias, running statistics) as a float initializer of that
    /// name; in a 1-D network a kernel (a 4-D entry, height 1) is written without its height axis.
    /// </summary>
    /// <exception cref="InvalidOperationException">The module has no such entry.</exception>
    public string Weight(string entry)
    {
        Tensor value = State(entry);
        if (SpatialRank != 1 || value.dim() != 4)
        {
            return Initializer(Prefix + entry, value);
        }

        if (value.shape[2] != 1)
        {
            throw new InvalidOperationException($"the 1-D network '{NetworkName}' has a kernel '{Prefix + entry}' of height {value.shape[2]}");
        }

        using Tensor line = value.squeeze(2);
        return Initializer(Prefix + entry, line);
    }

    /// <summary>The op's state entry <c>Prefix + entry</c> as a tensor (not copied; do not dispose).</summary>
    /// <exception cref="InvalidOperationException">The module has no such entry.</exception>
    public Tensor State(string entry) =>
        _state.TryGetValue(Prefix + entry, out Tensor? value)
            ? value
            : throw new InvalidOperationException($"the module of '{NetworkName}' has no state entry '{Prefix + entry}'");

    /// <summary>Adds <paramref name="value"/> as a float32 initializer named <paramref name="name"/>.</summary>
    public string Initializer(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Tensor flat = value.detach().cpu().to_type(ScalarType.Float32).contiguous();
        ByteString raw;
        if (_borrowed is null)
        {
            // One copy of the native buffer (little-endian float32, ONNX's raw_data layout), wrapped without a second one.
            using (flat)
            {
                raw = UnsafeByteOperations.UnsafeWrap(flat.bytes.ToArray());
            }
        }
        else
        {
            _borrowed.Add(flat);
            raw = UnsafeByteOperations.UnsafeWrap(NativeBytes.Of(flat));
        }

        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = raw };
        proto.Dims.AddRange(value.shape);
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>Adds a 1-D int64 initializer (shapes, axes, indices), named after <paramref name="what"/> and the next tensor.</summary>
    public string Constant(string what, long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var proto = new TensorProto { Name = NextName(what), DataType = (int)TensorProto.Types.DataType.Int64, Dims = { values.LongLength } };
        proto.Int64Data.AddRange(values);
        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>Adds a float scalar initializer, named after <paramref name="what"/> and the next tensor.</summary>
    public string Scalar(string what, float value)
    {
        var proto = new TensorProto { Name = NextName(what), DataType = (int)TensorProto.Types.DataType.Float };
        proto.FloatData.Add(value);
        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>An int attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An ints attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    /// <summary>Adds a node of <paramref name="opType"/> for each further input, folding <see cref="Inputs"/> left to right (a sum or a product of two or more).</summary>
    public string Fold(string opType)
    {
        string total = Node(opType, [Inputs[0], Inputs[1]]);
        for (int k = 2; k < Inputs.Count; k++)
        {
            total = Node(opType, [total, Inputs[k]]);
        }

        return total;
    }

    /// <summary>Points the writer at the next op: the tensors it reads, their shapes, and its state prefix.</summary>
    internal OnnxOpWriter At(IReadOnlyList<string> inputs, IReadOnlyList<FeatureShape> shapes, string prefix)
    {
        Inputs = inputs;
        Shapes = shapes;
        Prefix = prefix;
        return this;
    }

    private string NextName(string what) => $"{what}_{_tensors + 1}";
}

/// <summary>The memory of a CPU tensor as <see cref="Memory{T}"/> of bytes, without a copy; valid while the tensor lives.</summary>
internal sealed unsafe class NativeBytes : System.Buffers.MemoryManager<byte>
{
    private readonly byte* _pointer;
    private readonly int _length;

    private NativeBytes(byte* pointer, int length)
    {
        _pointer = pointer;
        _length = length;
    }

    /// <summary>The bytes of the contiguous CPU tensor <paramref name="tensor"/> (libtorch's storage does not move).</summary>
    public static ReadOnlyMemory<byte> Of(Tensor tensor)
    {
        Span<byte> bytes = tensor.bytes;
        fixed (byte* start = bytes)
        {
            return new NativeBytes(start, bytes.Length).Memory;
        }
    }

    /// <inheritdoc />
    public override Span<byte> GetSpan() => new(_pointer, _length);

    /// <inheritdoc />
    public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    /// <inheritdoc />
    public override void Unpin()
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
    }
}
