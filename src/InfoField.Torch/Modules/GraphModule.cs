using InfoField.Architecture;
using InfoField.Torch.Building;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// A unit whose ops form a graph (<see cref="OpGraph"/>): one module per node, run in node order, each reading the
/// tensors its node reads; a merge node's module is a <see cref="MergeModule"/> that joins them (add, concatenate,
/// multiply broadcasting a gate over space). Parameters are the nodes' own, registered as <c>nodes.i</c>. A unit that
/// reads earlier units' outputs (<see cref="Unit.Skips"/>) runs with them: <see cref="Forward(Tensor, IReadOnlyList{Tensor})"/>.
/// </summary>
public sealed class GraphModule : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "nodes")]
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _nodes;
    private readonly int[][] _inputs;
    private readonly MergeModule?[] _merges;
    private readonly int[] _lastReader;

    /// <summary>
    /// Creates the module from the graph and one module per node; a merge node's module is a <see cref="MergeModule"/>
    /// (pass null for the built-in one, <see cref="ModuleSet.Default"/>'s).
    /// </summary>
    public GraphModule(OpGraph graph, IReadOnlyList<nn.Module<Tensor, Tensor>?> modules, string name = "GraphModule")
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(modules);
        if (modules.Count != graph.Count)
        {
            throw new ArgumentException($"expected {graph.Count} modules, one per node, got {modules.Count}", nameof(modules));
        }

        _inputs = graph.Nodes.Select(node => node.Inputs.ToArray()).ToArray();
        var children = new nn.Module<Tensor, Tensor>[graph.Count];
        _merges = new MergeModule?[graph.Count];
        for (int i = 0; i < graph.Count; i++)
        {
            Op op = graph.Nodes[i].Op;
            children[i] = modules[i] ?? (op is MergeOp ? ModuleSet.Default.Build(op, default) : throw new ArgumentException($"node {i} ('{op.Type}') has no module", nameof(modules)));
            if (op is MergeOp)
            {
                _merges[i] = children[i] as MergeModule
                    ?? throw new ArgumentException($"node {i} is the merge '{op.Type}', whose module must be a {nameof(MergeModule)}, not {children[i].GetType().Name}", nameof(modules));
            }
        }

        _nodes = new ModuleList<nn.Module<Tensor, Tensor>>(children);
        _lastReader = new int[graph.Count + 1];
        for (int i = 0; i < graph.Count; i++)
        {
            foreach (int input in _inputs[i])
            {
                if (input >= 0)
                {
                    _lastReader[input] = i;
                }
            }
        }

        SkipCount = graph.SkipsRead;

        RegisterComponents();
    }

    /// <summary>The number of skips the graph reads (<see cref="OpGraph.SkipsRead"/>): 0 for a unit that reads only its input.</summary>
    public int SkipCount { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Forward(input, []);

    /// <summary>
    /// The unit's output for <paramref name="input"/> and its skips' tensors <paramref name="skips"/> (skip j the output of
    /// the j-th unit it declares); the caller keeps and disposes the skips.
    /// </summary>
    public Tensor Forward(Tensor input, IReadOnlyList<Tensor> skips)
    {
        ArgumentNullException.ThrowIfNull(skips);
        if (skips.Count < SkipCount)
        {
            throw new ArgumentException($"the unit reads {SkipCount} skips, {skips.Count} given", nameof(skips));
        }

        var values = new Tensor?[_inputs.Length + 1];
        values[0] = input;
        try
        {
            for (int i = 0; i < _inputs.Length; i++)
            {
                int[] reads = _inputs[i];
                values[i + 1] = _merges[i] is { } merge
                    ? merge.Merge([.. reads.Select(tensor => tensor >= 0 ? values[tensor]! : skips[-1 - tensor])])
                    : _nodes[i].call(reads[0] >= 0 ? values[reads[0]]! : skips[-1 - reads[0]]);
                foreach (int tensor in reads.Distinct())
                {
                    if (tensor > 0 && _lastReader[tensor] == i)
                    {
                        Release(values, tensor, skips);
                    }
                }
            }

            Tensor output = values[^1]!;
            values[^1] = null;
            return skips.Any(skip => ReferenceEquals(skip, output)) ? output.alias() : output;
        }
        finally
        {
            for (int tensor = 1; tensor < values.Length; tensor++)
            {
                Release(values, tensor, skips);
            }
        }
    }

    /// <summary>Disposes tensor <paramref name="index"/> unless another slot, the input or a skip holds the same object (a module may return its input).</summary>
    private static void Release(Tensor?[] values, int index, IReadOnlyList<Tensor> skips)
    {
        Tensor? value = values[index];
        values[index] = null;
        if (value is not null && !values.Any(other => ReferenceEquals(other, value)) && !skips.Any(skip => ReferenceEquals(skip, value)))
        {
            value.Dispose();
        }
    }
}
