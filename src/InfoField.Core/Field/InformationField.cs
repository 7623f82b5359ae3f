using System.Collections.Immutable;
using InfoField.Architecture;
using InfoField.Costs;

namespace InfoField.Field;

/// <summary>
/// The Information Field engine (paper section 3, docs/information-field.md). For each unit of a stage it computes
/// exactly what every output neuron depends on in the stage's input tensor (<see cref="TensorField"/>: per channel the
/// stage input channels, per axis the interval of positions, borders included), and reports the spatial field per axis
/// (the farthest reach; on a chain of layers the paper's <c>min(r_{k-1} + (e_k - 1) j_{k-1}, w0)</c>), the guaranteed
/// channel coverage, their product IF, and the IF gain
/// <c>dIF_k = (IF_k - IF_{k-1}) / max(IF_{k-1}, 1) * exp(-alpha IF_{k-1} / V0)</c>.
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
        SpatialAxis[]?[]? planes = null;
        var skips = new SkipFields(network, oneFrame: false);
        for (int s = 0; s < network.Stages.Count; s++)
        {
            Stage stage = network.Stages[s];
            StageLayout layout = network.Layout.Stages[s];
            planes = Entry(stage.Entry, layout.Input, planes);
            stages.Add(AnalyzeStage(s, stage.Units, layout, cost.Units[s], cost.Stages[s], options, skips, ref planes));
        }

        return new NetworkField(network, options, stages.MoveToImmutable(), cost);
    }

    /// <summary>
    /// Analyses stage <paramref name="stageIndex"/> (from 0) of <paramref name="network"/> alone: the same numbers as
    /// <see cref="Analyze"/> gives for that stage, without the reports of the other stages.
    /// </summary>
    public static StageField AnalyzeStage(Network network, int stageIndex, FieldOptions? options = null)
    {
        options = (options ?? FieldOptions.Default).Validated();
        CheckMemory(network);
        SpatialAxis[]?[]? planes = null;
        var skips = new SkipFields(network, oneFrame: false);
        for (int s = 0; s < stageIndex; s++)
        {
            StageLayout before = network.Layout.Stages[s];
            planes = Entry(network.Stages[s].Entry, before.Input, planes);
            StageFrame frame = StageFrame.Of(before, options.Frame);
            TensorField start = TensorField.Start(frame, before.UnitsInput, planes);
            TensorField state = start;
            for (int u = 0; u < network.Stages[s].Units.Count; u++)
            {
                Unit unit = network.Stages[s].Units[u];
                state = Trace(state, unit.Graph, frame, skips.Of(unit, before.Units[u], s, start, frame))[^1];
                skips.Keep(s, u, state);
            }

            planes = state.Planes();
        }

        Stage stage = network.Stages[stageIndex];
        StageLayout layout = network.Layout.Stages[stageIndex];
        planes = Entry(stage.Entry, layout.Input, planes);
        var costs = stage.Units.Select((unit, u) => CostModel.Of(unit, layout.Units[u])).ToImmutableArray();
        Cost stageCost = CostModel.Of(stage.Entry, layout.Input) + Cost.Sum(costs);
        return AnalyzeStage(stageIndex, stage.Units, layout, costs, stageCost, options, skips, ref planes);
    }

    /// <summary>
    /// The IF gain of a unit whose field grows from <paramref name="previous"/> to <paramref name="current"/> in a stage of
    /// volume <paramref name="v0"/>. The growth is measured against at least one neuron, so that a unit after an empty
    /// field (IF 0: nothing reaches the previous unit's output) gains <c>IF_k</c>, and 0 when its field is empty too.
    /// </summary>
    public static double DeltaIf(long previous, long current, long v0, double alpha) =>
        (double)(current - previous) / Math.Max(previous, 1) * Math.Exp(-alpha * previous / v0);

    /// <summary>The field after every op of <paramref name="unit"/> (a unit without skips).</summary>
    internal static TensorField Through(TensorField state, Unit unit, StageFrame frame) => Trace(state, unit.Graph, frame, [])[^1];

    /// <summary>
    /// The field of every tensor of <paramref name="graph"/> ([0] is <paramref name="input"/>; its skips' fields are
    /// <paramref name="skips"/>): layers apply their windows and connectivity to each channel's field; add and mul unite the
    /// fields of each channel, concat stacks channels.
    /// </summary>
    /// <remarks>
    /// With <paramref name="layout"/> (the graph's shapes, as the network's layout holds them), every op's output shape is
    /// read from it instead of being computed again.
    /// </remarks>
    internal static TensorField[] Trace(TensorField input, OpGraph graph, StageFrame frame, IReadOnlyList<TensorField> skips, UnitLayout? layout = null)
    {
        return graph.Evaluate(
            input,
            skips,
            (frame, shapes: layout?.Tensors ?? default),
            static (i, op, state, trace) => op.AsLayer is LayerOp layer
                ? state.Through(layer, trace.frame, trace.shapes.IsDefault ? null : trace.shapes[i + 1])
                : throw new ArchitectureException(op.Type, $"'{op.Type}' cannot be analysed inside a stage"),
            static (i, merge, states, trace) => TensorField.Merge(merge, states, trace.frame, trace.shapes.IsDefault ? null : trace.shapes[i + 1]));
    }

    /// <summary>
    /// Refuses a network whose analysis could outgrow the <see cref="MemoryBudget"/>: in the worst case every channel of a
    /// stage holds its own set of the stage's c0 input channels (one bit each) and its own intervals per position (two
    /// 4-byte ends per position of each axis).
    /// </summary>
    internal static void CheckMemory(Network network)
    {
        double bytes = 0;
        for (int s = 0; s < network.Stages.Count; s++)
        {
            StageLayout layout = network.Layout.Stages[s];
            double channels = layout.Input.Channels;
            foreach (UnitLayout unit in layout.Units)
            {
                channels += unit.Output.Channels;
            }

            double positions = (double)layout.UnitsInput.Height + layout.UnitsInput.Width + layout.UnitsInput.Depth;
            bytes += channels * ((layout.Input.Channels / 8.0) + (8.0 * positions));
        }

        MemoryBudget.Check($"the channel analysis of {network.Name}", bytes);
    }

    /// <summary>The receptive fields in image pixels after a stage's entry pooling (every channel at one pixel before the first stage).</summary>
    private static SpatialAxis[]?[] Entry(IReadOnlyList<Op> entry, FeatureShape shape, SpatialAxis[]?[]? planes)
    {
        planes ??= [.. Enumerable.Repeat<SpatialAxis[]?>([.. Enumerable.Repeat(SpatialAxis.Start, shape.SpatialAxes)], shape.Channels)];
        foreach (Op op in entry)
        {
            var layer = (LayerOp)op;
            SpatialWindow window = layer.Window(shape);
            FeatureShape output = layer.OutputShape(shape);
            var done = new Dictionary<SpatialAxis[], SpatialAxis[]>();
            planes = [.. planes.Select(plane => plane is null ? null : done.TryGetValue(plane, out SpatialAxis[]? next) ? next : done[plane] =
                [.. Enumerable.Range(0, plane.Length).Select(a => plane[a].Through(window[a], shape.Size(a), output.Size(a)))])];
            shape = output;
        }

        return planes;
    }

    private static StageField AnalyzeStage(
        int stageIndex,
        IReadOnlyList<Unit> units,
        StageLayout layout,
        ImmutableArray<Cost> unitCosts,
        Cost stageCost,
        FieldOptions options,
        SkipFields skips,
        ref SpatialAxis[]?[]? planes)
    {
        var frame = StageFrame.Of(layout, options.Frame);
        long v0 = frame.V0;

        TensorField start = TensorField.Start(frame, layout.UnitsInput, planes);
        TensorField state = start;
        var fields = ImmutableArray.CreateBuilder<UnitField>(units.Count);
        long previousLiteral = 0, previousLocal = 0;
        for (int u = 0; u < units.Count; u++)
        {
            Unit unit = units[u];
            TensorField[] tensors = Trace(state, unit.Graph, frame, skips.Of(unit, layout.Units[u], stageIndex, start, frame), layout.Units[u]);
            state = tensors[^1];
            skips.Keep(stageIndex, u, state);
            FieldFactors literal = state.Factors(FieldKind.Literal);
            FieldFactors local = state.Factors(FieldKind.Local);
            double? literalGain = u == 0 ? null : DeltaIf(previousLiteral, literal.If, v0, options.Alpha);
            double? localGain = u == 0 ? null : DeltaIf(previousLocal, local.If, v0, options.Alpha);
            bool isLocal = options.FieldKind == FieldKind.Local;
            FieldFactors used = isLocal ? local : literal;
            fields.Add(new UnitField(
                u + 1,
                unit.Name,
                unit.Role,
                state.Shape,
                used.IfH,
                used.IfW,
                used.IfC,
                used.IfCMean,
                used.IfCMax,
                used.If,
                isLocal ? localGain : literalGain,
                state.ReceptiveField(0),
                state.ReceptiveField(1),
                unitCosts[u],
                options.OpFields ? OpFields(unit.Graph, tensors, options.FieldKind) : [],
                used.IfHMin,
                used.IfWMin,
                local,
                literal,
                localGain,
                literalGain,
                Numbered(unit.Graph.DeadNodes))
            {
                IfHInterior = used.IfHInterior,
                IfWInterior = used.IfWInterior,
                Skips = unit.Skips,
                IfD = used.IfD,
                IfDMin = used.IfDMin,
                IfDInterior = used.IfDInterior,
                ReceptiveFieldD = state.Shape.HasDepth ? state.ReceptiveField(2) : 0,
            });
            previousLiteral = literal.If;
            previousLocal = local.If;
        }

        planes = state.Planes();
        return new StageField(stageIndex + 1, frame.Shape, layout.Output, frame.Strided, v0, fields.MoveToImmutable(), stageCost);
    }

    /// <summary>The nodes <paramref name="nodes"/> numbered from 1.</summary>
    private static ValueList<int> Numbered(ValueList<int> nodes) => nodes.Count == 0 ? nodes : nodes.Select(node => node + 1).ToValueList();

    /// <summary>The field of every op of a unit, its headline factors those of <paramref name="kind"/>.</summary>
    private static ValueList<OpField> OpFields(OpGraph graph, TensorField[] tensors, FieldKind kind)
    {
        var fields = ImmutableArray.CreateBuilder<OpField>(graph.Count);
        for (int i = 0; i < graph.Count; i++)
        {
            TensorField state = tensors[i + 1];
            FieldFactors used = state.Factors(kind);
            fields.Add(new OpField(
                i + 1,
                graph.Nodes[i].Op.Type,
                graph.Nodes[i].Inputs,
                state.Shape,
                used.IfH,
                used.IfW,
                used.IfC,
                used.If,
                used.IfHMin,
                used.IfWMin,
                used.IfCMax,
                state.Factors(FieldKind.Local),
                state.Factors(FieldKind.Literal))
            {
                IfHInterior = used.IfHInterior,
                IfWInterior = used.IfWInterior,
                IfD = used.IfD,
                IfDMin = used.IfDMin,
                IfDInterior = used.IfDInterior,
            });
        }

        return fields.MoveToImmutable();
    }
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
        bool output = strided && frame == CoordinateFrame.Output && !Grows(layout);
        return new StageFrame(output ? layout.Output.WithChannels(layout.UnitsInput.Channels) : layout.UnitsInput, strided, !output);
    }

    /// <summary>
    /// True when some tensor of the stage (a skip's included) is longer along an axis than the stage's input (an op raised
    /// the resolution, or a skip reads a finer map):
    /// the output frame, which measures as if strides were not there, has no meaning there, so such a stage is measured
    /// in the input frame whatever the option says.
    /// </summary>
    private static bool Grows(StageLayout layout)
    {
        FeatureShape input = layout.UnitsInput;
        foreach (UnitLayout unit in layout.Units)
        {
            if (Longer(unit.Tensors, input) || Longer(unit.Skips, input))
            {
                return true;
            }
        }

        return false;

        static bool Longer(ImmutableArray<FeatureShape> tensors, FeatureShape input)
        {
            foreach (FeatureShape tensor in tensors)
            {
                if (tensor.Height > input.Height || tensor.Width > input.Width || tensor.Depth > input.Depth)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The positions per spatial axis of a tensor of <paramref name="shape"/> in this frame: its own size, or in the output
    /// frame at most the stage's output size (tensors before the stride count at the output resolution).
    /// </summary>
    public int[] Lengths(FeatureShape shape)
    {
        var lengths = new int[shape.SpatialAxes];
        for (int a = 0; a < lengths.Length; a++)
        {
            lengths[a] = HonorStride ? shape.Size(a) : Math.Min(shape.Size(a), Shape.Size(a));
        }

        return lengths;
    }

    /// <summary>As <see cref="Lengths(FeatureShape)"/>, giving <paramref name="same"/> itself when the lengths are those (tensors share one array).</summary>
    public int[] Lengths(FeatureShape shape, int[] same)
    {
        bool equal = same.Length == shape.SpatialAxes;
        for (int a = 0; a < same.Length && equal; a++)
        {
            equal = same[a] == (HonorStride ? shape.Size(a) : Math.Min(shape.Size(a), Shape.Size(a)));
        }

        return equal ? same : Lengths(shape);
    }
}
