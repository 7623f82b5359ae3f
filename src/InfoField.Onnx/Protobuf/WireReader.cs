using System.Buffers.Binary;
using System.Text;

namespace InfoField.Onnx.Protobuf;

/// <summary>The wire types of protobuf's encoding.</summary>
internal enum WireType
{
    /// <summary>A base-128 varint.</summary>
    Varint = 0,

    /// <summary>Eight bytes, little-endian.</summary>
    Fixed64 = 1,

    /// <summary>A varint length, then that many bytes (strings, bytes, messages, packed repeated scalars).</summary>
    Delimited = 2,

    /// <summary>Four bytes, little-endian.</summary>
    Fixed32 = 5,
}

/// <summary>
/// A cursor over protobuf's wire format (<see href="https://protobuf.dev/programming-guides/encoding/"/>), reading a
/// <see cref="ByteSource"/> through a small window: nested messages are entered by limits, and a field that is not
/// needed (a tensor's data) is skipped by moving the position, without reading its bytes. Every length is checked
/// against the enclosing message before it is used; a malformed input throws <see cref="ProtobufException"/>.
/// </summary>
internal sealed class WireReader
{
    private const int WindowSize = 1 << 13;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly ByteSource _source;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly byte[]? _buffer;
    private long _windowStart;
    private int _windowLength;
    private long _position;
    private long _limit;

    public WireReader(ByteSource source)
        : this(source, 0, source.Length)
    {
    }

    /// <summary>A cursor over the bytes from <paramref name="start"/> to <paramref name="end"/> of <paramref name="source"/> (a message's part found earlier).</summary>
    public WireReader(ByteSource source, long start, long end)
    {
        _source = source;
        _position = start;
        _limit = Math.Min(end, source.Length);
        if (source is MemorySource memory)
        {
            _memory = memory.Bytes;
            _windowLength = memory.Bytes.Length;
        }
        else
        {
            _buffer = new byte[WindowSize];
        }
    }

    /// <summary>The offset of the next byte.</summary>
    public long Position => _position;

    /// <summary>True at the end of the current message.</summary>
    public bool AtEnd => _position >= _limit;

    /// <summary>The source read.</summary>
    public ByteSource Source => _source;

    /// <summary>Reads a field's tag: its number and wire type.</summary>
    public (int Field, WireType Type) ReadTag()
    {
        ulong tag = ReadVarint();
        int field = (int)Math.Min(tag >> 3, int.MaxValue);
        var type = (WireType)(int)(tag & 7);
        if (field == 0 || type is not (WireType.Varint or WireType.Fixed64 or WireType.Delimited or WireType.Fixed32))
        {
            throw new ProtobufException($"a field has tag {tag}, which is not a valid field number and wire type");
        }

        return (field, type);
    }

    /// <summary>Reads a varint.</summary>
    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new ProtobufException("a varint is longer than ten bytes");
    }

    /// <summary>Reads a varint as a signed 64-bit integer (int64, int32 and enum fields).</summary>
    public long ReadInt64() => (long)ReadVarint();

    /// <summary>Reads four little-endian bytes.</summary>
    public uint ReadFixed32()
    {
        Span<byte> bytes = stackalloc byte[4];
        ReadInto(bytes);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    /// <summary>Reads eight little-endian bytes.</summary>
    public ulong ReadFixed64()
    {
        Span<byte> bytes = stackalloc byte[8];
        ReadInto(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>Reads a length prefix, checked against the rest of the current message.</summary>
    public long ReadLength()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_limit - _position))
        {
            throw new ProtobufException($"a field of {length} bytes runs past the end of its message");
        }

        return (long)length;
    }

    /// <summary>Enters a length-delimited field: until <see cref="PopLimit"/>, the message ends where it ends; returns the previous limit.</summary>
    public long PushLimit()
    {
        long length = ReadLength();
        long previous = _limit;
        _limit = _position + length;
        return previous;
    }

    /// <summary>Leaves a field entered by <see cref="PushLimit"/>: moves to its end and restores the enclosing limit.</summary>
    public void PopLimit(long previous)
    {
        _position = _limit;
        _limit = previous;
    }

    /// <summary>Skips a field's value of wire type <paramref name="type"/> without reading it.</summary>
    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Advance(8);
                break;
            case WireType.Fixed32:
                Advance(4);
                break;
            default:
                Advance(ReadLength());
                break;
        }
    }

    /// <summary>Moves past <paramref name="count"/> bytes of the current message without reading them.</summary>
    public void Advance(long count)
    {
        if (count < 0 || count > _limit - _position)
        {
            throw new ProtobufException("a field runs past the end of its message");
        }

        _position += count;
    }

    /// <summary>Reads a string field of at most <paramref name="maxBytes"/> bytes; <paramref name="what"/> names it in the error.</summary>
    public string ReadString(int maxBytes, string what)
    {
        long length = ReadLength();
        if (length > maxBytes)
        {
            throw new ProtobufException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{what} is {length:N0} bytes long, more than the limit of {maxBytes:N0}"), isLimit: true);
        }

        if (length == 0)
        {
            return string.Empty;
        }

        int count = (int)length;
        if (_buffer is null)
        {
            string text = Utf8.GetString(_memory.Span.Slice((int)_position, count));
            _position += count;
            return text;
        }

        var bytes = new byte[count];
        ReadInto(bytes);
        return Utf8.GetString(bytes);
    }

    /// <summary>Checks that the type of field <paramref name="field"/> is <paramref name="expected"/>.</summary>
    public static void Expect(int field, WireType actual, WireType expected)
    {
        if (actual != expected)
        {
            throw new ProtobufException($"field {field} has wire type {(int)actual} where {(int)expected} was expected");
        }
    }

    private void ReadInto(Span<byte> destination)
    {
        if (destination.Length > _limit - _position)
        {
            throw new ProtobufException("a field runs past the end of its message");
        }

        if (_buffer is null)
        {
            _memory.Span.Slice((int)_position, destination.Length).CopyTo(destination);
            _position += destination.Length;
            return;
        }

        long offset = _position - _windowStart;
        if (offset >= 0 && offset + destination.Length <= _windowLength)
        {
            _buffer.AsSpan((int)offset, destination.Length).CopyTo(destination);
        }
        else if (destination.Length <= WindowSize)
        {
            Fill();
            _buffer.AsSpan(0, destination.Length).CopyTo(destination);
        }
        else
        {
            _source.Read(_position, destination);
        }

        _position += destination.Length;
    }

    private byte ReadByte()
    {
        if (_position >= _limit)
        {
            throw new ProtobufException("a field runs past the end of its message");
        }

        if (_buffer is null)
        {
            return _memory.Span[(int)_position++];
        }

        long offset = _position - _windowStart;
        if (offset < 0 || offset >= _windowLength)
        {
            Fill();
            offset = 0;
        }

        _position++;
        return _buffer[offset];
    }

    /// <summary>Loads the window at the current position: up to its size, never past the end of the source.</summary>
    private void Fill()
    {
        int count = (int)Math.Min(WindowSize, _source.Length - _position);
        _source.Read(_position, _buffer.AsSpan(0, count));
        _windowStart = _position;
        _windowLength = count;
    }
}
