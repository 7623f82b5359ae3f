using System.Reflection;
using InfoField.Architecture;
using InfoField.Torch.Onnx;
using InfoField.Torch.Tracing;
using static TorchSharp.torch;

namespace InfoField.Torch.Kinds;

/// <summary>
/// The Torch half of one op kind, as the op record with its spec <see cref="Spec.OpKind"/> is its Core half: the
/// TorchSharp module the op builds as, the modules the tracer reads back as the op, how a merge is recognized by value,
/// and the op's ONNX form. A built-in kind declares its half as a static <see cref="TorchOpKind"/> property next to
/// its module (InfoField's own modules) or in <c>Kinds/</c> (TorchSharp's layers); <see cref="Building.ModuleSet.Default"/>,
/// <see cref="TraceSet.Default"/> and <see cref="OnnxExportSet.Default"/> hold every one this assembly declares, so a
/// built-in op's Torch half is registered by its own file.
/// </summary>
internal sealed class TorchOpKind
{
    private TorchOpKind(Type opType) => OpType = opType;

    /// <summary>The op record this half belongs to.</summary>
    public Type OpType { get; }

    /// <summary>Builds the op's module for an input shape (a merge's module joins the tensors its node reads: <see cref="Modules.MergeModule"/>).</summary>
    public Func<Op, FeatureShape, nn.Module<Tensor, Tensor>>? Module { get; private init; }

    /// <summary>
    /// Whether the op's module returns a new tensor that its backward pass does not read, so a ReLU after it in a chain
    /// may run in place (<see cref="Building.ModuleSet"/>).
    /// </summary>
    public bool ReluInPlaceAfter { get; private init; }

    /// <summary>The module types the tracer reads as this op, each with its reader.</summary>
    public IReadOnlyList<(Type Module, Func<nn.Module<Tensor, Tensor>, LayerCall, Op> Read)> Readers { get; private init; } = [];

    /// <summary>For a merge: how the tracer recognizes it by value between the calls its hooks see.</summary>
    public FunctionalMerge? Functional { get; private init; }

    /// <summary>Writes the op's ONNX form; returns its output tensor.</summary>
    public Func<Op, OnnxOpWriter, string>? Onnx { get; private init; }

    /// <summary>
    /// Every kind declared in <paramref name="assembly"/>: the static <see cref="TorchOpKind"/> properties (public or
    /// not) of its types, in the order of their declaring types' full names.
    /// </summary>
    public static IReadOnlyList<TorchOpKind> Declared(Assembly assembly) =>
        [.. assembly.GetTypes()
            .Where(type => !type.ContainsGenericParameters)
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .SelectMany(type => type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(property => property.PropertyType == typeof(TorchOpKind))
            .Select(property => (TorchOpKind)property.GetValue(null)!)];

    /// <summary>Every built-in kind: those this assembly declares.</summary>
    public static IReadOnlyList<TorchOpKind> BuiltIn { get; } = Declared(typeof(TorchOpKind).Assembly);

    /// <summary>The Torch half of <typeparamref name="TOp"/>: its module and its ONNX form.</summary>
    /// <param name="module">Builds the module for an input shape.</param>
    /// <param name="onnx">Writes the ONNX form, or null when the op has none.</param>
    /// <param name="reluInPlaceAfter">See <see cref="ReluInPlaceAfter"/>.</param>
    public static TorchOpKind Of<TOp>(Func<TOp, FeatureShape, nn.Module<Tensor, Tensor>> module, Func<TOp, OnnxOpWriter, string>? onnx, bool reluInPlaceAfter = false)
        where TOp : Op =>
        new(typeof(TOp))
        {
            Module = (op, input) => module((TOp)op, input),
            Onnx = onnx is null ? null : (op, writer) => onnx((TOp)op, writer),
            ReluInPlaceAfter = reluInPlaceAfter,
        };

    /// <summary>
    /// The Torch half of the merge <typeparamref name="TOp"/>: its module runs <paramref name="merge"/>, the tracer
    /// recognizes it by the same function, and <paramref name="onnx"/> writes it.
    /// </summary>
    public static TorchOpKind Merge<TOp>(TOp op, Func<IReadOnlyList<Tensor>, Tensor> merge, MergeOrder order, Func<TOp, OnnxOpWriter, string> onnx)
        where TOp : MergeOp =>
        new(typeof(TOp))
        {
            Module = (_, _) => new Modules.MergeModule(op.Type, merge),
            Functional = new FunctionalMerge(op, merge, order),
            Onnx = (o, writer) => onnx((TOp)o, writer),
        };

    /// <summary>This kind with the tracer reading every <typeparamref name="TModule"/> as an op by <paramref name="read"/>.</summary>
    public TorchOpKind Reads<TModule>(Func<TModule, LayerCall, Op> read)
        where TModule : nn.Module<Tensor, Tensor> =>
        new(OpType)
        {
            Module = Module,
            ReluInPlaceAfter = ReluInPlaceAfter,
            Readers = [.. Readers, (typeof(TModule), (module, call) => read((TModule)module, call))],
            Functional = Functional,
            Onnx = Onnx,
        };
}
