using System.Text.Json;
using System.Text.Json.Serialization;
using InfoField.Field;
using InfoField.Organizer;
using InfoField.Reporting;

namespace InfoField.Web.Model;

// TEMPORARY (web branch): moves to InfoField.Reporting once the reporting assembly exists, and the CLI calls it there.
internal static class Documents
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new InlineArrayConverter<int>(), new InlineArrayConverter<long>() },
    };

    public static AnalysisDocument Analysis(LoadedNetwork loaded, FieldOptions fieldOptions, double theta)
    {
        NetworkField field = InformationField.Analyze(loaded.Network, fieldOptions);
        var organizer = new OrganizerOptions(fieldOptions.Frame, OrganizerOptions.Default.Policy, theta, fieldOptions.Alpha);
        VerdictsDocument verdicts = VerdictsDocument.Of(field, StageOrganizer.Optimize(loaded.Network, organizer.Validated()), organizer.Theta);
        return AnalysisDocument.From(field, loaded) with { Verdicts = verdicts };
    }

    public static string Serialize<T>(T document) => JsonSerializer.Serialize(document, JsonOptions) + "\n";

    private sealed class InlineArrayConverter<T> : JsonConverter<T[]>
        where T : struct, IFormattable
    {
        public override T[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("InfoField writes these documents; it does not read them back");

        public override void Write(Utf8JsonWriter writer, T[] value, JsonSerializerOptions options) =>
            writer.WriteRawValue("[" + string.Join(", ", value.Select(v => v.ToString(null, System.Globalization.CultureInfo.InvariantCulture))) + "]");
    }
}
