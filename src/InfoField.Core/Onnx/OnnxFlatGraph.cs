using InfoField.Architecture;

namespace InfoField.Onnx;

/// <summary>One op of an imported graph and the tensors it reads (tensor 0 is the network's input, tensor i + 1 node i's output).</summary>
/// <param name="Op">The op.</param>
/// <param name="Inputs">The tensors it reads.</param>
/// <param name="Source">The ONNX node it was read from, for messages.</param>
internal sealed record OnnxFlatNode(Op Op, int[] Inputs, string Source);

/// <summary>The whole network as one graph of InfoField ops in topological order, before stages and units are found.</summary>
/// <param name="Input">The shape of one input sample.</param>
/// <param name="SpatialRank">2 for images, 1 for 1-D signals.</param>
/// <param name="Nodes">The nodes; the last one makes the network's output.</param>
/// <param name="Shapes">The shape of every tensor: [0] the input, [i + 1] node i's output.</param>
internal sealed record OnnxFlatGraph(FeatureShape Input, int SpatialRank, IReadOnlyList<OnnxFlatNode> Nodes, IReadOnlyList<FeatureShape> Shapes);
