using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Passes;

/// <summary>MatMul then Add of a constant (read by that Add only) is a linear layer with a bias: the Add's readers read the linear layer.</summary>
internal static class LinearBias
{
    /// <summary>Folds every such bias into its linear layer.</summary>
    public static void Run(GraphImporter importer, ImportGraph graph)
    {
        for (int n = 0; n < graph.Nodes.Count; n++)
        {
            ImportNode add = graph.Nodes[n];
            if (add.Step is not BiasStep bias || add.Inputs is not [int x]
                || graph.Producer(x) is not { Op: Linear { Bias: false } linear } || importer.OnnxConsumers(add.InputNames[0]) != 1)
            {
                continue;
            }

            if (bias.Dims.Length is < 1 or > 2 || bias.Dims[^1] != linear.OutFeatures || (bias.Dims.Length == 2 && bias.Dims[0] != 1))
            {
                throw new OnnxReadException($"{add.Source}: its bias has dims [{string.Join(", ", bias.Dims)}]; expected [{linear.OutFeatures}], one per output feature of the MatMul before it");
            }

            graph.Fold(n, x, linear with { Bias = true });
        }
    }
}
