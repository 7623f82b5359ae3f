using System.Collections.Immutable;
using InfoField.Architecture;

namespace InfoField.Costs;

/// <summary>Parameters and multiply-accumulates of one part of a network.</summary>
/// <param name="Parameters">Trainable parameters, batch-norm affine parameters included (running statistics are buffers, not counted).</param>
/// <param name="Macs">Multiply-accumulates of one forward pass on one sample, counting convolutions and linear layers only.</param>
public readonly record struct Cost(long Parameters, long Macs)
{
    /// <summary>The sum of two costs.</summary>
    public static Cost operator +(Cost left, Cost right) =>
        new(Limits.Add("parameters", left.Parameters, right.Parameters), Limits.Add("MACs", left.Macs, right.Macs));

    /// <summary>The sum of several costs.</summary>
    public static Cost Sum(IEnumerable<Cost> costs) => costs.Aggregate(default(Cost), (total, cost) => total + cost);
}

/// <summary>The cost of a network, broken down by stage and unit.</summary>
/// <param name="Total">The whole network.</param>
/// <param name="Stages">Per stage: the entry pooling and units.</param>
/// <param name="Units">Per stage, per unit.</param>
/// <param name="Head">The classifier head.</param>
public sealed record NetworkCost(Cost Total, ImmutableArray<Cost> Stages, ImmutableArray<ImmutableArray<Cost>> Units, Cost Head)
{
    /// <summary>
    /// The head of each further output (<see cref="Network.Outputs"/>), in their order; <see cref="Total"/> includes them.
    /// An output that reads another (<see cref="NetworkOutput.Reads"/>) costs its own head's ops only: the part it shares is counted once, with the output it reads.
    /// </summary>
    public ImmutableArray<Cost> Outputs { get; init; } = [];
}

/// <summary>
/// The cost model: parameters (weights, biases and batch-norm scale and shift) and MACs (multiply-accumulates of
/// convolutions and linear layers; the paper's "FLOPs" columns count these). See docs/cost-model.md.
/// </summary>
public static class CostModel
{
    /// <summary>The cost of <paramref name="network"/>.</summary>
    public static NetworkCost Of(Network network)
    {
        var stages = ImmutableArray.CreateBuilder<Cost>(network.Stages.Count);
        var units = ImmutableArray.CreateBuilder<ImmutableArray<Cost>>(network.Stages.Count);
        for (int s = 0; s < network.Stages.Count; s++)
        {
            Stage stage = network.Stages[s];
            StageLayout layout = network.Layout.Stages[s];
            var unitCosts = ImmutableArray.CreateBuilder<Cost>(stage.Units.Count);
            for (int u = 0; u < stage.Units.Count; u++)
            {
                unitCosts.Add(Of(stage.Units[u], layout.Units[u]));
            }

            units.Add(unitCosts.MoveToImmutable());
            stages.Add(Of(stage.Entry, layout.Input) + Cost.Sum(units[s]));
        }

        Cost head = Of(network.Head, network.Layout.HeadInput);
        var outputs = ImmutableArray.CreateBuilder<Cost>(network.Outputs.Count);
        for (int i = 0; i < network.Outputs.Count; i++)
        {
            outputs.Add(Of(network.Outputs[i].Head, network.OutputHeadInput(i)));
        }

        return new NetworkCost(Cost.Sum(stages) + head + Cost.Sum(outputs), stages.MoveToImmutable(), units.MoveToImmutable(), head)
        {
            Outputs = outputs.MoveToImmutable(),
        };
    }

    /// <summary>The cost of <paramref name="unit"/> for <paramref name="input"/>.</summary>
    public static Cost Of(Unit unit, FeatureShape input)
    {
        FeatureShape[] shapes = unit.Graph.Shapes(input);
        return Of(unit.Graph, new UnitLayout(input, shapes[^1], [.. shapes]));
    }

    /// <summary>The cost of <paramref name="unit"/> laid out as <paramref name="layout"/> in its network (no shape is inferred again).</summary>
    public static Cost Of(Unit unit, UnitLayout layout) =>
        layout.Skips.IsDefaultOrEmpty
            ? (_units ??= new(GraphAtShape.Comparer, 64)).Get(new GraphAtShape(unit.Graph, layout.Input), layout, static (key, layout) => Of(key.Graph, layout))
            : Of(unit.Graph, layout);

    /// <summary>
    /// The costs of the last units (without skips) costed on this thread: a unit repeated in a network or across a batch
    /// is costed once. Few are kept: each holds its graph, and holding many networks' graphs made the GC promote them (in
    /// the NAS space's search, 64 instead of 4,096 cut the GC's pauses to about a third).
    /// </summary>
    [ThreadStatic]
    private static ThreadMemo<GraphAtShape, Cost>? _units;

    /// <summary>The cost of the ops of <paramref name="graph"/> whose tensors (skips included) have the shapes of <paramref name="layout"/>.</summary>
    private static Cost Of(OpGraph graph, UnitLayout layout)
    {
        long parameters = 0, macs = 0;
        foreach (GraphNode node in graph.Nodes)
        {
            FeatureShape input = layout.Tensor(node.Inputs[0]);
            parameters = Limits.Add("parameters", parameters, node.Op.Parameters(input));
            macs = Limits.Add("MACs", macs, node.Op.Macs(input));
        }

        return new Cost(parameters, macs);
    }

    /// <summary>The cost of <paramref name="ops"/> applied in order to <paramref name="input"/>.</summary>
    public static Cost Of(IReadOnlyList<Op> ops, FeatureShape input) =>
        new(OpSequence.Parameters(ops, input), OpSequence.Macs(ops, input));
}
