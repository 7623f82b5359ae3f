using InfoField.Architecture;

namespace InfoField.Onnx.Readers;

/// <summary>MaxPool, AveragePool, the global pools and ReduceMean over the spatial axes (over the channel axis: <see cref="LayerNormPattern"/>).</summary>
internal static class PoolingReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("MaxPool", 1, Pool) { MaxOutputs = 2 },
        new("AveragePool", 1, Pool),
        new("GlobalAveragePool", 1, node => node.Emit(new AdaptivePooling(PoolKind.Average, Pair.Square(1)))),
        new("GlobalMaxPool", 1, node => node.Emit(new AdaptivePooling(PoolKind.Max, Pair.Square(1)))),
        new("ReduceMean", 1, node => ReduceMean(node, node.Ints("axes"))),
        new("ReduceMean", 18, node => ReduceMean(node, node.Has(1) ? node.Integers(1, 8) : null)) { MaxInputs = 2 },
    ];

    private static void Pool(OnnxNodeContext node)
    {
        FlatTensor x = node.Tensor(0);
        int rank = node.SpatialRank;
        long[] kernelShape = node.Ints("kernel_shape") ?? throw node.Fail("has no kernel_shape");
        if (kernelShape.Length != rank)
        {
            throw node.Fail($"pools over {kernelShape.Length} axes; the network is {rank}-D");
        }

        if (node.Ints("dilations") is { } dilations && dilations.Any(d => d != 1))
        {
            throw node.Fail("dilated pooling is not supported");
        }

        Pair kernel = node.PerAxis([.. kernelShape.Select(k => node.Narrow("kernel_shape", k, 1))]);
        Pair stride = node.Axes("strides", 1);
        Pair padding = node.Padding(node.Shape(x), kernel, stride, rank == 3 ? Pair.Cube(1) : Pair.Square(1));

        PoolKind kind = node.OpType == "MaxPool" ? PoolKind.Max : PoolKind.Average;
        node.SetOutput(0, node.Add(new Pooling(kind, kernel, stride, padding, node.Int("ceil_mode", 0) != 0), x));
    }

    private static void ReduceMean(OnnxNodeContext node, long[]? axes)
    {
        if (LayerNormPattern.ReduceMean(node, axes))
        {
            return;
        }

        FlatTensor x = node.Tensor(0);
        int rank = node.SpatialRank;
        if (axes is null)
        {
            throw node.Fail("reduces over every axis; InfoField reads ReduceMean over the spatial axes only");
        }

        long[] normalized = [.. axes.Select(a => a < 0 ? a + rank + 2 : a).Order()];
        long[] spatial = [.. Enumerable.Range(2, rank).Select(axis => (long)axis)];
        if (!normalized.SequenceEqual(spatial))
        {
            throw node.Fail($"reduces over axes [{string.Join(", ", axes)}]; InfoField reads ReduceMean over the spatial axes ({string.Join(", ", spatial)}) as global average pooling");
        }

        FlatTensor pooled = node.Add(new AdaptivePooling(PoolKind.Average, Pair.Square(1)), x);
        if (node.Int("keepdims", 1) == 0)
        {
            pooled = node.Add(new Flatten(), pooled);
        }

        node.SetOutput(0, pooled);
    }
}
