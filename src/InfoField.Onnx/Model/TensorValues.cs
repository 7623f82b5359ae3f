using System.Buffers.Binary;
using System.Globalization;
using InfoField.Onnx.Protobuf;

namespace InfoField.Onnx.Model;

/// <summary>
/// The values of a tensor, read from the file only when asked for, and only for small constants (shapes, pads, clip
/// bounds, gather indices): the count its dims give is checked against a limit before anything is read, and the
/// values found must be exactly that many.
/// </summary>
internal static class TensorValues
{
    /// <summary>TensorProto.DataType values the importer reads.</summary>
    public const int Float = 1, Int32 = 6, Int64 = 7, Float16 = 10, Double = 11;

    /// <summary>The name of a TensorProto.DataType, for messages.</summary>
    public static string TypeName(int dataType) => dataType switch
    {
        0 => "UNDEFINED",
        Float => "FLOAT",
        2 => "UINT8",
        3 => "INT8",
        4 => "UINT16",
        5 => "INT16",
        Int32 => "INT32",
        Int64 => "INT64",
        8 => "STRING",
        9 => "BOOL",
        Float16 => "FLOAT16",
        Double => "DOUBLE",
        12 => "UINT32",
        13 => "UINT64",
        16 => "BFLOAT16",
        _ => dataType.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The number of elements <paramref name="dims"/> describe (1 for a scalar), or an error naming <paramref name="name"/> for a negative dim or a count past 2^62.</summary>
    public static long Count(IReadOnlyList<long> dims, string name)
    {
        long count = 1;
        foreach (long dim in dims)
        {
            if (dim < 0)
            {
                throw new OnnxReadException($"'{name}' has the dimension {dim}; dims are sizes, at least 0");
            }

            if (dim != 0 && count > (1L << 62) / dim)
            {
                throw new OnnxReadException($"'{name}' has dims [{string.Join(", ", dims)}], more than 2^62 elements");
            }

            count *= dim;
        }

        return count;
    }

    /// <summary>The integers (INT64 or INT32) of <paramref name="tensor"/>, at most <paramref name="maxCount"/> of them.</summary>
    public static long[] Integers(OnnxTensor tensor, ByteSource source, string name, int maxCount)
    {
        int count = Expect(tensor, name, maxCount);
        return tensor.DataType switch
        {
            Int64 => Decode(tensor, source, name, count, 8, 7, WireType.Varint, bytes => BinaryPrimitives.ReadInt64LittleEndian(bytes), reader => reader.ReadInt64()),
            Int32 => Decode(tensor, source, name, count, 4, 5, WireType.Varint, bytes => (long)BinaryPrimitives.ReadInt32LittleEndian(bytes), reader => (long)(int)reader.ReadInt64()),
            _ => throw new OnnxReadException($"'{name}' should hold integers but holds {TypeName(tensor.DataType)}"),
        };
    }

    /// <summary>The real numbers (FLOAT, DOUBLE or FLOAT16) of <paramref name="tensor"/>, at most <paramref name="maxCount"/> of them.</summary>
    public static double[] Reals(OnnxTensor tensor, ByteSource source, string name, int maxCount)
    {
        int count = Expect(tensor, name, maxCount);
        return tensor.DataType switch
        {
            Float => Decode(tensor, source, name, count, 4, 4, WireType.Fixed32, bytes => OnnxValues.Widen(BinaryPrimitives.ReadSingleLittleEndian(bytes)), reader => OnnxValues.Widen(BitConverter.UInt32BitsToSingle(reader.ReadFixed32()))),
            Double => Decode(tensor, source, name, count, 8, 10, WireType.Fixed64, bytes => BinaryPrimitives.ReadDoubleLittleEndian(bytes), reader => BitConverter.UInt64BitsToDouble(reader.ReadFixed64())),
            Float16 => Decode(tensor, source, name, count, 2, 5, WireType.Varint, bytes => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes), reader => (double)BitConverter.UInt16BitsToHalf((ushort)reader.ReadInt64())),
            _ => throw new OnnxReadException($"'{name}' should hold real numbers but holds {TypeName(tensor.DataType)}"),
        };
    }

    private static int Expect(OnnxTensor tensor, string name, int maxCount)
    {
        if (tensor.External)
        {
            throw new OnnxReadException($"the values of '{name}' are stored in an external data file; InfoField reads only the dims of external tensors, so shapes, pads, indices and clip bounds must be stored in the model");
        }

        long count = Count(tensor.Dims, name);
        if (count > maxCount)
        {
            throw new OnnxReadException(string.Create(CultureInfo.InvariantCulture, $"'{name}' has dims [{string.Join(", ", tensor.Dims)}] ({count:N0} values); InfoField reads at most {maxCount:N0} values here"));
        }

        MemoryBudget.Check($"reading the {count:N0} values of '{name}'", count * 8.0);
        return (int)count;
    }

    private delegate T RawReader<T>(ReadOnlySpan<byte> bytes);

    private static T[] Decode<T>(OnnxTensor tensor, ByteSource source, string name, int count, int size, int field, WireType element, RawReader<T> fromRaw, Func<WireReader, T> fromField)
    {
        var values = new T[count];
        if (tensor.Raw is var (offset, length))
        {
            if (length != (long)count * size)
            {
                throw Mismatch(tensor, name, count, length % size == 0 ? $"{length / size:N0} values" : $"{length:N0} bytes of raw data");
            }

            byte[] raw = new byte[length];
            source.Read(offset, raw);
            for (int i = 0; i < count; i++)
            {
                values[i] = fromRaw(raw.AsSpan(i * size, size));
            }

            return values;
        }

        int found = 0;
        if (tensor.Fields.TryGetValue(field, out var range))
        {
            var reader = new WireReader(source, range.Start, range.End);
            while (!reader.AtEnd)
            {
                var (number, type) = reader.ReadTag();
                if (number != field)
                {
                    reader.Skip(type);
                    continue;
                }

                if (type == element)
                {
                    Store(values, ref found, fromField(reader), tensor, name, count);
                    continue;
                }

                WireReader.Expect(number, type, WireType.Delimited);
                long limit = reader.PushLimit();
                while (!reader.AtEnd)
                {
                    Store(values, ref found, fromField(reader), tensor, name, count);
                }

                reader.PopLimit(limit);
            }
        }

        return found == count ? values : throw Mismatch(tensor, name, count, $"{found:N0} values");
    }

    private static void Store<T>(T[] values, ref int found, T value, OnnxTensor tensor, string name, int count)
    {
        if (found == count)
        {
            throw Mismatch(tensor, name, count, "more values");
        }

        values[found++] = value;
    }

    private static OnnxReadException Mismatch(OnnxTensor tensor, string name, int count, string found) =>
        new(string.Create(CultureInfo.InvariantCulture, $"'{name}' has dims [{string.Join(", ", tensor.Dims)}] ({count:N0} values) but holds {found}"));
}
