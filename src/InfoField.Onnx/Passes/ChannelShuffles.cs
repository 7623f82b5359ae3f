using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Passes;

/// <summary>
/// Reshape to N x g x C/g x H x W, Transpose(0, 2, 1, 3, 4), Reshape back to N x C x H x W: a channel shuffle with g
/// groups (what PyTorch's ShuffleNet writes, and InfoField's export for shuffle and interlace).
/// </summary>
internal static class ChannelShuffles
{
    /// <summary>Reads every such triple as a shuffle.</summary>
    public static void Run(GraphImporter importer, ImportGraph graph)
    {
        if (graph.Rank != 2)
        {
            return;
        }

        foreach (ImportNode back in graph.Nodes)
        {
            if (back.Step is not ReshapeStep { Dims: [1, long c, long h, long w] } || back.Inputs is not [int swapped]
                || graph.Producer(swapped) is not { Step: TransposeStep { Perm: [0, 2, 1, 3, 4] }, Inputs: [int grouped] }
                || graph.Producer(grouped) is not { Step: ReshapeStep { Dims: [1, long g, long perGroup, long gh, long gw] }, Inputs: [int x] }
                || graph.View(x) is not null)
            {
                continue;
            }

            FeatureShape shape = graph.Shape(x);
            if (g * perGroup == shape.Channels && gh == shape.Height && gw == shape.Width && c == shape.Channels && h == shape.Height && w == shape.Width)
            {
                back.Step = new OpStep(new ChannelShuffle((int)g));
                back.Inputs = [x];
            }
        }
    }
}
