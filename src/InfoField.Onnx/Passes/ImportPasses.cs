using InfoField.Onnx.Import;

namespace InfoField.Onnx.Passes;

/// <summary>
/// The rewrite passes over the import graph, in order: exporters write some layers as several nodes, which the node
/// readers read piece by piece (<see cref="PendingStep"/>) and these passes put together. A piece no pass consumed is
/// refused when the graph is finished (<see cref="ImportGraph.ToFlatGraph"/>), naming its node.
/// </summary>
internal static class ImportPasses
{
    /// <summary>Runs every pass on the graph <paramref name="importer"/> has read.</summary>
    public static void Run(GraphImporter importer)
    {
        PadFolding.Run(importer);
        RollingConvolution.Run(importer);
        ConvolutionLowering.Run(importer);
        GatedActivations.Run(importer);
        ChannelShuffles.Run(importer);
        LinearBias.Run(importer);
        NestedConcat.Run(importer);
    }
}
