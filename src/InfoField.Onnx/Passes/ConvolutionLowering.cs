using InfoField.Onnx.Import;

namespace InfoField.Onnx.Passes;

/// <summary>Every convolution still pending, with its final padding and input, becomes its op (<see cref="ConvolutionForm.ToOp"/>).</summary>
internal static class ConvolutionLowering
{
    /// <summary>Classifies every pending convolution.</summary>
    public static void Run(GraphImporter importer, ImportGraph graph)
    {
        foreach (ImportNode node in graph.Nodes)
        {
            if (node.Step is ConvStep conv)
            {
                node.Step = new OpStep(conv.Form.ToOp(graph.Shape(node.Inputs[0]).Channels));
            }
        }
    }
}
