using System.Collections.Immutable;
using InfoField.Architecture;
using InfoField.Torch.Kinds;

namespace InfoField.Torch.Onnx;

/// <summary>
/// The ONNX form of each op kind: an immutable table keyed by the op's record type, the ONNX half of an op kind as
/// <see cref="Building.ModuleSet"/> is its Torch half. Each entry writes the standard operators a PyTorch export writes
/// for the layer (a merge: Add, Mul or Concat of its inputs) and returns the tensor it made. Add kinds with
/// <see cref="With{TOp}"/>.
/// </summary>
public sealed class OnnxExportSet
{
    private readonly ImmutableDictionary<Type, Func<Op, OnnxOpWriter, string>> _forms;

    private OnnxExportSet(ImmutableDictionary<Type, Func<Op, OnnxOpWriter, string>> forms) => _forms = forms;

    /// <summary>The ONNX form of every built-in op that has one.</summary>
    public static OnnxExportSet Default { get; } = new(TorchOpKind.BuiltIn.Where(kind => kind.Onnx is not null).ToImmutableDictionary(kind => kind.OpType, kind => kind.Onnx!));

    /// <summary>The op types that have a form, by full name.</summary>
    public IEnumerable<Type> OpTypes => _forms.Keys.OrderBy(type => type.FullName, StringComparer.Ordinal);

    /// <summary>This set with <paramref name="form"/> writing every <typeparamref name="TOp"/> (replacing any before).</summary>
    public OnnxExportSet With<TOp>(Func<TOp, OnnxOpWriter, string> form)
        where TOp : Op
    {
        ArgumentNullException.ThrowIfNull(form);
        return new OnnxExportSet(_forms.SetItem(typeof(TOp), (op, writer) => form((TOp)op, writer)));
    }

    /// <summary>Writes <paramref name="op"/> with <paramref name="writer"/> (pointed at its inputs); returns its output tensor.</summary>
    /// <exception cref="UnregisteredOpException">No ONNX form is registered for the op's type.</exception>
    internal string Write(Op op, OnnxOpWriter writer) =>
        _forms.TryGetValue(op.GetType(), out var form)
            ? form(op, writer)
            : throw new UnregisteredOpException(op, "ONNX form", nameof(OnnxExportSet), writer.NetworkName);
}
