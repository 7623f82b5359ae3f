namespace InfoField.Architecture;

/// <summary>
/// A residual connection: the sum of a body and a shortcut applied to the same input. An empty shortcut is
/// the identity; otherwise it is a projection (typically a strided 1x1 convolution and batch norm).
/// Both branches must produce the same shape.
/// </summary>
/// <param name="Body">The residual branch.</param>
/// <param name="Shortcut">The shortcut branch; empty for the identity.</param>
public sealed record Residual(ValueList<Op> Body, ValueList<Op> Shortcut) : Op
{
    /// <inheritdoc />
    public override string Type => "residual";

    /// <summary>True when the shortcut is the identity.</summary>
    public bool HasIdentityShortcut => Shortcut.Count == 0;

    /// <inheritdoc />
    public override FeatureShape OutputShape(FeatureShape input)
    {
        if (Body.Count == 0)
        {
            throw Broken("body", "a residual needs at least one op in its body");
        }

        RequireNoHeadOps(Body, "body");
        RequireNoHeadOps(Shortcut, "shortcut");
        FeatureShape body = OpSequence.OutputShape(Body, input, "body");
        FeatureShape shortcut = OpSequence.OutputShape(Shortcut, input, "shortcut");
        if (body != shortcut)
        {
            throw Broken(
                "shortcut",
                HasIdentityShortcut
                    ? $"the body turns {input} into {body}, so the identity shortcut cannot be added; give the shortcut a projection (e.g. a strided pw and bn)"
                    : $"the shortcut gives {shortcut} but the body gives {body}; both branches must give the same shape");
        }

        return body;
    }

    private static void RequireNoHeadOps(IReadOnlyList<Op> ops, string branch)
    {
        for (int i = 0; i < ops.Count; i++)
        {
            if (ops[i] is HeadOp)
            {
                throw Broken($"{branch}[{i}].type", $"'{ops[i].Type}' belongs in the head, after the last stage, not inside a residual");
            }
        }
    }

    /// <inheritdoc />
    public override long Parameters(FeatureShape input) =>
        Limits.Add("parameters", OpSequence.Parameters(Body, input), OpSequence.Parameters(Shortcut, input));

    /// <inheritdoc />
    public override long Macs(FeatureShape input) => Limits.Add("MACs", OpSequence.Macs(Body, input), OpSequence.Macs(Shortcut, input));
}

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
