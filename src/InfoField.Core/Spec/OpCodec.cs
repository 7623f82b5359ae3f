using System.Text.Json;
using InfoField.Architecture;

namespace InfoField.Spec;

/// <summary>
/// Reads and writes ops as JSON objects <c>{"type": ..., fields}</c> through their <see cref="OpKind"/>s, and units'
/// graphs as lists of such objects with optional <c>name</c> and <c>inputs</c> (docs/spec-format.md). Defaults follow
/// PyTorch and are omitted when writing.
/// </summary>
internal static class OpCodec
{
    /// <summary>The name of a unit's input tensor in <c>inputs</c>.</summary>
    public const string InputName = "input";

    /// <summary>The name written for a unit's skip <paramref name="skip"/> (from 0): <c>skip0</c>, <c>skip1</c>, ...</summary>
    public static string SkipName(int skip) => $"skip{skip}";

    private static readonly string[] NodeFields = ["name", "inputs"];

    public static Op Read(JsonCursor op, int rank, OpSet kinds, IReadOnlyList<string>? extraFields = null)
    {
        op.RequireObject();
        string type = op.String("type");
        if (!kinds.TryGet(type, out OpKind kind))
        {
            throw op.Error($"unknown op '{type}'; expected one of {string.Join(", ", kinds.Types)}", "type");
        }

        op.AllowOnly(["type", .. kind.Fields, .. extraFields ?? []]);
        return kind.Read(new OpReader(op, rank));
    }

    public static void Write(Utf8JsonWriter json, Op op, int rank, Action? writeNodeFields = null)
    {
        json.WriteStartObject();
        writeNodeFields?.Invoke();
        json.WriteString("type", op.Type);
        op.Write(new OpWriter(json, rank));
        json.WriteEndObject();
    }

    public static void WriteOps(Utf8JsonWriter json, string name, IEnumerable<Op> ops, int rank)
    {
        json.WriteStartArray(name);
        foreach (Op op in ops)
        {
            Write(json, op, rank);
        }

        json.WriteEndArray();
    }

    public static ValueList<Op> ReadOps(JsonCursor parent, string name, int rank, bool required, OpSet kinds) =>
        parent.Items(name, required).Select(op => Read(op, rank, kinds)).ToValueList();

    /// <summary>
    /// Reads a unit's <c>ops</c> as a graph. Each item reads the item before it (the first, the unit's input) unless it
    /// lists <c>inputs</c> by name (<c>"input"</c> is the unit's input, <paramref name="skipNames"/> its skips); a
    /// <c>residual</c> item with <c>body</c> and <c>shortcut</c> is shorthand for the two branches and their add. Returns
    /// the graph and the JSON path of each node.
    /// </summary>
    public static (OpGraph Graph, List<string> Paths) ReadGraph(JsonCursor unit, string name, int rank, OpSet kinds, IReadOnlyList<string>? skipNames = null)
    {
        var nodes = new List<GraphNode>();
        var paths = new List<string>();
        var tensors = new Dictionary<string, int>(StringComparer.Ordinal) { [InputName] = 0 };
        var defined = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int j = 0; j < (skipNames?.Count ?? 0); j++)
        {
            string skip = skipNames![j];
            if (!tensors.TryAdd(skip, OpGraph.SkipTensor(j)))
            {
                throw unit.Error(
                    skip == InputName ? $"'{InputName}' names the unit's input; choose another name" : $"the name '{skip}' is already used by an earlier skip; names in a unit are unique",
                    $"skips[{j}].name");
            }

            defined[skip] = $"{unit.Path}.skips[{j}]";
        }

        List<JsonCursor> items = unit.Items(name, required: true).ToList();
        var laterNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonCursor item in items)
        {
            if (item.Element.ValueKind == JsonValueKind.Object && item.Has("name"))
            {
                laterNames.TryAdd(item.String("name"), item.Path);
            }
        }

        int previous = 0;
        foreach (JsonCursor item in items)
        {
            item.RequireObject();
            ValueList<int> inputs = item.Has("inputs") ? ReadInputs(item, tensors, laterNames) : [previous];
            if (item.String("type") == "residual")
            {
                item.AllowOnly(["type", "body", "shortcut", .. NodeFields]);
                if (inputs.Count != 1)
                {
                    throw item.Error($"a residual reads one tensor, not {inputs.Count}", "inputs");
                }

                var (body, bodyPaths) = ReadGraph(item, "body", rank, kinds);
                var (shortcut, shortcutPaths) = item.Has("shortcut") ? ReadGraph(item, "shortcut", rank, kinds) : (OpGraph.Identity, []);
                if (body.Count == 0)
                {
                    throw item.Error("a residual needs at least one op in its body", "body");
                }

                int offset = nodes.Count;
                foreach (GraphNode node in OpGraph.Residual(body, shortcut).Nodes)
                {
                    nodes.Add(node with { Inputs = node.Inputs.Select(tensor => tensor == 0 ? inputs[0] : tensor + offset).ToValueList() });
                }

                paths.AddRange([.. bodyPaths, .. shortcutPaths, $"{item.Path}.shortcut"]);
            }
            else
            {
                nodes.Add(new GraphNode(Read(item, rank, kinds, NodeFields), inputs));
                paths.Add(item.Path);
            }

            previous = nodes.Count;
            if (item.Has("name"))
            {
                string tensorName = item.String("name");
                if (tensorName == InputName || !defined.TryAdd(tensorName, item.Path))
                {
                    throw item.Error(
                        tensorName == InputName
                            ? $"'{InputName}' names the unit's input; choose another name"
                            : $"the name '{tensorName}' is already used by {defined[tensorName]}; names in a unit are unique",
                        "name");
                }

                tensors[tensorName] = previous;
            }
        }

        return (new OpGraph(nodes.ToValueList()), paths);
    }

    /// <summary>
    /// The graph as format 1 wrote it: ops and residual shorthand (body and shortcut chains joined by an add), or null
    /// when the graph needs format 2 (named inputs, other merges).
    /// </summary>
    public static List<(Op? Op, ValueList<Op> Body, ValueList<Op> Shortcut)>? AsFormat1(OpGraph graph)
    {
        var items = new List<(Op?, ValueList<Op>, ValueList<Op>)>();
        var readers = new int[graph.Count + 1];
        foreach (GraphNode node in graph.Nodes)
        {
            foreach (int input in node.Inputs)
            {
                readers[input]++;
            }
        }

        int current = 0, i = 0;
        while (i < graph.Count)
        {
            GraphNode node = graph.Nodes[i];
            if (readers[current] == 1 && node.Inputs is [int only] && only == current && node.Op is not MergeOp)
            {
                items.Add((node.Op, default, default));
                current = ++i;
                continue;
            }

            // A residual: body i..b (a chain from current), shortcut b+1..a-1 (a chain from current, or none), add at a.
            int add = Enumerable.Range(i, graph.Count - i).FirstOrDefault(n => graph.Nodes[n].Op is Add, -1);
            if (add < 0 || graph.Nodes[add].Inputs is not [int bodyEnd, int shortcutEnd] || bodyEnd <= current)
            {
                return null;
            }

            ValueList<Op>? body = ChainBetween(graph, readers, current, i, bodyEnd);
            ValueList<Op>? shortcut = shortcutEnd == current ? [] : ChainBetween(graph, readers, current, bodyEnd, shortcutEnd);
            if (body is null || shortcut is null || (shortcutEnd != current && shortcutEnd != add) || (shortcutEnd == current && bodyEnd != add) || readers[current] != 2)
            {
                return null;
            }

            items.Add((null, body.Value, shortcut.Value));
            current = add + 1;
            i = add + 1;
        }

        return items;
    }

    /// <summary>The ops of nodes first..last (tensors first+1..last) if they form a chain reading <paramref name="from"/>.</summary>
    private static ValueList<Op>? ChainBetween(OpGraph graph, int[] readers, int from, int first, int last)
    {
        var ops = new List<Op>();
        int previous = from;
        for (int n = first; n < last; n++)
        {
            if (graph.Nodes[n].Inputs is not [int only] || only != previous || graph.Nodes[n].Op is MergeOp || readers[n + 1] != 1)
            {
                return null;
            }

            ops.Add(graph.Nodes[n].Op);
            previous = n + 1;
        }

        return previous == last ? ops.ToValueList() : (ValueList<Op>?)null;
    }

    /// <summary>Writes a unit's graph as format 1 did: ops and residual shorthand (see <see cref="AsFormat1"/>).</summary>
    public static void WriteFormat1(Utf8JsonWriter json, string name, List<(Op? Op, ValueList<Op> Body, ValueList<Op> Shortcut)> items, int rank)
    {
        json.WriteStartArray(name);
        foreach (var (op, body, shortcut) in items)
        {
            if (op is not null)
            {
                Write(json, op, rank);
                continue;
            }

            json.WriteStartObject();
            json.WriteString("type", "residual");
            WriteOps(json, "body", body, rank);
            if (shortcut.Count > 0)
            {
                WriteOps(json, "shortcut", shortcut, rank);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>
    /// Writes a unit's graph: a chain as plain ops; otherwise each op that is read other than by the next one gets a
    /// <c>name</c> (t1, t2, ...) and each op that reads other than the one before it lists its <c>inputs</c>.
    /// </summary>
    public static void WriteGraph(Utf8JsonWriter json, string name, OpGraph graph, int rank)
    {
        var named = new HashSet<int>();
        for (int i = 0; i < graph.Count; i++)
        {
            ValueList<int> inputs = graph.Nodes[i].Inputs;
            if (inputs is not [int only] || only != i)
            {
                named.UnionWith(inputs.Where(tensor => tensor > 0));
            }
        }

        json.WriteStartArray(name);
        for (int i = 0; i < graph.Count; i++)
        {
            GraphNode node = graph.Nodes[i];
            int tensor = i + 1;
            Write(json, node.Op, rank, () =>
            {
                if (named.Contains(tensor))
                {
                    json.WriteString("name", $"t{tensor}");
                }

                if (node.Inputs is not [int only] || only != i)
                {
                    json.WriteStartArray("inputs");
                    foreach (int input in node.Inputs)
                    {
                        json.WriteStringValue(input == 0 ? InputName : input < 0 ? SkipName(-1 - input) : $"t{input}");
                    }

                    json.WriteEndArray();
                }
            });
        }

        json.WriteEndArray();
    }

    private static ValueList<int> ReadInputs(JsonCursor item, Dictionary<string, int> tensors, Dictionary<string, string> laterNames)
    {
        var inputs = new List<int>();
        foreach (JsonCursor input in item.Items("inputs", required: true))
        {
            string tensorName = input.Element.ValueKind == JsonValueKind.String
                ? input.Element.GetString()!
                : throw input.Error($"expected the name of a tensor, got {JsonCursor.Describe(input.Element)}");
            if (tensors.TryGetValue(tensorName, out int tensor))
            {
                inputs.Add(tensor);
            }
            else
            {
                throw input.Error(laterNames.TryGetValue(tensorName, out string? where)
                    ? where == item.Path
                        ? $"'{tensorName}' is this op's own output: a unit's graph has no cycles"
                        : $"'{tensorName}' is made by {where}, after this op: list every op after the ops it reads (a unit's graph has no cycles)"
                    : $"no op before this one is named '{tensorName}' (use \"{InputName}\" for the unit's input)");
            }
        }

        return inputs.Count > 0 ? inputs.ToValueList() : throw item.Error("an op reads at least one tensor", "inputs");
    }
}
