using System.Globalization;
using InfoField.Onnx.Model;
using InfoField.Onnx.Protobuf;

namespace InfoField.Onnx.Import;

/// <summary>
/// A value of the graph that does not depend on the network's input: an initializer or a Constant node's tensor (its
/// values in the file, read on demand), the result of folded shape arithmetic (its values computed), or a graph input
/// that holds parameters (an export without weights: dims only).
/// </summary>
internal sealed class ImportConstant
{
    private long[]? _integers;
    private double[]? _reals;

    private ImportConstant(string name, int dataType, long[] dims)
    {
        Name = name;
        DataType = dataType;
        Dims = dims;
    }

    /// <summary>The value's ONNX name.</summary>
    public string Name { get; }

    /// <summary>The element type (TensorProto.DataType).</summary>
    public int DataType { get; }

    /// <summary>The dims.</summary>
    public long[] Dims { get; }

    /// <summary>The tensor whose values are in the file, or null.</summary>
    public OnnxTensor? Tensor { get; private init; }

    /// <summary>True for a graph input that holds parameters: its dims are known, its values are not in the model.</summary>
    public bool IsWeightInput { get; private init; }

    /// <summary>True when the values are integers (INT64 or INT32).</summary>
    public bool IsInteger => DataType is TensorValues.Int64 or TensorValues.Int32;

    /// <summary>The number of values.</summary>
    public long Count => TensorValues.Count(Dims, Name);

    /// <summary>A tensor in the file (an initializer, a Constant's value).</summary>
    public static ImportConstant FromTensor(string name, OnnxTensor tensor)
    {
        long[] dims = [.. tensor.Dims];
        TensorValues.Count(dims, name);
        return new ImportConstant(name, tensor.DataType, dims) { Tensor = tensor };
    }

    /// <summary>Integers computed by folding.</summary>
    public static ImportConstant Folded(string name, long[] values, long[] dims) =>
        new(name, TensorValues.Int64, dims) { _integers = values };

    /// <summary>A graph input holding parameters, with the dims its shape gives.</summary>
    public static ImportConstant WeightInput(string name, int dataType, long[] dims)
    {
        TensorValues.Count(dims, name);
        return new ImportConstant(name, dataType, dims) { IsWeightInput = true };
    }

    /// <summary>A weight input's dims permuted by <paramref name="permutation"/> under another name (a Transpose of a weight; only its dims are known).</summary>
    public ImportConstant Transposed(string name, long[] permutation)
    {
        if (!IsWeightInput)
        {
            throw new InvalidOperationException("only a weight input's transpose is taken without its values");
        }

        return WeightInput(name, DataType, [.. permutation.Select(axis => Dims[axis])]);
    }

    /// <summary>The same values under another name (Identity, Dropout).</summary>
    public ImportConstant Renamed(string name) => new(name, DataType, Dims)
    {
        Tensor = Tensor,
        IsWeightInput = IsWeightInput,
        _integers = _integers,
        _reals = _reals,
    };

    /// <summary>The integer values, at most <paramref name="maxCount"/>, read once.</summary>
    public long[] Integers(ByteSource source, int maxCount)
    {
        RequireValues(maxCount);
        return _integers ??= TensorValues.Integers(Tensor!, source, Name, maxCount);
    }

    /// <summary>The real values, at most <paramref name="maxCount"/>, read once.</summary>
    public double[] Reals(ByteSource source, int maxCount)
    {
        RequireValues(maxCount);
        if (_integers is not null)
        {
            return [.. _integers.Select(v => (double)v)];
        }

        return _reals ??= TensorValues.Reals(Tensor!, source, Name, maxCount);
    }

    private void RequireValues(int maxCount)
    {
        if (IsWeightInput)
        {
            throw new OnnxReadException($"'{Name}' is a graph input (a weight of an export without weights): its values are not in the model, where InfoField needs them");
        }

        long count = Count;
        if (count > maxCount)
        {
            throw new OnnxReadException(string.Create(CultureInfo.InvariantCulture, $"'{Name}' has dims [{string.Join(", ", Dims)}] ({count:N0} values); InfoField reads at most {maxCount:N0} values here"));
        }
    }
}
