using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Passes;

/// <summary>
/// x times sigmoid(x) is SiLU and x times hard-sigmoid(x) is hard-swish, when the activation's output is read by
/// that Mul only: the activation becomes the fused one, and the Mul's readers read it.
/// </summary>
internal static class GatedActivations
{
    /// <summary>Fuses every such pair.</summary>
    public static void Run(GraphImporter importer, ImportGraph graph)
    {
        for (int n = 0; n < graph.Nodes.Count; n++)
        {
            ImportNode mul = graph.Nodes[n];
            if (mul.Op is Multiply && mul.Inputs is [int first, int second])
            {
                int a = graph.Resolve(first), b = graph.Resolve(second);
                _ = Fuse(importer, n, a, b, 1) || Fuse(importer, n, b, a, 0);
            }
        }
    }

    private static bool Fuse(GraphImporter importer, int mul, int x, int gate, int slot)
    {
        ImportGraph graph = importer.Graph;
        ImportNode node = graph.Nodes[mul];
        if (graph.Producer(gate) is not { Op: Activation { Kind: ActivationKind.Sigmoid or ActivationKind.Hardsigmoid } activation, Inputs: [int source] }
            || source != x || importer.OnnxConsumers(node.InputNames[slot]) != 1)
        {
            return false;
        }

        graph.Fold(mul, gate, new Activation(activation.Kind == ActivationKind.Sigmoid ? ActivationKind.Silu : ActivationKind.Hardswish));
        return true;
    }
}
