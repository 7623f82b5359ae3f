namespace InfoField.Architecture;

/// <summary>Shape, parameter and MAC arithmetic over a sequence of ops.</summary>
public static class OpSequence
{
    /// <summary>The output shape of <paramref name="ops"/> applied in order; errors name <c>{path}[i]</c>.</summary>
    public static FeatureShape OutputShape(IReadOnlyList<Op> ops, FeatureShape input, string path = "ops")
    {
        FeatureShape shape = input;
        for (int i = 0; i < ops.Count; i++)
        {
            try
            {
                shape = ops[i].OutputShape(shape);
            }
            catch (ArchitectureException error)
            {
                throw error.Within($"{path}[{i}]");
            }
        }

        return shape;
    }

    /// <summary>Parameters of <paramref name="ops"/> applied in order to <paramref name="input"/>.</summary>
    public static long Parameters(IReadOnlyList<Op> ops, FeatureShape input) => Sum(ops, input, "parameters", static (op, shape) => op.Parameters(shape));

    /// <summary>MACs of <paramref name="ops"/> applied in order to <paramref name="input"/>.</summary>
    public static long Macs(IReadOnlyList<Op> ops, FeatureShape input) => Sum(ops, input, "MACs", static (op, shape) => op.Macs(shape));

    private static long Sum(IReadOnlyList<Op> ops, FeatureShape input, string what, Func<Op, FeatureShape, long> count)
    {
        long total = 0;
        foreach (Op op in ops)
        {
            total = Limits.Add(what, total, count(op, input));
            input = op.OutputShape(input);
        }

        return total;
    }
}
