using System.Globalization;
using InfoField.Architecture;

namespace InfoField.Onnx.Readers;

/// <summary>Rules the readers share: sizes narrowed with a check, per-axis attributes, padding, the channel axis.</summary>
internal static class ReaderRules
{
    /// <summary><paramref name="value"/> as an int when it is between <paramref name="minimum"/> and int.MaxValue; else an error naming <paramref name="what"/>.</summary>
    public static int Narrow(this OnnxNodeContext node, string what, long value, int minimum = 0) =>
        value >= minimum && value <= int.MaxValue
            ? (int)value
            : throw node.Fail(string.Create(CultureInfo.InvariantCulture, $"{what} {value} is out of range (expected {minimum} to {int.MaxValue:N0})"));

    /// <summary>A per-axis attribute (strides, dilations) as a pair, <paramref name="fallback"/> on both axes when absent; values at least 1.</summary>
    public static Pair Axes(this OnnxNodeContext node, string name, int fallback)
    {
        long[]? values = node.Ints(name);
        if (values is null)
        {
            return Pair.Square(fallback);
        }

        int rank = node.SpatialRank;
        if (values.Length != rank)
        {
            throw node.Fail($"has {values.Length} {name} for {rank} spatial axes");
        }

        return rank == 2 ? new Pair(node.Narrow(name, values[0], 1), node.Narrow(name, values[1], 1)) : new Pair(1, node.Narrow(name, values[0], 1));
    }

    /// <summary>The padding of a Conv or pooling node from its pads or auto_pad, symmetric per axis.</summary>
    public static Pair Padding(this OnnxNodeContext node, FeatureShape input, Pair kernel, Pair stride, Pair dilation)
    {
        string autoPad = node.Text("auto_pad", "NOTSET");
        int rank = node.SpatialRank;
        switch (autoPad)
        {
            case "NOTSET" or "":
                long[] amounts = node.Ints("pads") ?? new long[2 * rank];
                if (amounts.Length != 2 * rank)
                {
                    throw node.Fail($"has {amounts.Length} pads for {rank} spatial axes");
                }

                return node.SymmetricPadding(amounts[..rank], amounts[rank..]);
            case "VALID":
                return Pair.Square(0);
            case "SAME_UPPER" or "SAME_LOWER":
                int Same(int size, int k, int s, int d)
                {
                    long total = Math.Max(((((long)size + s - 1) / s) - 1) * s + ((long)(k - 1) * d) + 1 - size, 0);
                    return total % 2 == 0
                        ? node.Narrow("pads", total / 2)
                        : throw node.Fail($"auto_pad {autoPad} pads {total} pixels along an axis, unequally on its two sides; InfoField pads both sides equally (export with explicit symmetric pads)");
                }

                return new Pair(rank == 2 ? Same(input.Height, kernel.H, stride.H, dilation.H) : 0, Same(input.Width, kernel.W, stride.W, dilation.W));
            default:
                throw node.Fail($"has auto_pad '{autoPad}'; expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
        }
    }

    /// <summary>The padding per axis when the begin and end amounts are equal; an error otherwise.</summary>
    public static Pair SymmetricPadding(this OnnxNodeContext node, long[] begin, long[] end)
    {
        if (!begin.SequenceEqual(end))
        {
            throw node.Fail($"pads asymmetrically (begin [{string.Join(", ", begin)}], end [{string.Join(", ", end)}]); InfoField pads both sides of an axis equally (export with symmetric padding)");
        }

        return node.SpatialRank == 2 ? new Pair(node.Narrow("pads", begin[0]), node.Narrow("pads", begin[1])) : new Pair(0, node.Narrow("pads", begin[0]));
    }

    /// <summary>Checks that <paramref name="axis"/> (negative counts from the end) is the channel axis.</summary>
    public static void RequireChannelAxis(this OnnxNodeContext node, long axis)
    {
        if ((axis < 0 ? axis + node.SpatialRank + 2 : axis) != 1)
        {
            throw node.Fail($"works on axis {axis}; InfoField reads {node.OpType} on the channel axis (1) only");
        }
    }

    /// <summary>The dims of weight input <paramref name="input"/>, each between 1 and int.MaxValue, in exactly <paramref name="rank"/> dims.</summary>
    public static int[] WeightDims(this OnnxNodeContext node, int input, int rank, string what)
    {
        long[] dims = node.Dims(input);
        if (dims.Length != rank)
        {
            throw node.Fail($"its {what} has {dims.Length} dims [{string.Join(", ", dims)}]; expected {rank}");
        }

        var sizes = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            sizes[i] = dims[i] is >= 1 and <= int.MaxValue
                ? (int)dims[i]
                : throw node.Fail($"its {what} has dims [{string.Join(", ", dims)}]; each must be a positive size");
        }

        return sizes;
    }

    /// <summary>Checks that the constant input <paramref name="input"/> holds <paramref name="count"/> values in one dim (a per-channel parameter).</summary>
    public static void RequireVector(this OnnxNodeContext node, int input, long count, string what)
    {
        long[] dims = node.Dims(input);
        if (dims.Length != 1 || dims[0] != count)
        {
            throw node.Fail(string.Create(CultureInfo.InvariantCulture, $"its {what} '{node.InputNameOf(input)}' has dims [{string.Join(", ", dims)}]; expected [{count}], one per channel"));
        }
    }

    /// <summary>The ONNX name of input <paramref name="input"/>.</summary>
    public static string InputNameOf(this OnnxNodeContext node, int input) => node.InputName(input);
}
