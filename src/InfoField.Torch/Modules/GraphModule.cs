using InfoField.Architecture;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// A unit whose ops form a graph (<see cref="OpGraph"/>): one module per node, run in node order, each reading the
/// tensors its node reads; merges add, concatenate or multiply (broadcasting a gate over space). Parameters are the
/// nodes' own, registered as <c>nodes.i</c>.
/// </summary>
public sealed class GraphModule : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> nodes;
    private readonly int[][] inputs;
    private readonly MergeOp?[] merges;
    private readonly int[] lastReader;

    /// <summary>Creates the module from the graph and one module per non-merge node (merges get none: pass null).</summary>
    public GraphModule(OpGraph graph, IReadOnlyList<nn.Module<Tensor, Tensor>?> modules, string name = "GraphModule")
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(modules);
        if (modules.Count != graph.Count)
        {
            throw new ArgumentException($"expected {graph.Count} modules, one per node, got {modules.Count}", nameof(modules));
        }

        inputs = graph.Nodes.Select(node => node.Inputs.ToArray()).ToArray();
        merges = graph.Nodes.Select(node => node.Op as MergeOp).ToArray();
        nodes = new ModuleList<nn.Module<Tensor, Tensor>>(modules.Select((module, i) => module ?? new Identity(merges[i]!.Type)).ToArray());
        lastReader = new int[graph.Count + 1];
        for (int i = 0; i < graph.Count; i++)
        {
            foreach (int input in inputs[i])
            {
                lastReader[input] = i;
            }
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var values = new Tensor?[inputs.Length + 1];
        values[0] = input;
        try
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                int[] reads = inputs[i];
                values[i + 1] = merges[i] switch
                {
                    null => nodes[i].call(values[reads[0]]!),
                    Add => Fold(values, reads, static (left, right) => left.add(right)),
                    Multiply => Fold(values, reads, static (left, right) => left.mul(right)),
                    Concat => cat(reads.Select(tensor => values[tensor]!).ToArray(), dim: 1),
                    MergeOp other => throw new NotSupportedException($"no TorchSharp implementation of the merge '{other.Type}'"),
                };
                foreach (int tensor in reads.Distinct())
                {
                    if (tensor > 0 && lastReader[tensor] == i)
                    {
                        Release(values, tensor);
                    }
                }
            }

            Tensor output = values[^1]!;
            values[^1] = null;
            return output;
        }
        finally
        {
            for (int tensor = 1; tensor < values.Length; tensor++)
            {
                Release(values, tensor);
            }
        }
    }

    /// <summary>Disposes tensor <paramref name="index"/> unless another slot (or the input) holds the same object (a module may return its input).</summary>
    private static void Release(Tensor?[] values, int index)
    {
        Tensor? value = values[index];
        values[index] = null;
        if (value is not null && !values.Any(other => ReferenceEquals(other, value)))
        {
            value.Dispose();
        }
    }

    /// <summary>Combines the tensors <paramref name="reads"/> pairwise, left to right (a sum or a product of two or more).</summary>
    private static Tensor Fold(Tensor?[] values, int[] reads, Func<Tensor, Tensor, Tensor> combine)
    {
        Tensor total = combine(values[reads[0]]!, values[reads[1]]!);
        for (int k = 2; k < reads.Length; k++)
        {
            Tensor next = combine(total, values[reads[k]]!);
            total.Dispose();
            total = next;
        }

        return total;
    }


    /// <summary>A placeholder for a merge node, so node i is always <c>nodes.i</c>.</summary>
    private sealed class Identity(string name) : nn.Module<Tensor, Tensor>(name)
    {
        public override Tensor forward(Tensor input) => input.alias();
    }
}
