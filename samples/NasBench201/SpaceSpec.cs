using System.Text;
using System.Text.Json;

namespace InfoField.Samples.NasBench201;

/// <summary>
/// The network around a cell, as NAS-Bench-201 builds it: a 3x3 convolution stem with batch norm, three stages of
/// <see cref="CellsPerStage"/> cells at <see cref="Channels"/>, twice and four times as many channels, a residual
/// reduction block opening the second and third stage, then batch norm, ReLU, global average pooling and a linear
/// classifier.
/// </summary>
/// <param name="Channels">Channels of the first stage (16 in the benchmark).</param>
/// <param name="CellsPerStage">Cells per stage (5 in the benchmark).</param>
/// <param name="Classes">Classes of the classifier (10 for CIFAR-10).</param>
/// <param name="Resolution">Height and width of the 3-channel input (32).</param>
public sealed record Skeleton(int Channels = 16, int CellsPerStage = 5, int Classes = 10, int Resolution = 32)
{
    /// <summary>The benchmark's skeleton on CIFAR-10.</summary>
    public static Skeleton Cifar10 { get; } = new();
}

/// <summary>
/// Writes a NAS-Bench-201 network as an InfoField spec (format 2, docs/spec-format.md). Every edge is written as the
/// framework builds it, so the spec counts what PyTorch counts: <c>nor_conv</c> as <c>relu</c>, <c>conv</c>, <c>bn</c>;
/// <c>avg_pool_3x3</c> as <c>avgpool</c>; <c>none</c> as <c>zero</c> (an op whose output is zeros of its input's shape,
/// reading the edge's node like the framework's <c>x.mul(0.)</c>); <c>skip_connect</c> as the node itself, read by the
/// sum. Node 1 is its one edge; nodes 2 and 3 are the <c>add</c> of their edges.
/// </summary>
public static class SpaceSpec
{
    /// <summary>The spec of <paramref name="cell"/>'s network as JSON on one line (a line of a JSONL file), or indented.</summary>
    public static string Json(Cell cell, Skeleton? skeleton = null, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            Write(json, cell, skeleton ?? Skeleton.Cifar10);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the spec of <paramref name="cell"/>'s network to <paramref name="json"/>.</summary>
    public static void Write(Utf8JsonWriter json, Cell cell, Skeleton skeleton)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(skeleton);
        json.WriteStartObject();
        json.WriteString("format", "infofield-network/2");
        json.WriteString("name", cell.ToString());
        json.WriteStartArray("input");
        json.WriteNumberValue(3);
        json.WriteNumberValue(skeleton.Resolution);
        json.WriteNumberValue(skeleton.Resolution);
        json.WriteEndArray();
        json.WriteStartArray("stages");
        int channels = skeleton.Channels;
        for (int stage = 0; stage < 3; stage++)
        {
            json.WriteStartObject();
            json.WriteStartArray("units");
            if (stage == 0)
            {
                WriteStem(json, channels);
            }
            else
            {
                WriteReduction(json, channels * 2);
                channels *= 2;
            }

            for (int c = 0; c < skeleton.CellsPerStage; c++)
            {
                WriteCell(json, cell, channels);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("head");
        Op(json, "bn");
        Op(json, "relu");
        Op(json, "globalavgpool");
        Op(json, "flatten");
        Op(json, "linear", ("out", skeleton.Classes));
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteStem(Utf8JsonWriter json, int channels)
    {
        json.WriteStartObject();
        json.WriteString("name", $"stem-{channels}");
        json.WriteString("role", "stem");
        json.WriteStartArray("ops");
        Op(json, "conv", ("out", channels), ("kernel", 3), ("padding", 1));
        Op(json, "bn");
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The residual block between stages: ReLU-conv3x3/2-BN, ReLU-conv3x3-BN, shortcut 2x2 average pooling and a 1x1 convolution.</summary>
    private static void WriteReduction(Utf8JsonWriter json, int output)
    {
        json.WriteStartObject();
        json.WriteString("name", $"reduction-{output}");
        json.WriteStartArray("ops");
        json.WriteStartObject();
        json.WriteString("type", "residual");
        json.WriteStartArray("body");
        Op(json, "relu");
        Op(json, "conv", ("out", output), ("kernel", 3), ("stride", 2), ("padding", 1));
        Op(json, "bn");
        Op(json, "relu");
        Op(json, "conv", ("out", output), ("kernel", 3), ("padding", 1));
        Op(json, "bn");
        json.WriteEndArray();
        json.WriteStartArray("shortcut");
        Op(json, "avgpool", ("kernel", 2));
        Op(json, "pw", ("out", output));
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCell(Utf8JsonWriter json, Cell cell, int channels)
    {
        json.WriteStartObject();
        json.WriteString("name", $"cell-{channels}");
        json.WriteStartArray("ops");
        string[] nodes = ["input", "", "", ""];
        var terms = new List<string>(3);
        int edge = 0;
        for (int node = 1; node <= 3; node++)
        {
            terms.Clear();
            for (int from = 0; from < node; from++, edge++)
            {
                string name = node == 1 ? "n1" : $"e{node}{from}";
                terms.Add(WriteEdge(json, cell.Ops[edge], nodes[from], name, channels));
            }

            if (terms.Count == 1)
            {
                nodes[node] = terms[0];
                continue;
            }

            nodes[node] = $"n{node}";
            json.WriteStartObject();
            if (node < 3)
            {
                json.WriteString("name", nodes[node]);
            }

            json.WriteString("type", "add");
            json.WriteStartArray("inputs");
            foreach (string term in terms)
            {
                json.WriteStringValue(term);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Writes the ops of one edge reading tensor <paramref name="from"/>; returns the tensor the edge adds to its node.</summary>
    private static string WriteEdge(Utf8JsonWriter json, EdgeOp op, string from, string name, int channels)
    {
        switch (op)
        {
            case EdgeOp.SkipConnect:
                return from;
            case EdgeOp.None:
                Node(json, "zero", from, name);
                break;
            case EdgeOp.AvgPool3x3:
                Node(json, "avgpool", from, name, ("kernel", 3), ("stride", 1), ("padding", 1));
                break;
            case EdgeOp.Conv1x1 or EdgeOp.Conv3x3:
                int kernel = op == EdgeOp.Conv1x1 ? 1 : 3;
                Node(json, "relu", from, null);
                Op(json, "conv", ("out", channels), ("kernel", kernel), ("padding", kernel / 2));
                Node(json, "bn", null, name);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "not an op of the space");
        }

        return name;
    }

    private static void Node(Utf8JsonWriter json, string type, string? input, string? name, params ReadOnlySpan<(string Field, int Value)> fields)
    {
        json.WriteStartObject();
        if (name is not null)
        {
            json.WriteString("name", name);
        }

        json.WriteString("type", type);
        foreach (var (field, value) in fields)
        {
            json.WriteNumber(field, value);
        }

        if (input is not null)
        {
            json.WriteStartArray("inputs");
            json.WriteStringValue(input);
            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void Op(Utf8JsonWriter json, string type, params ReadOnlySpan<(string Field, int Value)> fields) =>
        Node(json, type, null, null, fields);
}
