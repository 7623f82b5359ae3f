using System.Text.Json;

namespace InfoField.Spec;

/// <summary>A JSON element with its path, offering typed reads whose errors name the path and the expectation.</summary>
internal readonly struct JsonCursor(JsonElement element, string path, string source)
{
    public JsonElement Element { get; } = element;

    public string Path { get; } = path;

    public SpecException Error(string rule, string? field = null) =>
        new(source, field is null ? Path : $"{Path}.{field}", rule);

    public JsonCursor Property(string name) => new(Element.GetProperty(name), $"{Path}.{name}", source);

    public bool Has(string name) => Element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null;

    public JsonCursor RequireObject()
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            throw Error($"expected an object, got {Describe(Element)}");
        }

        return this;
    }

    public void AllowOnly(IReadOnlyCollection<string> fields)
    {
        foreach (JsonProperty property in Element.EnumerateObject())
        {
            if (!fields.Contains(property.Name))
            {
                throw Error($"unknown field '{property.Name}'; expected {(fields.Count == 0 ? "no fields" : "one of " + string.Join(", ", fields))}", property.Name);
            }
        }
    }

    public IEnumerable<JsonCursor> Items(string name, bool required)
    {
        if (!Has(name))
        {
            if (required)
            {
                throw Error($"missing field '{name}' (an array)");
            }

            return [];
        }

        JsonCursor array = Property(name);
        if (array.Element.ValueKind != JsonValueKind.Array)
        {
            throw array.Error($"expected an array, got {Describe(array.Element)}");
        }

        string basePath = array.Path;
        string file = source;
        return array.Element.EnumerateArray().Select((item, i) => new JsonCursor(item, $"{basePath}[{i}]", file)).ToList();
    }

    public string String(string name, string? fallback = null)
    {
        if (!Has(name))
        {
            return fallback ?? throw Error($"missing field '{name}' (a string)");
        }

        JsonCursor value = Property(name);
        return value.Element.ValueKind == JsonValueKind.String
            ? value.Element.GetString()!
            : throw value.Error($"expected a string, got {Describe(value.Element)}");
    }

    public int Int(string name, int? fallback = null)
    {
        if (!Has(name))
        {
            return fallback ?? throw Error($"missing field '{name}' (an integer)");
        }

        return Property(name).AsInt();
    }

    /// <summary><paramref name="text"/> cut to 60 characters, for values quoted in messages.</summary>
    public static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    public int AsInt() =>
        Element.ValueKind == JsonValueKind.Number && Element.TryGetInt32(out int value)
            ? value
            : throw Error($"expected an integer, got {Describe(Element)}");

    public double Double(string name, double? fallback = null)
    {
        if (!Has(name))
        {
            return fallback ?? throw Error($"missing field '{name}' (a number)");
        }

        JsonCursor value = Property(name);
        if (value.Element.ValueKind != JsonValueKind.Number)
        {
            throw value.Error($"expected a number, got {Describe(value.Element)}");
        }

        if (!value.Element.TryGetDouble(out double number) || !double.IsFinite(number))
        {
            throw value.Error($"{Shorten(value.Element.GetRawText())} is too large for a number (a double reaches about 1.8e308)");
        }

        string written = value.Element.GetRawText();
        return NumberText.Underflows(written, number)
            ? throw value.Error($"{Shorten(written)} is too small to be used as written: it underflows to 0 (the smallest positive double is about 4.9e-324); write 0 or a larger value")
            : number;
    }

    public bool Bool(string name, bool fallback)
    {
        if (!Has(name))
        {
            return fallback;
        }

        JsonCursor value = Property(name);
        return value.Element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw value.Error($"expected true or false, got {Describe(value.Element)}"),
        };
    }

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Shorten(element.GetString()!)}\"",
        JsonValueKind.Number => $"the number {Shorten(element.GetRawText())}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => $"{element.GetRawText()}",
        _ => "null",
    };
}
