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
                    Message(reader, r => ReadGraph(r, graph));
                    hasGraph = true;
                    break;
                case 8:
                    WireReader.Expect(field, type, WireType.Delimited);
                    var (domain, version) = Message(reader, ReadOpset);
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
                    AddMessage(reader, field, type, graph.Nodes, OnnxLimits.MaxNodes, "nodes", ReadNode);
                    break;
                case 5:
                    AddMessage(reader, field, type, graph.Initializers, OnnxLimits.MaxValues, "initializers", ReadTensor);
                    break;
                case 11:
                    AddMessage(reader, field, type, graph.Inputs, OnnxLimits.MaxValues, "inputs", ReadValueInfo);
                    break;
                case 12:
                    AddMessage(reader, field, type, graph.Outputs, OnnxLimits.MaxValues, "outputs", ReadValueInfo);
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }
    }

    private static OnnxNode ReadNode(WireReader reader)
    {
        var node = new OnnxNode();
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    AddString(reader, field, type, node.Inputs, "inputs of a node", "a node's input name");
                    break;
                case 2:
                    AddString(reader, field, type, node.Outputs, "outputs of a node", "a node's output name");
                    break;
                case 3:
                    node.Name = ReadString(reader, field, type, "a node's name");
                    break;
                case 4:
                    node.OpType = ReadString(reader, field, type, "a node's op type");
                    break;
                case 5:
                    AddMessage(reader, field, type, node.Attributes, OnnxLimits.MaxListValues, "attributes of a node", ReadAttribute);
                    break;
                case 6:
                    node.Doc = SkipBytes(reader, field, type);
                    break;
                case 7:
                    node.Domain = ReadString(reader, field, type, "a node's domain");
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        if (node.Domain == "ai.onnx")
        {
            node.Domain = string.Empty;
        }

        return node;
    }

    private static OnnxAttribute ReadAttribute(WireReader reader)
    {
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
                    attribute.T = Message(reader, ReadTensor);
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
        Message(reader, packed =>
        {
            while (!packed.AtEnd)
            {
                Count(count++, OnnxLimits.MaxListValues, what);
                read(packed);
            }
        });
    }

    private static OnnxTensor ReadTensor(WireReader reader)
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
                    tensor.Name = ReadString(reader, field, type, "a tensor's name");
                    break;
                case 9:
                    tensor.Raw = SkipBytes(reader, field, type);
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
                Message(reader, r => ReadType(r, value));
            }
            else
            {
                reader.Skip(type);
            }
        }

        return value;
    }

    /// <summary>A TypeProto: only tensor_type (field 1) is read; sequences, maps and optionals are skipped.</summary>
    private static OnnxValueInfo ReadType(WireReader reader, OnnxValueInfo value)
    {
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field == 1 && type == WireType.Delimited)
            {
                Message(reader, r => ReadTensorType(r, value));
            }
            else
            {
                reader.Skip(type);
            }
        }

        return value;
    }

    private static OnnxValueInfo ReadTensorType(WireReader reader, OnnxValueInfo value)
    {
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field == 1 && type == WireType.Varint)
            {
                value.ElementType = (int)reader.ReadInt64();
            }
            else if (field == 2 && type == WireType.Delimited)
            {
                value.Shape = Message(reader, r => ReadShape(r, value.Shape ?? []));
            }
            else
            {
                reader.Skip(type);
            }
        }

        return value;
    }

    private static List<OnnxDim> ReadShape(WireReader reader, List<OnnxDim> dims)
    {
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field == 1 && type == WireType.Delimited)
            {
                Count(dims.Count, OnnxLimits.MaxRank, "dims of a value's shape");
                dims.Add(Message(reader, ReadDim));
            }
            else
            {
                reader.Skip(type);
            }
        }

        return dims;
    }

    private static OnnxDim ReadDim(WireReader reader)
    {
        long? size = null;
        string? param = null;
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            if (field == 1 && type == WireType.Varint)
            {
                size = reader.ReadInt64();
                param = null;
            }
            else if (field == 2 && type == WireType.Delimited)
            {
                param = reader.ReadString(OnnxLimits.MaxStringBytes, "a symbolic dim's name");
                size = null;
            }
            else
            {
                reader.Skip(type);
            }
        }

        return new OnnxDim(size, param);
    }

    /// <summary>Reads the embedded message the reader is at (after its tag) with <paramref name="read"/>, which reads to its end.</summary>
    private static T Message<T>(WireReader reader, Func<WireReader, T> read)
    {
        long limit = reader.PushLimit();
        T result = read(reader);
        reader.PopLimit(limit);
        return result;
    }

    /// <inheritdoc cref="Message{T}"/>
    private static void Message(WireReader reader, Action<WireReader> read)
    {
        long limit = reader.PushLimit();
        read(reader);
        reader.PopLimit(limit);
    }

    /// <summary>One more element of a repeated message field: at most <paramref name="limit"/> in all.</summary>
    private static void AddMessage<T>(WireReader reader, int field, WireType type, List<T> list, int limit, string what, Func<WireReader, T> read)
    {
        WireReader.Expect(field, type, WireType.Delimited);
        Count(list.Count, limit, what);
        list.Add(Message(reader, read));
    }

    /// <summary>One more element of a repeated string field of a node: at most <see cref="OnnxLimits.MaxListValues"/> in all.</summary>
    private static void AddString(WireReader reader, int field, WireType type, List<string> list, string what, string item)
    {
        WireReader.Expect(field, type, WireType.Delimited);
        Count(list.Count, OnnxLimits.MaxListValues, what);
        list.Add(reader.ReadString(OnnxLimits.MaxStringBytes, item));
    }

    /// <summary>A string field, which must be length-delimited.</summary>
    private static string ReadString(WireReader reader, int field, WireType type, string what)
    {
        WireReader.Expect(field, type, WireType.Delimited);
        return reader.ReadString(OnnxLimits.MaxStringBytes, what);
    }

    /// <summary>A bytes field, not read: where it lies in the file.</summary>
    private static (long Offset, long Length) SkipBytes(WireReader reader, int field, WireType type)
    {
        WireReader.Expect(field, type, WireType.Delimited);
        long length = reader.ReadLength();
        var range = (reader.Position, length);
        reader.Advance(length);
        return range;
    }

    private static void Count(int count, int limit, string what)
    {
        if (count >= limit)
        {
            throw new ProtobufException(string.Create(CultureInfo.InvariantCulture, $"the model has more than {limit:N0} {what}, the limit"), isLimit: true);
        }
    }
}
