using System.Globalization;
using InfoField.Architecture;
using InfoField.Onnx.Import;
using InfoField.Onnx.Model;

namespace InfoField.Onnx;

/// <summary>A tensor of the network's graph as the import builds it (<see cref="OnnxNodeContext.Tensor"/>, <see cref="OnnxNodeContext.Add"/>).</summary>
/// <param name="Index">0 for the network's input, i + 1 for the output of the graph's node i.</param>
public readonly record struct FlatTensor(int Index);

/// <summary>
/// What an <see cref="OnnxReader"/> reads one ONNX node with: the node's attributes, its inputs (tensors computed from
/// the network's input, or constants: initializers, Constant nodes, folded shape arithmetic, weights of an export
/// without weights), and the graph it adds ops to. A reader binds each output it makes (<see cref="SetOutput"/>,
/// <see cref="Emit"/>) and throws <see cref="Fail"/> for what it cannot read.
/// </summary>
public sealed class OnnxNodeContext
{
    private readonly GraphImporter _importer;
    private readonly OnnxNode _node;

    internal OnnxNodeContext(GraphImporter importer, OnnxNode node, OnnxReader reader, long opset)
    {
        _importer = importer;
        _node = node;
        Reader = reader;
        Opset = opset;
    }

    /// <summary>The node's name (may be empty).</summary>
    public string Name => _node.Name;

    /// <summary>The operator.</summary>
    public string OpType => _node.OpType;

    /// <summary>The operator's domain (<c>""</c> for the default domain).</summary>
    public string Domain => _node.Domain;

    /// <summary>The version of <see cref="Domain"/> the model imports.</summary>
    public long Opset { get; }

    /// <summary>The table entry reading this node.</summary>
    public OnnxReader Reader { get; }

    /// <summary>How many inputs the node lists (optional inputs left out in the middle count, as empty names).</summary>
    public int InputCount => _node.Inputs.Count;

    /// <summary>How many outputs the node lists.</summary>
    public int OutputCount => _node.Outputs.Count;

    /// <summary>2 for a network of images (N x C x H x W), 1 for signals (N x C x L).</summary>
    public int SpatialRank => _importer.Graph.Rank;

    /// <summary>The node, as messages name it: <c>node 'name' (OpType)</c>.</summary>
    public string Source => GraphImporter.Describe(_node);

    internal OnnxNode Node => _node;

    /// <summary>True when input <paramref name="input"/> is given (listed, with a name).</summary>
    public bool Has(int input) => input >= 0 && input < _node.Inputs.Count && _node.Inputs[input].Length > 0;

    /// <summary>True when input <paramref name="input"/> is a constant (its dims are known; its values may be).</summary>
    public bool IsConstant(int input) => Has(input) && _importer.Lookup(this, input) is ImportConstant;

    /// <summary>True when input <paramref name="input"/> is a feature map computed from the network's input.</summary>
    public bool IsTensor(int input) => Has(input) && _importer.Lookup(this, input) is int tensor && _importer.Graph.View(tensor) is null;

    /// <summary>True when attribute <paramref name="name"/> is present.</summary>
    public bool HasAttribute(string name) => Attribute(name) is not null;

    /// <summary>An integer attribute, or <paramref name="fallback"/>.</summary>
    public long Int(string name, long fallback) => Attribute(name) is { } a ? a.I : fallback;

    /// <summary>An integer-list attribute, or null.</summary>
    public long[]? Ints(string name) => Attribute(name) is { } a ? [.. a.Ints ?? []] : null;

    /// <summary>A float attribute, as the shortest decimal that reads back as the float (0.001, not 0.0010000000474974513), or <paramref name="fallback"/>.</summary>
    public double Float(string name, double fallback) => Attribute(name) is { } a ? OnnxValues.Widen(a.F) : fallback;

    /// <summary>A string attribute, or <paramref name="fallback"/>.</summary>
    public string Text(string name, string fallback) => Attribute(name) is { } a ? a.S : fallback;

    /// <summary>The dims of constant input <paramref name="input"/> (a weight's shape, a constant's dims).</summary>
    public long[] Dims(int input) => [.. Constant(input).Dims];

    /// <summary>The integers of constant input <paramref name="input"/> (INT64 or INT32), at most <paramref name="maxCount"/> of them.</summary>
    public long[] Integers(int input, int maxCount = OnnxLimits.MaxListValues) => _importer.Integers(this, Constant(input), maxCount);

    /// <summary>The real numbers of constant input <paramref name="input"/> (FLOAT, DOUBLE or FLOAT16), at most <paramref name="maxCount"/> of them.</summary>
    public double[] Reals(int input, int maxCount = OnnxLimits.MaxListValues) => _importer.Reals(this, Constant(input), maxCount);

    /// <summary>The one number of constant input <paramref name="input"/>.</summary>
    public double Scalar(int input)
    {
        double[] values = Reals(input);
        return values.Length == 1 ? values[0] : throw Fail(string.Create(CultureInfo.InvariantCulture, $"input '{_node.Inputs[input]}' should be one number, not {values.Length}"));
    }

    /// <summary>Input <paramref name="input"/> as a feature map of the graph; fails when it is a constant or not made by an earlier node.</summary>
    public FlatTensor Tensor(int input) => new(_importer.TensorInput(this, input));

    /// <summary>The shape of <paramref name="tensor"/> (one sample).</summary>
    public FeatureShape Shape(FlatTensor tensor) => _importer.Graph.Shape(tensor.Index);

    /// <summary>Adds <paramref name="op"/> reading <paramref name="inputs"/> (one, or several for a merge) to the graph; returns its output.</summary>
    public FlatTensor Add(Op op, params ReadOnlySpan<FlatTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(op);
        int[] indices = new int[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            indices[i] = inputs[i].Index;
        }

        return new(_importer.AddOp(this, op, indices));
    }

    /// <summary>Binds output <paramref name="output"/> of the node to <paramref name="tensor"/>.</summary>
    public void SetOutput(int output, FlatTensor tensor) => _importer.Bind(this, output, tensor.Index);

    /// <summary>Adds <paramref name="op"/> reading input 0 and binds output 0 to it: the whole reader of a one-input layer.</summary>
    public void Emit(Op op) => SetOutput(0, Add(op, Tensor(0)));

    /// <summary>Binds output 0 to whatever input 0 is (a tensor or a constant): Identity, Dropout.</summary>
    public void PassOn() => _importer.PassOn(this, 0, 0);

    /// <summary>An error naming this node: <c>node 'name' (OpType): what</c>. Throw it.</summary>
    public InfoFieldException Fail(string what) => new OnnxReadException($"{Source}: {what}");

    internal ImportConstant Constant(int input) => _importer.ConstantInput(this, input);

    internal OnnxAttribute? Attribute(string name)
    {
        foreach (OnnxAttribute attribute in _node.Attributes)
        {
            if (attribute.Name == name)
            {
                return attribute;
            }
        }

        return null;
    }

    internal string InputName(int input) => _node.Inputs[input];

    internal GraphImporter Importer => _importer;
}
