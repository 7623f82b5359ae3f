using System.Collections.Immutable;
using InfoField.Architecture;
using InfoField.Costs;

namespace InfoField.Field;

/// <summary>
/// The Information Field engine (paper section 3, docs/information-field.md). For each unit of a stage it measures
/// how much of the stage's input tensor reaches one output neuron: the spatial field per axis
/// (<c>r_k = min(r_{k-1} + (e_k - 1) j_{k-1}, w0)</c>), the exact channel coverage from connectivity, their product IF,
/// and the IF gain <c>dIF_k = (IF_k - IF_{k-1}) / IF_{k-1} * exp(-alpha IF_{k-1} / V0)</c>.
/// </summary>
public static class InformationField
{
    /// <summary>Analyses every stage of <paramref name="network"/>.</summary>
    public static NetworkField Analyze(Network network, FieldOptions? options = null)
    {
        options = (options ?? FieldOptions.Default).Validated();
        CheckMemory(network);
        NetworkCost cost = CostModel.Of(network);
        var stages = ImmutableArray.CreateBuilder<StageField>(network.Stages.Count);
        var imageH = SpatialAxis.Start;
        var imageW = SpatialAxis.Start;
        for (int s = 0; s < network.Stages.Count; s++)
        {
            Stage stage = network.Stages[s];
            StageLayout layout = network.Layout.Stages[s];
            FeatureShape shape = layout.Input;
            foreach (Op entry in stage.Entry)
            {
                (imageH, imageW, shape) = Spatially(entry, shape, imageH, imageW);
            }

            stages.Add(AnalyzeStage(s + 1, stage.Units, layout, cost.Units[s], cost.Stages[s], options, ref imageH, ref imageW));
        }

        return new NetworkField(network, options, stages.MoveToImmutable(), cost);
    }

    /// <summary>
    /// Refuses a network whose channel coverage could outgrow the <see cref="MemoryBudget"/>: in the worst case every
    /// channel of a stage holds its own set of the stage's c0 input channels, one bit each.
    /// </summary>
    internal static void CheckMemory(Network network)
    {
        double bytes = 0;
        for (int s = 0; s < network.Stages.Count; s++)
        {
            StageLayout layout = network.Layout.Stages[s];
            double channels = layout.Units.Sum(unit => (double)unit.Output.Channels) + layout.Input.Channels;
            bytes += layout.Input.Channels / 8.0 * channels;
        }

        MemoryBudget.Check($"the channel analysis of {network.Name}", bytes);
    }

    /// <summary>
    /// Analyses stage <paramref name="stageIndex"/> (from 0) of <paramref name="network"/> alone: the same numbers as
    /// <see cref="Analyze"/> gives for that stage, without the channel analysis of the other stages.
    /// </summary>
    public static StageField AnalyzeStage(Network network, int stageIndex, FieldOptions? options = null)
    {
        options = (options ?? FieldOptions.Default).Validated();
        CheckMemory(network);
        var imageH = SpatialAxis.Start;
        var imageW = SpatialAxis.Start;
        for (int s = 0; s < stageIndex; s++)
        {
            FeatureShape shape = network.Layout.Stages[s].Input;
            foreach (Op op in network.Stages[s].Entry)
            {
                (imageH, imageW, shape) = Spatially(op, shape, imageH, imageW);
            }

            foreach (Unit unit in network.Stages[s].Units)
            {
                (imageH, imageW, shape) = Spatially(unit.Graph, shape, imageH, imageW);
            }
        }

        foreach (Op entry in network.Stages[stageIndex].Entry)
        {
            (imageH, imageW, _) = Spatially(entry, network.Layout.Stages[stageIndex].Input, imageH, imageW);
        }

        Stage stage = network.Stages[stageIndex];
        StageLayout layout = network.Layout.Stages[stageIndex];
        var costs = stage.Units.Select((unit, u) => CostModel.Of(unit, layout.Units[u])).ToImmutableArray();
        Cost stageCost = CostModel.Of(stage.Entry, layout.Input) + Cost.Sum(costs);
        return AnalyzeStage(stageIndex + 1, stage.Units, layout, costs, stageCost, options, ref imageH, ref imageW);
    }

    /// <summary>The IF gain of a unit whose field grows from <paramref name="previous"/> to <paramref name="current"/> in a stage of volume <paramref name="v0"/>.</summary>
    public static double DeltaIf(long previous, long current, long v0, double alpha) =>
        (double)(current - previous) / previous * Math.Exp(-alpha * previous / v0);

    private static StageField AnalyzeStage(
        int index,
        IReadOnlyList<Unit> units,
        StageLayout layout,
        ImmutableArray<Cost> unitCosts,
        Cost stageCost,
        FieldOptions options,
        ref SpatialAxis imageH,
        ref SpatialAxis imageW)
    {
        var frame = StageFrame.Of(layout, options.Frame);
        long v0 = frame.V0;

        var state = FieldState.Start(frame, layout.UnitsInput, imageH, imageW);
        var fields = ImmutableArray.CreateBuilder<UnitField>(units.Count);
        long previousIf = 0;
        for (int u = 0; u < units.Count; u++)
        {
            Unit unit = units[u];
            FieldState[] tensors = Trace(state, unit.Graph, frame.HonorStride);
            state = tensors[^1];
            int ifH = state.StageH.Capped(frame.Shape.Height);
            int ifW = state.StageW.Capped(frame.Shape.Width);
            int ifC = state.Coverage.Minimum();
            long information = (long)ifH * ifW * ifC;
            double? gain = u == 0 ? null : DeltaIf(previousIf, information, v0, options.Alpha);
            fields.Add(new UnitField(
                u + 1,
                unit.Name,
                unit.Role,
                state.Shape,
                ifH,
                ifW,
                ifC,
                state.Coverage.Mean(),
                state.Coverage.Maximum(),
                information,
                gain,
                state.ImageH.Reach,
                state.ImageW.Reach,
                unitCosts[u],
                OpFields(unit.Graph, tensors, frame)));
            previousIf = information;
        }

        imageH = state.ImageH;
        imageW = state.ImageW;
        return new StageField(index, frame.Shape, layout.Output, frame.Strided, v0, fields.MoveToImmutable(), stageCost);
    }

    /// <summary>The state after all ops of <paramref name="unit"/>.</summary>
    internal static FieldState Through(FieldState state, Unit unit, StageFrame frame) => Trace(state, unit.Graph, frame.HonorStride)[^1];

    /// <summary>
    /// The field of every tensor of <paramref name="graph"/> ([0] is <paramref name="input"/>): layers apply their window and
    /// connectivity; merges take the union of their inputs' spatial fields and join their channel coverage.
    /// </summary>
    internal static FieldState[] Trace(FieldState input, OpGraph graph, bool honorStride) =>
        graph.Evaluate(
            input,
            (op, state) => op is LayerOp layer
                ? Through(state, layer, honorStride)
                : throw new ArchitectureException(op.Type, $"'{op.Type}' cannot be analysed inside a stage"),
            (merge, states) =>
            {
                FeatureShape shape = merge.OutputShape(states.Select(state => state.Shape).ToArray());
                return new FieldState(
                    Union(states, shape, static state => state.Shape, static state => state.StageH),
                    Union(states, shape, static state => state.Shape, static state => state.StageW),
                    Union(states, shape, static state => state.Shape, static state => state.ImageH),
                    Union(states, shape, static state => state.Shape, static state => state.ImageW),
                    merge.Join == ChannelJoin.Stack
                        ? ChannelCoverage.Stack(states.Select(state => state.Coverage).ToArray())
                        : states.Skip(1).Aggregate(states[0].Coverage, (coverage, state) => coverage.Union(state.Coverage)),
                    shape);
            });

    private static FieldState Through(FieldState state, LayerOp layer, bool honorStride)
    {
        SpatialWindow window = layer.Window(state.Shape);
        return new FieldState(
            state.StageH.Through(window.H, honorStride),
            state.StageW.Through(window.W, honorStride),
            state.ImageH.Through(window.H),
            state.ImageW.Through(window.W),
            state.Coverage.Through(layer.Channels(state.Shape.Channels)),
            layer.OutputShape(state.Shape));
    }

    /// <summary>
    /// The spatial field of a merge's output neuron: the farthest reach of its inputs; the step between neurons is that
    /// of the inputs at the output's resolution (a 1x1 gate reaches the whole input but does not set the step).
    /// </summary>
    private static SpatialAxis Union<T>(IReadOnlyList<T> states, FeatureShape output, Func<T, FeatureShape> shape, Func<T, SpatialAxis> axis)
    {
        SpatialAxis? union = null;
        long reach = 0;
        foreach (T state in states)
        {
            SpatialAxis value = axis(state);
            reach = Math.Max(reach, value.Reach);
            if (shape(state).SameResolution(output))
            {
                union = union is SpatialAxis previous ? SpatialAxis.Union(previous, value) : value;
            }
        }

        return union!.Value with { Reach = reach };
    }

    /// <summary>The field of every op of a unit, capped to the stage's frame.</summary>
    private static ValueList<OpField> OpFields(OpGraph graph, FieldState[] tensors, StageFrame frame)
    {
        var fields = ImmutableArray.CreateBuilder<OpField>(graph.Count);
        for (int i = 0; i < graph.Count; i++)
        {
            FieldState state = tensors[i + 1];
            fields.Add(new OpField(
                i + 1,
                graph.Nodes[i].Op.Type,
                graph.Nodes[i].Inputs,
                state.Shape,
                state.StageH.Capped(frame.Shape.Height),
                state.StageW.Capped(frame.Shape.Width),
                state.Coverage.Minimum(),
                state.If(frame)));
        }

        return fields.MoveToImmutable();
    }

    /// <summary>The receptive field in image pixels after <paramref name="op"/>, without channel analysis.</summary>
    private static (SpatialAxis H, SpatialAxis W, FeatureShape Shape) Spatially(Op op, FeatureShape shape, SpatialAxis h, SpatialAxis w)
    {
        if (op is LayerOp layer)
        {
            SpatialWindow window = layer.Window(shape);
            return (h.Through(window.H), w.Through(window.W), layer.OutputShape(shape));
        }

        return (h, w, op.OutputShape(shape));
    }

    /// <summary>The receptive field in image pixels after the ops of <paramref name="graph"/>, without channel analysis.</summary>
    private static (SpatialAxis H, SpatialAxis W, FeatureShape Shape) Spatially(OpGraph graph, FeatureShape shape, SpatialAxis h, SpatialAxis w) =>
        graph.Evaluate(
            (H: h, W: w, Shape: shape),
            (op, state) => Spatially(op, state.Shape, state.H, state.W),
            (merge, states) =>
            {
                FeatureShape output = merge.OutputShape(states.Select(state => state.Shape).ToArray());
                return (Union(states, output, static state => state.Shape, static state => state.H),
                        Union(states, output, static state => state.Shape, static state => state.W),
                        output);
            })[^1];
}

/// <summary>The tensor a stage is measured on, per the coordinate frame.</summary>
/// <param name="Shape">c0 x h0 x w0.</param>
/// <param name="Strided">Whether the stage opens with a strided unit.</param>
/// <param name="HonorStride">False in the output frame of a strided stage: strides are ignored.</param>
internal readonly record struct StageFrame(FeatureShape Shape, bool Strided, bool HonorStride)
{
    public long V0 => Shape.Volume;

    public static StageFrame Of(StageLayout layout, CoordinateFrame frame)
    {
        bool strided = layout.OpensWithStridedUnit;
        bool output = strided && frame == CoordinateFrame.Output;
        return new StageFrame(output ? layout.Output.WithChannels(layout.UnitsInput.Channels) : layout.UnitsInput, strided, !output);
    }
}

/// <summary>The field of one neuron after some ops of a stage: spatial reach in the stage and in the image, channel coverage, and the tensor's shape.</summary>
internal readonly record struct FieldState(
    SpatialAxis StageH,
    SpatialAxis StageW,
    SpatialAxis ImageH,
    SpatialAxis ImageW,
    ChannelCoverage Coverage,
    FeatureShape Shape)
{
    public static FieldState Start(StageFrame frame, FeatureShape unitsInput, SpatialAxis imageH, SpatialAxis imageW) =>
        new(SpatialAxis.Start, SpatialAxis.Start, imageH, imageW, ChannelCoverage.Identity(frame.Shape.Channels), unitsInput);

    /// <summary>IF = IF^h x IF^w x IF^c, capped to the frame.</summary>
    public long If(StageFrame frame) =>
        (long)StageH.Capped(frame.Shape.Height) * StageW.Capped(frame.Shape.Width) * Coverage.Minimum();
}
