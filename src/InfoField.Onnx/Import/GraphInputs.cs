using InfoField.Architecture;
using InfoField.Onnx.Model;

namespace InfoField.Onnx.Import;

/// <summary>
/// Tells the network's input from the graph inputs that hold parameters. An export without weights
/// (<c>torch.onnx.export(..., export_params=False)</c>) lists every weight, bias and normalization statistic as a
/// graph input instead of an initializer. The rule: a graph input that is not an initializer is a weight when every
/// node reading it reads it in a parameter input of its table entry (<see cref="OnnxReader.ParameterInputs"/>:
/// Conv's weight and bias, BatchNormalization's scale, shift, mean and variance, Gemm's and MatMul's weight, Add's and
/// Mul's constant operand) or passes it on (<see cref="OnnxReader.PassesOn"/>: Identity, Dropout; or rearranged,
/// <see cref="OnnxReader.RearrangesOn"/>: Transpose) to nodes that do. A
/// weight must have a fixed shape. Inputs that no node reads are ignored; exactly one input must remain: the
/// network's input, N x C x H x W or N x C x L with every dim but the batch fixed.
/// </summary>
internal sealed record GraphInputs(OnnxValueInfo Input, FeatureShape Shape, int Rank, IReadOnlyList<ImportConstant> Weights)
{
    /// <summary>Classifies the graph inputs of <paramref name="model"/>.</summary>
    public static GraphInputs Classify(OnnxModel model, OnnxReaderSet readers)
    {
        OnnxGraph graph = model.Graph;
        var initializers = graph.Initializers.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var candidates = graph.Inputs.Where(input => !initializers.Contains(input.Name)).ToList();
        var uses = new Dictionary<string, List<(OnnxNode Node, int Slot, OnnxReader? Reader)>>(StringComparer.Ordinal);
        var wanted = candidates.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var readerOf = new Dictionary<OnnxNode, OnnxReader?>();
        foreach (OnnxNode node in graph.Nodes)
        {
            OnnxReader? reader = model.Opsets.TryGetValue(node.Domain, out long version) ? readers.Find(node.Domain, node.OpType, version) : null;
            readerOf[node] = reader;
            for (int slot = 0; slot < node.Inputs.Count; slot++)
            {
                string name = node.Inputs[slot];
                if (name.Length == 0)
                {
                    continue;
                }

                if (!uses.TryGetValue(name, out var list))
                {
                    uses[name] = list = [];
                }

                list.Add((node, slot, reader));
            }
        }

        // Whether every use of a value is a parameter input, through pass-on nodes: decided from the last node back,
        // so a pass-on node's output is decided before its input (nodes are in topological order).
        var parameterOnly = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool Decide(string name) =>
            parameterOnly.TryGetValue(name, out bool known)
                ? known
                : uses.TryGetValue(name, out var list) && list.Count > 0 && list.All(use =>
                    use.Reader is { } reader
                    && (reader.ParameterInputs.Contains(use.Slot)
                        || ((reader.PassesOn || reader.RearrangesOn) && use.Slot == 0 && use.Node.Outputs.Count > 0 && use.Node.Outputs[0].Length > 0
                            && parameterOnly.GetValueOrDefault(use.Node.Outputs[0]))));
        for (int n = graph.Nodes.Count - 1; n >= 0; n--)
        {
            OnnxNode node = graph.Nodes[n];
            if (readerOf[node] is { } passing && (passing.PassesOn || passing.RearrangesOn) && node.Outputs.Count > 0 && node.Outputs[0].Length > 0)
            {
                parameterOnly[node.Outputs[0]] = Decide(node.Outputs[0]);
            }
        }

        var weights = new List<ImportConstant>();
        var inputs = new List<OnnxValueInfo>();
        foreach (OnnxValueInfo candidate in candidates)
        {
            if (!uses.ContainsKey(candidate.Name))
            {
                continue;
            }

            if (!Decide(candidate.Name))
            {
                inputs.Add(candidate);
                continue;
            }

            if (candidate.Shape is not { } shape || shape.Any(d => d.Value is not >= 0))
            {
                throw new OnnxReadException($"the graph input '{candidate.Name}' feeds only weight inputs of nodes, so it is a weight, but its shape is {Describe(candidate)}; a weight input needs a fixed shape");
            }

            weights.Add(ImportConstant.WeightInput(candidate.Name, candidate.ElementType, [.. shape.Select(d => d.Value!.Value)]));
        }

        if (inputs.Count != 1)
        {
            string weightNote = weights.Count > 0 ? $" ({weights.Count} more feed only weight inputs and are read as weights)" : "";
            throw new OnnxReadException(inputs.Count == 0
                ? $"the graph has no input that feeds the network's layers{weightNote}; InfoField reads networks with one input"
                : $"the graph has {inputs.Count} inputs besides its initializers and weights{weightNote}: {string.Join(", ", inputs.Take(5).Select(i => $"'{i.Name}'"))}{(inputs.Count > 5 ? ", ..." : "")}; InfoField reads networks with one input");
        }

        var (featureShape, rank) = InputShape(inputs[0]);
        return new GraphInputs(inputs[0], featureShape, rank, weights);
    }

    private static string Describe(OnnxValueInfo value) =>
        value.Shape is null ? "not given" : $"[{string.Join(", ", value.Shape)}]";

    private static (FeatureShape Shape, int Rank) InputShape(OnnxValueInfo input)
    {
        var dims = input.Shape;
        if (dims is null || dims.Count is < 3 or > 5)
        {
            throw new OnnxReadException($"the input '{input.Name}' has shape {(dims is null ? "no shape" : Describe(input))}; InfoField reads N x C x H x W images, N x C x L signals or N x C x D x H x W volumes");
        }

        var sizes = new int[dims.Count - 1];
        for (int i = 1; i < dims.Count; i++)
        {
            if (dims[i].Value is not (>= 1 and <= int.MaxValue))
            {
                throw new OnnxReadException($"the input '{input.Name}' has shape {Describe(input)}; every dimension but the batch must be a fixed positive size (export with a fixed input size)");
            }

            sizes[i - 1] = (int)dims[i].Value!.Value;
        }

        return sizes.Length switch
        {
            4 => (FeatureShape.Volume3d(sizes[0], sizes[1], sizes[2], sizes[3]), 3),
            3 => (new FeatureShape(sizes[0], sizes[1], sizes[2]), 2),
            _ => (new FeatureShape(sizes[0], 1, sizes[1]), 1),
        };
    }
}
