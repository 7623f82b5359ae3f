using InfoField.Architecture;

namespace InfoField.Onnx;

/// <summary>
/// How the importer reads one ONNX operator from one opset version on: an entry of <see cref="OnnxReaderSet"/>, keyed
/// by (<see cref="Domain"/>, <see cref="OpType"/>, <see cref="SinceVersion"/>). A model importing version v of the
/// domain is read with the entry of the highest <see cref="SinceVersion"/> at most v, so an operator whose inputs or
/// attributes changed in some opset has one entry per form. The table checks a node's input and output counts before
/// <see cref="Read"/> runs.
/// </summary>
/// <param name="OpType">The operator, e.g. <c>Conv</c>.</param>
/// <param name="SinceVersion">The first opset version of <see cref="Domain"/> this entry reads.</param>
/// <param name="Read">Reads one node: turns it into ops of the network's graph, or passes a value on, or fails naming what it expected.</param>
public sealed record OnnxReader(string OpType, int SinceVersion, Action<OnnxNodeContext> Read)
{
    /// <summary>The operator's domain: <c>""</c> (the default ONNX domain, also written <c>ai.onnx</c>) unless set.</summary>
    public string Domain { get; init; } = string.Empty;

    /// <summary>The fewest inputs a node may list (optional inputs left out at the end do not count): 1 unless set.</summary>
    public int MinInputs { get; init; } = 1;

    /// <summary>The most inputs a node may list: 1 unless set.</summary>
    public int MaxInputs { get; init; } = 1;

    /// <summary>The fewest outputs a node must list: 1 unless set.</summary>
    public int MinOutputs { get; init; } = 1;

    /// <summary>The most outputs a node may list: 1 unless set (optional outputs, such as MaxPool's indices, raise it).</summary>
    public int MaxOutputs { get; init; } = 1;

    /// <summary>
    /// The inputs that hold parameters (weights, biases, normalization statistics). A graph input that feeds only such
    /// inputs is read as a weight (an export without weights) rather than as the network's input.
    /// </summary>
    public ValueList<int> ParameterInputs { get; init; } = [];

    /// <summary>True when the node's first output is its first input (Identity, Dropout): a weight passed on stays a weight.</summary>
    public bool PassesOn { get; init; }

    /// <summary>
    /// True when the node's first output is its first input rearranged (Transpose): a weight rearranged stays a weight,
    /// with the rearranged dims (an export without weights transposes a linear layer's weight before its MatMul).
    /// </summary>
    public bool RearrangesOn { get; init; }

    /// <summary>The entry's key, as messages write it: <c>Conv</c> in the default domain, <c>com.example::MyOp</c> elsewhere, with <c>@version</c> after one.</summary>
    public override string ToString() => $"{(Domain.Length == 0 ? "" : Domain + "::")}{OpType}@{SinceVersion}";
}
