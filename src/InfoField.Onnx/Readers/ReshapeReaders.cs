using System.Globalization;
using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Readers;

/// <summary>Flatten, Reshape and Transpose: flattening before the classifier, the pieces of a channel shuffle (<see cref="Passes.ChannelShuffles"/>), and the moves of the channels last and back (<see cref="ChannelsLast"/>).</summary>
internal static class ReshapeReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("Flatten", 1, Flatten),
        new("Reshape", 5, Reshape) { MinInputs = 2, MaxInputs = 2 },
        new("Transpose", 1, Transpose) { RearrangesOn = true },
    ];

    private static void Flatten(OnnxNodeContext node)
    {
        if (node.Int("axis", 1) != 1)
        {
            throw node.Fail("only Flatten with axis 1 (N x features) is read");
        }

        node.Emit(new Flatten());
    }

    /// <summary>
    /// To N x features: a flatten; to the same dims: nothing; anything else: a reshape kept for the channel shuffle pass
    /// (a feature map when the result has a feature map's dims, else a view that only Transpose and Reshape read).
    /// </summary>
    private static void Reshape(OnnxNodeContext node)
    {
        int x = node.Importer.AnyTensorInput(node, 0);
        ImportGraph graph = node.Importer.Graph;
        long[] target = node.Integers(1, OnnxLimits.MaxFoldedRank);
        long[] dims = graph.Dims(x);
        long[] resolved = Resolve(node, target, dims);
        bool view = graph.View(x) is not null;
        FeatureShape shape = graph.Shape(x);
        if (!view && resolved.Length == 2 && resolved[1] == shape.Volume)
        {
            node.Emit(new Flatten());
            return;
        }

        if (resolved.SequenceEqual(dims))
        {
            node.PassOn();
            return;
        }

        bool featureDims = resolved.Length == graph.Rank + 2 && resolved[0] == 1 && resolved.Skip(1).All(d => d <= Limits.MaxExtent);
        int tensor = featureDims
            ? node.Importer.AddPending(node, new ReshapeStep(resolved), [x], graph.Rank switch
            {
                3 => FeatureShape.Volume3d((int)resolved[1], (int)resolved[2], (int)resolved[3], (int)resolved[4]),
                2 => new FeatureShape((int)resolved[1], (int)resolved[2], (int)resolved[3]),
                _ => new FeatureShape((int)resolved[1], 1, (int)resolved[2]),
            })
            : node.Importer.AddPending(node, new ReshapeStep(resolved), [x], shape, resolved);
        node.SetOutput(0, new FlatTensor(tensor));
    }

    /// <summary>The target dims with 0 (copy) and -1 (infer) resolved against <paramref name="dims"/>; every product checked.</summary>
    private static long[] Resolve(OnnxNodeContext node, long[] target, long[] dims)
    {
        long volume = dims.Aggregate(1L, (a, b) => a * b);
        bool allowZero = node.Int("allowzero", 0) != 0;
        var resolved = new long[target.Length];
        long known = 1;
        int free = -1;
        for (int i = 0; i < target.Length; i++)
        {
            resolved[i] = target[i] == 0 && !allowZero && i < dims.Length ? dims[i] : target[i];
            if (resolved[i] == -1)
            {
                free = free < 0 ? i : throw node.Fail("has more than one -1 in its shape");
            }
            else if (resolved[i] < 1)
            {
                throw node.Fail($"has the dimension {target[i]} in its shape");
            }
            else if (resolved[i] > volume / known)
            {
                throw Mismatch(node, volume, target);
            }
            else
            {
                known *= resolved[i];
            }
        }

        if (free >= 0)
        {
            resolved[free] = volume % known == 0 ? volume / known : throw Mismatch(node, volume, target);
        }
        else if (known != volume)
        {
            throw Mismatch(node, volume, target);
        }

        return resolved;
    }

    private static OnnxReadException Mismatch(OnnxNodeContext node, long volume, long[] target) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{node.Source}: cannot reshape {volume:N0} values to [{string.Join(", ", target)}]"));

    /// <summary>A permutation of the dims, kept as a view for the channel shuffle pass (the identity passes the tensor on).</summary>
    private static void Transpose(OnnxNodeContext node)
    {
        if (node.IsConstant(0) && node.Importer.Lookup(node, 0) is ImportConstant { IsWeightInput: true } weight)
        {
            // A weight given as a graph input (an export without weights), transposed before the node that reads it:
            // only its dims are known, and only its dims are read.
            node.Importer.Bind(node, 0, weight.Transposed(node.Node.Outputs[0], Permutation(node, weight.Dims.Length)));
            return;
        }

        int x = node.Importer.AnyTensorInput(node, 0);
        ImportGraph graph = node.Importer.Graph;
        long[] dims = graph.Dims(x);
        long[] perm = Permutation(node, dims.Length);
        if (perm.Select((p, i) => p == i).All(same => same))
        {
            node.Importer.PassOn(node, 0, 0);
            return;
        }

        if (ChannelsLast.Transpose(node, x, perm))
        {
            return;
        }

        long[] permuted = [.. perm.Select(p => dims[p])];
        node.SetOutput(0, new FlatTensor(node.Importer.AddPending(node, new TransposeStep(perm), [x], graph.Shape(x), permuted)));
    }

    /// <summary>The node's <c>perm</c> (the axes reversed when absent), checked to be a permutation of <paramref name="rank"/> axes.</summary>
    private static long[] Permutation(OnnxNodeContext node, int rank)
    {
        long[] perm = node.Ints("perm") ?? [.. Enumerable.Range(0, rank).Reverse().Select(i => (long)i)];
        if (perm.Length != rank || !perm.Order().SequenceEqual(Enumerable.Range(0, rank).Select(i => (long)i)))
        {
            throw node.Fail($"has perm [{string.Join(", ", perm)}], which is not a permutation of the {rank} axes of its input");
        }

        return perm;
    }
}
