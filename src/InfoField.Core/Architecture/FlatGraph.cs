namespace InfoField.Architecture;

/// <summary>One op of a whole network's graph (imported from ONNX or traced) and the tensors it reads (tensor 0 is the network's input, tensor i + 1 node i's output).</summary>
/// <param name="Op">The op.</param>
/// <param name="Inputs">The tensors it reads.</param>
/// <param name="Source">Where it was read from (an ONNX node, a traced module), for messages.</param>
public sealed record FlatNode(Op Op, int[] Inputs, string Source);

/// <summary>
/// The whole network as one graph of InfoField ops in topological order, before stages and units are found
/// (<see cref="GraphStructure"/>); the ONNX import and the TorchSharp tracer both build one.
/// </summary>
/// <param name="Input">The shape of one input sample.</param>
/// <param name="SpatialRank">2 for images, 1 for 1-D signals.</param>
/// <param name="Nodes">The nodes; the last one makes the network's output unless <see cref="Output"/> says otherwise.</param>
/// <param name="Shapes">The shape of every tensor: [0] the input, [i + 1] node i's output.</param>
public sealed record FlatGraph(FeatureShape Input, int SpatialRank, IReadOnlyList<FlatNode> Nodes, IReadOnlyList<FeatureShape> Shapes)
{
    /// <summary>The tensor of the main output, or null for the last node's (the graph of a network with one output).</summary>
    public int? Output { get; init; }

    /// <summary>The further outputs (<see cref="Network.Outputs"/>): each a name and the tensor it is.</summary>
    public IReadOnlyList<FlatOutput> Outputs { get; init; } = [];
}

/// <summary>A further output of a whole-network graph.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Tensor">The tensor it is (0 the input, i + 1 node i's output).</param>
/// <param name="Source">Where it was read from, for messages.</param>
public sealed record FlatOutput(string Name, int Tensor, string Source);
