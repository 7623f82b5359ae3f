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

    /// <summary>A per-axis attribute (strides, dilations) as a pair, <paramref name="fallback"/> on every axis when absent; values at least 1.</summary>
    public static Pair Axes(this OnnxNodeContext node, string name, int fallback)
    {
        long[]? values = node.Ints(name);
        if (values is null)
        {
            return node.SpatialRank == 3 ? Pair.Cube(fallback) : Pair.Square(fallback);
        }

        int rank = node.SpatialRank;
        if (values.Length != rank)
        {
            throw node.Fail($"has {values.Length} {name} for {rank} spatial axes");
        }

        return node.PerAxis([.. values.Select(value => node.Narrow(name, value, 1))]);
    }

    /// <summary>
    /// Values given per spatial axis in ONNX's order (depth, height, width in a 3-D network; height, width in 2-D; the
    /// length in 1-D) as a pair; <paramref name="heightInOneD"/> along a 1-D network's unused height (1, or 0 for padding).
    /// </summary>
    public static Pair PerAxis(this OnnxNodeContext node, IReadOnlyList<int> values, int heightInOneD = 1) => node.SpatialRank switch
    {
        3 => Pair.Of3d(values[0], values[1], values[2]),
        2 => new Pair(values[0], values[1]),
        _ => new Pair(heightInOneD, values[0]),
    };

    /// <summary>The lengths of <paramref name="shape"/> per spatial axis in ONNX's order (depth, height, width; height, width; the length).</summary>
    public static int[] Lengths(this OnnxNodeContext node, FeatureShape shape) => node.SpatialRank switch
    {
        3 => [shape.Depth, shape.Height, shape.Width],
        2 => [shape.Height, shape.Width],
        _ => [shape.Width],
    };

    /// <summary>A pair's values per spatial axis in ONNX's order (the inverse of <see cref="PerAxis"/>).</summary>
    public static int[] Values(this OnnxNodeContext node, Pair pair, int absent) => node.SpatialRank switch
    {
        3 => [pair.DepthOr(absent), pair.H, pair.W],
        2 => [pair.H, pair.W],
        _ => [pair.W],
    };

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

                int[] lengths = node.Lengths(input), k = node.Values(kernel, 1), s = node.Values(stride, 1), d = node.Values(dilation, 1);
                return node.PerAxis([.. Enumerable.Range(0, rank).Select(a => Same(lengths[a], k[a], s[a], d[a]))], heightInOneD: 0);
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

        return node.PerAxis([.. begin.Select(amount => node.Narrow("pads", amount))], heightInOneD: 0);
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
