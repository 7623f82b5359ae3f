using System.Collections.Immutable;
using InfoField.Architecture;
using InfoField.Torch.Kinds;
using static TorchSharp.torch;

namespace InfoField.Torch.Tracing;

/// <summary>One call of a leaf module as the tracer recorded it: what a module reader (<see cref="TraceSet.With{TModule}"/>) is given besides the module.</summary>
/// <param name="Name">The module's name in the model (<c>features.4.block.2</c>).</param>
/// <param name="Input">The shape it read (one sample).</param>
/// <param name="Output">The shape it made (one sample).</param>
public sealed record LayerCall(string Name, FeatureShape Input, FeatureShape Output)
{
    /// <summary>2 when the traced model reads images, 1 when it reads signals (its shapes have height 1).</summary>
    public int SpatialRank { get; init; } = 2;

    /// <summary>The error for a module that cannot be read as an op: names the module and says what is not supported.</summary>
    public TraceException Unsupported(nn.Module module, string what)
    {
        ArgumentNullException.ThrowIfNull(module);
        return new($"cannot trace '{Name}' ({module.GetType().Name}): {what} is not supported; describe the network with a spec file instead");
    }
}

/// <summary>The order in which the tracer lists the inputs of a merge it recognized by value.</summary>
public enum MergeOrder
{
    /// <summary>The input more ops away from the model's input first (a residual add: the branch, then the shortcut).</summary>
    DeeperFirst,

    /// <summary>The input made earlier first (a gate: the gated tensor, then the gate).</summary>
    EarlierFirst,
}

/// <summary>A merge the tracer recognizes by value: the op, the TorchSharp function that computes it, and the order of its inputs.</summary>
/// <param name="Op">The merge op the tracer emits.</param>
/// <param name="Apply">Computes the merge of its input tensors (the function its module runs).</param>
/// <param name="Order">How the recognized inputs are ordered.</param>
public sealed record FunctionalMerge(MergeOp Op, Func<IReadOnlyList<Tensor>, Tensor> Apply, MergeOrder Order);

/// <summary>
/// How the tracer reads a TorchSharp model back as ops: an immutable table keyed by module type (each leaf module's
/// reader turns the module and its call into an op), and the merges it recognizes by value between hooked calls
/// (keyed by merge type; a union merge is tried on pairs of earlier tensors, a stacking merge on runs of them along
/// the channels). The tracer half of an op kind, as <see cref="Building.ModuleSet"/> is its module half. Add module
/// types with <see cref="With{TModule}"/>, merges with <see cref="WithMerge"/>, and pass the set in
/// <see cref="TraceOptions"/>.
/// </summary>
public sealed class TraceSet
{
    private readonly ImmutableDictionary<Type, Func<nn.Module<Tensor, Tensor>, LayerCall, Op>> _readers;
    private readonly ImmutableDictionary<Type, FunctionalMerge> _merges;

    private TraceSet(ImmutableDictionary<Type, Func<nn.Module<Tensor, Tensor>, LayerCall, Op>> readers, ImmutableDictionary<Type, FunctionalMerge> merges)
    {
        _readers = readers;
        _merges = merges;
    }

    /// <summary>The readers of every built-in op's modules and the built-in merges (add, mul, concat).</summary>
    public static TraceSet Default { get; } = FromKinds(TorchOpKind.BuiltIn);

    /// <summary>The module types read, by full name.</summary>
    public IEnumerable<Type> ModuleTypes => _readers.Keys.OrderBy(type => type.FullName, StringComparer.Ordinal);

    /// <summary>The merges recognized by value, by type name.</summary>
    public IEnumerable<FunctionalMerge> Merges => _merges.Values.OrderBy(merge => merge.Op.Type, StringComparer.Ordinal);

    /// <summary>This set with <paramref name="read"/> reading every <typeparamref name="TModule"/> (replacing any reader before).</summary>
    public TraceSet With<TModule>(Func<TModule, LayerCall, Op> read)
        where TModule : nn.Module<Tensor, Tensor>
    {
        ArgumentNullException.ThrowIfNull(read);
        return new TraceSet(_readers.SetItem(typeof(TModule), (module, call) => read((TModule)module, call)), _merges);
    }

    /// <summary>
    /// This set recognizing <paramref name="merge"/> by value: a tensor no hooked module made that equals
    /// <paramref name="apply"/> of earlier tensors (two of them for a union merge, a run along the channels for a
    /// stacking one) becomes that merge, its inputs listed in <paramref name="order"/>.
    /// </summary>
    public TraceSet WithMerge(MergeOp merge, Func<IReadOnlyList<Tensor>, Tensor> apply, MergeOrder order = MergeOrder.DeeperFirst)
    {
        ArgumentNullException.ThrowIfNull(merge);
        ArgumentNullException.ThrowIfNull(apply);
        return new TraceSet(_readers, _merges.SetItem(merge.GetType(), new FunctionalMerge(merge, apply, order)));
    }

    /// <summary>
    /// The op <paramref name="module"/> is, read by the reader of its type (or of its nearest base type that has one);
    /// throws <see cref="TraceException"/> naming the module when no reader knows it.
    /// </summary>
    internal Op Read(nn.Module<Tensor, Tensor> module, LayerCall call)
    {
        for (Type? type = module.GetType(); type is not null && type != typeof(nn.Module); type = type.BaseType)
        {
            if (_readers.TryGetValue(type, out var read))
            {
                return read(module, call);
            }
        }

        throw call.Unsupported(module, "this layer type (no reader in the TraceSet; register one with TraceSet.With)");
    }

    private static TraceSet FromKinds(IEnumerable<TorchOpKind> kinds)
    {
        var readers = ImmutableDictionary.CreateBuilder<Type, Func<nn.Module<Tensor, Tensor>, LayerCall, Op>>();
        var merges = ImmutableDictionary.CreateBuilder<Type, FunctionalMerge>();
        foreach (TorchOpKind kind in kinds)
        {
            foreach (var (module, read) in kind.Readers)
            {
                readers.Add(module, read);
            }

            if (kind.Functional is { } merge)
            {
                merges.Add(kind.OpType, merge);
            }
        }

        return new TraceSet(readers.ToImmutable(), merges.ToImmutable());
    }
}
