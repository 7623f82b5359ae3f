using System.Buffers.Binary;
using System.Globalization;
using Onnx;

namespace InfoField.Onnx;

/// <summary>Attribute and constant values of ONNX nodes: the few numbers the importer needs.</summary>
internal static class OnnxValues
{
    /// <summary>The attribute <paramref name="name"/> of <paramref name="node"/>, or null.</summary>
    public static AttributeProto? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    /// <summary>An integer attribute, or <paramref name="fallback"/>.</summary>
    public static long Int(NodeProto node, string name, long fallback) => Attribute(node, name) is { } a ? a.I : fallback;

    /// <summary>A float attribute, as the decimal number it was written as, or <paramref name="fallback"/>.</summary>
    public static double Float(NodeProto node, string name, double fallback) => Attribute(node, name) is { } a ? Widen(a.F) : fallback;

    /// <summary>A list-of-integers attribute, or null.</summary>
    public static long[]? Ints(NodeProto node, string name) => Attribute(node, name) is { } a ? [.. a.Ints] : null;

    /// <summary>A string attribute, or <paramref name="fallback"/>.</summary>
    public static string Text(NodeProto node, string name, string fallback) => Attribute(node, name) is { } a ? a.S.ToStringUtf8() : fallback;

    /// <summary>
    /// A float32 value as the shortest decimal that reads back as it (0.001f becomes 0.001, not 0.0010000000474974513),
    /// so that values such as batch norm's eps compare equal to what the framework was given.
    /// </summary>
    public static double Widen(float value) =>
        float.IsFinite(value) ? double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value;

    /// <summary>The values of an integer tensor (int64 or int32), named <paramref name="name"/> in messages.</summary>
    public static long[] Integers(TensorProto tensor, string name)
    {
        RequireInline(tensor, name);
        return (TensorProto.Types.DataType)tensor.DataType switch
        {
            TensorProto.Types.DataType.Int64 => tensor.RawData.IsEmpty
                ? [.. tensor.Int64Data]
                : Decode(tensor.RawData.Span, 8, bytes => BinaryPrimitives.ReadInt64LittleEndian(bytes)),
            TensorProto.Types.DataType.Int32 => tensor.RawData.IsEmpty
                ? [.. tensor.Int32Data.Select(v => (long)v)]
                : Decode(tensor.RawData.Span, 4, bytes => (long)BinaryPrimitives.ReadInt32LittleEndian(bytes)),
            _ => throw new OnnxReadException($"'{name}' should hold integers but holds {(TensorProto.Types.DataType)tensor.DataType}"),
        };
    }

    /// <summary>The values of a floating-point tensor (float32 or float64), named <paramref name="name"/> in messages.</summary>
    public static double[] Reals(TensorProto tensor, string name)
    {
        RequireInline(tensor, name);
        return (TensorProto.Types.DataType)tensor.DataType switch
        {
            TensorProto.Types.DataType.Float => tensor.RawData.IsEmpty
                ? [.. tensor.FloatData.Select(Widen)]
                : Decode(tensor.RawData.Span, 4, bytes => Widen(BinaryPrimitives.ReadSingleLittleEndian(bytes))),
            TensorProto.Types.DataType.Double => tensor.RawData.IsEmpty
                ? [.. tensor.DoubleData]
                : Decode(tensor.RawData.Span, 8, bytes => BinaryPrimitives.ReadDoubleLittleEndian(bytes)),
            _ => throw new OnnxReadException($"'{name}' should hold real numbers but holds {(TensorProto.Types.DataType)tensor.DataType}"),
        };
    }

    private static void RequireInline(TensorProto tensor, string name)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new OnnxReadException($"the values of '{name}' are stored in an external data file; InfoField reads only the dims of external tensors, so shapes and clip bounds must be stored in the model");
        }
    }

    private delegate T Reader<T>(ReadOnlySpan<byte> bytes);

    private static T[] Decode<T>(ReadOnlySpan<byte> raw, int size, Reader<T> read)
    {
        if (raw.Length % size != 0)
        {
            throw new OnnxReadException($"a tensor's raw data holds {raw.Length} bytes, not a whole number of {size}-byte values");
        }

        var values = new T[raw.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = read(raw.Slice(i * size, size));
        }

        return values;
    }
}
