using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Passes;

/// <summary>
/// A Pad of zeros on the spatial axes whose every reader is a Conv, MaxPool or AveragePool: its padding is added to
/// theirs, and they read the Pad's input. (Padding is symmetric per axis, so the output size is the same either way.)
/// </summary>
internal static class PadFolding
{
    /// <summary>Folds every Pad that can be folded.</summary>
    public static void Run(GraphImporter importer, ImportGraph graph)
    {
        List<int>[] consumers = graph.Consumers();
        for (int n = 0; n < graph.Nodes.Count; n++)
        {
            if (graph.Nodes[n].Step is not PadStep pad)
            {
                continue;
            }

            int tensor = n + 1;
            List<int> readers = consumers[tensor];
            if (readers.Count == 0 || !readers.All(r => Foldable(graph.Nodes[r], tensor)))
            {
                continue;
            }

            int source = graph.Nodes[n].Inputs[0];
            foreach (int r in readers)
            {
                ImportNode reader = graph.Nodes[r];
                reader.Step = reader.Step switch
                {
                    ConvStep conv => new ConvStep(conv.Form with { Padding = Sum(reader, conv.Form.Padding, pad.Padding) }),
                    OpStep { Op: Pooling pooling } => new OpStep(pooling with { Padding = Sum(reader, pooling.Padding, pad.Padding) }),
                    _ => reader.Step,
                };
                reader.Inputs = [source];
            }
        }
    }

    private static bool Foldable(ImportNode reader, int tensor) =>
        reader.Step is ConvStep or OpStep { Op: Pooling } && reader.Inputs is [int only] && only == tensor;

    private static Pair Sum(ImportNode reader, Pair a, Pair b)
    {
        long h = (long)a.H + b.H, w = (long)a.W + b.W, d = (long)a.D + b.D;
        return h <= Limits.MaxExtent && w <= Limits.MaxExtent && d <= Limits.MaxExtent
            ? new Pair((int)h, (int)w) { D = (int)d }
            : throw new OnnxReadException($"{reader.Source}: its padding with the Pad before it is {(a.HasDepth || b.HasDepth ? $"{d}x" : "")}{h}x{w}, more than the limit of {Limits.MaxExtent:N0} per axis");
    }
}
