using InfoField.Architecture;
using InfoField.Torch.Modules;
using static TorchSharp.torch;
using Sequential = TorchSharp.Modules.Sequential;

namespace InfoField.Torch.Building;

/// <summary>
/// Builds TorchSharp modules from architecture models. Every op maps to the TorchSharp layer a PyTorch user would
/// write (Conv2d, BatchNorm2d, ReLU, ...), so parameter counts equal the cost model's; RPW and interlace map to
/// InfoField's own modules. 1-D networks use Conv2d with kernels of height 1 and accept (N, C, L) inputs.
/// </summary>
public static class ModuleBuilder
{
    /// <summary>Builds the whole network.</summary>
    public static NetworkModule Build(Network network) => Build(network, ModuleSet.Default);

    /// <summary>Builds the whole network with the modules of <paramref name="modules"/> (built-in ops and any registered).</summary>
    public static NetworkModule Build(Network network, ModuleSet modules)
    {
        var stages = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int s = 0; s < network.Stages.Count; s++)
        {
            Stage stage = network.Stages[s];
            StageLayout layout = network.Layout.Stages[s];
            var children = new List<nn.Module<Tensor, Tensor>>();
            FeatureShape shape = layout.Input;
            foreach (Op entry in stage.Entry)
            {
                children.Add(modules.Build(entry, shape));
                shape = entry.OutputShape(shape);
            }

            for (int u = 0; u < stage.Units.Count; u++)
            {
                children.Add(BuildGraph(stage.Units[u].Graph, layout.Units[u], modules));
            }

            stages.Add((s.ToString(System.Globalization.CultureInfo.InvariantCulture), nn.Sequential(children)));
        }

        var outputs = new List<Sequential>(network.Outputs.Count);
        for (int i = 0; i < network.Outputs.Count; i++)
        {
            outputs.Add(Build(network.Outputs[i].Head, network.OutputHeadInput(i), modules));
        }

        return new NetworkModule(network, nn.Sequential(stages), Build(network.Head, network.Layout.HeadInput, modules), outputs);
    }

    /// <summary>Builds the ops of one unit (or any op sequence) for <paramref name="input"/>.</summary>
    public static Sequential Build(IReadOnlyList<Op> ops, FeatureShape input) => Build(ops, input, ModuleSet.Default);

    /// <summary>Builds an op sequence for <paramref name="input"/> with the modules of <paramref name="modules"/>.</summary>
    public static Sequential Build(IReadOnlyList<Op> ops, FeatureShape input, ModuleSet modules)
    {
        var children = new List<nn.Module<Tensor, Tensor>>(ops.Count);
        FeatureShape shape = input;
        Op? previous = null;
        foreach (Op op in ops)
        {
            children.Add(modules.Build(op, shape, producer: previous)); // in a chain, each output is read by the next op only
            shape = op.OutputShape(shape);
            previous = op;
        }

        return nn.Sequential(children);
    }

    /// <summary>
    /// Builds one unit: a chain as a <see cref="Sequential"/> of its ops (parameter names <c>i.weight</c>), any other graph
    /// as a <see cref="GraphModule"/>.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Build(Unit unit, FeatureShape input, ModuleSet? modules = null) =>
        BuildGraph(unit.Graph, input, modules ?? ModuleSet.Default);

    /// <summary>Builds a graph of ops for <paramref name="input"/>.</summary>
    public static nn.Module<Tensor, Tensor> BuildGraph(OpGraph graph, FeatureShape input, ModuleSet modules)
    {
        ArgumentNullException.ThrowIfNull(graph);
        FeatureShape[] shapes = graph.Shapes(input);
        return BuildGraph(graph, new UnitLayout(input, shapes[^1], [.. shapes]), modules);
    }

    /// <summary>Builds a graph of ops laid out as <paramref name="layout"/> (a unit's, its skips' shapes included).</summary>
    public static nn.Module<Tensor, Tensor> BuildGraph(OpGraph graph, UnitLayout layout, ModuleSet modules)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.IsChain)
        {
            return Build(graph.Ops, layout.Input, modules);
        }

        var children = graph.Nodes.Select(node => modules.Build(node.Op, layout.Tensor(node.Inputs[0]))).ToList();
        return new GraphModule(graph, children);
    }

    /// <summary>Builds one op for <paramref name="input"/>.</summary>
    public static nn.Module<Tensor, Tensor> Build(Op op, FeatureShape input) => ModuleSet.Default.Build(op, input);
}
