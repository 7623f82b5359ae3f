using System.Collections.Immutable;
using System.Text;

namespace InfoField.Samples.NasBench201;

/// <summary>The op on one edge of a NAS-Bench-201 cell, in the space's order.</summary>
public enum EdgeOp
{
    /// <summary><c>none</c>: the edge contributes zeros.</summary>
    None,

    /// <summary><c>skip_connect</c>: the edge passes its node on unchanged.</summary>
    SkipConnect,

    /// <summary><c>nor_conv_1x1</c>: ReLU, 1x1 convolution, batch norm.</summary>
    Conv1x1,

    /// <summary><c>nor_conv_3x3</c>: ReLU, 3x3 convolution (padding 1), batch norm.</summary>
    Conv3x3,

    /// <summary><c>avg_pool_3x3</c>: 3x3 average pooling, stride 1, padding 1.</summary>
    AvgPool3x3,
}

/// <summary>
/// One cell of the NAS-Bench-201 space: a DAG of 4 nodes (node 0 the cell's input, node 3 its output) in which node
/// <c>i</c> is the sum of one op applied to every earlier node. Its six edges, in the order
/// 1&lt;-0, 2&lt;-0, 2&lt;-1, 3&lt;-0, 3&lt;-1, 3&lt;-2, each take one of the five <see cref="EdgeOp"/>s: 5^6 = 15,625 cells.
/// </summary>
public sealed record Cell
{
    /// <summary>Number of cells in the space.</summary>
    public const int Count = 15_625;

    /// <summary>The op names as the space writes them, indexed by <see cref="EdgeOp"/>.</summary>
    public static ImmutableArray<string> OpNames { get; } = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"];

    /// <summary>The six edges (to, from), in the space's order.</summary>
    public static ImmutableArray<(int To, int From)> Edges { get; } = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)];

    private Cell(ImmutableArray<EdgeOp> ops) => Ops = ops;

    /// <summary>The op of each edge, in the order of <see cref="Edges"/>.</summary>
    public ImmutableArray<EdgeOp> Ops { get; }

    /// <summary>Every cell, in index order.</summary>
    public static IEnumerable<Cell> All => Enumerable.Range(0, Count).Select(FromIndex);

    /// <summary>
    /// The cell's index in this enumeration, 0 to 15,624: its ops read as a base-5 number, edge 1&lt;-0 the most
    /// significant digit (not the index of NAS-Bench-201's own API, which follows its benchmark file).
    /// </summary>
    public int Index => Ops.Aggregate(0, (index, op) => (index * 5) + (int)op);

    /// <summary>The six op digits, e.g. <c>300100</c>: the cell's index in base 5.</summary>
    public string Code => string.Concat(Ops.Select(op => (char)('0' + (int)op)));

    /// <summary>
    /// True when the cell's output is zero whatever its input: no path of edges other than <c>none</c> leads from node 0
    /// to node 3 (341 of the 15,625 cells).
    /// </summary>
    public bool OutputIsZero
    {
        get
        {
            Span<bool> reached = [true, false, false, false];
            for (int e = 0; e < Edges.Length; e++)
            {
                reached[Edges[e].To] |= Ops[e] != EdgeOp.None && reached[Edges[e].From];
            }

            return !reached[3];
        }
    }

    /// <summary>The cell with index <paramref name="index"/> (see <see cref="Index"/>).</summary>
    public static Cell FromIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var ops = new EdgeOp[Edges.Length];
        for (int e = ops.Length - 1; e >= 0; e--)
        {
            ops[e] = (EdgeOp)(index % 5);
            index /= 5;
        }

        return new Cell([.. ops]);
    }

    /// <summary>The cell with the given edge ops, in the order of <see cref="Edges"/>.</summary>
    public static Cell Of(params ReadOnlySpan<EdgeOp> ops)
    {
        if (ops.Length != Edges.Length)
        {
            throw new ArgumentException($"a cell has {Edges.Length} edges, got {ops.Length}", nameof(ops));
        }

        foreach (EdgeOp op in ops)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((int)op, (int)EdgeOp.AvgPool3x3, nameof(ops));
        }

        return new Cell([.. ops]);
    }

    /// <summary>
    /// Reads the space's architecture string, e.g.
    /// <c>|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|</c>: per node,
    /// its edges as <c>op~from</c>, nodes joined by <c>+</c>.
    /// </summary>
    public static Cell Parse(string architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        string[] nodes = architecture.Split('+');
        var ops = new EdgeOp[Edges.Length];
        int edge = 0;
        if (nodes.Length != 3)
        {
            throw new FormatException($"'{architecture}': expected 3 nodes joined by '+', got {nodes.Length}");
        }

        for (int node = 1; node <= 3; node++)
        {
            string text = nodes[node - 1];
            if (text.Length < 2 || text[0] != '|' || text[^1] != '|')
            {
                throw new FormatException($"'{architecture}': node {node} is not written as |op~from|...|");
            }

            string[] items = text[1..^1].Split('|');
            if (items.Length != node)
            {
                throw new FormatException($"'{architecture}': node {node} has {node} edges, got {items.Length}");
            }

            for (int from = 0; from < node; from++)
            {
                string[] parts = items[from].Split('~');
                int op = OpNames.IndexOf(parts[0]);
                if (parts.Length != 2 || op < 0 || parts[1] != from.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    throw new FormatException($"'{architecture}': expected '<op>~{from}' with op one of {string.Join(", ", OpNames)}, got '{items[from]}'");
                }

                ops[edge++] = (EdgeOp)op;
            }
        }

        return new Cell([.. ops]);
    }

    /// <summary>The space's architecture string (see <see cref="Parse"/>).</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        for (int e = 0; e < Edges.Length; e++)
        {
            (int to, int from) = Edges[e];
            if (from == 0 && to > 1)
            {
                text.Append('+');
            }

            text.Append('|').Append(OpNames[(int)Ops[e]]).Append('~').Append(from);
            if (from == to - 1)
            {
                text.Append('|');
            }
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public bool Equals(Cell? other) => other is not null && Ops.SequenceEqual(other.Ops);

    /// <inheritdoc />
    public override int GetHashCode() => Index;
}
