using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

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
        Converters = { new InlineArrayConverter<int>(), new InlineArrayConverter<long>() },
    };

    /// <summary><paramref name="document"/> as indented JSON with a final newline, as the commands print it.</summary>
    public static string Serialize<T>(T document) => JsonSerializer.Serialize(document, Options) + "\n";
}

/// <summary>Writes short numeric arrays (shapes, receptive fields) on one line: <c>[3, 32, 32]</c>.</summary>
internal sealed class InlineArrayConverter<T> : JsonConverter<T[]>
    where T : struct, IFormattable
{
    public override T[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("InfoField writes these documents; it does not read them back");

    public override void Write(Utf8JsonWriter writer, T[] value, JsonSerializerOptions options) =>
        writer.WriteRawValue("[" + string.Join(", ", value.Select(v => v.ToString(null, CultureInfo.InvariantCulture))) + "]");
}
