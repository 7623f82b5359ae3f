using System.Globalization;

namespace InfoField.Onnx.Readers;

/// <summary>
/// The integer arithmetic exporters write to compute shapes at run time (Shape, Gather, Unsqueeze, Squeeze, Concat,
/// Add, Sub, Mul, Div, Cast, Slice of integer constants and of the shapes of tensors whose size is fixed), folded to
/// constants so that the Reshape, Slice and Split nodes reading it see constants. Weights are never touched: only
/// integer constants are folded. Every result is bounded (<see cref="OnnxLimits.MaxFoldedValues"/>,
/// <see cref="OnnxLimits.MaxFoldedRank"/>, <see cref="OnnxLimits.MaxFoldedTotal"/> for the whole graph) and computed
/// in checked arithmetic: an overflow or a division by zero is refused, naming the node.
/// </summary>
internal static class ShapeArithmetic
{
    /// <summary>The entries of the operators that are shape arithmetic only (Sub and Div, also arithmetic of tensors in layer norm and GELU, are <see cref="ChannelPatternReaders"/>'s).</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("Shape", 1, Shape),
        new("Unsqueeze", 1, node => Unsqueeze(node, node.Ints("axes") ?? throw node.Fail("has no axes"))),
        new("Unsqueeze", 13, node => Unsqueeze(node, node.Integers(1, OnnxLimits.MaxFoldedRank))) { MinInputs = 2, MaxInputs = 2 },
        new("Squeeze", 1, node => Squeeze(node, node.Ints("axes"))),
        new("Squeeze", 13, node => Squeeze(node, node.Has(1) ? node.Integers(1, OnnxLimits.MaxFoldedRank) : null)) { MaxInputs = 2 },
        new("Cast", 1, Cast),
    ];

    /// <summary>True when every given input is an integer constant (then the node is shape arithmetic).</summary>
    public static bool AllIntegerConstants(OnnxNodeContext node)
    {
        bool any = false;
        for (int i = 0; i < node.InputCount; i++)
        {
            if (!node.Has(i))
            {
                continue;
            }

            if (!node.IsConstant(i) || !node.Constant(i).IsInteger)
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    /// <summary>The values and dims of integer constant input <paramref name="input"/>, within the folding limit.</summary>
    public static (long[] Values, long[] Dims) Input(OnnxNodeContext node, int input) =>
        (node.Integers(input, OnnxLimits.MaxFoldedValues), node.Dims(input));

    /// <summary>Binds output 0 to folded <paramref name="values"/> of <paramref name="dims"/>.</summary>
    public static void Fold(OnnxNodeContext node, long[] values, long[] dims) => node.Importer.SetFolded(node, 0, values, dims);

    /// <summary>Binds output 0 to the 1-D constant <paramref name="values"/>.</summary>
    public static void Fold(OnnxNodeContext node, long[] values) => Fold(node, values, [values.LongLength]);

    /// <summary>Add, Sub, Mul or Div of two integer constants, elementwise with a scalar (or one-value) operand broadcast.</summary>
    public static void Arithmetic(OnnxNodeContext node)
    {
        var (a, aDims) = Input(node, 0);
        var (b, bDims) = Input(node, 1);
        int count = Math.Max(a.Length, b.Length);
        if ((a.Length != count && a.Length != 1) || (b.Length != count && b.Length != 1))
        {
            throw node.Fail($"combines constants of {a.Length} and {b.Length} values; InfoField folds shape arithmetic on equal lengths or one value");
        }

        var values = new long[count];
        for (int i = 0; i < count; i++)
        {
            long x = a[a.Length == 1 ? 0 : i], y = b[b.Length == 1 ? 0 : i];
            try
            {
                values[i] = node.OpType switch
                {
                    "Add" => checked(x + y),
                    "Sub" => checked(x - y),
                    "Mul" => checked(x * y),
                    _ => y == 0 ? throw node.Fail($"divides {x} by zero") : x == long.MinValue && y == -1 ? throw new OverflowException() : x / y,
                };
            }
            catch (OverflowException)
            {
                throw node.Fail(string.Create(CultureInfo.InvariantCulture, $"computes {x} {Symbol(node.OpType)} {y}, which overflows 64-bit integers"));
            }
        }

        Fold(node, values, a.Length >= b.Length ? aDims : bDims);
    }

    private static string Symbol(string opType) => opType switch
    {
        "Add" => "+",
        "Sub" => "-",
        "Mul" => "*",
        _ => "/",
    };

    private static void Shape(OnnxNodeContext node)
    {
        long[] dims = node.IsConstant(0) ? node.Dims(0) : node.Importer.Graph.Dims(node.Importer.AnyTensorInput(node, 0));
        long start = Clamp(node.Int("start", 0), dims.Length);
        long end = Clamp(node.Int("end", long.MaxValue), dims.Length);
        Fold(node, end > start ? dims[(int)start..(int)end] : []);
    }

    /// <summary>An index into a list of <paramref name="length"/>, negative counting from the end, clamped to [0, length].</summary>
    public static long Clamp(long index, long length) => Math.Clamp(index < 0 ? Math.Max(index, -length) + length : index, 0, length);

    private static void Unsqueeze(OnnxNodeContext node, long[] axes)
    {
        RequireFoldable(node, "Unsqueeze");
        var (values, dims) = Input(node, 0);
        int rank = dims.Length + axes.Length;
        if (axes.Length > OnnxLimits.MaxFoldedRank || rank > OnnxLimits.MaxFoldedRank)
        {
            throw node.Fail(string.Create(CultureInfo.InvariantCulture, $"unsqueezes a constant of {dims.Length} dims by {axes.Length}; InfoField folds shape arithmetic of at most {OnnxLimits.MaxFoldedRank} dims"));
        }

        var inserted = new bool[rank];
        foreach (long axis in axes)
        {
            long at = axis < 0 ? axis + rank : axis;
            if (at < 0 || at >= rank || inserted[at])
            {
                throw node.Fail($"has the axes [{string.Join(", ", axes)}] for a result of {rank} dims");
            }

            inserted[at] = true;
        }

        var result = new long[rank];
        for (int i = 0, k = 0; i < rank; i++)
        {
            result[i] = inserted[i] ? 1 : dims[k++];
        }

        Fold(node, values, result);
    }

    private static void Squeeze(OnnxNodeContext node, long[]? axes)
    {
        RequireFoldable(node, "Squeeze");
        var (values, dims) = Input(node, 0);
        var removed = new bool[dims.Length];
        foreach (long axis in axes ?? [.. Enumerable.Range(0, dims.Length).Where(i => dims[i] == 1).Select(i => (long)i)])
        {
            long at = axis < 0 ? axis + dims.Length : axis;
            if (at < 0 || at >= dims.Length || dims[at] != 1)
            {
                throw node.Fail($"squeezes axis {axis} of a constant of dims [{string.Join(", ", dims)}]");
            }

            removed[at] = true;
        }

        Fold(node, values, [.. dims.Where((_, i) => !removed[i])]);
    }

    private static void Cast(OnnxNodeContext node)
    {
        RequireFoldable(node, "Cast");
        var (values, dims) = Input(node, 0);
        Fold(node, values, dims);
    }

    private static void RequireFoldable(OnnxNodeContext node, string opType)
    {
        if (!AllIntegerConstants(node))
        {
            throw node.Fail($"InfoField reads {opType} only as shape arithmetic on integer constants (export with constant folding and a fixed input size)");
        }
    }
}
