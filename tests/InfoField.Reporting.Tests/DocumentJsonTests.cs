using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace InfoField.Reporting.Tests;

/// <summary>
/// The generated serialization of the analysis document (<see cref="DocumentContext"/>) writes exactly what
/// reflection-based serialization with the same settings writes, and a batch line is that document on one line.
/// </summary>
public class DocumentJsonTests
{
    [Theory]
    [InlineData("vgg16")]
    [InlineData("shufflenetv2")]
    [InlineData("efficientnet-b0")]
    public void Generated_serialization_writes_what_reflection_writes(string model)
    {
        LoadedNetwork loaded = NetworkSource.Zoo(model);
        AnalysisDocument document = NetworkAnalysis.Of(loaded).Document(loaded);
        var reflection = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Converters = { new JoinedArray<int>(), new JoinedArray<long>() },
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };

        string expected = JsonSerializer.Serialize(document, reflection) + "\n";

        Assert.Equal(expected, DocumentJson.Serialize(document));
        using var line = new MemoryStream();
        using (var writer = new Utf8JsonWriter(line, DocumentJson.LineWriterOptions))
        {
            DocumentJson.WriteLine(writer, document);
        }

        string compact = System.Text.Encoding.UTF8.GetString(line.ToArray());
        Assert.DoesNotContain('\n', compact);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(expected), System.Text.Json.Nodes.JsonNode.Parse(compact)));
    }

    /// <summary>The converter the documents were first written with: numbers joined by ", ".</summary>
    private sealed class JoinedArray<T> : JsonConverter<T[]>
        where T : struct, IFormattable
    {
        public override T[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, T[] value, JsonSerializerOptions options) =>
            writer.WriteRawValue("[" + string.Join(", ", value.Select(v => v.ToString(null, CultureInfo.InvariantCulture))) + "]");
    }
}
