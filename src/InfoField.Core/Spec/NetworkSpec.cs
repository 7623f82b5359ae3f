using System.Globalization;
using System.Text;
using System.Text.Json;
using InfoField.Architecture;
using InfoField.Files;

namespace InfoField.Spec;

/// <summary>
/// Spec files: a network as JSON (docs/spec-format.md), loadable and savable so users can describe their own networks.
/// Loading validates the network and reports the first broken rule with its JSON path.
/// </summary>
public static partial class NetworkSpec
{
    /// <summary>The format tag written into every spec: version 2, whose units may be graphs.</summary>
    public const string Format = "infofield-network/2";

    /// <summary>The first format, whose units are chains (with residual shorthand); still read.</summary>
    public const string FormatV1 = "infofield-network/1";

    /// <summary>
    /// The format written for networks with further outputs (<see cref="Network.Outputs"/>): version 2 and an
    /// <c>outputs</c> list; networks with one output are still written as version 2.
    /// </summary>
    public const string FormatV3 = "infofield-network/3";

    /// <summary>
    /// The format written for networks with units that read earlier units' outputs (<see cref="Unit.Skips"/>): version 3
    /// and a unit's <c>skips</c> list, each skip named for the unit's <c>inputs</c>; other networks keep their format.
    /// </summary>
    public const string FormatV4 = "infofield-network/4";

    /// <summary>
    /// The format written for networks with an output that reads another output (<see cref="NetworkOutput.Reads"/>):
    /// version 4 and an output's <c>reads</c>, the name of the earlier output it continues (in place of its stage and
    /// unit, which are that output's); other networks keep their format.
    /// </summary>
    public const string FormatV5 = "infofield-network/5";

    private static readonly string[] TopFields = ["format", "name", "input", "stages", "head", "outputs"];
    private static readonly string[] OutputFields = ["name", "stage", "unit", "head"];
    private static readonly string[] ReadingOutputFields = ["name", "reads", "head"];
    private static readonly string[] StageFields = ["entry", "units"];
    private static readonly string[] UnitFields = ["name", "role", "family", "ops"];
    private static readonly string[] UnitFieldsV4 = [.. UnitFields, "skips"];
    private static readonly string[] SkipFields = ["name", "stage", "unit"];

    /// <summary>Loads and validates the spec file at <paramref name="path"/>.</summary>
    public static Network Load(string path) => Load(path, OpSet.Default);

    /// <summary>Loads and validates the spec file at <paramref name="path"/>, with the op kinds of <paramref name="kinds"/>.</summary>
    public static Network Load(string path, OpSet kinds)
    {
        byte[] bytes;
        try
        {
            bytes = BoundedFile.ReadAllBytes(path, BoundedFile.MaxSpecBytes, "spec file");
        }
        catch (InfoFieldException error)
        {
            throw new SpecException(path, "", error.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? error.Message[(path.Length + 2)..] : error.Message, error);
        }

        return Read(bytes, path, kinds);
    }

    /// <summary>
    /// Parses and validates the content of the spec file <paramref name="path"/> (UTF-8, read by the caller: a file chosen
    /// in a browser, say) as <see cref="Load(string, OpSet)"/> does, naming the network after the file when the spec has no name.
    /// </summary>
    public static Network Read(byte[] bytes, string path, OpSet? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Parse(BoundedFile.Text(bytes), path, Path.GetFileNameWithoutExtension(path), kinds);
    }

    /// <summary>
    /// Parses and validates a spec; <paramref name="source"/> names it in errors. Units read before on the same thread
    /// with the same <paramref name="kinds"/> (up to 64 of them and 1 MiB of their text) are not read again: specs that share units (a search
    /// space's stem and reduction blocks) get the same immutable unit objects.
    /// </summary>
    public static Network Parse(string json, string source = "spec", string defaultName = "network", OpSet? kinds = null)
    {
        kinds ??= OpSet.Default;
        if (FastSpecReader.TryParse(json, defaultName, kinds) is { } network)
        {
            return network;
        }

        return ParseChecked(json, source, defaultName, kinds);
    }

    /// <summary>
    /// The checked reader: reads the spec through a <see cref="JsonDocument"/> with the JSON path of every item, so that
    /// the first broken rule is reported where it is. Valid specs take the fast path first (<see cref="FastSpecReader"/>).
    /// </summary>
    internal static Network ParseChecked(string json, string source, string defaultName, OpSet kinds)
    {
        JsonDocument document;
        try
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(json);
            JsonText.RequireValidStrings(utf8, allowComments: true);
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
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
            if (format is not (Format or FormatV1 or FormatV3 or FormatV4 or FormatV5))
            {
                throw root.Error($"unsupported format '{format}'; this version reads '{FormatV5}', '{FormatV4}', '{FormatV3}', '{Format}' and '{FormatV1}'", "format");
            }

            if (format is not (FormatV3 or FormatV4 or FormatV5) && root.Has("outputs"))
            {
                throw root.Error($"further outputs need format '{FormatV3}' (the file says '{format}')", "outputs");
            }

            var (input, rank) = ReadInput(root);
            var nodePaths = new Dictionary<(int Stage, int Unit), List<string>>();
            bool skips = format is FormatV4 or FormatV5;
            var stages = root.Items("stages", required: true).Select((stage, s) => ReadStage(stage, s, rank, kinds, nodePaths, skips)).ToValueList();
            ValueList<Op> head = OpCodec.ReadOps(root, "head", rank, required: false, kinds);
            Network network = Network.TryCreate(root.String("name", defaultName), input, stages, head, rank)
                .OrThrow(broken => new SpecException(source, JsonPathOf(broken.Path, nodePaths), broken.Rule, broken.ToException()));
            if (!root.Has("outputs"))
            {
                return network;
            }

            var outputs = new List<NetworkOutput>();
            foreach (JsonCursor output in root.Items("outputs", required: true))
            {
                outputs.Add(ReadOutput(output, rank, kinds, outputs, format == FormatV5));
            }

            return network.TryWithOutputs([.. outputs])
                .OrThrow(broken => new SpecException(source, ArchitectureException.Join("$", broken.Path), broken.Rule, broken.ToException()));
        }
    }

    /// <summary>
    /// The spec of <paramref name="network"/> as indented JSON, format 2 (3 when it has further outputs, 4 when a unit reads
    /// skips, 5 when an output reads another output). Units that are chains or residual blocks are written as plain ops
    /// and <c>residual</c> items, other graphs with named inputs.
    /// </summary>
    public static string Serialize(Network network) =>
        Serialize(network, ReadsOutputs(network) ? FormatV5 : HasSkips(network) ? FormatV4 : network.Outputs.Count > 0 ? FormatV3 : Format);

    private static bool HasSkips(Network network) => network.Units.Any(unit => unit.Skips.Count > 0);

    private static bool ReadsOutputs(Network network) => network.Outputs.Any(output => output.Reads is not null);

    /// <summary>
    /// The spec JSON that identifies <paramref name="network"/> across versions (training run ids hash it): exactly what
    /// format 1 wrote for networks it could describe, so the ids of earlier runs stay valid, else <see cref="Serialize(Network)"/>.
    /// </summary>
    public static string Canonical(Network network) =>
        ReadsOutputs(network) ? Serialize(network, FormatV5)
        : HasSkips(network) ? Serialize(network, FormatV4)
        : network.Outputs.Count > 0 ? Serialize(network, FormatV3)
        : network.Units.All(unit => OpCodec.AsFormat1(unit.Graph) is not null) ? Serialize(network, FormatV1)
        : Serialize(network, Format);

    private static string Serialize(Network network, string format)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            int rank = network.SpatialRank;
            json.WriteStartObject();
            json.WriteString("format", format);
            json.WriteString("name", network.Name);
            json.WriteStartArray("input");
            json.WriteNumberValue(network.Input.Channels);
            if (rank == 3)
            {
                json.WriteNumberValue(network.Input.Depth);
            }

            if (rank >= 2)
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

                    if (unit.Skips.Count > 0)
                    {
                        json.WriteStartArray("skips");
                        for (int j = 0; j < unit.Skips.Count; j++)
                        {
                            json.WriteStartObject();
                            json.WriteString("name", OpCodec.SkipName(j));
                            json.WriteNumber("stage", unit.Skips[j].Stage);
                            json.WriteNumber("unit", unit.Skips[j].Unit);
                            json.WriteEndObject();
                        }

                        json.WriteEndArray();
                        OpCodec.WriteGraph(json, "ops", unit.Graph, rank);
                    }
                    else if (OpCodec.AsFormat1(unit.Graph) is { } items)
                    {
                        OpCodec.WriteFormat1(json, "ops", items, rank);
                    }
                    else
                    {
                        OpCodec.WriteGraph(json, "ops", unit.Graph, rank);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            OpCodec.WriteOps(json, "head", network.Head, rank);
            if (network.Outputs.Count > 0)
            {
                json.WriteStartArray("outputs");
                foreach (NetworkOutput output in network.Outputs)
                {
                    json.WriteStartObject();
                    json.WriteString("name", output.Name);
                    if (output.Reads is not null)
                    {
                        json.WriteString("reads", output.Reads);
                    }
                    else
                    {
                        json.WriteNumber("stage", output.Stage);
                        json.WriteNumber("unit", output.Unit);
                    }

                    OpCodec.WriteOps(json, "head", output.Head, rank);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

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
            4 => (FeatureShape.Volume3d(dims[0], dims[1], dims[2], dims[3]), 3),
            3 => (new FeatureShape(dims[0], dims[1], dims[2]), 2),
            2 => (new FeatureShape(dims[0], 1, dims[1]), 1),
            _ => throw root.Error($"expected [channels, height, width] for images, [channels, length] for 1-D signals or [channels, depth, height, width] for volumes, got {dims.Count} numbers", "input"),
        };
    }

    /// <summary>
    /// One output; with <paramref name="reads"/> (format 5) it may name the output of <paramref name="earlier"/> it reads
    /// instead of a stage and unit, and takes that output's (the network's check names a <c>reads</c> that matches none).
    /// </summary>
    private static NetworkOutput ReadOutput(JsonCursor output, int rank, OpSet kinds, List<NetworkOutput> earlier, bool reads)
    {
        output.RequireObject();
        if (!reads && output.Has("reads"))
        {
            throw output.Error($"an output that reads another output needs format '{FormatV5}'", "reads");
        }

        if (!output.Has("reads"))
        {
            output.AllowOnly(OutputFields);
            return new NetworkOutput(output.String("name"), output.Int("stage"), output.Int("unit"), OpCodec.ReadOps(output, "head", rank, required: false, kinds));
        }

        output.AllowOnly(ReadingOutputFields);
        string name = output.String("name"), read = output.String("reads");
        ValueList<Op> head = OpCodec.ReadOps(output, "head", rank, required: false, kinds);
        NetworkOutput? source = earlier.Find(candidate => candidate.Name == read);
        return source is null ? new NetworkOutput(name, 0, 0, head) { Reads = read } : NetworkOutput.Continuing(name, source, head);
    }

    private static Stage ReadStage(JsonCursor stage, int s, int rank, OpSet kinds, Dictionary<(int, int), List<string>> nodePaths, bool skips)
    {
        stage.RequireObject().AllowOnly(StageFields);
        ValueList<Op> entry = OpCodec.ReadOps(stage, "entry", rank, required: false, kinds);
        var units = stage.Items("units", required: true).Select((unit, u) => ReadUnit(unit, rank, kinds, nodePaths[(s, u)] = [], skips)).ToValueList();
        return new Stage(entry, units);
    }

    private static Unit ReadUnit(JsonCursor unit, int rank, OpSet kinds, List<string> nodePaths, bool skips)
    {
        unit.RequireObject();
        if (!skips && unit.Has("skips"))
        {
            throw unit.Error($"a unit that reads earlier units' outputs needs format '{FormatV4}'", "skips");
        }

        unit.AllowOnly(skips ? UnitFieldsV4 : UnitFields);
        var references = new List<UnitReference>();
        var skipNames = new List<string>();
        foreach (JsonCursor skip in unit.Items("skips", required: false))
        {
            skip.RequireObject().AllowOnly(SkipFields);
            skipNames.Add(skip.String("name"));
            references.Add(new UnitReference(skip.Int("stage"), skip.Int("unit")));
        }

        var (graph, paths) = OpCodec.ReadGraph(unit, "ops", rank, kinds, skipNames);
        nodePaths.AddRange(paths);
        string role = unit.String("role", "body");
        UnitRole parsedRole = role switch
        {
            "body" => UnitRole.Body,
            "stem" => UnitRole.Stem,
            "tail" => UnitRole.Tail,
            _ => throw unit.Error($"unknown role '{role}'; expected body, stem or tail", "role"),
        };
        string name = unit.String("name", graph.Count > 0 ? DefaultName(graph.Nodes[0].Op) : "unit");
        string? family = unit.Has("family") ? unit.String("family") : null;
        return new Unit(name, graph, parsedRole, family) { Skips = references.ToValueList() };
    }

    /// <summary>
    /// The JSON path of an architecture error's path: a unit's node number becomes the JSON item it was read from (a
    /// residual shorthand item makes several nodes).
    /// </summary>
    private static string JsonPathOf(string path, Dictionary<(int Stage, int Unit), List<string>> nodePaths)
    {
        System.Text.RegularExpressions.Match match = NodePath().Match(path);
        if (match.Success
            && nodePaths.TryGetValue((int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)), out List<string>? paths)
            && int.TryParse(match.Groups[3].Value, CultureInfo.InvariantCulture, out int node)
            && node < paths.Count)
        {
            // The add of a residual shorthand is recorded as its shortcut: what to fix when the branches do not add up.
            string field = match.Groups[4].Value;
            return paths[node].EndsWith(".shortcut", StringComparison.Ordinal) && field == ".inputs" ? paths[node] : paths[node] + field;
        }

        return ArchitectureException.Join("$", path);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^stages\[(\d+)\]\.units\[(\d+)\]\.ops\[(\d+)\](.*)$")]
    private static partial System.Text.RegularExpressions.Regex NodePath();

    internal static string DefaultName(Op op) => op switch
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
