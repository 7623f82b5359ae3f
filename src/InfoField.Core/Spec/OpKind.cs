using System.Collections.Immutable;
using System.Text.Json;
using InfoField.Architecture;

namespace InfoField.Spec;

/// <summary>
/// An op kind as spec files know it: its type name, the fields it may have and how to read them. The op record writes
/// its own fields (<see cref="Op.Write"/>), so an op kind is declared in one file: its record, holding its rules and a
/// static <see cref="OpKind"/>. Register new kinds with <see cref="OpSet.With"/>.
/// </summary>
/// <param name="Type">The <c>type</c> written in spec files, e.g. <c>conv</c>.</param>
/// <param name="Fields">The fields besides <c>type</c> (and a graph node's <c>name</c> and <c>inputs</c>).</param>
/// <param name="Read">Reads the op from its fields.</param>
public sealed record OpKind(string Type, ValueList<string> Fields, Func<OpReader, Op> Read);

/// <summary>
/// The op kinds a spec may use, by type name: an immutable table, like a flop counter's handler table. The default
/// holds every built-in op; <see cref="With"/> adds (or replaces) kinds for a parse.
/// </summary>
public sealed class OpSet
{
    private readonly ImmutableDictionary<string, OpKind> _kinds;
    private readonly Dictionary<string, OpKind>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    private OpSet(ImmutableDictionary<string, OpKind> kinds)
    {
        _kinds = kinds;
        _bySpan = new Dictionary<string, OpKind>(kinds, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// Every built-in op kind: each public op record of InfoField.Core declares its kind as a static
    /// <see cref="OpKind"/> property (or several, as a static list of them), and this set holds them all, so a built-in
    /// op kind is registered by its own file.
    /// </summary>
    public static OpSet Default { get; } = new OpSet(ImmutableDictionary<string, OpKind>.Empty).With(Declared(typeof(Op).Assembly));

    /// <summary>The type names, in ordinal order.</summary>
    public IEnumerable<string> Types => _kinds.Keys.Order(StringComparer.Ordinal);

    /// <summary>The kinds, in the order of their type names.</summary>
    public IEnumerable<OpKind> Kinds => Types.Select(type => _kinds[type]);

    /// <summary>
    /// The op kinds that the public op records of <paramref name="assembly"/> declare: every public static property of
    /// type <see cref="OpKind"/>, or a list of them, on a public non-abstract record deriving from <see cref="Op"/>.
    /// </summary>
    public static IReadOnlyList<OpKind> Declared(System.Reflection.Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var kinds = new List<OpKind>();
        foreach (Type type in assembly.GetExportedTypes().Where(type => type.IsSubclassOf(typeof(Op)) && !type.IsAbstract).OrderBy(type => type.FullName, StringComparer.Ordinal))
        {
            foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly))
            {
                object? value = property.GetValue(null);
                if (value is OpKind kind)
                {
                    kinds.Add(kind);
                }
                else if (value is IEnumerable<OpKind> list)
                {
                    kinds.AddRange(list);
                }
            }
        }

        return kinds;
    }

    /// <summary>This set with <paramref name="kinds"/> added; a kind with a type already present replaces it.</summary>
    public OpSet With(params IEnumerable<OpKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var builder = _kinds.ToBuilder();
        foreach (OpKind kind in kinds)
        {
            ArgumentNullException.ThrowIfNull(kind);
            ArgumentException.ThrowIfNullOrWhiteSpace(kind.Type);
            builder[kind.Type] = kind;
        }

        return new OpSet(builder.ToImmutable());
    }

    /// <summary>The kind named <paramref name="type"/>, if any.</summary>
    public bool TryGet(string type, out OpKind kind) => _kinds.TryGetValue(type, out kind!);

    /// <summary>The kind named <paramref name="type"/>, if any, without allocating a string (the fast spec reader).</summary>
    internal bool TryGet(ReadOnlySpan<char> type, out OpKind kind) => _bySpan.TryGetValue(type, out kind!);
}

/// <summary>Typed reads of one op's fields in a spec file; errors name the JSON path and what was expected.</summary>
public sealed class OpReader
{
    private readonly JsonCursor _op;
    private readonly FastOpFields? _fast;

    internal OpReader(JsonCursor op, int rank)
    {
        _op = op;
        Rank = rank;
    }

    /// <summary>A reader over fields captured by the fast spec reader (<see cref="FastSpecReader"/>), which declines on any error.</summary>
    internal OpReader(FastOpFields fast, int rank)
    {
        _fast = fast;
        Rank = rank;
    }

    /// <summary>
    /// 2 for images, 1 for 1-D signals (a scalar kernel, stride, padding or dilation applies to the length alone), 3 for
    /// volumes (a scalar applies to depth, height and width).
    /// </summary>
    public int Rank { get; }

    /// <summary>True when the field is present and not null.</summary>
    public bool Has(string name) => _fast is { } fast ? fast.Has(name) : _op.Has(name);

    /// <summary>An integer field; <paramref name="fallback"/> when absent (required when null).</summary>
    public int Int(string name, int? fallback = null) => _fast is { } fast ? fast.Int(name, fallback) : _op.Int(name, fallback);

    /// <summary>A number field; <paramref name="fallback"/> when absent (required when null).</summary>
    public double Double(string name, double? fallback = null) => _fast is { } fast ? fast.Double(name, fallback) : _op.Double(name, fallback);

    /// <summary>
    /// A number field used exactly as written: a value with more significant digits than a double keeps (more than 17)
    /// is refused with its shortest form rather than rounded (an RPW overlap decides window starts exactly).
    /// </summary>
    public double ExactDouble(string name)
    {
        if (_fast is { } fast)
        {
            return fast.ExactDouble(name);
        }

        double value = _op.Double(name);
        JsonCursor field = _op.Property(name);
        if (!field.Element.TryGetDecimal(out decimal written) || RollingWindows.ExactDecimal(value) != written)
        {
            throw field.Error($"{JsonCursor.Shorten(field.Element.GetRawText())} cannot be used exactly: write it with at most 17 significant digits, as its shortest form {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
        }

        return value;
    }

    /// <summary>A true/false field.</summary>
    public bool Bool(string name, bool fallback) => _fast is { } fast ? fast.Bool(name, fallback) : _op.Bool(name, fallback);

    /// <summary>A string field; <paramref name="fallback"/> when absent (required when null).</summary>
    public string String(string name, string? fallback = null) => _fast is { } fast ? fast.String(name, fallback) : _op.String(name, fallback);

    /// <summary>
    /// A per-axis field: an integer (both axes in 2-D; the length in 1-D, with height 1, or 0 for padding; all three axes
    /// in 3-D) or [height, width] (in 3-D also [depth, height, width]; [height, width] there has no depth part: the
    /// identity along the depth). <paramref name="fallback"/> when absent (required when null).
    /// </summary>
    public Pair Pair(string name, int? fallback = null) => Pair(name, fallback, Rank);

    /// <summary>A per-axis field read as in a network of <paramref name="rank"/> (2: a scalar means both axes).</summary>
    public Pair Pair(string name, int? fallback, int rank)
    {
        int heightInOneD = name == "padding" ? 0 : 1;
        if (_fast is { } fast)
        {
            return fast.Pair(name, fallback, rank, heightInOneD);
        }

        string expected = rank == 3 ? "an integer, [height, width] or [depth, height, width]" : "an integer or [height, width]";
        if (!_op.Has(name))
        {
            return fallback is int value
                ? Scalar(value, rank, heightInOneD)
                : throw _op.Error($"missing field '{name}' ({expected})");
        }

        JsonCursor field = _op.Property(name);
        if (field.Element.ValueKind == JsonValueKind.Array)
        {
            var items = field.Element.EnumerateArray().ToList();
            if (items.Count != 2 && !(items.Count == 3 && rank == 3))
            {
                throw field.Error($"expected {expected}, got an array of {items.Count}");
            }

            return items.Count == 3
                ? Architecture.Pair.Of3d(PairItem(items[0], field, expected), PairItem(items[1], field, expected), PairItem(items[2], field, expected))
                : new Pair(PairItem(items[0], field, expected), PairItem(items[1], field, expected));
        }

        return Scalar(field.AsInt(), rank, heightInOneD);
    }

    /// <summary>What a scalar per-axis value means in a network of <paramref name="rank"/>.</summary>
    internal static Pair Scalar(int value, int rank, int heightInOneD) => rank switch
    {
        1 => Architecture.Pair.Line(value, heightInOneD),
        3 => Architecture.Pair.Cube(value),
        _ => Architecture.Pair.Square(value),
    };

    /// <summary>An error at this op (or its <paramref name="field"/>) breaking <paramref name="rule"/>.</summary>
    public SpecException Error(string rule, string? field = null) => _fast is not null ? new SpecException("spec", field ?? "", rule) : _op.Error(rule, field);

    private static int PairItem(JsonElement item, JsonCursor field, string expected) =>
        item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int value)
            ? value
            : throw field.Error($"expected {expected} of integers, got {JsonCursor.Describe(field.Element)}");
}

/// <summary>Writes one op's fields to a spec file, leaving out values equal to their defaults.</summary>
public sealed class OpWriter
{
    private readonly Utf8JsonWriter _json;

    internal OpWriter(Utf8JsonWriter json, int rank)
    {
        _json = json;
        Rank = rank;
    }

    /// <summary>2 for images, 1 for 1-D signals, 3 for volumes.</summary>
    public int Rank { get; }

    /// <summary>Writes an integer field, unless it equals <paramref name="fallback"/>.</summary>
    public void Int(string name, int value, int? fallback = null)
    {
        if (value != fallback)
        {
            _json.WriteNumber(name, value);
        }
    }

    /// <summary>Writes a number field (round-trip exact), unless it equals <paramref name="fallback"/>.</summary>
    public void Double(string name, double value, double? fallback = null)
    {
        if (value != fallback)
        {
            _json.WriteNumber(name, value);
        }
    }

    /// <summary>Writes a true/false field, unless it equals <paramref name="fallback"/>.</summary>
    public void Bool(string name, bool value, bool fallback)
    {
        if (value != fallback)
        {
            _json.WriteBoolean(name, value);
        }
    }

    /// <summary>Writes a string field.</summary>
    public void String(string name, string value) => _json.WriteString(name, value);

    /// <summary>
    /// Writes a per-axis field as a scalar where it reads back the same, else [height, width] (or [depth, height, width] for
    /// a pair with a depth part); skipped when it equals <paramref name="fallback"/>.
    /// </summary>
    public void Pair(string name, Pair pair, int? fallback = null) => Pair(name, pair, fallback, Rank);

    /// <summary>Writes a per-axis field as in a network of <paramref name="rank"/>.</summary>
    public void Pair(string name, Pair pair, int? fallback, int rank)
    {
        int heightInOneD = name == "padding" ? 0 : 1;
        if (fallback is int value && pair == OpReader.Scalar(value, rank, heightInOneD))
        {
            return;
        }

        bool scalar = rank switch
        {
            1 => pair.H == heightInOneD,
            3 => pair.HasDepth && pair.IsSquare,
            _ => pair.IsSquare,
        };
        if (scalar)
        {
            _json.WriteNumber(name, rank == 1 ? pair.W : pair.H);
            return;
        }

        _json.WriteStartArray(name);
        if (pair.HasDepth)
        {
            _json.WriteNumberValue(pair.D);
        }

        _json.WriteNumberValue(pair.H);
        _json.WriteNumberValue(pair.W);
        _json.WriteEndArray();
    }

    /// <summary>Writes stride (default 1), padding (default 0) and dilation (default 1).</summary>
    public void Window(Pair stride, Pair padding, Pair dilation)
    {
        Pair("stride", stride, 1);
        Pair("padding", padding, 0);
        Pair("dilation", dilation, 1);
    }
}
