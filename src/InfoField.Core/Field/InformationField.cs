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
                var window = ((LayerOp)entry).Window(shape);
                imageH = imageH.Through(window.H);
                imageW = imageW.Through(window.W);
                shape = entry.OutputShape(shape);
            }

            stages.Add(AnalyzeStage(s + 1, stage.Units, layout, cost.Units[s], cost.Stages[s], options, ref imageH, ref imageW));
        }

        return new NetworkField(network, options, stages.MoveToImmutable(), cost);
    }

    /// <summary>
    /// The IF gain a copy of <paramref name="unit"/> would add if appended to stage <paramref name="stageIndex"/>
    /// (from 0) of <paramref name="network"/>. The unit must accept the stage's output and keep its resolution.
    /// </summary>
    public static double DeltaIfOfAppended(Network network, int stageIndex, Unit unit, FieldOptions? options = null)
    {
        options = (options ?? FieldOptions.Default).Validated();
        Stage stage = network.Stages[stageIndex];
        StageLayout layout = network.Layout.Stages[stageIndex];
        FeatureShape output = unit.OutputShape(layout.Output);
        if (!output.SameResolution(layout.Output))
        {
            throw new ArchitectureException(unit.Name, "an appended unit must keep the stage's resolution");
        }

        var units = stage.Units.Add(unit);
        var unitLayouts = layout.Units.Add(new UnitLayout(layout.Output, output));
        var extended = layout with { Units = unitLayouts };
        var costs = ImmutableArray.Create(new Cost[units.Count]);
        var imageH = SpatialAxis.Start;
        var imageW = SpatialAxis.Start;
        StageField field = AnalyzeStage(stageIndex + 1, units, extended, costs, default, options, ref imageH, ref imageW);
        return field.Last.DeltaIf ?? 0;
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
        bool strided = layout.OpensWithStridedUnit;
        bool outputFrame = strided && options.Frame == CoordinateFrame.Output;
        FeatureShape frame = outputFrame ? layout.Output.WithChannels(layout.UnitsInput.Channels) : layout.UnitsInput;
        long v0 = frame.Volume;

        var state = new FieldState(SpatialAxis.Start, SpatialAxis.Start, imageH, imageW, ChannelCoverage.Identity(frame.Channels), layout.UnitsInput);
        var fields = ImmutableArray.CreateBuilder<UnitField>(units.Count);
        long previousIf = 0;
        for (int u = 0; u < units.Count; u++)
        {
            Unit unit = units[u];
            foreach (Op op in unit.Ops)
            {
                state = Through(state, op, honorStride: !outputFrame);
            }

            int ifH = state.StageH.Capped(frame.Height);
            int ifW = state.StageW.Capped(frame.Width);
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
                unitCosts[u]));
            previousIf = information;
        }

        imageH = state.ImageH;
        imageW = state.ImageW;
        return new StageField(index, frame, layout.Output, strided, v0, fields.MoveToImmutable(), stageCost);
    }

    private static FieldState Through(FieldState state, Op op, bool honorStride)
    {
        switch (op)
        {
            case LayerOp layer:
                SpatialWindow window = layer.Window(state.Shape);
                return new FieldState(
                    state.StageH.Through(window.H, honorStride),
                    state.StageW.Through(window.W, honorStride),
                    state.ImageH.Through(window.H),
                    state.ImageW.Through(window.W),
                    state.Coverage.Through(layer.Channels(state.Shape.Channels)),
                    layer.OutputShape(state.Shape));
            case Residual residual:
                FieldState body = state, shortcut = state;
                foreach (Op inner in residual.Body)
                {
                    body = Through(body, inner, honorStride);
                }

                foreach (Op inner in residual.Shortcut)
                {
                    shortcut = Through(shortcut, inner, honorStride);
                }

                return new FieldState(
                    SpatialAxis.Union(body.StageH, shortcut.StageH),
                    SpatialAxis.Union(body.StageW, shortcut.StageW),
                    SpatialAxis.Union(body.ImageH, shortcut.ImageH),
                    SpatialAxis.Union(body.ImageW, shortcut.ImageW),
                    body.Coverage.Union(shortcut.Coverage),
                    body.Shape);
            default:
                throw new ArchitectureException(op.Type, $"'{op.Type}' cannot be analysed inside a stage");
        }
    }

    private readonly record struct FieldState(
        SpatialAxis StageH,
        SpatialAxis StageW,
        SpatialAxis ImageH,
        SpatialAxis ImageW,
        ChannelCoverage Coverage,
        FeatureShape Shape);
}
