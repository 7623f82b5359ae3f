namespace InfoField.Architecture;

/// <summary>Shape, parameter and MAC arithmetic over a sequence of ops.</summary>
public static class OpSequence
{
    /// <summary>The output shape of <paramref name="ops"/> applied in order; errors name <c>{path}[i]</c>.</summary>
    public static FeatureShape OutputShape(IReadOnlyList<Op> ops, FeatureShape input, string path = "ops") => TryOutputShape(ops, input, path).Value;

    /// <summary>The output shape of <paramref name="ops"/> applied in order, or the first rule they break, naming <c>{path}[i]</c>.</summary>
    public static Checked<FeatureShape> TryOutputShape(IReadOnlyList<Op> ops, FeatureShape input, string path = "ops")
    {
        FeatureShape shape = input;
        for (int i = 0; i < ops.Count; i++)
        {
            if (!ops[i].TryOutputShape(shape).TryGet(out shape, out Violation? broken))
            {
                return broken.Within($"{path}[{i}]");
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
