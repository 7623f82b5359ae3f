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
/// <item>A node that reads the output of a unit across a valley of resolution (a U-Net's decoder concatenating the
/// encoder's map, an FPN's lateral convolution of an earlier stage's output: between the two the graph goes down to a
/// lower resolution at a cut and back up) reads it as a skip (<see cref="Unit.Skips"/>), and the cuts are found without
/// that edge (<see cref="SkipEdges"/>).</item>
/// <item>Each further output is a chain of the nodes the main output does not need, read from one unit's output, or from
/// another further output's tensor (<see cref="NetworkOutput.Reads"/>: an FPN's extra level pooled from another level).</item>
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
            return BuildMain(name, graph, [], []);
        }

        // The main output's network from the nodes it depends on; each further output is then a chain of the other
        // nodes read from one unit's output.
        int main = graph.Output ?? graph.Nodes.Count;
        var (mainGraph, index) = Restrict(graph, main);
        var unitEnds = new List<int>();
        Network network = BuildMain(name, mainGraph, unitEnds, [.. graph.Outputs.Select(output => Anchor(graph, index, output.Tensor))]);
        var places = new List<(int Stage, int Unit)>();
        for (int s = 0; s < network.Stages.Count; s++)
        {
            for (int u = 0; u < network.Stages[s].Units.Count; u++)
            {
                places.Add((s, u));
            }
        }

        // A head that passes through another further output's tensor reads that output (an FPN's extra level pooled from
        // the top level's output): its chain stops there, and it is placed after the output it reads.
        var outputTensors = new Dictionary<int, int>();
        for (int i = 0; i < graph.Outputs.Count; i++)
        {
            outputTensors.TryAdd(graph.Outputs[i].Tensor, i);
        }

        var claimed = new Dictionary<int, string>();
        var heads = new List<(List<Op> Chain, int Read, int Unit)>(graph.Outputs.Count);
        foreach (FlatOutput output in graph.Outputs)
        {
            var chain = new List<Op>();
            int t = output.Tensor;
            int read = -1;
            while (index[t] < 0)
            {
                if (t != output.Tensor && outputTensors.TryGetValue(t, out int other))
                {
                    read = other;
                    break;
                }

                FlatNode node = graph.Nodes[t - 1];
                if (node.Inputs.Length != 1 || node.Op is MergeOp)
                {
                    throw new StructureException($"{node.Source}: the head of output '{output.Name}' merges tensors here; InfoField reads further outputs whose heads are chains of ops read from one unit's output");
                }

                if (!claimed.TryAdd(t, output.Name))
                {
                    throw new StructureException($"{node.Source}: outputs '{claimed[t]}' and '{output.Name}' share this node; InfoField reads further outputs whose heads are separate chains, or chains that continue another output");
                }

                chain.Insert(0, node.Op);
                t = node.Inputs[0];
            }

            int unit = read >= 0 ? -1 : unitEnds.IndexOf(index[t]);
            if (read < 0 && unit < 0)
            {
                throw new StructureException($"{output.Source}: output '{output.Name}' reads a tensor inside a unit or a stage's entry pooling; InfoField reads further outputs from the output of a unit");
            }

            heads.Add((chain, read, unit));
        }

        // Each output read is made before its reader (a read tensor comes before the tensors that read it: no cycle).
        var outputs = new List<NetworkOutput>(graph.Outputs.Count);
        var made = new NetworkOutput?[graph.Outputs.Count];
        while (outputs.Count < graph.Outputs.Count)
        {
            for (int i = 0; i < graph.Outputs.Count; i++)
            {
                var (chain, read, unit) = heads[i];
                if (made[i] is null && (read < 0 || made[read] is not null))
                {
                    string outputName = graph.Outputs[i].Name;
                    made[i] = read < 0 ? new NetworkOutput(outputName, places[unit].Stage, places[unit].Unit, [.. chain]) : NetworkOutput.Continuing(outputName, made[read]!, [.. chain]);
                    outputs.Add(made[i]!);
                }
            }
        }

        return network.TryWithOutputs([.. outputs]).OrThrow(broken => new StructureException($"the graph's outputs: {broken.Message}"));
    }

    /// <summary>The tensor of the main graph (its number there) that a further output's head reads: the first tensor on the way back from <paramref name="tensor"/> along first inputs that the main output depends on.</summary>
    private static int Anchor(FlatGraph graph, int[] index, int tensor)
    {
        while (index[tensor] < 0)
        {
            tensor = graph.Nodes[tensor - 1].Inputs[0];
        }

        return index[tensor];
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
    private static Network BuildMain(string name, FlatGraph graph, List<int> unitEnds, int[] anchors)
    {
        HashSet<(int Node, int Input)> skips = SkipEdges(graph, anchors);
        List<(int Start, int End)> regions = Regions(graph, skips);
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
        var sources = new List<List<int>>();
        var outputs = new Dictionary<Unit, FeatureShape>(ReferenceEqualityComparer.Instance);
        foreach (List<(int Start, int End)> group in Group(graph, regions.Take(headRegion), anchors))
        {
            int start = group[0].Start, end = group[^1].End;
            if (group.Count == 1 && end - start == 1 && graph.Nodes[start].Op.Role == OpRole.Pooling)
            {
                pieces.Add(graph.Nodes[start].Op);
                continue;
            }

            var read = new List<int>();
            var unitGraph = new OpGraph([.. Local(graph, start, end, skips, read, unitEnds)]);
            pieces.Add(new Unit(UnitName(unitGraph, graph.Shapes[end]), unitGraph));
            sources.Add(read);
            unitEnds.Add(end);
        }

        pieces = AssignRoles(pieces);
        foreach (Unit unit in pieces.OfType<Unit>())
        {
            outputs[unit] = graph.Shapes[unitEnds[outputs.Count]];
        }

        var (stages, trailing) = StagePartition.Split(graph.Input, pieces, (unit, _) => outputs[unit]);
        if (stages.Count == 0)
        {
            throw new StructureException("the graph has no convolution or other layer before its classifier head, so there is no stage to analyse");
        }

        if (skips.Count == 0)
        {
            return new Network(name, graph.Input, stages, [.. trailing, .. head], graph.SpatialRank);
        }

        return Network.TryCreate(name, graph.Input, WithSkips(stages, sources, unitEnds), [.. trailing, .. head], graph.SpatialRank)
            .OrThrow(broken => new StructureException($"the units found in the graph do not form a network: {broken.Message}"));
    }

    /// <summary>The stages with each unit's skips named by the (stage, unit) whose output tensor they read.</summary>
    private static ValueList<Stage> WithSkips(ValueList<Stage> stages, List<List<int>> sources, List<int> unitEnds)
    {
        var places = new Dictionary<int, UnitReference>();
        var rebuilt = new List<Stage>(stages.Count);
        int k = 0;
        for (int s = 0; s < stages.Count; s++)
        {
            var units = new List<Unit>(stages[s].Units.Count);
            for (int u = 0; u < stages[s].Units.Count; u++, k++)
            {
                places[unitEnds[k]] = new UnitReference(s, u);
                units.Add(sources[k].Count == 0 ? stages[s].Units[u] : stages[s].Units[u] with { Skips = [.. sources[k].Select(tensor => places[tensor])] });
            }

            rebuilt.Add(stages[s] with { Units = units.ToValueList() });
        }

        return rebuilt.ToValueList();
    }

    /// <summary>
    /// The edges (node, input position) that read a unit's output across a valley of resolution, read as skips: among the
    /// readers of a tensor all but the first are candidates; with every candidate left out of the cuts, a candidate is a
    /// skip when the tensor it reads is a cut, a later cut before the reader is at a lower resolution than both the tensor
    /// and the reader's output, and a layer after that cut raises the resolution (the graph went down and came back up: a
    /// residual block, an Inception module or a squeeze-and-excitation gate does not). A candidate is a skip too when it
    /// reads a cut before a tensor that a further output reads (one of <paramref name="anchors"/>), is read after that
    /// tensor, and that tensor is not a cut otherwise: an FPN's lateral convolution of an earlier level at the deeper
    /// level's resolution, without which the deeper level's tensor that its own output reads lies inside one region.
    /// Cuts are then found again with only the skips left out, until every skip reads a cut.
    /// </summary>
    private static HashSet<(int Node, int Input)> SkipEdges(FlatGraph graph, int[] anchors)
    {
        var candidates = new HashSet<(int, int)>();
        var firstReader = new Dictionary<int, int>();
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            int[] inputs = graph.Nodes[i].Inputs;
            for (int k = 0; k < inputs.Length; k++)
            {
                if (inputs[k] > 0 && !firstReader.TryAdd(inputs[k], i) && firstReader[inputs[k]] != i)
                {
                    candidates.Add((i, k));
                }
            }
        }

        if (candidates.Count == 0)
        {
            return [];
        }

        HashSet<int> cuts = Cuts(graph, candidates);
        var skips = new HashSet<(int Node, int Input)>();
        foreach ((int node, int input) in candidates)
        {
            int tensor = graph.Nodes[node].Inputs[input];
            if (cuts.Contains(tensor) && Valley(graph, cuts, tensor, node))
            {
                skips.Add((node, input));
            }
        }

        HashSet<int> split = Cuts(graph, skips);
        foreach (int anchor in anchors.Where(anchor => !split.Contains(anchor)))
        {
            foreach ((int node, int input) in candidates)
            {
                int tensor = graph.Nodes[node].Inputs[input];
                if (tensor < anchor && anchor <= node && cuts.Contains(tensor))
                {
                    skips.Add((node, input));
                }
            }
        }

        while (skips.Count > 0)
        {
            cuts = Cuts(graph, skips);
            int before = skips.Count;
            skips.RemoveWhere(edge => !cuts.Contains(graph.Nodes[edge.Node].Inputs[edge.Input]));
            if (skips.Count == before)
            {
                break;
            }
        }

        return skips;
    }

    /// <summary>True when a cut after <paramref name="tensor"/> and before node <paramref name="reader"/> is at a lower resolution than both, and a node after it raises the resolution.</summary>
    private static bool Valley(FlatGraph graph, HashSet<int> cuts, int tensor, int reader)
    {
        FeatureShape from = graph.Shapes[tensor], to = graph.Shapes[reader + 1];
        for (int c = tensor + 1; c <= reader; c++)
        {
            FeatureShape low = graph.Shapes[c];
            if (cuts.Contains(c) && Lower(low, from) && Lower(low, to))
            {
                for (int i = c; i < reader; i++)
                {
                    // A layer that upsamples (a merge that spreads a 1x1 gate over a map does not count).
                    if (graph.Nodes[i] is { Op: not MergeOp, Inputs: [int input] } && Lower(graph.Shapes[input], graph.Shapes[i + 1]))
                    {
                        return true;
                    }
                }
            }
        }

        return false;

        static bool Lower(FeatureShape a, FeatureShape b) => (long)a.Height * a.Width < (long)b.Height * b.Width;
    }

    /// <summary>The cut tensors (region ends) with the edges <paramref name="ignored"/> left out.</summary>
    private static HashSet<int> Cuts(FlatGraph graph, HashSet<(int Node, int Input)> ignored) =>
        [.. Regions(graph, ignored).Select(region => region.End)];

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

    /// <summary>
    /// Groups the regions before the head into pooling ops (a group of one) and units, by the rules above; a unit ends at
    /// a tensor that a further output reads (one of <paramref name="anchors"/>: a detector's map taken from the middle of
    /// its trunk, as SSDLite's first map after the expansion of an inverted residual block).
    /// </summary>
    private static List<List<(int Start, int End)>> Group(FlatGraph graph, IEnumerable<(int Start, int End)> regions, int[] anchors)
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
            bool joins = open is not null && Array.IndexOf(anchors, region.Start) < 0 && (!single ? gate : !isConv || JoinsUnit(op, lastConv, convs));
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

    /// <summary>[Start, End) node ranges between consecutive cut tensors, in order, with the edges <paramref name="ignored"/> (skips) left out.</summary>
    private static List<(int Start, int End)> Regions(FlatGraph graph, HashSet<(int Node, int Input)> ignored)
    {
        int count = graph.Nodes.Count;
        var lastUse = new int[count + 1];
        for (int i = 0; i < count; i++)
        {
            int[] inputs = graph.Nodes[i].Inputs;
            for (int k = 0; k < inputs.Length; k++)
            {
                if (!ignored.Contains((i, k)))
                {
                    lastUse[inputs[k]] = Math.Max(lastUse[inputs[k]], i);
                }
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

    /// <summary>
    /// The nodes [start, end) as a unit graph: tensor <paramref name="start"/> (the cut before them) becomes the unit's
    /// input, and a tensor read by a skip edge one of the unit's skips (its tensors added to <paramref name="read"/>);
    /// a skip must read an earlier unit's output (one of <paramref name="unitEnds"/>).
    /// </summary>
    private static List<GraphNode> Local(FlatGraph graph, int start, int end, HashSet<(int Node, int Input)> skips, List<int> read, List<int> unitEnds)
    {
        var nodes = new List<GraphNode>(end - start);
        for (int i = start; i < end; i++)
        {
            FlatNode node = graph.Nodes[i];
            var inputs = new int[node.Inputs.Length];
            for (int k = 0; k < inputs.Length; k++)
            {
                int tensor = node.Inputs[k];
                if (!skips.Contains((i, k)))
                {
                    inputs[k] = tensor - start;
                    continue;
                }

                if (!unitEnds.Contains(tensor))
                {
                    throw new StructureException($"{node.Source}: reads a tensor of an earlier part of the graph that is not a unit's output (a stage's entry pooling or a tensor inside a unit); InfoField reads skips across stages from units' outputs");
                }

                if (!read.Contains(tensor))
                {
                    read.Add(tensor);
                }

                inputs[k] = OpGraph.SkipTensor(read.IndexOf(tensor));
            }

            nodes.Add(new GraphNode(node.Op, inputs));
        }

        return nodes;
    }

    /// <summary>A short label from the unit's structure and output: <c>conv3-64</c>, <c>dw3-pw-64</c>, <c>add-256</c>.</summary>
    private static string UnitName(OpGraph graph, FeatureShape output)
    {
        int channels = output.Channels;
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
