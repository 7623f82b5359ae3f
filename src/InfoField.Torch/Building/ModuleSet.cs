using System.Collections.Immutable;
using InfoField.Architecture;
using InfoField.Torch.Kinds;
using InfoField.Torch.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Building;

/// <summary>
/// Which TorchSharp module each op kind becomes: an immutable table keyed by the op's record type, the Torch half of an
/// op kind (its Core half is the op record with its spec <see cref="Spec.OpKind"/>). Every op maps to the layer a PyTorch
/// user would write (Conv2d, BatchNorm2d, ReLU, ...), so parameter counts equal the cost model's; RPW and interlace map
/// to InfoField's own modules, and a merge to a <see cref="MergeModule"/> that joins its node's tensors. Add kinds
/// with <see cref="With{TOp}"/>.
/// </summary>
public sealed class ModuleSet
{
    private readonly ImmutableDictionary<Type, Entry> _entries;

    /// <summary>Whether activations are the built-in modules, so a ReLU may run in place (<see cref="Build(Op, FeatureShape, Op?)"/>).</summary>
    private readonly bool _builtInActivations;

    private ModuleSet(ImmutableDictionary<Type, Entry> entries, bool builtInActivations)
    {
        _entries = entries;
        _builtInActivations = builtInActivations;
    }

    /// <summary>The modules of every built-in op.</summary>
    public static ModuleSet Default { get; } = new(
        TorchOpKind.BuiltIn.Where(kind => kind.Module is not null).ToImmutableDictionary(kind => kind.OpType, kind => new Entry(kind.Module!, kind.ReluInPlaceAfter)),
        builtInActivations: true);

    /// <summary>The op types that have a module, by full name.</summary>
    public IEnumerable<Type> OpTypes => _entries.Keys.OrderBy(type => type.FullName, StringComparer.Ordinal);

    /// <summary>
    /// This set with <paramref name="factory"/> building the module of every <typeparamref name="TOp"/> (replacing any
    /// before). A merge's factory returns a <see cref="MergeModule"/>.
    /// </summary>
    public ModuleSet With<TOp>(Func<TOp, FeatureShape, nn.Module<Tensor, Tensor>> factory)
        where TOp : Op
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new ModuleSet(_entries.SetItem(typeof(TOp), new Entry((op, input) => factory((TOp)op, input), ReluInPlaceAfter: false)), _builtInActivations && typeof(TOp) != typeof(Activation));
    }

    /// <summary>Builds the module of <paramref name="op"/> for <paramref name="input"/> (for a merge: its first input).</summary>
    /// <exception cref="UnregisteredOpException">No module is registered for the op's type.</exception>
    public nn.Module<Tensor, Tensor> Build(Op op, FeatureShape input)
    {
        ArgumentNullException.ThrowIfNull(op);
        return _entries.TryGetValue(op.GetType(), out Entry? entry)
            ? entry.Factory(op, input)
            : throw new UnregisteredOpException(op, "TorchSharp module", nameof(ModuleSet));
    }

    /// <summary>
    /// Builds <paramref name="op"/> as the op after <paramref name="producer"/> in a chain, where the producer's output
    /// has no other reader. A ReLU then overwrites that output in place, as <c>nn.ReLU(inplace=True)</c> in PyTorch
    /// code, when the producer's module is a built-in one that neither returns a view of its input nor keeps its output
    /// for the backward pass (convolutions, batch norm, linear, pooling: their kinds say so,
    /// <see cref="TorchOpKind.ReluInPlaceAfter"/>): the same values and gradients, one activation tensor less to
    /// allocate and write per layer.
    /// </summary>
    internal nn.Module<Tensor, Tensor> Build(Op op, FeatureShape input, Op? producer) =>
        _builtInActivations && op is Activation { Kind: ActivationKind.Relu } && producer is not null
        && _entries.TryGetValue(producer.GetType(), out Entry? entry) && entry.ReluInPlaceAfter
            ? nn.ReLU(inplace: true)
            : Build(op, input);

    private sealed record Entry(Func<Op, FeatureShape, nn.Module<Tensor, Tensor>> Factory, bool ReluInPlaceAfter);
}
