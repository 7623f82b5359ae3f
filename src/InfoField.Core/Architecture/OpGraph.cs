using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InfoField.Architecture;

/// <summary>
/// One node of a unit's graph: an op and the tensors it reads. Tensor 0 is the unit's input and tensor
/// <c>i + 1</c> is the output of node <c>i</c>, so a node can only read tensors made before it: a graph is acyclic
/// by construction. Tensor <c>-1 - j</c> (<see cref="OpGraph.SkipTensor"/>) is the unit's skip <c>j</c>: the output of
/// an earlier unit that the unit declares it reads (<see cref="Unit.Skips"/>).
/// </summary>
/// <param name="Op">The op.</param>
/// <param name="Inputs">The tensors the op reads, in order (one for a layer, two or more for a merge).</param>
public sealed record GraphNode(Op Op, ValueList<int> Inputs);

/// <summary>
/// The ops of a unit as a small directed acyclic graph with one input tensor and one output tensor (the last node's):
/// a chain of layers, a bottleneck with its shortcut, an Inception module, a ShuffleNetV2 unit, an MBConv with
/// squeeze-and-excitation. Branches meet in merge ops (<see cref="Add"/>, <see cref="Concat"/>, <see cref="Multiply"/>)
/// and split with <see cref="ChannelSlice"/>. A plain list of ops is a chain (<c>[Ops.Conv(64, 3), Ops.Relu()]</c>);
/// <see cref="Residual"/>, <see cref="Parallel"/> and <see cref="Then(OpGraph)"/> compose graphs.
/// </summary>
[CollectionBuilder(typeof(OpGraph), nameof(Create))]
public sealed record OpGraph : IEnumerable<Op>
{
    /// <summary>A graph of <paramref name="nodes"/>, in topological order.</summary>
    public OpGraph(ValueList<GraphNode> nodes) => Nodes = nodes;

    /// <summary>The nodes, each reading only the unit's input (tensor 0) or earlier nodes.</summary>
    public ValueList<GraphNode> Nodes { get; }

    /// <summary>The tensor that stands for the unit's skip <paramref name="skip"/> (from 0) in a node's inputs: <c>-1 - skip</c>.</summary>
    public static int SkipTensor(int skip) => -1 - skip;

    /// <summary>The number of skips the graph reads: one more than the highest skip a node reads (0 when it reads none).</summary>
    public int SkipsRead
    {
        get
        {
            // Computed once: the graph is immutable (an int is written whole, so threads that race compute the same).
            if (_skipsRead >= 0)
            {
                return _skipsRead;
            }

            int lowest = 0;
            foreach (GraphNode node in Nodes)
            {
                foreach (int tensor in node.Inputs)
                {
                    lowest = Math.Min(lowest, tensor);
                }
            }

            return _skipsRead = -lowest;
        }
    }

    /// <summary><see cref="SkipsRead"/> once computed, else -1.</summary>
    private int _skipsRead = -1;

    /// <summary><see cref="DeadNodes"/> once computed (an array reference is written whole).</summary>
    private int[]? _deadNodes;

    /// <summary>The graph without nodes: its output is its input.</summary>
    public static OpGraph Identity { get; } = new(ValueList<GraphNode>.Empty);

    /// <summary>Number of nodes.</summary>
    public int Count => Nodes.Count;

    /// <summary>The index of the output tensor (the last node's, or 0 for the identity).</summary>
    public int Output => Nodes.Count;

    /// <summary>True when every node reads the one before it (or the input): a plain sequence of layers.</summary>
    public bool IsChain
    {
        get
        {
            for (int i = 0; i < Nodes.Count; i++)
            {
                if (Nodes[i].Inputs is not [int only] || only != i)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The ops in node order.</summary>
    public ValueList<Op> Ops => Nodes.Select(node => node.Op).ToValueList();

    /// <summary>A chain: each op reads the one before it.</summary>
    public static OpGraph Chain(IEnumerable<Op> ops) =>
        new(ops.Select((op, i) => new GraphNode(op, [i])).ToValueList());

    /// <summary>A chain from a collection expression: <c>OpGraph g = [Ops.Conv(64, 3), Ops.Relu()];</c>.</summary>
    public static OpGraph Create(ReadOnlySpan<Op> ops) => Chain(ops.ToArray());

    /// <summary>A chain of <paramref name="ops"/>.</summary>
    public static implicit operator OpGraph(ValueList<Op> ops) => Chain(ops);

    /// <summary>A chain of <paramref name="ops"/>.</summary>
    public static implicit operator OpGraph(Op[] ops) => Chain(ops);

    /// <summary>This graph followed by <paramref name="next"/>, which reads this graph's output.</summary>
    public OpGraph Then(OpGraph next)
    {
        int offset = Output;
        var nodes = Nodes.Items.ToBuilder();
        foreach (GraphNode node in next.Nodes)
        {
            nodes.Add(node with { Inputs = node.Inputs.Select(input => input < 0 ? input : input + offset).ToValueList() });
        }

        return new OpGraph(nodes.ToImmutable());
    }

    /// <summary>This graph followed by a chain of <paramref name="ops"/>.</summary>
    public OpGraph Then(params Op[] ops) => Then(Chain(ops));

    /// <summary>
    /// Branches that all read the same input, joined by <paramref name="merge"/> in the order given
    /// (<see cref="OpGraph.Identity"/> is a branch that passes the input on unchanged).
    /// </summary>
    public static OpGraph Parallel(Op merge, params IReadOnlyList<OpGraph> branches)
    {
        ArgumentNullException.ThrowIfNull(merge);
        if (branches.Count < 2)
        {
            throw new ArgumentException("a merge joins at least two branches", nameof(branches));
        }

        var nodes = ImmutableArray.CreateBuilder<GraphNode>();
        var outputs = new List<int>(branches.Count);
        foreach (OpGraph branch in branches)
        {
            int offset = nodes.Count;
            foreach (GraphNode node in branch.Nodes)
            {
                nodes.Add(node with { Inputs = node.Inputs.Select(input => input <= 0 ? input : input + offset).ToValueList() });
            }

            outputs.Add(branch.Count == 0 ? 0 : branch.Output + offset);
        }

        nodes.Add(new GraphNode(merge, outputs.ToValueList()));
        return new OpGraph(nodes.ToImmutable());
    }

    /// <summary>A residual connection: <paramref name="body"/> plus <paramref name="shortcut"/> (the identity when null or empty).</summary>
    public static OpGraph Residual(OpGraph body, OpGraph? shortcut = null) => Parallel(new Add(), body, shortcut ?? Identity);

    /// <summary>The same structure with every op replaced by <paramref name="map"/>'s result.</summary>
    public OpGraph Select(Func<Op, Op> map) =>
        new(Nodes.Select(node => node with { Op = map(node.Op) }).ToValueList());

    /// <summary>
    /// The graph with some nodes replaced by chains: <paramref name="expand"/> returns the ops that replace a node's op
    /// (at least one, the first reading the node's inputs) or null to keep it.
    /// </summary>
    public OpGraph Expand(Func<int, GraphNode, IReadOnlyList<Op>?> expand)
    {
        var nodes = ImmutableArray.CreateBuilder<GraphNode>(Nodes.Count);
        var tensorOf = new int[Nodes.Count + 1];
        for (int i = 0; i < Nodes.Count; i++)
        {
            GraphNode node = Nodes[i];
            var inputs = node.Inputs.Select(input => input < 0 ? input : tensorOf[input]).ToValueList();
            IReadOnlyList<Op>? chain = expand(i, node);
            if (chain is null)
            {
                nodes.Add(new GraphNode(node.Op, inputs));
            }
            else
            {
                if (chain.Count == 0)
                {
                    throw new ArgumentException($"node {i} must be replaced by at least one op", nameof(expand));
                }

                nodes.Add(new GraphNode(chain[0], inputs));
                for (int k = 1; k < chain.Count; k++)
                {
                    nodes.Add(new GraphNode(chain[k], [nodes.Count]));
                }
            }

            tensorOf[i + 1] = nodes.Count;
        }

        return new OpGraph(nodes.ToImmutable());
    }

    /// <summary>
    /// Infers the shape of every tensor (index 0 the input) and checks the graph's rules: at least one node, inputs
    /// made before the node, the op's number of inputs, every tensor but the output read by a later node, and each op's
    /// own rule. Errors name <c>{path}[i]</c>.
    /// </summary>
    public FeatureShape[] Shapes(FeatureShape input, string path = "ops") => TryShapes(input, path).Value;

    /// <summary>
    /// The shape of every tensor (index 0 the input), or the first rule the graph breaks (see <see cref="Shapes"/>),
    /// naming <c>{path}[i]</c>.
    /// </summary>
    public Checked<FeatureShape[]> TryShapes(FeatureShape input, string path = "ops") => TryShapes(input, [], path);

    /// <summary>
    /// The shape of every tensor (index 0 the input) when the unit's skips have the shapes <paramref name="skips"/>, or the
    /// first rule the graph breaks (see <see cref="Shapes"/>; a node reading a skip beyond <paramref name="skips"/> is one).
    /// </summary>
    public Checked<FeatureShape[]> TryShapes(FeatureShape input, IReadOnlyList<FeatureShape> skips, string path = "ops")
    {
        ArgumentNullException.ThrowIfNull(skips);
        if (Nodes.Count == 0)
        {
            return new Violation(path, "a unit needs at least one op");
        }

        var shapes = new FeatureShape[Nodes.Count + 1];
        var used = new bool[Nodes.Count + 1];
        shapes[0] = input;
        for (int i = 0; i < Nodes.Count; i++)
        {
            GraphNode node = Nodes[i];
            foreach (int tensor in node.Inputs)
            {
                if (tensor < 0 && -1 - tensor < skips.Count)
                {
                    continue;
                }

                if (tensor < 0)
                {
                    return new Violation(
                        $"{path}[{i}].inputs",
                        skips.Count == 0
                            ? $"reads skip {-1 - tensor}, but the unit declares no skips"
                            : $"reads skip {-1 - tensor}, but the unit declares {skips.Count} skips");
                }

                if (tensor > i)
                {
                    return new Violation(
                        $"{path}[{i}].inputs",
                        $"reads tensor {tensor}, which is not made before it (a node reads the unit's input or an earlier node's output, so that the graph has no cycle)");
                }

                used[tensor] = true;
            }

            Checked<FeatureShape> shape = node.Op is MergeOp merge
                ? merge.TryOutputShape(ShapesOf(node.Inputs, shapes, skips))
                : node.Inputs.Count == 1
                    ? node.Op.TryOutputShape(Tensor(node.Inputs[0], shapes, skips))
                    : new Violation("inputs", $"'{node.Op.Type}' reads one tensor, not {node.Inputs.Count}");
            if (!shape.TryGet(out shapes[i + 1], out Violation? broken))
            {
                return broken.Within($"{path}[{i}]");
            }
        }

        // A tensor that no later op reads is a dead branch: accepted, costed, and outside the unit's field (DeadNodes).
        return used[0] ? shapes : new Violation(path, "no op reads the unit's input");
    }

    private static FeatureShape[] ShapesOf(ValueList<int> inputs, FeatureShape[] shapes, IReadOnlyList<FeatureShape> skips)
    {
        var result = new FeatureShape[inputs.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Tensor(inputs[i], shapes, skips);
        }

        return result;
    }

    /// <summary>The value of tensor <paramref name="tensor"/>: a node's output or the input in <paramref name="values"/>, a skip in <paramref name="skips"/>.</summary>
    private static T Tensor<T>(int tensor, T[] values, IReadOnlyList<T> skips) => tensor >= 0 ? values[tensor] : skips[-1 - tensor];

    /// <summary>
    /// The nodes on dead branches: those whose output does not lead to the unit's output (nothing reads it, or only other
    /// dead nodes do), in node order. Their ops are built and costed (as PyTorch counts a module whose output is unused),
    /// and the unit's field does not include them.
    /// </summary>
    public ValueList<int> DeadNodes => new(ImmutableCollectionsMarshal.AsImmutableArray(_deadNodes ??= FindDeadNodes()));

    private int[] FindDeadNodes()
    {
        if (Nodes.Count == 0)
        {
            return [];
        }

        var live = new bool[Nodes.Count + 1];
        live[Nodes.Count] = true;
        int dead = 0;
        for (int i = Nodes.Count - 1; i >= 0; i--)
        {
            if (!live[i + 1])
            {
                dead++;
                continue;
            }

            foreach (int input in Nodes[i].Inputs)
            {
                if (input >= 0)
                {
                    live[input] = true;
                }
            }
        }

        if (dead == 0)
        {
            return [];
        }

        var nodes = new int[dead];
        for (int i = 0, next = 0; i < Nodes.Count; i++)
        {
            if (!live[i + 1])
            {
                nodes[next++] = i;
            }
        }

        return nodes;
    }

    /// <summary>
    /// Evaluates the graph over values of any kind (shapes, fields, tensors): <paramref name="apply"/> takes a
    /// single-input op and its input's value, <paramref name="merge"/> a merge and its inputs' values. Returns the value
    /// of every tensor, [0] being <paramref name="input"/>. The graph is assumed valid (see <see cref="Shapes"/>).
    /// </summary>
    public T[] Evaluate<T>(T input, Func<Op, T, T> apply, Func<MergeOp, IReadOnlyList<T>, T> merge) => Evaluate(input, [], apply, merge);

    /// <summary>
    /// Evaluates the graph (see <see cref="Evaluate{T}(T, Func{Op, T, T}, Func{MergeOp, IReadOnlyList{T}, T})"/>) with the
    /// values of the unit's skips, <paramref name="skips"/>[j] for skip j.
    /// </summary>
    public T[] Evaluate<T>(T input, IReadOnlyList<T> skips, Func<Op, T, T> apply, Func<MergeOp, IReadOnlyList<T>, T> merge)
    {
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentNullException.ThrowIfNull(merge);
        return Evaluate(input, skips, (apply, merge), static (_, op, value, calls) => calls.apply(op, value), static (_, join, values, calls) => calls.merge(join, values));
    }

    /// <summary>
    /// As <see cref="Evaluate{T}(T, IReadOnlyList{T}, Func{Op, T, T}, Func{MergeOp, IReadOnlyList{T}, T})"/>, telling each
    /// call its node's index and <paramref name="state"/> (so that a caller's calls need not allocate).
    /// </summary>
    internal T[] Evaluate<T, TState>(T input, IReadOnlyList<T> skips, TState state, Func<int, Op, T, TState, T> apply, Func<int, MergeOp, IReadOnlyList<T>, TState, T> merge)
    {
        ArgumentNullException.ThrowIfNull(skips);
        int read = SkipsRead;
        if (read > skips.Count)
        {
            throw new ArgumentException($"the graph reads {read} skips, {skips.Count} given", nameof(skips));
        }

        var values = new T[Nodes.Count + 1];
        values[0] = input;
        for (int i = 0; i < Nodes.Count; i++)
        {
            GraphNode node = Nodes[i];
            if (node.Op.AsMerge is MergeOp join)
            {
                var inputs = new T[node.Inputs.Count];
                for (int k = 0; k < inputs.Length; k++)
                {
                    inputs[k] = Tensor(node.Inputs[k], values, skips);
                }

                values[i + 1] = merge(i, join, inputs, state);
            }
            else
            {
                values[i + 1] = apply(i, node.Op, Tensor(node.Inputs[0], values, skips), state);
            }
        }

        return values;
    }

    /// <summary>The output shape for <paramref name="input"/>; errors name <c>ops[i]</c>.</summary>
    public FeatureShape OutputShape(FeatureShape input) => Shapes(input)[^1];

    /// <summary>The output shape for <paramref name="input"/>, or the first rule the graph breaks (naming <c>ops[i]</c>).</summary>
    public Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        TryShapes(input).TryGet(out FeatureShape[] shapes, out Violation? broken) ? shapes[^1] : broken;

    /// <summary>Parameters of every op for <paramref name="input"/>.</summary>
    public long Parameters(FeatureShape input) => Sum(input, "parameters", static (op, shape) => op.Parameters(shape));

    /// <summary>Multiply-accumulates of every op for <paramref name="input"/>.</summary>
    public long Macs(FeatureShape input) => Sum(input, "MACs", static (op, shape) => op.Macs(shape));

    /// <summary>The ops in node order.</summary>
    public IEnumerator<Op> GetEnumerator() => Nodes.Select(node => node.Op).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(OpGraph? other) => other is not null && Nodes == other.Nodes;

    /// <inheritdoc />
    public override int GetHashCode() => Nodes.GetHashCode();

    /// <summary>Writes the graph: a chain as <c>[op, op]</c>, otherwise with each node's inputs.</summary>
    public override string ToString() =>
        IsChain
            ? $"[{string.Join(", ", Nodes.Select(node => node.Op))}]"
            : $"[{string.Join(", ", Nodes.Select((node, i) => $"t{i + 1} = {node.Op}({string.Join(", ", node.Inputs.Select(input => input < 0 ? $"skip{-1 - input}" : $"t{input}"))})"))}]";

    /// <summary>Sums <paramref name="count"/> over the nodes, each given its (first) input's shape; merges count nothing.</summary>
    private long Sum(FeatureShape input, string what, Func<Op, FeatureShape, long> count)
    {
        FeatureShape[] shapes = Shapes(input);
        long total = 0;
        foreach (GraphNode node in Nodes)
        {
            total = Limits.Add(what, total, count(node.Op, shapes[node.Inputs[0]]));
        }

        return total;
    }
}
