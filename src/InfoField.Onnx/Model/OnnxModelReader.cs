using System.Globalization;
using InfoField.Onnx.Protobuf;

namespace InfoField.Onnx.Model;

/// <summary>
/// Reads an ONNX <c>ModelProto</c> from its wire format (field numbers of onnx.proto, IR 3 to 10) into
/// <see cref="OnnxModel"/>: the graph's nodes, initializers' headers, inputs and outputs. Tensor data, doc strings,
/// metadata, value_info and sub-graphs are skipped without being read. Every count and length is bounded
/// (<see cref="OnnxLimits"/>); a malformed file throws <see cref="ProtobufException"/>.
/// </summary>
internal static class OnnxModelReader
{
    /// <summary>Reads the model in <paramref name="source"/>.</summary>
    public static OnnxModel Read(ByteSource source)
    {
        var reader = new WireReader(source);
        long irVersion = 0;
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var graph = new OnnxGraph();
        bool hasGraph = false;
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    WireReader.Expect(field, type, WireType.Varint);
                    irVersion = reader.ReadInt64();
                    break;
                case 7:
                    WireReader.Expect(field, type, WireType.Delimited);
                    long limit = reader.PushLimit();
                    ReadGraph(reader, graph);
                    reader.PopLimit(limit);
                    hasGraph = true;
                    break;
                case 8:
                    WireReader.Expect(field, type, WireType.Delimited);
                    var (domain, version) = ReadOpset(reader);
                    string key = domain == "ai.onnx" ? string.Empty : domain;
                    opsets[key] = opsets.TryGetValue(key, out long earlier) ? Math.Max(earlier, version) : version;
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        if (!hasGraph)
        {
            throw new ProtobufException("the model has no graph");
        }

        return new OnnxModel(irVersion, opsets, graph, source);
    }

    private static (string Domain, long Version) ReadOpset(WireReader reader)
    {
        long limit = reader.PushLimit();
        string domain = string.Empty;
        long version = 0;
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field == 1 && type == WireType.Delimited)
            {
                domain = reader.ReadString(OnnxLimits.MaxStringBytes, "an opset's domain");
            }
            else if (field == 2 && type == WireType.Varint)
            {
                version = reader.ReadInt64();
            }
            else
            {
                reader.Skip(type);
            }
        }

        reader.PopLimit(limit);
        return (domain, version);
    }

    private static void ReadGraph(WireReader reader, OnnxGraph graph)
    {
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    WireReader.Expect(field, type, WireType.Delimited);
                    Count(graph.Nodes.Count, OnnxLimits.MaxNodes, "nodes");
                    graph.Nodes.Add(ReadNode(reader));
                    break;
                case 5:
                    WireReader.Expect(field, type, WireType.Delimited);
                    Count(graph.Initializers.Count, OnnxLimits.MaxValues, "initializers");
                    graph.Initializers.Add(ReadTensor(reader));
                    break;
                case 11:
                    WireReader.Expect(field, type, WireType.Delimited);
                    Count(graph.Inputs.Count, OnnxLimits.MaxValues, "inputs");
                    graph.Inputs.Add(ReadValueInfo(reader));
                    break;
                case 12:
                    WireReader.Expect(field, type, WireType.Delimited);
                    Count(graph.Outputs.Count, OnnxLimits.MaxValues, "outputs");
                    graph.Outputs.Add(ReadValueInfo(reader));
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }
    }

    private static OnnxNode ReadNode(WireReader reader)
    {
        long limit = reader.PushLimit();
        var node = new OnnxNode();
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    WireReader.Expect(field, type, WireType.Delimited);
                    Count(node.Inputs.Count, OnnxLimits.MaxListValues, "inputs of a node");
                    node.Inputs.Add(reader.ReadString(OnnxLimits.MaxStringBytes, "a node's input name"));
                    break;
                case 2:
                    WireReader.Expect(field, type, WireType.Delimited);
                    Count(node.Outputs.Count, OnnxLimits.MaxListValues, "outputs of a node");
                    node.Outputs.Add(reader.ReadString(OnnxLimits.MaxStringBytes, "a node's output name"));
                    break;
                case 3:
                    WireReader.Expect(field, type, WireType.Delimited);
                    node.Name = reader.ReadString(OnnxLimits.MaxStringBytes, "a node's name");
                    break;
                case 4:
                    WireReader.Expect(field, type, WireType.Delimited);
                    node.OpType = reader.ReadString(OnnxLimits.MaxStringBytes, "a node's op type");
                    break;
                case 5:
                    WireReader.Expect(field, type, WireType.Delimited);
                    Count(node.Attributes.Count, OnnxLimits.MaxListValues, "attributes of a node");
                    node.Attributes.Add(ReadAttribute(reader));
                    break;
                case 6:
                    WireReader.Expect(field, type, WireType.Delimited);
                    long length = reader.ReadLength();
                    node.Doc = (reader.Position, length);
                    reader.Advance(length);
                    break;
                case 7:
                    WireReader.Expect(field, type, WireType.Delimited);
                    node.Domain = reader.ReadString(OnnxLimits.MaxStringBytes, "a node's domain");
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        reader.PopLimit(limit);
        if (node.Domain == "ai.onnx")
        {
            node.Domain = string.Empty;
        }

        return node;
    }

    private static OnnxAttribute ReadAttribute(WireReader reader)
    {
        long limit = reader.PushLimit();
        var attribute = new OnnxAttribute();
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            switch (field, type)
            {
                case (1, WireType.Delimited):
                    attribute.Name = reader.ReadString(OnnxLimits.MaxStringBytes, "an attribute's name");
                    break;
                case (20, WireType.Varint):
                    attribute.Type = (int)reader.ReadInt64();
                    break;
                case (2, WireType.Fixed32):
                    attribute.F = BitConverter.UInt32BitsToSingle(reader.ReadFixed32());
                    break;
                case (3, WireType.Varint):
                    attribute.I = reader.ReadInt64();
                    break;
                case (4, WireType.Delimited):
                    attribute.S = reader.ReadString(OnnxLimits.MaxStringBytes, "a string attribute");
                    break;
                case (5, WireType.Delimited):
                    long tensorLimit = reader.PushLimit();
                    attribute.T = ReadTensorFields(reader);
                    reader.PopLimit(tensorLimit);
                    break;
                case (7, _):
                    attribute.Floats ??= [];
                    ReadRepeated(reader, type, WireType.Fixed32, attribute.Floats.Count, "floats of an attribute", r => attribute.Floats.Add(BitConverter.UInt32BitsToSingle(r.ReadFixed32())));
                    break;
                case (8, _):
                    attribute.Ints ??= [];
                    ReadRepeated(reader, type, WireType.Varint, attribute.Ints.Count, "ints of an attribute", r => attribute.Ints.Add(r.ReadInt64()));
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        reader.PopLimit(limit);
        return attribute;
    }

    /// <summary>Reads a repeated scalar field, packed or not, adding at most <see cref="OnnxLimits.MaxListValues"/> values in all.</summary>
    private static void ReadRepeated(WireReader reader, WireType type, WireType element, int count, string what, Action<WireReader> read)
    {
        if (type == element)
        {
            Count(count, OnnxLimits.MaxListValues, what);
            read(reader);
            return;
        }

        WireReader.Expect(0, type, WireType.Delimited);
        long limit = reader.PushLimit();
        while (!reader.AtEnd)
        {
            Count(count++, OnnxLimits.MaxListValues, what);
            read(reader);
        }

        reader.PopLimit(limit);
    }

    private static OnnxTensor ReadTensor(WireReader reader)
    {
        long limit = reader.PushLimit();
        OnnxTensor tensor = ReadTensorFields(reader);
        reader.PopLimit(limit);
        return tensor;
    }

    private static OnnxTensor ReadTensorFields(WireReader reader)
    {
        var tensor = new OnnxTensor();
        while (!reader.AtEnd)
        {
            long start = reader.Position;
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    ReadRepeated(reader, type, WireType.Varint, tensor.Dims.Count, "dims of a tensor", r => tensor.Dims.Add(r.ReadInt64()));
                    if (tensor.Dims.Count > OnnxLimits.MaxRank)
                    {
                        throw new ProtobufException(string.Create(CultureInfo.InvariantCulture, $"a tensor has more than {OnnxLimits.MaxRank} dims"), isLimit: true);
                    }

                    break;
                case 2:
                    WireReader.Expect(field, type, WireType.Varint);
                    tensor.DataType = (int)reader.ReadInt64();
                    break;
                case 8:
                    WireReader.Expect(field, type, WireType.Delimited);
                    tensor.Name = reader.ReadString(OnnxLimits.MaxStringBytes, "a tensor's name");
                    break;
                case 9:
                    WireReader.Expect(field, type, WireType.Delimited);
                    long length = reader.ReadLength();
                    tensor.Raw = (reader.Position, length);
                    reader.Advance(length);
                    break;
                case 14:
                    WireReader.Expect(field, type, WireType.Varint);
                    tensor.External = reader.ReadInt64() == 1;
                    break;
                case 4 or 5 or 7 or 10 or 11:
                    reader.Skip(type);
                    tensor.Fields[field] = tensor.Fields.TryGetValue(field, out var range) ? (range.Start, reader.Position) : (start, reader.Position);
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        return tensor;
    }

    private static OnnxValueInfo ReadValueInfo(WireReader reader)
    {
        long limit = reader.PushLimit();
        var value = new OnnxValueInfo();
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field == 1 && type == WireType.Delimited)
            {
                value.Name = reader.ReadString(OnnxLimits.MaxStringBytes, "a value's name");
            }
            else if (field == 2 && type == WireType.Delimited)
            {
                long typeLimit = reader.PushLimit();
                ReadType(reader, value);
                reader.PopLimit(typeLimit);
            }
            else
            {
                reader.Skip(type);
            }
        }

        reader.PopLimit(limit);
        return value;
    }

    /// <summary>A TypeProto: only tensor_type (field 1) is read; sequences, maps and optionals are skipped.</summary>
    private static void ReadType(WireReader reader, OnnxValueInfo value)
    {
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field != 1 || type != WireType.Delimited)
            {
                reader.Skip(type);
                continue;
            }

            long limit = reader.PushLimit();
            while (!reader.AtEnd)
            {
                var (inner, innerType) = reader.ReadTag();
                if (inner == 1 && innerType == WireType.Varint)
                {
                    value.ElementType = (int)reader.ReadInt64();
                }
                else if (inner == 2 && innerType == WireType.Delimited)
                {
                    long shapeLimit = reader.PushLimit();
                    value.Shape = ReadShape(reader, value.Shape ?? []);
                    reader.PopLimit(shapeLimit);
                }
                else
                {
                    reader.Skip(innerType);
                }
            }

            reader.PopLimit(limit);
        }
    }

    private static List<OnnxDim> ReadShape(WireReader reader, List<OnnxDim> dims)
    {
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field != 1 || type != WireType.Delimited)
            {
                reader.Skip(type);
                continue;
            }

            Count(dims.Count, OnnxLimits.MaxRank, "dims of a value's shape");
            long limit = reader.PushLimit();
            long? size = null;
            string? param = null;
            while (!reader.AtEnd)
            {
                var (inner, innerType) = reader.ReadTag();
                if (inner == 1 && innerType == WireType.Varint)
                {
                    size = reader.ReadInt64();
                    param = null;
                }
                else if (inner == 2 && innerType == WireType.Delimited)
                {
                    param = reader.ReadString(OnnxLimits.MaxStringBytes, "a symbolic dim's name");
                    size = null;
                }
                else
                {
                    reader.Skip(innerType);
                }
            }

            reader.PopLimit(limit);
            dims.Add(new OnnxDim(size, param));
        }

        return dims;
    }

    private static void Count(int count, int limit, string what)
    {
        if (count >= limit)
        {
            throw new ProtobufException(string.Create(CultureInfo.InvariantCulture, $"the model has more than {limit:N0} {what}, the limit"), isLimit: true);
        }
    }
}
