using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Passes;

/// <summary>
/// Reshape to N x g x C/g x H x W, Transpose(0, 2, 1, 3, 4), Reshape back to N x C x H x W: a channel shuffle with g
/// groups (what PyTorch's ShuffleNet writes, and InfoField's export for shuffle and interlace); in a 1-D network the same
/// over N x g x C/g x L, Transpose(0, 2, 1, 3).
/// </summary>
internal static class ChannelShuffles
{
    /// <summary>Reads every such triple as a shuffle.</summary>
    public static void Run(GraphImporter importer, ImportGraph graph)
    {
        long[] swap = [0, 2, 1, .. Enumerable.Range(3, graph.Rank).Select(axis => (long)axis)];
        foreach (ImportNode back in graph.Nodes)
        {
            if (back.Step is not ReshapeStep { Dims: [1, long c, .. long[] resolution] } || back.Inputs is not [int swapped]
                || graph.Producer(swapped) is not { Step: TransposeStep { Perm: long[] perm }, Inputs: [int grouped] } || !perm.SequenceEqual(swap)
                || graph.Producer(grouped) is not { Step: ReshapeStep { Dims: [1, long g, long perGroup, .. long[] groupedResolution] }, Inputs: [int x] }
                || graph.View(x) is not null)
            {
                continue;
            }

            FeatureShape shape = graph.Shape(x);
            long[] expected = graph.Rank switch
            {
                3 => [shape.Depth, shape.Height, shape.Width],
                2 => [shape.Height, shape.Width],
                _ => [shape.Width],
            };
            if (g * perGroup == shape.Channels && c == shape.Channels && resolution.SequenceEqual(expected) && groupedResolution.SequenceEqual(expected))
            {
                back.Step = new OpStep(new ChannelShuffle((int)g));
                back.Inputs = [x];
            }
        }
    }
}
