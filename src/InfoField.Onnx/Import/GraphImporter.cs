using System.Globalization;
using InfoField.Architecture;
using InfoField.Onnx.Model;
using InfoField.Onnx.Passes;

namespace InfoField.Onnx.Import;

/// <summary>
/// Reads an ONNX graph into the import graph, one node at a time through the table (<see cref="OnnxReaderSet"/>), then
/// runs the passes that rewrite exporters' multi-node patterns (<see cref="ImportPasses"/>) and returns the network's
/// <see cref="FlatGraph"/>. Before reading, it refuses names made twice and tells the network's input from the
/// weights of an export without weights (<see cref="GraphInputs"/>).
/// </summary>
internal sealed class GraphImporter
{
    private readonly OnnxModel _model;
    private readonly OnnxReaderSet _readers;
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _consumers = new(StringComparer.Ordinal);
    private long _foldedValues;

    private GraphImporter(OnnxModel model, OnnxReaderSet readers, ImportGraph graph)
    {
        _model = model;
        _readers = readers;
        Graph = graph;
    }

    /// <summary>The graph being built.</summary>
    public ImportGraph Graph { get; }

    /// <summary>Reads the graph of <paramref name="model"/> with the table <paramref name="readers"/>.</summary>
    public static FlatGraph Read(OnnxModel model, OnnxReaderSet readers)
    {
        OnnxGraph graph = model.Graph;
        RequireUniqueNames(graph);
        GraphInputs inputs = GraphInputs.Classify(model, readers);
        var importer = new GraphImporter(model, readers, new ImportGraph(inputs.Shape, inputs.Rank));
        importer._values[inputs.Input.Name] = 0;
        foreach (OnnxTensor initializer in graph.Initializers)
        {
            importer._values[initializer.Name] = ImportConstant.FromTensor(initializer.Name, initializer);
        }

        foreach (ImportConstant weight in inputs.Weights)
        {
            importer._values[weight.Name] = weight;
        }

        foreach (OnnxNode node in graph.Nodes)
        {
            foreach (string name in node.Inputs)
            {
                importer._consumers[name] = importer._consumers.GetValueOrDefault(name) + 1;
            }
        }

        foreach (OnnxNode node in graph.Nodes)
        {
            importer.ReadNode(node);
        }

        if (graph.Outputs.Count == 0)
        {
            throw new OnnxReadException("the graph has no output");
        }

        // The first output is the main one, unless it lies on the way to another (MainOutput); the others are further
        // outputs, named as in the file (without the first output's name and a dot before it, as InfoField writes them:
        // output.aux).
        int[] tensors = [.. graph.Outputs.Select(output => importer.OutputTensor(output.Name))];
        ImportPasses.Run(importer);
        int main = MainOutput(importer.Graph, tensors);
        string first = graph.Outputs[0].Name;
        var further = new List<(string Name, int Tensor)>();
        for (int i = 0; i < graph.Outputs.Count; i++)
        {
            string name = graph.Outputs[i].Name;
            if (i != main)
            {
                further.Add((i > 0 && name.StartsWith(first + ".", StringComparison.Ordinal) && name.Length > first.Length + 1 ? name[(first.Length + 1)..] : name, tensors[i]));
            }
        }

        return importer.Graph.ToFlatGraph(tensors[main], further);
    }

    /// <summary>
    /// Which graph output is the network's main one: the first, unless its tensor lies on the way to another output (a
    /// detector's backbone whose maps are taken along one trunk, as SSD's: each map feeds the next); then the deepest of
    /// the outputs it lies on the way to (the one computed from the most nodes), so that the others are maps read from
    /// its units. An FPN's levels and a segmentation model's auxiliary head branch off the main output's way instead, and
    /// keep the first output as the main one.
    /// </summary>
    private static int MainOutput(ImportGraph graph, int[] tensors)
    {
        graph.ResolveInputs();
        int[] resolved = [.. tensors.Select(graph.Resolve)];
        int main = 0, deepest = -1;
        for (int i = 1; i < resolved.Length; i++)
        {
            bool[] needed = new bool[graph.Nodes.Count + 1];
            needed[resolved[i]] = true;
            int count = 0;
            for (int t = resolved[i]; t >= 1; t--)
            {
                if (needed[t])
                {
                    count++;
                    foreach (int input in graph.Nodes[t - 1].Inputs)
                    {
                        needed[input] = true;
                    }
                }
            }

            if (resolved[0] != resolved[i] && needed[resolved[0]] && count > deepest)
            {
                (main, deepest) = (i, count);
            }
        }

        return main;
    }

    private int OutputTensor(string output) =>
        _values.TryGetValue(output, out object? result) && result is int tensor && tensor != 0
            ? tensor
            : throw new OnnxReadException($"the graph's output '{output}' is not computed from its input by the nodes read");

    /// <summary>A node as messages name it: <c>node 'name' (OpType)</c>, with the domain for other domains.</summary>
    public static string Describe(OnnxNode node) =>
        $"node '{node.Name}' ({(node.Domain.Length == 0 ? "" : node.Domain + "::")}{node.OpType})";

    /// <summary>How many nodes list <paramref name="name"/> among their inputs (in the whole ONNX graph).</summary>
    public int OnnxConsumers(string name) => _consumers.GetValueOrDefault(name);

    /// <summary>The doc string of <paramref name="node"/>, up to 4 KiB (read from the file now).</summary>
    public string Doc(OnnxNode node)
    {
        var (offset, length) = node.Doc;
        if (length == 0)
        {
            return string.Empty;
        }

        var bytes = new byte[Math.Min(length, 4096)];
        _model.Source.Read(offset, bytes);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    private void ReadNode(OnnxNode node)
    {
        string source = Describe(node);
        if (!_model.Opsets.TryGetValue(node.Domain, out long version))
        {
            throw new OnnxReadException($"{source}: its domain '{node.Domain}' is not among the opsets the model imports");
        }

        OnnxReader reader = _readers.Find(node.Domain, node.OpType, version)
            ?? throw new OnnxReadException($"{source}: {_readers.Missing(node.Domain, node.OpType, version)}");
        int given = node.Inputs.Count;
        while (given > 0 && node.Inputs[given - 1].Length == 0)
        {
            given--;
        }

        if (given < reader.MinInputs || node.Inputs.Count > reader.MaxInputs)
        {
            throw new OnnxReadException($"{source}: has {Plural(given, "input")}; {node.OpType} takes {Range(reader.MinInputs, reader.MaxInputs)}");
        }

        if (node.Outputs.Count < reader.MinOutputs || node.Outputs.Count > reader.MaxOutputs)
        {
            throw new OnnxReadException($"{source}: has {Plural(node.Outputs.Count, "output")}; {node.OpType} makes {Range(reader.MinOutputs, reader.MaxOutputs)}");
        }

        for (int i = 0; i < reader.MinOutputs; i++)
        {
            if (node.Outputs[i].Length == 0)
            {
                throw new OnnxReadException($"{source}: its output {i} has no name");
            }
        }

        reader.Read(new OnnxNodeContext(this, node, reader, version));
    }

    private static string Plural(int count, string what) => count switch
    {
        0 => $"no {what}",
        1 => $"1 {what}",
        _ => string.Create(CultureInfo.InvariantCulture, $"{count:N0} {what}s"),
    };

    private static string Range(int min, int max) =>
        min == max ? string.Create(CultureInfo.InvariantCulture, $"exactly {min}")
        : max == int.MaxValue ? string.Create(CultureInfo.InvariantCulture, $"{min} or more")
        : string.Create(CultureInfo.InvariantCulture, $"{min} to {max}");

    /// <summary>Every name is made once: by one initializer or graph input (older IR versions list initializers as inputs too), or one node output.</summary>
    private static void RequireUniqueNames(OnnxGraph graph)
    {
        var made = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (OnnxTensor initializer in graph.Initializers)
        {
            if (!made.TryAdd(initializer.Name, "an initializer"))
            {
                throw new OnnxReadException($"the initializer '{initializer.Name}' is defined twice");
            }
        }

        foreach (OnnxValueInfo input in graph.Inputs)
        {
            made.TryAdd(input.Name, $"the graph input '{input.Name}'");
        }

        foreach (OnnxNode node in graph.Nodes)
        {
            string source = Describe(node);
            foreach (string output in node.Outputs)
            {
                if (output.Length > 0 && !made.TryAdd(output, source))
                {
                    throw new OnnxReadException($"{source}: its output '{output}' is also made by {made[output]}; every value must be made once");
                }
            }
        }
    }

    internal object? Lookup(OnnxNodeContext context, int input) =>
        _values.TryGetValue(context.InputName(input), out object? value) ? value : null;

    /// <summary>Input <paramref name="input"/> as a feature map: a view (other dims, such as a piece of a shuffle) is refused, naming the node that makes it.</summary>
    internal int TensorInput(OnnxNodeContext context, int input)
    {
        int tensor = AnyTensorInput(context, input);
        if (Graph.View(tensor) is null)
        {
            return tensor;
        }

        ImportNode producer = Graph.Producer(tensor)!;
        string requirement = producer.Step is PendingStep pending ? pending.Requirement : "is not a feature map";
        throw context.Fail($"reads the output of {producer.Source}, which {requirement.TrimStart()}");
    }

    /// <summary>Input <paramref name="input"/> as a tensor of any dims (a feature map or a view), for the readers of a shuffle's pieces.</summary>
    internal int AnyTensorInput(OnnxNodeContext context, int input)
    {
        string name = RequireInput(context, input);
        return Lookup(context, input) switch
        {
            int tensor => tensor,
            ImportConstant => throw context.Fail($"input '{name}' is a constant where InfoField expects a tensor computed from the network's input"),
            _ => throw context.Fail($"reads '{name}', which no earlier node makes"),
        };
    }

    internal ImportConstant ConstantInput(OnnxNodeContext context, int input)
    {
        string name = RequireInput(context, input);
        return Lookup(context, input) switch
        {
            ImportConstant constant => constant,
            int => throw context.Fail($"input {input} ('{name}') must be an initializer or a Constant (InfoField reads static graphs: export with constant folding and a fixed input size)"),
            _ => throw context.Fail($"reads '{name}', which no earlier node makes"),
        };
    }

    private static string RequireInput(OnnxNodeContext context, int input)
    {
        if (!context.Has(input))
        {
            throw context.Fail(string.Create(CultureInfo.InvariantCulture, $"its input {input} is missing; {context.OpType} needs it"));
        }

        return context.InputName(input);
    }

    internal long[] Integers(OnnxNodeContext context, ImportConstant constant, int maxCount)
    {
        try
        {
            return constant.Integers(_model.Source, maxCount);
        }
        catch (OnnxReadException error)
        {
            throw context.Fail(error.Message);
        }
    }

    internal double[] Reals(OnnxNodeContext context, ImportConstant constant, int maxCount)
    {
        try
        {
            return constant.Reals(_model.Source, maxCount);
        }
        catch (OnnxReadException error)
        {
            throw context.Fail(error.Message);
        }
    }

    internal int AddOp(OnnxNodeContext context, Op op, int[] inputs)
    {
        RequireTensors(context, inputs);
        if (op is not MergeOp && inputs.Length != 1)
        {
            throw context.Fail($"gives '{op.Type}' {inputs.Length} inputs; only merges read more than one");
        }

        Checked<FeatureShape> read = op is MergeOp merge ? merge.TryOutputShape([.. inputs.Select(Graph.Shape)]) : op.TryOutputShape(Graph.Shape(inputs[0]));
        FeatureShape shape = read.OrThrow(broken => context.Fail($"read as '{op.Type}': {broken.Message}"));

        return Graph.Add(new ImportNode(new OpStep(op), inputs, Names(context, inputs), context.Source), shape);
    }

    internal int AddPending(OnnxNodeContext context, PendingStep step, int[] inputs, FeatureShape shape, long[]? view = null) =>
        Graph.Add(new ImportNode(step, inputs, Names(context, inputs), context.Source), shape, view);

    private void RequireTensors(OnnxNodeContext context, int[] inputs)
    {
        if (inputs.Length == 0)
        {
            throw context.Fail("adds an op that reads nothing");
        }

        foreach (int tensor in inputs)
        {
            if (tensor < 0 || tensor > Graph.Nodes.Count || Graph.View(tensor) is not null)
            {
                throw context.Fail(string.Create(CultureInfo.InvariantCulture, $"adds an op reading tensor {tensor}, which is not a feature map of the graph"));
            }
        }
    }

    private string[] Names(OnnxNodeContext context, int[] inputs)
    {
        var names = new string[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            names[i] = string.Empty;
            for (int k = 0; k < context.InputCount; k++)
            {
                if (context.Has(k) && Lookup(context, k) is int tensor && tensor == inputs[i])
                {
                    names[i] = context.InputName(k);
                    break;
                }
            }
        }

        return names;
    }

    internal void Bind(OnnxNodeContext context, int output, object value)
    {
        if (output < 0 || output >= context.OutputCount)
        {
            throw context.Fail(string.Create(CultureInfo.InvariantCulture, $"has {context.OutputCount} outputs; its reader binds output {output}"));
        }

        string name = context.Node.Outputs[output];
        if (name.Length > 0)
        {
            _values[name] = value is ImportConstant constant ? constant.Renamed(name) : value;
        }
    }

    internal void PassOn(OnnxNodeContext context, int output, int input)
    {
        string name = RequireInput(context, input);
        object value = Lookup(context, input) ?? throw context.Fail($"reads '{name}', which no earlier node makes");
        Bind(context, output, value);
    }

    /// <summary>Binds output <paramref name="output"/> to folded integers, within the folding limits.</summary>
    internal void SetFolded(OnnxNodeContext context, int output, long[] values, long[] dims)
    {
        if (values.Length > OnnxLimits.MaxFoldedValues || dims.Length > OnnxLimits.MaxFoldedRank)
        {
            throw context.Fail(string.Create(CultureInfo.InvariantCulture, $"folds to a constant of dims [{string.Join(", ", dims.Take(OnnxLimits.MaxFoldedRank + 1))}{(dims.Length > OnnxLimits.MaxFoldedRank + 1 ? ", ..." : "")}] ({values.Length:N0} values); InfoField folds shape arithmetic of at most {OnnxLimits.MaxFoldedValues:N0} values and {OnnxLimits.MaxFoldedRank} dims"));
        }

        _foldedValues += values.Length;
        if (_foldedValues > OnnxLimits.MaxFoldedTotal)
        {
            throw context.Fail(string.Create(CultureInfo.InvariantCulture, $"folding it brings the graph's folded constants past {OnnxLimits.MaxFoldedTotal:N0} values, the limit for shape arithmetic"));
        }

        Bind(context, output, ImportConstant.Folded(context.Node.Outputs[output], values, dims));
    }
}
