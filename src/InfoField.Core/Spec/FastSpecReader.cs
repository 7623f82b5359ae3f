using System.Buffers;
using System.Buffers.Text;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using InfoField.Architecture;

namespace InfoField.Spec;

/// <summary>
/// The fast path of <see cref="NetworkSpec.Parse(string, string, string, OpSet?)"/>: one pass of a
/// <see cref="Utf8JsonReader"/> over the spec's UTF-8 bytes that builds the network directly, without a
/// <see cref="JsonDocument"/>, JSON paths or per-item cursors. It accepts exactly what the checked reader accepts and
/// builds the same network, and it <em>declines</em> (returns null) on anything unusual: an error of any kind, a
/// duplicate or unknown field, escapes in names, fields in an order it does not expect (<c>input</c> after
/// <c>stages</c>). The caller then runs the checked reader, which finds the error and names its JSON path, so errors
/// read exactly as before and only valid specs take this path.
/// </summary>
internal sealed class FastSpecReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static readonly byte[][] NetworkFields = [.. new[] { "format", "name", "input", "stages", "head" }.Select(Encoding.UTF8.GetBytes)];
    private static readonly byte[][] StageFields = [.. new[] { "entry", "units" }.Select(Encoding.UTF8.GetBytes)];
    private static readonly byte[][] UnitFields = [.. new[] { "name", "role", "family", "ops" }.Select(Encoding.UTF8.GetBytes)];

    private readonly OpSet _kinds;
    private readonly List<FastOpFields> _fields = [];
    private readonly List<Dictionary<string, int>> _tensorNames = [];
    private readonly List<ValueList<int>> _singles = [];

    /// <summary>The units read before, by their text: a unit written again (a search space's stem) is not read again.</summary>
    private readonly TextCache<KeptUnit> _units;

    /// <summary>The ops of graph nodes read before, by their text: an op written alike in many cells is read once.</summary>
    private readonly TextCache<KeptNode> _nodes = new(4096, KeptBytes);

    /// <summary>The shapes of the unit graphs of the networks read before (their units are often the same objects).</summary>
    private readonly GraphShapes _graphShapes = new(256);

    /// <summary>The ops of lists without names or inputs (a stage's entry, the head) read before, by their text.</summary>
    private readonly TextCache<KeptNode> _listedOps = new(256, 1 << 16);

    private int _rank;

    /// <summary>Where the reader's bytes begin in the spec: a reader that resumes after text read before starts there.</summary>
    private int _offset;

    /// <summary>The unit read last in this spec, where its text starts in the spec and its length, and the reader's state after it.</summary>
    private (Unit Unit, int From, int Length, JsonReaderState After)? _last;

    /// <summary>The reader of <see cref="NetworkSpec.Parse(string, string, string, OpSet?)"/> on this thread, kept between specs.</summary>
    [ThreadStatic]
    private static FastSpecReader? _shared;

    private bool _busy;

    /// <summary>The bytes of text each cache keeps at most: a reader kept between specs holds no more than this.</summary>
    private const int KeptBytes = 1 << 20;

    /// <summary>
    /// A reader for specs with the op kinds of <paramref name="kinds"/>. It keeps the units it has read, by their JSON
    /// text, up to <paramref name="unitCapacity"/> of them and 1 MiB of their text: a unit written again (the repeated
    /// cells of a stage, the stem shared by a search space) is not read again; so are the ops of graph nodes (up to 4,096
    /// and 1 MiB). One reader serves one thread.
    /// </summary>
    public FastSpecReader(OpSet kinds, int unitCapacity = 64)
    {
        _kinds = kinds;
        _units = new TextCache<KeptUnit>(unitCapacity, KeptBytes);
    }

    /// <summary>
    /// The network of the spec in <paramref name="utf8"/>, or null when the checked reader must read it. The thread's
    /// reader is kept between calls (with its units, at most 64 and 1 MiB of their text, and its nodes' ops), so that
    /// the units specs share (a search space's stem and reduction blocks) are read once.
    /// </summary>
    public static Network? TryParse(ReadOnlySpan<byte> utf8, string defaultName, OpSet kinds) => Shared(kinds).TryRead(utf8, defaultName);

    /// <summary>The reader of this thread for <paramref name="kinds"/>.</summary>
    private static FastSpecReader Shared(OpSet kinds)
    {
        FastSpecReader? reader = _shared;
        if (reader is null || reader._busy || !ReferenceEquals(reader._kinds, kinds))
        {
            // A reader per op set (units read with other kinds are not these), and a fresh one if a read is under way.
            reader = new FastSpecReader(kinds);
            if (_shared is not { _busy: true })
            {
                _shared = reader;
            }
        }

        return reader;
    }

    /// <summary>The network of the spec in <paramref name="utf8"/>, or null when the checked reader must read it.</summary>
    public Network? TryRead(ReadOnlySpan<byte> utf8, string defaultName) =>

        // Bytes that are not UTF-8: the checked reader says where.
        Utf8.IsValid(utf8) ? TryReadValid(utf8, defaultName) : null;

    /// <summary>The network of the spec in <paramref name="utf8"/>, known to be UTF-8, or null when the checked reader must read it.</summary>
    private Network? TryReadValid(ReadOnlySpan<byte> utf8, string defaultName)
    {
        _busy = true;
        _offset = 0;
        _last = null;
        try
        {
            var reader = new Utf8JsonReader(utf8, ReaderOptions);
            return ReadNetwork(ref reader, utf8, defaultName);
        }
        catch (Exception error) when (error is not (OutOfMemoryException or InsufficientExecutionStackException))
        {
            // Any problem: the checked reader reads the spec again and reports it with its JSON path.
            return null;
        }
        finally
        {
            _busy = false;
            _last = null;
        }
    }

    /// <summary>The fast path of a string: its UTF-8 bytes (valid, as every string's: a lone surrogate becomes U+FFFD, as for the checked reader) in a pooled buffer.</summary>
    public static Network? TryParse(string json, string defaultName, OpSet kinds)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            int length = Encoding.UTF8.GetBytes(json, buffer);
            return Shared(kinds).TryReadValid(buffer.AsSpan(0, length), defaultName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Network? ReadNetwork(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, string defaultName)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        string? name = null;
        FeatureShape? input = null;
        List<Stage>? stages = null;
        ValueList<Op> head = [];
        int seen = 0;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            int field = Field(ref reader, seen, NetworkFields);
            seen |= 1 << field;
            if (Next(ref reader) == JsonTokenType.Null)
            {
                continue;
            }

            switch (field)
            {
                case 0:
                    Require(reader.TokenType == JsonTokenType.String
                        && (reader.ValueTextEquals(NetworkSpec.Format) || reader.ValueTextEquals(NetworkSpec.FormatV1)));
                    break;
                case 1:
                    name = StringValue(ref reader);
                    break;
                case 2:
                    input = ReadInput(ref reader);
                    break;
                case 3:
                    Require(input is not null && reader.TokenType == JsonTokenType.StartArray);
                    stages = [];
                    while (Next(ref reader) != JsonTokenType.EndArray)
                    {
                        stages.Add(ReadStage(ref reader, utf8));
                    }

                    break;
                default:
                    Require(input is not null);
                    head = ReadOps(ref reader, utf8);
                    break;
            }
        }

        Require(reader.TokenType == JsonTokenType.EndObject && !reader.Read() && input is not null && stages is not null);
        return new Network(name ?? defaultName, input!.Value, stages!.ToValueList(), head, _rank, _graphShapes);
    }

    private FeatureShape ReadInput(ref Utf8JsonReader reader)
    {
        Require(reader.TokenType == JsonTokenType.StartArray);
        Span<int> dims = stackalloc int[4];
        int count = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            Require(count < 4 && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out dims[count]));
            count++;
        }

        Require(count is 2 or 3 or 4);
        _rank = count - 1;
        return count switch
        {
            4 => FeatureShape.Volume3d(dims[0], dims[1], dims[2], dims[3]),
            3 => new FeatureShape(dims[0], dims[1], dims[2]),
            _ => new FeatureShape(dims[0], 1, dims[1]),
        };
    }

    private Stage ReadStage(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        Expect(reader.TokenType, JsonTokenType.StartObject);
        ValueList<Op> entry = [];
        List<Unit>? units = null;
        int seen = 0;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            int field = Field(ref reader, seen, StageFields);
            seen |= 1 << field;
            if (Next(ref reader) == JsonTokenType.Null)
            {
                continue;
            }

            if (field == 0)
            {
                entry = ReadOps(ref reader, utf8);
                continue;
            }

            Require(reader.TokenType == JsonTokenType.StartArray);
            units = [];
            while (Next(ref reader) != JsonTokenType.EndArray)
            {
                units.Add(ReadUnit(ref reader, utf8));
            }
        }

        Require(units is not null);
        return new Stage(entry, units!.ToValueList());
    }

    /// <summary>
    /// A unit: the one read before from the same text (and rank), else read now and kept. The text of the unit read last
    /// (the next cell of a stage is usually the same) is compared byte for byte before any token is read: a JSON object
    /// ends at its closing brace, so bytes that start with that whole object hold that object, and the reader resumes
    /// after it in the state it had after the first copy (the same tokens at the same depth: a unit is always an item of
    /// a stage's units). Other units read before are found by their text up to the matching brace (<see cref="JsonExtent"/>).
    /// </summary>
    private Unit ReadUnit(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        Expect(reader.TokenType, JsonTokenType.StartObject);
        int from = _offset + checked((int)reader.TokenStartIndex);
        Unit unit;
        int length;
        if (_last is var (lastUnit, lastFrom, lastLength, after) && utf8[from..].StartsWith(utf8.Slice(lastFrom, lastLength)))
        {
            unit = lastUnit;
            length = lastLength;
            Resume(ref reader, utf8, from + length, after);
        }
        else if (Kept(utf8, from, _units, out length) is { } kept)
        {
            unit = kept.Unit;
            Resume(ref reader, utf8, from + length, kept.After);
        }
        else
        {
            unit = ReadUnitFields(ref reader, utf8);
            if (Whole(ref reader, from, length))
            {
                _units.Add(_rank, utf8.Slice(from, length), new KeptUnit(unit, reader.CurrentState));
            }

            length = _offset + checked((int)reader.BytesConsumed) - from;
        }

        Require(reader.CurrentDepth < 32);
        _last = (unit, from, length, reader.CurrentState);
        return unit;
    }

    /// <summary>
    /// What <paramref name="cache"/> keeps for the object at <paramref name="from"/> (read at this rank), with its
    /// length; null when none (then <paramref name="length"/> is its length, or -1 when <see cref="JsonExtent"/> cannot tell).
    /// </summary>
    private T? Kept<T>(ReadOnlySpan<byte> utf8, int from, TextCache<T> cache, out int length)
        where T : class
    {
        length = JsonExtent.ObjectLength(utf8[from..]);
        return length > 0 && cache.TryGet(_rank, utf8.Slice(from, length), out T kept) ? kept : null;
    }

    /// <summary>True when the object just read, from <paramref name="from"/>, ended where <see cref="JsonExtent"/> said (<paramref name="length"/>): its text is then a key.</summary>
    private bool Whole(ref Utf8JsonReader reader, int from, int length) => length > 0 && _offset + reader.BytesConsumed == from + length;

    /// <summary>Continues after text read before, ending at <paramref name="at"/>, in the state the reader had after it then.</summary>
    private void Resume(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, int at, JsonReaderState after)
    {
        _offset = at;
        reader = new Utf8JsonReader(utf8[at..], isFinalBlock: true, after);
    }

    private Unit ReadUnitFields(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        string? name = null, family = null;
        UnitRole role = UnitRole.Body;
        OpGraph? graph = null;
        int seen = 0;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            int field = Field(ref reader, seen, UnitFields);
            seen |= 1 << field;
            if (Next(ref reader) == JsonTokenType.Null)
            {
                continue;
            }

            switch (field)
            {
                case 0:
                    name = StringValue(ref reader);
                    break;
                case 1:
                    Require(reader.TokenType == JsonTokenType.String);
                    role = reader.ValueTextEquals("body"u8) ? UnitRole.Body
                        : reader.ValueTextEquals("stem"u8) ? UnitRole.Stem
                        : reader.ValueTextEquals("tail"u8) ? UnitRole.Tail
                        : throw Decline.Instance;
                    break;
                case 2:
                    family = StringValue(ref reader);
                    break;
                default:
                    graph = ReadGraph(ref reader, utf8, 0);
                    break;
            }
        }

        Require(graph is not null);
        return new Unit(name ?? (graph!.Count > 0 ? NetworkSpec.DefaultName(graph.Nodes[0].Op) : "unit"), graph!, role, family);
    }

    /// <summary>A list of ops without names or inputs (a stage's entry, the head).</summary>
    private ValueList<Op> ReadOps(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        Require(reader.TokenType == JsonTokenType.StartArray);
        var ops = new List<Op>();
        FastOpFields fields = FieldsAt(0);
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            Expect(reader.TokenType, JsonTokenType.StartObject);
            int from = _offset + checked((int)reader.TokenStartIndex);
            int jsonDepth = reader.CurrentDepth;
            if (Kept(utf8, from, _listedOps, out int length) is { } kept && kept.Depth == jsonDepth)
            {
                ops.Add(kept.Op);
                Resume(ref reader, utf8, from + length, kept.After);
                continue;
            }

            ReadItem(ref reader, utf8, fields, 0, null);
            Require(!fields.Residual && fields.Name is null && !fields.HasInputs);
            Op op = ReadOp(fields, extraFields: false);
            ops.Add(op);
            if (Whole(ref reader, from, length))
            {
                _listedOps.Add(_rank, utf8.Slice(from, length), new KeptNode(op, null, null, reader.CurrentState, jsonDepth));
            }
        }

        return ops.ToValueList();
    }

    /// <summary>
    /// A unit's graph (or a residual's body or shortcut), as <see cref="OpCodec.ReadGraph"/> reads it. A node whose text
    /// (and JSON depth) was read before gets the op read then, its name and its inputs' names: only the names are
    /// looked up again, among the tensors of this graph. Nodes read before that follow one another right after a comma
    /// are taken without the JSON reader, which resumes after the last of them.
    /// </summary>
    private OpGraph ReadGraph(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, int depth)
    {
        Require(reader.TokenType == JsonTokenType.StartArray);
        var nodes = new List<GraphNode>();
        Dictionary<string, int> tensors = TensorsAt(depth);
        FastOpFields fields = FieldsAt(depth);
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            Expect(reader.TokenType, JsonTokenType.StartObject);
            int from = _offset + checked((int)reader.TokenStartIndex);
            int jsonDepth = reader.CurrentDepth;
            if (Kept(utf8, from, _nodes, out int length) is { } kept && kept.Depth == jsonDepth)
            {
                int end = from + length;
                AddKept(kept, nodes, tensors);
                while (end + 1 < utf8.Length && utf8[end] == (byte)',' && utf8[end + 1] == (byte)'{'
                    && Kept(utf8, end + 1, _nodes, out int next) is { } following && following.Depth == jsonDepth)
                {
                    kept = following;
                    end += 1 + next;
                    AddKept(kept, nodes, tensors);
                }

                Resume(ref reader, utf8, end, kept.After);
                continue;
            }

            ReadItem(ref reader, utf8, fields, depth, tensors);
            ValueList<int> inputs = fields.HasInputs ? fields.Inputs.ToValueList() : Single(nodes.Count);
            if (fields.Residual)
            {
                Require(fields.OnlyFields(["type", "body", "shortcut", "name", "inputs"]) && inputs.Count == 1 && fields.Body is { Count: > 0 });
                int offset = nodes.Count;
                foreach (GraphNode node in OpGraph.Residual(fields.Body!, fields.Shortcut ?? OpGraph.Identity).Nodes)
                {
                    var remapped = new int[node.Inputs.Count];
                    for (int i = 0; i < remapped.Length; i++)
                    {
                        remapped[i] = node.Inputs[i] == 0 ? inputs[0] : node.Inputs[i] + offset;
                    }

                    nodes.Add(new GraphNode(node.Op, remapped));
                }
            }
            else
            {
                Op op = ReadOp(fields, extraFields: true);
                nodes.Add(new GraphNode(op, inputs));
                if (Whole(ref reader, from, length))
                {
                    _nodes.Add(_rank, utf8.Slice(from, length), new KeptNode(op, fields.Name, fields.HasInputs ? [.. fields.InputNames] : null, reader.CurrentState, jsonDepth));
                }
            }

            Name(fields.Name, nodes.Count, tensors);
        }

        return new OpGraph(nodes.ToValueList());
    }

    /// <summary>Adds the node of a text read before: its op, its inputs (the tensor before it when it names none) and its name.</summary>
    private void AddKept(KeptNode kept, List<GraphNode> nodes, Dictionary<string, int> tensors)
    {
        nodes.Add(new GraphNode(kept.Op, kept.Inputs is null ? Single(nodes.Count) : Resolve(kept.Inputs, tensors)));
        Name(kept.Name, nodes.Count, tensors);
    }

    /// <summary>Names tensor <paramref name="tensor"/> (a node's output) <paramref name="name"/>, unless null: a name is given once, never <c>input</c>.</summary>
    private static void Name(string? name, int tensor, Dictionary<string, int> tensors)
    {
        if (name is not null)
        {
            Require(name != OpCodec.InputName && tensors.TryAdd(name, tensor));
        }
    }

    /// <summary>The tensors that <paramref name="names"/> name, each made before this node.</summary>
    private static ValueList<int> Resolve(string[] names, Dictionary<string, int> tensors)
    {
        var inputs = new int[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            Require(tensors.TryGetValue(names[i], out inputs[i]));
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(inputs);
    }

    /// <summary>The inputs of a node that reads only tensor <paramref name="tensor"/>, shared (they are immutable).</summary>
    private ValueList<int> Single(int tensor)
    {
        while (_singles.Count <= tensor)
        {
            _singles.Add(ImmutableArray.Create(_singles.Count));
        }

        return _singles[tensor];
    }

    private Op ReadOp(FastOpFields fields, bool extraFields)
    {
        if (fields.Type is null || !_kinds.TryGet(fields.Type.AsSpan(), out OpKind kind) || !fields.OnlyFields(kind.Fields, extraFields))
        {
            throw Decline.Instance;
        }

        return kind.Read(new OpReader(fields, _rank));
    }

    /// <summary>Reads one op object into <paramref name="fields"/>; a residual's body and shortcut are read as graphs.</summary>
    private void ReadItem(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, FastOpFields fields, int depth, Dictionary<string, int>? tensors)
    {
        Expect(reader.TokenType, JsonTokenType.StartObject);
        fields.Clear();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            int property = fields.AddName(ref reader);
            JsonTokenType value = Next(ref reader);
            if (fields.NameIs(property, "body"u8) || fields.NameIs(property, "shortcut"u8))
            {
                if (value == JsonTokenType.StartArray)
                {
                    OpGraph graph = ReadGraph(ref reader, utf8, depth + 1);
                    fields.SetGraph(property, graph);
                    continue;
                }
            }
            else if (fields.NameIs(property, "inputs"u8) && value == JsonTokenType.StartArray && tensors is not null)
            {
                fields.SetValue(property, ref reader);
                fields.ResolveInputs(property, tensors);
                continue;
            }

            fields.SetValue(property, ref reader);
        }

        fields.Finish();
    }

    /// <summary>The names of a graph's tensors at this depth, holding only the unit's input (a residual's body has its own).</summary>
    private Dictionary<string, int> TensorsAt(int depth)
    {
        while (_tensorNames.Count <= depth)
        {
            _tensorNames.Add(new Dictionary<string, int>(StringComparer.Ordinal));
        }

        Dictionary<string, int> tensors = _tensorNames[depth];
        tensors.Clear();
        tensors[OpCodec.InputName] = 0;
        return tensors;
    }

    private FastOpFields FieldsAt(int depth)
    {
        while (_fields.Count <= depth)
        {
            _fields.Add(new FastOpFields());
        }

        return _fields[depth];
    }

    /// <summary>The index of the property just read among <paramref name="names"/>; declines on another name or one seen before.</summary>
    private static int Field(ref Utf8JsonReader reader, int seen, byte[][] names)
    {
        Require(!reader.ValueIsEscaped);
        for (int i = 0; i < names.Length; i++)
        {
            if (reader.ValueSpan.SequenceEqual(names[i]))
            {
                Require((seen & (1 << i)) == 0);
                return i;
            }
        }

        throw Decline.Instance;
    }

    private static string StringValue(ref Utf8JsonReader reader)
    {
        Require(reader.TokenType == JsonTokenType.String);
        return reader.GetString()!;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        Require(reader.Read());
        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type) => Require(reader.Read() && reader.TokenType == type);

    private static void Expect(JsonTokenType actual, JsonTokenType type) => Require(actual == type);

    private static void Require(bool condition)
    {
        if (!condition)
        {
            throw Decline.Instance;
        }
    }

    /// <summary>A unit read before and the reader's state after its text.</summary>
    private sealed record KeptUnit(Unit Unit, JsonReaderState After);

    /// <summary>
    /// A graph node's op read before, the node's name and its inputs' names (null: the tensor before it), and the reader's
    /// state after its text at JSON depth <paramref name="Depth"/> (a node's text read again at another depth is read anew).
    /// </summary>
    private sealed record KeptNode(Op Op, string? Name, string[]? Inputs, JsonReaderState After, int Depth);
}

/// <summary>Thrown inside the fast spec reader to give the spec to the checked reader; never leaves it.</summary>
internal sealed class Decline : Exception
{
    public static Decline Instance { get; } = new();
}

/// <summary>
/// The fields of one op object as the fast spec reader saw them: names and values copied (unescaped) into one buffer,
/// read back with the semantics of <see cref="JsonCursor"/> (a null field is absent). Every error declines.
/// </summary>
internal sealed class FastOpFields
{
    private readonly List<Entry> _entries = [];
    private readonly List<Entry> _items = [];
    private readonly List<int> _inputs = [];
    private readonly List<string> _inputNames = [];
    private byte[] _bytes = new byte[256];
    private int _used;

    public string? Type { get; private set; }

    public string? Name { get; private set; }

    public bool Residual { get; private set; }

    public bool HasInputs { get; private set; }

    public List<int> Inputs => _inputs;

    /// <summary>The names of <see cref="Inputs"/>, as written.</summary>
    public List<string> InputNames => _inputNames;

    public OpGraph? Body { get; private set; }

    public OpGraph? Shortcut { get; private set; }

    public void Clear()
    {
        _entries.Clear();
        _items.Clear();
        _inputs.Clear();
        _inputNames.Clear();
        _used = 0;
        Type = null;
        Name = null;
        Residual = false;
        HasInputs = false;
        Body = null;
        Shortcut = null;
    }

    /// <summary>Records the property name just read; declines on a duplicate.</summary>
    public int AddName(ref Utf8JsonReader reader)
    {
        int start = Copy(ref reader);
        int length = _used - start;
        ReadOnlySpan<byte> name = _bytes.AsSpan(start, length);
        foreach (Entry entry in _entries)
        {
            if (_bytes.AsSpan(entry.NameStart, entry.NameLength).SequenceEqual(name))
            {
                throw Decline.Instance;
            }
        }

        _entries.Add(new Entry { NameStart = start, NameLength = length });
        return _entries.Count - 1;
    }

    public bool NameIs(int property, ReadOnlySpan<byte> name) =>
        _bytes.AsSpan(_entries[property].NameStart, _entries[property].NameLength).SequenceEqual(name);

    /// <summary>Records the value the reader is at; arrays keep their scalar items, objects are skipped.</summary>
    public void SetValue(int property, ref Utf8JsonReader reader)
    {
        Entry entry = _entries[property];
        entry.Kind = reader.TokenType;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number or JsonTokenType.String:
                entry.ValueStart = Copy(ref reader);
                entry.ValueLength = _used - entry.ValueStart;
                break;
            case JsonTokenType.StartArray:
                entry.ValueStart = _items.Count;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var item = new Entry { Kind = reader.TokenType };
                    if (reader.TokenType is JsonTokenType.Number or JsonTokenType.String)
                    {
                        item.ValueStart = Copy(ref reader);
                        item.ValueLength = _used - item.ValueStart;
                    }
                    else if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                    {
                        reader.Skip();
                    }

                    _items.Add(item);
                }

                entry.ValueLength = _items.Count - entry.ValueStart;
                break;
            case JsonTokenType.StartObject:
                reader.Skip();
                break;
        }

        _entries[property] = entry;
    }

    /// <summary>Records a residual's body or shortcut, read as a graph.</summary>
    public void SetGraph(int property, OpGraph graph)
    {
        Entry entry = _entries[property];
        entry.Kind = JsonTokenType.StartArray;
        entry.ValueStart = _items.Count;
        entry.ValueLength = 0;
        _entries[property] = entry;
        if (NameIs(property, "body"u8))
        {
            Body = graph;
        }
        else
        {
            Shortcut = graph;
        }
    }

    /// <summary>The tensors named by the <c>inputs</c> array just recorded: every name must be made before this op.</summary>
    public void ResolveInputs(int property, Dictionary<string, int> tensors)
    {
        Entry entry = _entries[property];
        for (int i = entry.ValueStart; i < entry.ValueStart + entry.ValueLength; i++)
        {
            Entry item = _items[i];
            string name = item.Kind == JsonTokenType.String ? Text(item) : throw Decline.Instance;
            if (!tensors.TryGetValue(name, out int tensor))
            {
                throw Decline.Instance;
            }

            _inputs.Add(tensor);
            _inputNames.Add(name);
        }

        if (_inputs.Count == 0)
        {
            throw Decline.Instance;
        }
    }

    /// <summary>After the object: the type, the node's name and inputs (each a string, as the checked reader requires).</summary>
    public void Finish()
    {
        if (Find("type") is not { } type || type.Kind != JsonTokenType.String)
        {
            throw Decline.Instance;
        }

        Type = Text(type);
        Residual = Type == "residual";
        if (Find("name") is { } name)
        {
            Name = name.Kind == JsonTokenType.String ? Text(name) : throw Decline.Instance;
        }

        if (Find("inputs") is { } inputs)
        {
            // Resolved as they were read; an inputs field that is not an array of names declines.
            HasInputs = inputs.Kind == JsonTokenType.StartArray && _inputs.Count > 0 ? true : throw Decline.Instance;
        }

        if (Residual && (Find("body") is { Kind: not JsonTokenType.StartArray } || (Find("shortcut") is { } shortcut && (shortcut.Kind != JsonTokenType.StartArray || Shortcut is null))))
        {
            throw Decline.Instance;
        }
    }

    /// <summary>True when every field is <c>type</c>, one of <paramref name="fields"/>, or (<paramref name="extraFields"/>) a node's name or inputs.</summary>
    public bool OnlyFields(IReadOnlyList<string> fields, bool extraFields = false)
    {
        foreach (Entry entry in _entries)
        {
            ReadOnlySpan<byte> name = _bytes.AsSpan(entry.NameStart, entry.NameLength);
            bool known = Is(name, "type") || (extraFields && (Is(name, "name") || Is(name, "inputs")));
            for (int i = 0; !known && i < fields.Count; i++)
            {
                known = Is(name, fields[i]);
            }

            if (!known)
            {
                return false;
            }
        }

        return true;
    }

    public bool Has(string name) => Find(name) is not null;

    public int Int(string name, int? fallback) =>
        Find(name) is { } entry ? AsInt(entry) : fallback ?? throw Decline.Instance;

    public double Double(string name, double? fallback)
    {
        if (Find(name) is not { } entry)
        {
            return fallback ?? throw Decline.Instance;
        }

        // A number that underflows to 0 as written (1e-400) is the checked reader's to refuse.
        return entry.Kind == JsonTokenType.Number && Utf8Parser.TryParse(Value(entry), out double value, out int used) && used == entry.ValueLength && double.IsFinite(value)
            && (value != 0 || Value(entry).IndexOfAnyInRange((byte)'1', (byte)'9') < 0)
            ? value
            : throw Decline.Instance;
    }

    public double ExactDouble(string name)
    {
        double value = Double(name, null);
        Entry entry = Find(name)!.Value;
        return Utf8Parser.TryParse(Value(entry), out decimal written, out int used) && used == entry.ValueLength && RollingWindows.ExactDecimal(value) == written
            ? value
            : throw Decline.Instance;
    }

    public bool Bool(string name, bool fallback) =>
        Find(name) is not { } entry ? fallback
        : entry.Kind == JsonTokenType.True ? true
        : entry.Kind == JsonTokenType.False ? false
        : throw Decline.Instance;

    public string String(string name, string? fallback) =>
        Find(name) is not { } entry ? fallback ?? throw Decline.Instance
        : entry.Kind == JsonTokenType.String ? Text(entry)
        : throw Decline.Instance;

    public Pair Pair(string name, int? fallback, int rank, int heightInOneD)
    {
        if (Find(name) is not { } entry)
        {
            return fallback is int value ? OpReader.Scalar(value, rank, heightInOneD) : throw Decline.Instance;
        }

        if (entry.Kind == JsonTokenType.StartArray)
        {
            return entry.ValueLength switch
            {
                2 => new Pair(AsInt(_items[entry.ValueStart]), AsInt(_items[entry.ValueStart + 1])),
                3 when rank == 3 => Architecture.Pair.Of3d(AsInt(_items[entry.ValueStart]), AsInt(_items[entry.ValueStart + 1]), AsInt(_items[entry.ValueStart + 2])),
                _ => throw Decline.Instance,
            };
        }

        return OpReader.Scalar(AsInt(entry), rank, heightInOneD);
    }

    /// <summary>The field named <paramref name="name"/>, unless absent or null.</summary>
    private Entry? Find(string name)
    {
        foreach (Entry entry in _entries)
        {
            if (Is(_bytes.AsSpan(entry.NameStart, entry.NameLength), name))
            {
                return entry.Kind == JsonTokenType.Null ? null : entry;
            }
        }

        return null;
    }

    private int AsInt(Entry entry) =>
        entry.Kind == JsonTokenType.Number && Utf8Parser.TryParse(Value(entry), out int value, out int used) && used == entry.ValueLength
            ? value
            : throw Decline.Instance;

    private ReadOnlySpan<byte> Value(Entry entry) => _bytes.AsSpan(entry.ValueStart, entry.ValueLength);

    private string Text(Entry entry) => Encoding.UTF8.GetString(_bytes, entry.ValueStart, entry.ValueLength);

    /// <summary>True when the UTF-8 <paramref name="utf8"/> spells <paramref name="name"/> (compared as ASCII; other names decline).</summary>
    private static bool Is(ReadOnlySpan<byte> utf8, string name)
    {
        if (utf8.Length != name.Length)
        {
            return false;
        }

        for (int i = 0; i < utf8.Length; i++)
        {
            if (name[i] > 127)
            {
                throw Decline.Instance;
            }

            if (utf8[i] != name[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Copies the current token's value (unescaped) to the buffer; returns where it starts.</summary>
    private int Copy(ref Utf8JsonReader reader)
    {
        int length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (_used + length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + length));
        }

        int start = _used;
        _used += reader.TokenType == JsonTokenType.Number ? CopyNumber(ref reader, _bytes.AsSpan(start)) : reader.CopyString(_bytes.AsSpan(start));
        return start;
    }

    private static int CopyNumber(ref Utf8JsonReader reader, Span<byte> target)
    {
        reader.ValueSpan.CopyTo(target);
        return reader.ValueSpan.Length;
    }

    private struct Entry
    {
        public int NameStart;
        public int NameLength;
        public JsonTokenType Kind;
        public int ValueStart;
        public int ValueLength;
    }
}
