using InfoField.Onnx.Import;

namespace InfoField.Onnx.Passes;

/// <summary>
/// The rewrite passes over the import graph, in order: exporters write some layers as several nodes, which the node
/// readers read piece by piece (<see cref="PendingStep"/>) and these passes put together. A piece no pass consumed is
/// refused when the graph is finished (<see cref="ImportGraph.ToFlatGraph"/>), naming its node.
/// </summary>
internal static class ImportPasses
{
    /// <summary>The passes, in the order they run.</summary>
    private static readonly Action<GraphImporter, ImportGraph>[] Passes =
    [
        PadFolding.Run,
        RollingConvolution.Run,
        ConvolutionLowering.Run,
        GatedActivations.Run,
        ChannelShuffles.Run,
        LinearBias.Run,
        NestedConcat.Run,
    ];

    /// <summary>
    /// Runs every pass on the graph <paramref name="importer"/> has read. Each pass is given the graph with every node's
    /// inputs resolved (the redirections of the passes before it applied).
    /// </summary>
    public static void Run(GraphImporter importer)
    {
        foreach (Action<GraphImporter, ImportGraph> pass in Passes)
        {
            importer.Graph.ResolveInputs();
            pass(importer, importer.Graph);
        }
    }
}
