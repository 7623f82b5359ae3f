namespace InfoField.Architecture;

/// <summary>
/// Finds a network's units, stages and head in a whole-network graph (imported from ONNX or traced from TorchSharp),
/// from its structure alone (docs/onnx.md, "grouping rules"):
/// <list type="number">
/// <item>A <em>cut</em> is a tensor every path from the input to the output passes through. Between two consecutive
/// cuts lies a single-entry, single-exit region: one op, or a branched graph (a residual block, an Inception module).</item>
/// <item>The head starts at the first flatten, linear or softmax, together with the pooling just before it.</item>
/// <item>Before the head, a pooling region opens a stage (its entry); a branched region is a unit; single ops are
/// grouped as the tracer groups a chain: a kernel (<see cref="OpRole.Kernel"/>) starts a unit, and every other op
/// (batch norm, activations, dropout, channel permutations) joins the unit before it; <see cref="JoinsUnit"/> says when
/// a kernel joins the unit before it too. A gating region (a branched region ending in a multiply, such as
/// squeeze-and-excitation) joins the unit before it.</item>
/// <item>Stages are maximal runs of units at one resolution (<see cref="StagePartition"/>).</item>
/// </list>
/// </summary>
public static class GraphStructure
{
    /// <summary>
    /// The network named <paramref name="name"/> that <paramref name="graph"/> describes. Throws
    /// <see cref="StructureException"/> (naming the node's source) when the head branches or nothing precedes it.
    /// </summary>
    public static Network Build(string name, FlatGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Output is null && graph.Outputs.Count == 0)
        {
            return BuildMain(name, graph, []);
        }

        // The main output's network from the nodes it depends on; each further output is then a chain of the other
        // nodes read from one unit's output.
        int main = graph.Output ?? graph.Nodes.Count;
        var (mainGraph, index) = Restrict(graph, main);
        var unitEnds = new List<int>();
        Network network = BuildMain(name, mainGraph, unitEnds);
        var places = new List<(int Stage, int Unit)>();
        for (int s = 0; s < network.Stages.Count; s++)
        {
            for (int u = 0; u < network.Stages[s].Units.Count; u++)
            {
                places.Add((s, u));
            }
        }

        var claimed = new Dictionary<int, string>();
        var outputs = new List<NetworkOutput>(graph.Outputs.Count);
        foreach (FlatOutput output in graph.Outputs)
        {
            var chain = new List<Op>();
            int t = output.Tensor;
            while (index[t] < 0)
            {
                FlatNode node = graph.Nodes[t - 1];
                if (node.Inputs.Length != 1 || node.Op is MergeOp)
                {
                    throw new StructureException($"{node.Source}: the head of output '{output.Name}' merges tensors here; InfoField reads further outputs whose heads are chains of ops read from one unit's output");
                }

                if (!claimed.TryAdd(t, output.Name))
                {
                    throw new StructureException($"{node.Source}: outputs '{claimed[t]}' and '{output.Name}' share this node; InfoField reads further outputs whose heads are separate chains");
                }

                chain.Insert(0, node.Op);
                t = node.Inputs[0];
            }

            int unit = unitEnds.IndexOf(index[t]);
            if (unit < 0)
            {
                throw new StructureException($"{output.Source}: output '{output.Name}' reads a tensor inside a unit or a stage's entry pooling; InfoField reads further outputs from the output of a unit");
            }

            outputs.Add(new NetworkOutput(output.Name, places[unit].Stage, places[unit].Unit, [.. chain]));
        }

        return network.TryWithOutputs([.. outputs]).OrThrow(broken => new StructureException($"the graph's outputs: {broken.Message}"));
    }

    /// <summary>
    /// The nodes the tensor <paramref name="output"/> depends on, as a graph whose last node makes it; and for every
    /// tensor of <paramref name="graph"/> its number there (-1 when it is not kept).
    /// </summary>
    private static (FlatGraph Graph, int[] Index) Restrict(FlatGraph graph, int output)
    {
        var needed = new bool[graph.Nodes.Count + 1];
        needed[output] = true;
        for (int t = output; t >= 1; t--)
        {
            if (needed[t])
            {
                foreach (int input in graph.Nodes[t - 1].Inputs)
                {
                    needed[input] = true;
                }
            }
        }

        var index = new int[graph.Nodes.Count + 1];
        Array.Fill(index, -1);
        index[0] = 0;
        var nodes = new List<FlatNode>();
        var shapes = new List<FeatureShape> { graph.Input };
        for (int t = 1; t <= output; t++)
        {
            if (needed[t])
            {
                FlatNode node = graph.Nodes[t - 1];
                nodes.Add(node with { Inputs = [.. node.Inputs.Select(input => index[input])] });
                shapes.Add(graph.Shapes[t]);
                index[t] = nodes.Count;
            }
        }

        return (new FlatGraph(graph.Input, graph.SpatialRank, nodes, shapes), index);
    }

    /// <summary>The network of a graph whose last node makes its one output; <paramref name="unitEnds"/> receives each unit's output tensor, in order.</summary>
    private static Network BuildMain(string name, FlatGraph graph, List<int> unitEnds)
    {
        List<(int Start, int End)> regions = Regions(graph);
        int headRegion = regions.FindIndex(region => graph.Nodes[region.Start].Op.Role == OpRole.Head);
        if (headRegion < 0)
        {
            headRegion = regions.Count;
        }

        var head = new List<Op>();
        for (int r = headRegion; r < regions.Count; r++)
        {
            var (start, end) = regions[r];
            if (end - start != 1)
            {
                throw new StructureException($"{graph.Nodes[start].Source}: the classifier head (from the first flatten, linear or softmax on) must be a chain of ops, but it branches here");
            }

            head.Add(graph.Nodes[start].Op);
        }

        var pieces = new List<object>();
        foreach (List<(int Start, int End)> group in Group(graph, regions.Take(headRegion)))
        {
            int start = group[0].Start, end = group[^1].End;
            if (group.Count == 1 && end - start == 1 && graph.Nodes[start].Op.Role == OpRole.Pooling)
            {
                pieces.Add(graph.Nodes[start].Op);
                continue;
            }

            var unitGraph = new OpGraph([.. Local(graph, start, end)]);
            pieces.Add(new Unit(UnitName(unitGraph, graph.Shapes[start]), unitGraph));
            unitEnds.Add(end);
        }

        var (stages, trailing) = StagePartition.Split(graph.Input, AssignRoles(pieces));
        if (stages.Count == 0)
        {
            throw new StructureException("the graph has no convolution or other layer before its classifier head, so there is no stage to analyse");
        }

        return new Network(name, graph.Input, stages, [.. trailing, .. head], graph.SpatialRank);
    }

    /// <summary>
    /// Whether the kernel <paramref name="kernel"/> joins the open unit rather than starting one, given the unit's last
    /// kernel (<paramref name="last"/>, null when it has none) and how many kernels it has: a pointwise kernel (PW, GPW,
    /// RPW) right after a depthwise one joins its unit (a separable convolution), and a depthwise kernel joins the unit
    /// of a pointwise kernel that is that unit's only kernel (an inverted bottleneck's expansion; with the first rule,
    /// expand, depthwise and linear projection form one unit). The tracer groups chains by the same rule.
    /// </summary>
    public static bool JoinsUnit(Op kernel, Op? last, int kernels)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        return last is not null
            && ((kernel.Form.IsPointwise() && last.Form == KernelForm.Depthwise)
                || (kernel.Form == KernelForm.Depthwise && last.Form.IsPointwise() && kernels == 1));
    }

    /// <summary>
    /// Marks the stem and the tail: the leading (trailing) run of units that are chains of dense kernels with
    /// normalization, activations and pooling (no factorized kernel and no channel routing), each unlike every other
    /// unit of the network (no other unit has the same ops and kernels). At least one unit stays a body unit.
    /// </summary>
    private static List<object> AssignRoles(List<object> pieces)
    {
        var units = pieces.OfType<Unit>().ToList();
        var signatures = units.Select(Signature).ToList();
        var counts = signatures.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        bool Edge(int i) => counts[signatures[i]] == 1 && units[i].Graph.IsChain && units[i].Ops.All(op => op.Role switch
        {
            OpRole.Kernel => op.Form.IsDense(),
            OpRole.Layer or OpRole.Pooling => true,
            _ => false,
        });
        int stem = 0;
        while (stem < units.Count && Edge(stem))
        {
            stem++;
        }

        int tail = units.Count;
        while (tail > stem && Edge(tail - 1))
        {
            tail--;
        }

        if (tail == stem)
        {
            return pieces;
        }

        var roles = new Dictionary<Unit, UnitRole>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < units.Count; i++)
        {
            roles[units[i]] = i < stem ? UnitRole.Stem : i >= tail ? UnitRole.Tail : UnitRole.Body;
        }

        return [.. pieces.Select(piece => piece is Unit unit ? unit with { Role = roles[unit] } : piece)];
    }

    /// <summary>A unit's ops and kernels, without widths or strides: what makes two units the same kind.</summary>
    private static string Signature(Unit unit) =>
        string.Join(",", unit.Graph.Nodes.Select(node => $"{node.Op switch
        {
            Convolution conv => $"conv{conv.Kernel}g{(conv.Groups == 1 ? 1 : 0)}",
            DepthwiseConvolution dw => $"dw{dw.Kernel}",
            Activation activation => activation.Kind.ToString(),
            Pooling pool => $"{pool.Type}{pool.Kernel}",
            _ => node.Op.Type,
        }}({string.Join("|", node.Inputs)})"));

    /// <summary>Groups the regions before the head into pooling ops (a group of one) and units, by the rules above.</summary>
    private static List<List<(int Start, int End)>> Group(FlatGraph graph, IEnumerable<(int Start, int End)> regions)
    {
        var groups = new List<List<(int Start, int End)>>();
        List<(int Start, int End)>? open = null;
        Op? lastConv = null;
        int convs = 0;
        foreach (var region in regions)
        {
            Op op = graph.Nodes[region.Start].Op;
            bool single = region.End - region.Start == 1;
            if (single && op.Role == OpRole.Pooling)
            {
                groups.Add([region]);
                open = null;
                continue;
            }

            bool isConv = single && op.Role == OpRole.Kernel;
            bool gate = !single && graph.Nodes[region.End - 1].Op is Multiply;
            bool joins = open is not null && (!single ? gate : !isConv || JoinsUnit(op, lastConv, convs));
            if (!joins)
            {
                open = [];
                groups.Add(open);
                lastConv = null;
                convs = 0;
            }

            open!.Add(region);
            if (isConv)
            {
                lastConv = op;
                convs++;
            }
        }

        // A pooling op followed by a unit that changes the resolution again would open a stage without units: it
        // joins the unit before it instead (ShuffleNetV2's stem is conv, bn, relu and max pooling).
        bool IsPooling(List<(int Start, int End)> group) =>
            group.Count == 1 && group[0].End - group[0].Start == 1 && graph.Nodes[group[0].Start].Op.Role == OpRole.Pooling;
        for (int g = groups.Count - 2; g >= 1; g--)
        {
            var next = groups[g + 1];
            if (IsPooling(groups[g]) && !IsPooling(groups[g - 1]) && !IsPooling(next)
                && !graph.Shapes[next[^1].End].SameResolution(graph.Shapes[next[0].Start]))
            {
                groups[g - 1].AddRange(groups[g]);
                groups.RemoveAt(g);
            }
        }

        return groups;
    }

    /// <summary>[Start, End) node ranges between consecutive cut tensors, in order.</summary>
    private static List<(int Start, int End)> Regions(FlatGraph graph)
    {
        int count = graph.Nodes.Count;
        var lastUse = new int[count + 1];
        for (int i = 0; i < count; i++)
        {
            foreach (int input in graph.Nodes[i].Inputs)
            {
                lastUse[input] = i;
            }
        }

        lastUse[count] = int.MaxValue;
        var expiring = new int[count];
        for (int t = 0; t < count; t++)
        {
            expiring[lastUse[t]]++;
        }

        var regions = new List<(int, int)>();
        int live = 1, start = 0;
        for (int i = 0; i < count; i++)
        {
            live -= expiring[i];
            live++;
            if (live == 1)
            {
                regions.Add((start, i + 1));
                start = i + 1;
            }
        }

        return regions;
    }

    /// <summary>The nodes [start, end) as a unit graph: tensor <paramref name="start"/> (the cut before them) becomes the unit's input.</summary>
    private static List<GraphNode> Local(FlatGraph graph, int start, int end)
    {
        var nodes = new List<GraphNode>(end - start);
        for (int i = start; i < end; i++)
        {
            FlatNode node = graph.Nodes[i];
            nodes.Add(new GraphNode(node.Op, [.. node.Inputs.Select(input => input - start)]));
        }

        return nodes;
    }

    /// <summary>A short label from the unit's structure and output: <c>conv3-64</c>, <c>dw3-pw-64</c>, <c>add-256</c>.</summary>
    private static string UnitName(OpGraph graph, FeatureShape input)
    {
        int channels = graph.OutputShape(input).Channels;
        if (!graph.IsChain)
        {
            string merge = graph.Nodes.Select(node => node.Op).OfType<MergeOp>().Select(m => m.Type).Distinct().FirstOrDefault() ?? "graph";
            string kind = merge switch { "add" => "residual", "concat" => "concat", "mul" => "gated", _ => merge };
            return $"{kind}-{channels}";
        }

        var convs = graph.Ops.Select(op => op switch
        {
            Convolution conv => conv.Kernel.H == conv.Kernel.W || conv.Kernel.H == 1 ? $"conv{conv.Kernel.W}" : $"conv{conv.Kernel.H}x{conv.Kernel.W}",
            DepthwiseConvolution dw => $"dw{dw.Kernel.W}",
            PointwiseConvolution pw => pw.Type,
            _ => null,
        }).OfType<string>().ToList();
        return $"{(convs.Count == 0 ? graph.Ops[0].Type : string.Join("-", convs))}-{channels}";
    }
}

/// <summary>A whole-network graph cannot be cut into stages, units and a head; the message says where and why.</summary>
public sealed class StructureException(string message) : InfoFieldException(message);
