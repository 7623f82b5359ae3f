using Onnx;
using static InfoField.Onnx.OnnxValues;

namespace InfoField.Onnx;

/// <summary>
/// Folds the integer arithmetic exporters write to compute shapes at run time (Shape, Gather, Unsqueeze, Concat,
/// Add, Div, ... of constants and of the shapes of tensors whose size is fixed), so that the Reshape, Slice and Split
/// nodes reading it see constants. Weights are never touched: only integer tensors are folded, and Identity of any
/// constant (how exporters pass initializers on) is the constant.
/// </summary>
internal static class OnnxShapeArithmetic
{
    /// <summary>The constant <paramref name="node"/> computes, or null when it computes from tensors or is not shape arithmetic.</summary>
    /// <param name="node">The node.</param>
    /// <param name="constants">The constants known so far, by name.</param>
    /// <param name="shapeOf">The dims of a tensor the nodes made, or null.</param>
    /// <param name="opset">The model's opset.</param>
    public static TensorProto? TryFold(NodeProto node, IReadOnlyDictionary<string, TensorProto> constants, Func<string, long[]?> shapeOf, long opset)
    {
        if (node.OpType is "Identity" or "Dropout" && node.Input.Count > 0 && constants.TryGetValue(node.Input[0], out TensorProto? same))
        {
            return same;
        }

        if (node.OpType == "Shape")
        {
            return shapeOf(node.Input[0]) is { } dims ? Vector(Range(dims, Int(node, "start", 0), Int(node, "end", long.MaxValue))) : null;
        }

        if (node.OpType is not ("Gather" or "Unsqueeze" or "Squeeze" or "Concat" or "Add" or "Sub" or "Mul" or "Div" or "Cast" or "Slice"))
        {
            return null;
        }

        var inputs = new List<(long[] Values, long[] Dims)>();
        foreach (string name in node.Input)
        {
            if (name.Length == 0)
            {
                continue;
            }

            if (!constants.TryGetValue(name, out TensorProto? tensor)
                || (TensorProto.Types.DataType)tensor.DataType is not (TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Int32))
            {
                return null;
            }

            inputs.Add((Integers(tensor, name), [.. tensor.Dims]));
        }

        if (inputs.Count == 0)
        {
            return null;
        }

        var (a, aDims) = inputs[0];
        switch (node.OpType)
        {
            case "Gather" when inputs.Count == 2:
                var (indices, indexDims) = inputs[1];
                if (Int(node, "axis", 0) != 0 || aDims.Length > 1 || indices.Any(i => i < -a.Length || i >= a.Length))
                {
                    return null;
                }

                return Tensor([.. indices.Select(i => a[i < 0 ? i + a.Length : i])], indexDims);
            case "Unsqueeze":
                return Tensor(a, [.. aDims, 1]);
            case "Squeeze":
                return Tensor(a, [.. aDims.Where(d => d != 1)]);
            case "Cast":
                return Tensor(a, aDims);
            case "Concat":
                return Vector([.. inputs.SelectMany(input => input.Values)]);
            case "Slice" when opset >= 10 && inputs.Count >= 3 && aDims.Length == 1 && inputs[1].Values.Length == 1 && inputs[2].Values.Length == 1
                && (inputs.Count < 5 || inputs[4].Values.All(step => step == 1)):
                return Vector(Range(a, inputs[1].Values[0], inputs[2].Values[0]));
            case "Add" or "Sub" or "Mul" or "Div" when inputs.Count == 2:
                var (b, bDims) = inputs[1];
                int count = Math.Max(a.Length, b.Length);
                if ((a.Length != count && a.Length != 1) || (b.Length != count && b.Length != 1))
                {
                    return null;
                }

                var values = new long[count];
                for (int i = 0; i < count; i++)
                {
                    long x = a[a.Length == 1 ? 0 : i], y = b[b.Length == 1 ? 0 : i];
                    values[i] = node.OpType switch { "Add" => x + y, "Sub" => x - y, "Mul" => x * y, _ => y == 0 ? 0 : x / y };
                }

                return Tensor(values, a.Length >= b.Length ? aDims : bDims);
            default:
                return null;
        }
    }

    private static long[] Range(long[] values, long start, long end)
    {
        long from = Math.Clamp(start < 0 ? start + values.Length : start, 0, values.Length);
        long to = Math.Clamp(end < 0 ? end + values.Length : end, 0, values.Length);
        return to > from ? values[(int)from..(int)to] : [];
    }

    private static TensorProto Vector(long[] values) => Tensor(values, [values.Length]);

    private static TensorProto Tensor(long[] values, long[] dims)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Int64Data.Add(values);
        tensor.Dims.Add(dims);
        return tensor;
    }
}
