using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Passes;

/// <summary>
/// A concat whose leading inputs an earlier concat joined reads that concat instead (concatenation is associative):
/// DenseNet's layers each concatenate every feature map before them, which becomes the previous concatenation plus
/// the new features, so that each dense layer is a region of its own.
/// </summary>
internal static class NestedConcat
{
    /// <summary>Nests every such concat.</summary>
    public static void Run(GraphImporter importer, ImportGraph graph)
    {
        var concats = new List<(int Tensor, int[] Inputs)>();
        for (int n = 0; n < graph.Nodes.Count; n++)
        {
            ImportNode node = graph.Nodes[n];
            if (node.Op is not Concat)
            {
                continue;
            }

            int[] inputs = node.Inputs;
            for (int k = concats.Count - 1; k >= 0; k--)
            {
                var (tensor, earlier) = concats[k];
                if (earlier.Length < inputs.Length && inputs.AsSpan(0, earlier.Length).SequenceEqual(earlier))
                {
                    node.Inputs = [tensor, .. inputs[earlier.Length..]];
                    break;
                }
            }

            concats.Add((n + 1, inputs));
        }
    }
}
