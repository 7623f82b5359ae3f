using System.Text;
using System.Text.Json;
using InfoField.Architecture;

namespace InfoField.Spec;

/// <summary>
/// Spec files: a network as JSON (docs/spec-format.md), loadable and savable so users can describe their own networks.
/// Loading validates the network and reports the first broken rule with its JSON path.
/// </summary>
public static class NetworkSpec
{
    /// <summary>The format tag written into every spec.</summary>
    public const string Format = "infofield-network/1";

    private static readonly string[] TopFields = ["format", "name", "input", "stages", "head"];
    private static readonly string[] StageFields = ["entry", "units"];
    private static readonly string[] UnitFields = ["name", "role", "family", "ops"];

    /// <summary>Loads and validates the spec file at <paramref name="path"/>.</summary>
    public static Network Load(string path)
    {
        string text;
        try
        {
            text = BoundedFile.ReadAllText(path, BoundedFile.MaxSpecBytes, "spec file");
        }
        catch (InfoFieldException error)
        {
            throw new SpecException(path, "", error.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? error.Message[(path.Length + 2)..] : error.Message, error);
        }

        return Parse(text, path, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Parses and validates a spec; <paramref name="source"/> names it in errors.</summary>
    public static Network Parse(string json, string source = "spec", string defaultName = "network")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException error)
        {
            throw new SpecException(source, "", $"not valid JSON (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1}): {FirstSentence(error.Message)}", error);
        }

        using (document)
        {
            var root = new JsonCursor(document.RootElement, "$", source).RequireObject();
            root.AllowOnly(TopFields);
            string format = root.String("format", Format);
            if (format != Format)
            {
                throw root.Error($"unsupported format '{format}'; this version reads '{Format}'", "format");
            }

            var (input, rank) = ReadInput(root);
            var stages = root.Items("stages", required: true).Select(stage => ReadStage(stage, rank)).ToValueList();
            ValueList<Op> head = OpCodec.ReadOps(root, "head", rank, required: false);
            try
            {
                return new Network(root.String("name", defaultName), input, stages, head, rank);
            }
            catch (ArchitectureException error)
            {
                throw new SpecException(source, ArchitectureException.Join("$", error.Path), error.Rule, error);
            }
        }
    }

    /// <summary>The spec of <paramref name="network"/> as indented JSON.</summary>
    public static string Serialize(Network network)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            int rank = network.SpatialRank;
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("name", network.Name);
            json.WriteStartArray("input");
            json.WriteNumberValue(network.Input.Channels);
            if (rank == 2)
            {
                json.WriteNumberValue(network.Input.Height);
            }

            json.WriteNumberValue(network.Input.Width);
            json.WriteEndArray();
            json.WriteStartArray("stages");
            foreach (Stage stage in network.Stages)
            {
                json.WriteStartObject();
                if (stage.Entry.Count > 0)
                {
                    OpCodec.WriteOps(json, "entry", stage.Entry, rank);
                }

                json.WriteStartArray("units");
                foreach (Unit unit in stage.Units)
                {
                    json.WriteStartObject();
                    json.WriteString("name", unit.Name);
                    if (unit.Role != UnitRole.Body)
                    {
                        json.WriteString("role", unit.Role.ToString().ToLowerInvariant());
                    }

                    if (unit.Family is not null)
                    {
                        json.WriteString("family", unit.Family);
                    }

                    OpCodec.WriteOps(json, "ops", unit.Ops, rank);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            OpCodec.WriteOps(json, "head", network.Head, rank);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Writes the spec of <paramref name="network"/> to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Save(Network network, string path) => AtomicFile.WriteAllText(path, Serialize(network));

    private static (FeatureShape Input, int Rank) ReadInput(JsonCursor root)
    {
        var dims = root.Items("input", required: true).Select(item => item.AsInt()).ToList();
        return dims.Count switch
        {
            3 => (new FeatureShape(dims[0], dims[1], dims[2]), 2),
            2 => (new FeatureShape(dims[0], 1, dims[1]), 1),
            _ => throw root.Error($"expected [channels, height, width] for images or [channels, length] for 1-D signals, got {dims.Count} numbers", "input"),
        };
    }

    private static Stage ReadStage(JsonCursor stage, int rank)
    {
        stage.RequireObject().AllowOnly(StageFields);
        ValueList<Op> entry = OpCodec.ReadOps(stage, "entry", rank, required: false);
        var units = stage.Items("units", required: true).Select(unit => ReadUnit(unit, rank)).ToValueList();
        return new Stage(entry, units);
    }

    private static Unit ReadUnit(JsonCursor unit, int rank)
    {
        unit.RequireObject().AllowOnly(UnitFields);
        ValueList<Op> ops = OpCodec.ReadOps(unit, "ops", rank, required: true);
        string role = unit.String("role", "body");
        UnitRole parsedRole = role switch
        {
            "body" => UnitRole.Body,
            "stem" => UnitRole.Stem,
            "tail" => UnitRole.Tail,
            _ => throw unit.Error($"unknown role '{role}'; expected body, stem or tail", "role"),
        };
        string name = unit.String("name", ops.Count > 0 ? DefaultName(ops[0]) : "unit");
        string? family = unit.Has("family") ? unit.String("family") : null;
        return new Unit(name, ops, parsedRole, family);
    }

    private static string DefaultName(Op op) => op switch
    {
        Convolution conv => $"conv{conv.Kernel}-{conv.OutChannels}",
        PointwiseConvolution pw => $"{pw.Type}-{pw.OutChannels}",
        RollingPointwiseConvolution rpw => $"rpw-{rpw.OutChannels}",
        _ => op.Type,
    };

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }
}
