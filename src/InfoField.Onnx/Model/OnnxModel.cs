using InfoField.Onnx.Protobuf;

namespace InfoField.Onnx.Model;

/// <summary>
/// What the importer reads of an ONNX <c>ModelProto</c>: the IR version, the opsets it imports and its graph. Tensors
/// are their headers (name, type, dims) and where their values lie in the file; values are read only on demand
/// (<see cref="TensorValues"/>), so a model's weights are never read.
/// </summary>
/// <param name="IrVersion">The IR version.</param>
/// <param name="Opsets">The version imported for each domain (the default domain is <c>""</c>; <c>ai.onnx</c> is read as it).</param>
/// <param name="Graph">The main graph.</param>
/// <param name="Source">The bytes the model was read from, for tensor values read later.</param>
internal sealed record OnnxModel(long IrVersion, IReadOnlyDictionary<string, long> Opsets, OnnxGraph Graph, ByteSource Source);

/// <summary>The parts of a <c>GraphProto</c> the importer reads.</summary>
internal sealed class OnnxGraph
{
    /// <summary>The nodes, in file order.</summary>
    public List<OnnxNode> Nodes { get; } = [];

    /// <summary>The initializers.</summary>
    public List<OnnxTensor> Initializers { get; } = [];

    /// <summary>The inputs (with initializers too, in older exports).</summary>
    public List<OnnxValueInfo> Inputs { get; } = [];

    /// <summary>The outputs.</summary>
    public List<OnnxValueInfo> Outputs { get; } = [];
}

/// <summary>A <c>NodeProto</c>.</summary>
internal sealed class OnnxNode
{
    /// <summary>The node's name (may be empty).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The operator.</summary>
    public string OpType { get; set; } = string.Empty;

    /// <summary>The operator's domain; <c>""</c> is the default ONNX domain.</summary>
    public string Domain { get; set; } = string.Empty;

    /// <summary>The names of the values read; an empty name is an optional input left out.</summary>
    public List<string> Inputs { get; } = [];

    /// <summary>The names of the values made; an empty name is an optional output not made.</summary>
    public List<string> Outputs { get; } = [];

    /// <summary>The attributes.</summary>
    public List<OnnxAttribute> Attributes { get; } = [];

    /// <summary>Where the node's doc string lies in the file (offset, length), or length 0.</summary>
    public (long Offset, long Length) Doc { get; set; }
}

/// <summary>An <c>AttributeProto</c>: the fields that are set (lists and tensors only when present).</summary>
internal sealed class OnnxAttribute
{
    /// <summary>The attribute's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The declared type (AttributeProto.AttributeType), 0 when not written.</summary>
    public int Type { get; set; }

    /// <summary>The float value.</summary>
    public float F { get; set; }

    /// <summary>The integer value.</summary>
    public long I { get; set; }

    /// <summary>The string value (UTF-8, invalid bytes replaced).</summary>
    public string S { get; set; } = string.Empty;

    /// <summary>The integer list, or null.</summary>
    public List<long>? Ints { get; set; }

    /// <summary>The float list, or null.</summary>
    public List<float>? Floats { get; set; }

    /// <summary>The tensor value, or null.</summary>
    public OnnxTensor? T { get; set; }
}

/// <summary>The header of a <c>TensorProto</c> and where its values lie; <see cref="TensorValues"/> reads them.</summary>
internal sealed class OnnxTensor
{
    /// <summary>The tensor's name (empty for an attribute's tensor).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The element type (TensorProto.DataType).</summary>
    public int DataType { get; set; }

    /// <summary>The dims; empty for a scalar.</summary>
    public List<long> Dims { get; } = [];

    /// <summary>True when the values are in an external data file (never opened).</summary>
    public bool External { get; set; }

    /// <summary>Where the last <c>raw_data</c> lies (offset, length), or null.</summary>
    public (long Offset, long Length)? Raw { get; set; }

    /// <summary>For each typed data field (float_data, int32_data, int64_data, double_data, uint64_data) written: the range from its first tag to the end of its last value.</summary>
    public Dictionary<int, (long Start, long End)> Fields { get; } = [];
}

/// <summary>A <c>ValueInfoProto</c>: a name and, for tensors, the element type and shape when given.</summary>
internal sealed class OnnxValueInfo
{
    /// <summary>The value's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The element type, 0 when not given.</summary>
    public int ElementType { get; set; }

    /// <summary>The dims (a fixed size or a symbolic name each), or null when the shape is not given.</summary>
    public List<OnnxDim>? Shape { get; set; }
}

/// <summary>One dimension of a value's shape: a fixed size, a symbolic name, or neither.</summary>
/// <param name="Value">The size, when fixed.</param>
/// <param name="Param">The symbolic name, when symbolic.</param>
internal readonly record struct OnnxDim(long? Value, string? Param)
{
    /// <inheritdoc />
    public override string ToString() =>
        Value is long value ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : Param is { Length: > 0 } ? Param : "?";
}
