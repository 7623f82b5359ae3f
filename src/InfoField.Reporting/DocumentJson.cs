using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace InfoField.Reporting;

/// <summary>
/// How InfoField's JSON documents are written: property names in camelCase (a <c>[JsonPropertyName]</c> attribute only
/// where a name is not its property's, such as <c>lr</c> for <c>LearningRate</c>), indented, every property present
/// (nulls too), NaN and infinities as named literals, and short numeric arrays (shapes, fields) on one line. <c>infofield ... --json</c> and
/// <c>infofield report --format json</c> print exactly <see cref="Serialize{T}"/>.
/// </summary>
public static class DocumentJson
{
    /// <summary>The serializer options of every document.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new InlineIntArrayConverter(), new InlineLongArrayConverter() },

        // The analysis documents (one per network, many in a batch) by generated code; the others by reflection.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(DocumentContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary><paramref name="document"/> as indented JSON with a final newline, as the commands print it.</summary>
    public static string Serialize<T>(T document) => JsonSerializer.Serialize(document, Options) + "\n";

    /// <summary>How a JSON Lines output is written: each document on one line.</summary>
    internal static JsonWriterOptions LineWriterOptions { get; } = new() { Indented = false, SkipValidation = false };

    private static JsonSerializerOptions LineOptions { get; } = new(Options) { WriteIndented = false };

    /// <summary>Writes <paramref name="document"/> on one line (the same properties as <see cref="Serialize{T}"/>).</summary>
    internal static void WriteLine<T>(Utf8JsonWriter writer, T document) => JsonSerializer.Serialize(writer, document, LineOptions);
}

/// <summary>The documents serialized by generated code rather than reflection: those written once per network.</summary>
[JsonSerializable(typeof(AnalysisDocument))]
[JsonSerializable(typeof(BatchErrorDocument))]
internal sealed partial class DocumentContext : JsonSerializerContext;

/// <summary>Writes short numeric arrays (shapes, receptive fields) on one line: <c>[3, 32, 32]</c>.</summary>
internal abstract class InlineArrayConverter<T> : JsonConverter<T[]>
    where T : struct, IUtf8SpanFormattable
{
    public override T[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("InfoField writes these documents; it does not read them back");

    public override void Write(Utf8JsonWriter writer, T[] value, JsonSerializerOptions options) => WriteInline(writer, value);

    /// <summary>Writes <paramref name="value"/> as this converter does.</summary>
    public static void WriteInline(Utf8JsonWriter writer, T[] value)
    {
        // Short arrays are formatted on the stack.
        int most = MostBytes(value.Length);
        byte[]? rented = most > 512 ? System.Buffers.ArrayPool<byte>.Shared.Rent(most) : null;
        Span<byte> text = rented ?? stackalloc byte[512];
        writer.WriteRawValue(text[..Format(value, text)], skipInputValidation: true);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The most bytes <see cref="Format"/> writes for <paramref name="count"/> numbers: 22 per number and separator, and the brackets.</summary>
    public static int MostBytes(int count) => 2 + (count * 22);

    /// <summary>Formats <paramref name="value"/> as <c>[3, 32, 32]</c> into <paramref name="text"/>; returns the bytes written.</summary>
    public static int Format(T[] value, Span<byte> text)
    {
        int used = 0;
        text[used++] = (byte)'[';
        for (int i = 0; i < value.Length; i++)
        {
            if (i > 0)
            {
                text[used++] = (byte)',';
                text[used++] = (byte)' ';
            }

            used += value[i].TryFormat(text[used..], out int written, default, CultureInfo.InvariantCulture) ? written : throw new FormatException();
        }

        text[used++] = (byte)']';
        return used;
    }
}

internal sealed class InlineIntArrayConverter : InlineArrayConverter<int>;

internal sealed class InlineLongArrayConverter : InlineArrayConverter<long>;
