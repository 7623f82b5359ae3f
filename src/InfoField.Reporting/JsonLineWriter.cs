using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace InfoField.Reporting;

/// <summary>
/// Writes compact JSON (one line, no spaces) straight into a buffer that it empties into a stream, with the bytes a
/// <see cref="Utf8JsonWriter"/> with <see cref="DocumentJson.LineWriterOptions"/> writes for the same calls, and less work
/// per call: property names come pre-encoded with their quotes and colon (<see cref="Name"/>), integers are formatted in
/// place, and only what <see cref="Utf8JsonWriter"/> would change (a string that needs escaping, a number with a fraction
/// or an exponent) goes through one, so its escaping and number formatting are the ones used, by construction. It does
/// not check the structure of what it is asked to write: its one caller is <see cref="AnalysisJson"/>, whose output is
/// compared byte for byte with the serializer's (<c>AnalysisJsonTests</c>).
/// </summary>
internal sealed class JsonLineWriter : IDisposable
{
    /// <summary>The ASCII characters that <see cref="Utf8JsonWriter"/> writes unescaped in a string (asked of it once).</summary>
    private static readonly bool[] Plain = PlainCharacters();

    private readonly Stream _output;
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly Utf8JsonWriter _fallback;
    /// <summary>
    /// The JSON of values written before, by the value's identity (immutable documents that recur): a slot per hash of the
    /// value, the last one kept there.
    /// </summary>
    private readonly (object? Value, byte[]? Json)[] _kept = new (object?, byte[]?)[KeptSlots];

    /// <summary>The slots of <see cref="_kept"/> (a power of two).</summary>
    private const int KeptSlots = 8192;

    private byte[] _buffer = new byte[1 << 18];
    private int _used;
    private bool _comma;

    /// <summary>How many times the buffer was passed on: a value written across a flush cannot be kept.</summary>
    private int _flushes;

    public JsonLineWriter(Stream output)
    {
        _output = output;
        _fallback = new Utf8JsonWriter(_scratch, DocumentJson.LineWriterOptions);
    }

    /// <summary>A property name as this writer takes it: <c>"name":</c> in UTF-8 (names are written as given, unescaped).</summary>
    public static byte[] Name(string name) => Encoding.UTF8.GetBytes($"\"{name}\":");

    public void WriteStartObject() => Open((byte)'{');

    public void WriteEndObject() => Close((byte)'}');

    public void WriteStartArray() => Open((byte)'[');

    public void WriteEndArray() => Close((byte)']');

    public void WritePropertyName(byte[] name)
    {
        Span<byte> span = Reserve(name.Length + 1);
        int at = 0;
        if (_comma)
        {
            span[at++] = (byte)',';
        }

        name.CopyTo(span[at..]);
        _used += at + name.Length;
        _comma = false;
    }

    public void WriteNullValue() => Value("null"u8);

    public void WriteNull(byte[] name)
    {
        WritePropertyName(name);
        WriteNullValue();
    }

    public void WriteBoolean(byte[] name, bool value)
    {
        WritePropertyName(name);
        Value(value ? "true"u8 : "false"u8);
    }

    public void WriteNumber(byte[] name, long value)
    {
        // The name and the number in one reservation: most properties of a document are a name and a small integer.
        Span<byte> span = Reserve(name.Length + 21);
        int at = Separator(span);
        name.CopyTo(span[at..]);
        at += name.Length;
        if ((ulong)value < 10)
        {
            span[at++] = (byte)('0' + value);
        }
        else if ((ulong)value < 100)
        {
            (long tens, long ones) = Math.DivRem(value, 10);
            span[at] = (byte)('0' + tens);
            span[at + 1] = (byte)('0' + ones);
            at += 2;
        }
        else
        {
            at += Utf8Formatter.TryFormat(value, span[at..], out int written) ? written : throw new FormatException();
        }

        _used += at;
        _comma = true;
    }

    public void WriteNumberValue(long value)
    {
        Span<byte> span = Reserve(21);
        int at = Separator(span);
        _used += at + (Utf8Formatter.TryFormat(value, span[at..], out int written) ? written : throw new FormatException());
        _comma = true;
    }

    /// <summary>A finite number: a whole one of at most nine digits in place, any other as <see cref="Utf8JsonWriter"/> formats it.</summary>
    public void WriteNumber(byte[] name, double value)
    {
        if (value == Math.Truncate(value) && Math.Abs(value) < 1e9 && !(value == 0 && double.IsNegative(value)))
        {
            WriteNumber(name, (long)value);
            return;
        }

        WritePropertyName(name);
        _fallback.WriteNumberValue(value);
        Fallback();
    }

    public void WriteString(byte[] name, string? value)
    {
        WritePropertyName(name);
        WriteStringValue(value);
    }

    public void WriteStringValue(string? value)
    {
        if (value is null)
        {
            WriteNullValue();
            return;
        }

        foreach (char c in value)
        {
            if (c >= Plain.Length || !Plain[c])
            {
                _fallback.WriteStringValue(value);
                Fallback();
                return;
            }
        }

        Span<byte> span = Reserve(value.Length + 3);
        int at = Separator(span);
        span[at++] = (byte)'"';
        at += Encoding.ASCII.GetBytes(value, span[at..]);
        span[at++] = (byte)'"';
        _used += at;
        _comma = true;
    }

    /// <summary>A short numeric array on one line, as <see cref="InlineArrayConverter{T}"/> writes it.</summary>
    public void WriteInline<T>(T[] values)
        where T : struct, IUtf8SpanFormattable
    {
        Span<byte> span = Reserve(InlineArrayConverter<T>.MostBytes(values.Length) + 1);
        int at = Separator(span);
        _used += at + InlineArrayConverter<T>.Format(values, span[at..]);
        _comma = true;
    }

    /// <summary>Where the next value starts: the start of a value to <see cref="Keep"/>.</summary>
    public Mark Here() => new(_used + (_comma ? 1 : 0), _flushes);

    /// <summary>
    /// Keeps the JSON written since <paramref name="start"/> (one complete value) as the JSON of <paramref name="value"/>,
    /// an immutable object whose JSON does not depend on where it is written; nothing is kept when the buffer was passed
    /// on in between.
    /// </summary>
    public void Keep(object value, Mark start)
    {
        if (start.Flushes != _flushes)
        {
            return;
        }

        _kept[Slot(value)] = (value, _buffer.AsSpan(start.At, _used - start.At).ToArray());
    }

    /// <summary>Writes the JSON kept for <paramref name="value"/> (<see cref="Keep"/>) as the next value; false when none is kept.</summary>
    public bool TryWriteKept(object value)
    {
        (object? kept, byte[]? json) = _kept[Slot(value)];
        if (!ReferenceEquals(kept, value))
        {
            return false;
        }

        Value(json);
        return true;
    }

    private static int Slot(object value)
    {
        int hash = System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(value);
        return (hash ^ (hash >>> 13)) & (KeptSlots - 1);
    }

    /// <summary>A value written elsewhere (complete JSON), as the next value.</summary>
    public void WriteRawValue(ReadOnlySpan<byte> json) => Value(json);

    /// <summary>Ends the line (a newline; the next value starts a new document); passes the buffer on once it is half full.</summary>
    public void EndLine()
    {
        Reserve(1)[0] = (byte)'\n';
        _used++;
        _comma = false;
        if (_used >= _buffer.Length / 2)
        {
            Flush();
        }
    }

    /// <summary>
    /// Writes what is buffered to the stream and flushes it: the stream gets pieces of about 128 KB (the buffer is 256 KB
    /// and is passed on half full), which the kernel took faster than 32 KB or 512 KB pieces (the NAS space's 1.4 GB
    /// batch to a file: 2.3 to 2.4 s wall against 2.9 to 3.0 s and 2.4 to 2.5 s; docs/performance.md).
    /// </summary>
    public void Flush()
    {
        _output.Write(_buffer, 0, _used);
        _output.Flush();
        _used = 0;
        _flushes++;
    }

    /// <summary>A place in the output: byte <see cref="At"/> of the buffer after <see cref="Flushes"/> flushes.</summary>
    public readonly record struct Mark(int At, int Flushes);

    public void Dispose() => _fallback.Dispose();

    private static bool[] PlainCharacters()
    {
        var plain = new bool[128];
        var text = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(text, DocumentJson.LineWriterOptions);
        for (char c = (char)0; c < plain.Length; c++)
        {
            text.Clear();
            writer.Reset(text);
            writer.WriteStringValue(c.ToString());
            writer.Flush();
            plain[c] = text.WrittenSpan.SequenceEqual([(byte)'"', (byte)c, (byte)'"']);
        }

        return plain;
    }

    /// <summary>Copies what the fallback writer wrote as the next value and empties it.</summary>
    private void Fallback()
    {
        _fallback.Flush();
        Value(_scratch.WrittenSpan);
        _scratch.Clear();
        _fallback.Reset(_scratch);
    }

    private void Open(byte bracket)
    {
        Span<byte> span = Reserve(2);
        int at = Separator(span);
        span[at] = bracket;
        _used += at + 1;
        _comma = false;
    }

    private void Close(byte bracket)
    {
        Reserve(1)[0] = bracket;
        _used++;
        _comma = true;
    }

    private void Value(ReadOnlySpan<byte> json)
    {
        Span<byte> span = Reserve(json.Length + 1);
        int at = Separator(span);
        json.CopyTo(span[at..]);
        _used += at + json.Length;
        _comma = true;
    }

    /// <summary>A comma when a value came before at this level; returns the bytes written.</summary>
    private int Separator(Span<byte> span)
    {
        if (!_comma)
        {
            return 0;
        }

        span[0] = (byte)',';
        return 1;
    }

    /// <summary>Room for <paramref name="bytes"/> more bytes at the end of the buffer, emptied into the stream first when full.</summary>
    private Span<byte> Reserve(int bytes)
    {
        if (_used + bytes > _buffer.Length)
        {
            Flush();
            if (bytes > _buffer.Length)
            {
                _buffer = new byte[bytes];
            }
        }

        return _buffer.AsSpan(_used);
    }
}
