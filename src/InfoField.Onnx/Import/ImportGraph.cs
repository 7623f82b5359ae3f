using System.Globalization;
using InfoField.Architecture;

namespace InfoField.Onnx.Import;

/// <summary>
/// One node of the import graph: a step (an op, or a piece of a multi-node pattern), the tensors it reads, and the
/// ONNX node it came from.
/// </summary>
internal sealed class ImportNode(ImportStep step, int[] inputs, string[] inputNames, string source)
{
    /// <summary>What the node does; passes replace it.</summary>
    public ImportStep Step { get; set; } = step;

    /// <summary>The tensors read (0 is the network's input, i + 1 node i's output); passes rewire them.</summary>
    public int[] Inputs { get; set; } = inputs;

    /// <summary>The ONNX names the node read its inputs by (for the consumer counts of the patterns).</summary>
    public string[] InputNames { get; } = inputNames;

    /// <summary>The ONNX node, as messages name it: <c>node 'name' (OpType)</c>.</summary>
    public string Source { get; } = source;

    /// <summary>The op, for an <see cref="OpStep"/>; null for a pending step.</summary>
    public Op? Op => (Step as OpStep)?.Op;
}

/// <summary>
/// The whole network as read from the ONNX nodes, before the passes (<see cref="Passes.ImportPasses"/>) rewrite exporters'
/// patterns: tensor 0 is the input and tensor i + 1 the output of node i, as in <see cref="FlatGraph"/>. A tensor is a
/// feature map (with its <see cref="FeatureShape"/>) or, for the pieces of a channel shuffle, a view with other dims.
/// Removing a node redirects its output to another tensor; <see cref="ToFlatGraph"/> resolves the redirections, keeps
/// the nodes the output depends on and re-infers every shape.
/// </summary>
internal sealed class ImportGraph
{
    private readonly List<FeatureShape> _shapes;
    private readonly List<long[]?> _views = [null];
    private readonly Dictionary<int, int> _redirects = [];

    public ImportGraph(FeatureShape input, int rank)
    {
        Input = input;
        Rank = rank;
        _shapes = [input];
    }

    /// <summary>The shape of one input sample.</summary>
    public FeatureShape Input { get; }

    /// <summary>2 for images, 1 for signals.</summary>
    public int Rank { get; }

    /// <summary>The nodes; node i makes tensor i + 1.</summary>
    public List<ImportNode> Nodes { get; } = [];

    /// <summary>Adds a node making a feature map of <paramref name="shape"/> (or a view of <paramref name="view"/> dims); returns its tensor.</summary>
    public int Add(ImportNode node, FeatureShape shape, long[]? view = null)
    {
        if (Nodes.Count >= Limits.MaxOps)
        {
            throw new OnnxReadException(string.Create(CultureInfo.InvariantCulture, $"{node.Source}: the graph has more than {Limits.MaxOps:N0} layers, the limit of a network"));
        }

        Nodes.Add(node);
        _shapes.Add(shape);
        _views.Add(view);
        return Nodes.Count;
    }

    /// <summary>The shape of <paramref name="tensor"/> as read (a view's is its source's).</summary>
    public FeatureShape Shape(int tensor) => _shapes[tensor];

    /// <summary>The dims of a view, or null for a feature map.</summary>
    public long[]? View(int tensor) => _views[tensor];

    /// <summary>The dims of <paramref name="tensor"/> with batch 1: [1, C, H, W] (or [1, C, L], [1, C, D, H, W]) for a feature map, its own for a view.</summary>
    public long[] Dims(int tensor)
    {
        if (_views[tensor] is { } view)
        {
            return view;
        }

        FeatureShape shape = _shapes[tensor];
        return Rank switch
        {
            3 => [1, shape.Channels, shape.Depth, shape.Height, shape.Width],
            2 => [1, shape.Channels, shape.Height, shape.Width],
            _ => [1, shape.Channels, shape.Width],
        };
    }

    /// <summary>The node making <paramref name="tensor"/>, or null for the input.</summary>
    public ImportNode? Producer(int tensor) => tensor == 0 ? null : Nodes[tensor - 1];

    /// <summary>
    /// Folds node <paramref name="node"/> into the node making <paramref name="tensor"/>, which becomes <paramref name="op"/>
    /// (the two nodes' work as one op): every reader of the folded node's output reads <paramref name="tensor"/> instead.
    /// </summary>
    public void Fold(int node, int tensor, Op op)
    {
        Nodes[tensor - 1].Step = new OpStep(op);
        _redirects[node + 1] = tensor;
    }

    /// <summary>The tensor <paramref name="tensor"/> stands for after redirections.</summary>
    public int Resolve(int tensor)
    {
        while (_redirects.TryGetValue(tensor, out int next))
        {
            tensor = next;
        }

        return tensor;
    }

    /// <summary>Resolves every node's inputs (<see cref="Passes.ImportPasses"/> does before each pass).</summary>
    public void ResolveInputs()
    {
        foreach (ImportNode node in Nodes)
        {
            for (int i = 0; i < node.Inputs.Length; i++)
            {
                node.Inputs[i] = Resolve(node.Inputs[i]);
            }
        }
    }

    /// <summary>For each tensor, the nodes (by index) reading it, after resolving inputs.</summary>
    public List<int>[] Consumers()
    {
        ResolveInputs();
        var consumers = new List<int>[Nodes.Count + 1];
        for (int t = 0; t < consumers.Length; t++)
        {
            consumers[t] = [];
        }

        for (int n = 0; n < Nodes.Count; n++)
        {
            foreach (int input in Nodes[n].Inputs.Distinct())
            {
                consumers[input].Add(n);
            }
        }

        return consumers;
    }

    /// <summary>
    /// The flat graph of the nodes <paramref name="output"/> depends on, renumbered, with every shape inferred again from
    /// the final ops. Throws naming the node when one is still a pending piece of a pattern or its op does not apply.
    /// </summary>
    public FlatGraph ToFlatGraph(int output, IReadOnlyList<(string Name, int Tensor)>? further = null)
    {
        ResolveInputs();
        output = Resolve(output);
        int[] others = [.. (further ?? []).Select(item => Resolve(item.Tensor))];
        var needed = new bool[Nodes.Count + 1];
        needed[output] = true;
        foreach (int other in others)
        {
            needed[other] = true;
        }

        int last = Math.Max(output, others.Length == 0 ? 0 : others.Max());
        for (int t = last; t >= 1; t--)
        {
            if (needed[t])
            {
                foreach (int input in Nodes[t - 1].Inputs)
                {
                    needed[input] = true;
                }
            }
        }

        var index = new int[Nodes.Count + 1];
        var kept = new List<FlatNode>();
        var shapes = new List<FeatureShape> { Input };
        for (int t = 1; t <= last; t++)
        {
            if (!needed[t])
            {
                continue;
            }

            ImportNode node = Nodes[t - 1];
            if (node.Step is PendingStep pending)
            {
                throw new OnnxReadException($"{node.Source}: {pending.Requirement}");
            }

            Op op = node.Op!;
            int[] inputs = [.. node.Inputs.Select(i => index[i])];
            Checked<FeatureShape> read = op is MergeOp merge ? merge.TryOutputShape([.. inputs.Select(i => shapes[i])]) : op.TryOutputShape(shapes[inputs[0]]);
            FeatureShape shape = read.OrThrow(broken => new OnnxReadException($"{node.Source}: read as '{op.Type}': {broken.Message}"));

            kept.Add(new FlatNode(op, inputs, node.Source));
            shapes.Add(shape);
            index[t] = kept.Count;
        }

        if (others.Length == 0)
        {
            return new FlatGraph(Input, Rank, kept, shapes);
        }

        return new FlatGraph(Input, Rank, kept, shapes)
        {
            Output = index[output],
            Outputs = [.. further!.Select((item, i) => new FlatOutput(item.Name, index[others[i]], $"the graph's output '{item.Name}'"))],
        };
    }
}
