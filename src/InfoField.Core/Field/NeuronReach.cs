using InfoField.Architecture;

namespace InfoField.Field;

/// <summary>
/// Which part of its stage's input one output neuron of a unit, or of an op inside it, reaches: a window of
/// <see cref="IfH"/> x <see cref="IfW"/> positions of the measured h0 x w0 tensor (the farthest reach over the output
/// channels, at each channel's best-placed neuron), and, for each output channel, exactly which of the c0 input
/// channels (<see cref="ChannelCoverage.Inputs"/>: those that reach some neuron of the channel), of the field the options
/// name (local by default). The same walk as
/// <see cref="InformationField.Analyze"/>, so its numbers are the unit's and the op's IF^h, IF^w and IF^c; <see cref="Field"/>
/// says, for every neuron, where its window lies (<see cref="TensorField.Reach"/>).
/// </summary>
/// <param name="Stage">The stage, from 1.</param>
/// <param name="Unit">The unit's position in the stage, from 1.</param>
/// <param name="Op">The op's node number in the unit's graph, from 1, or null for the unit's output.</param>
/// <param name="Frame">The measured tensor c0 x h0 x w0 (per the coordinate frame).</param>
/// <param name="Output">The shape of the tensor the neuron belongs to.</param>
/// <param name="IfH">Spatial field along the height (maximum over channels), at most h0.</param>
/// <param name="IfW">Spatial field along the width (maximum over channels), at most w0.</param>
/// <param name="Coverage">For each channel of <paramref name="Output"/>, the stage input channels that reach it (through windows only, with the local field).</param>
public sealed record NeuronReach(int Stage, int Unit, int? Op, FeatureShape Frame, FeatureShape Output, int IfH, int IfW, ChannelCoverage Coverage)
{
    /// <summary>Spatial field along the depth of a 3-D network (maximum over channels), at most d0; 0 without depth.</summary>
    public int IfD { get; init; }

    /// <summary>The field of every neuron of the tensor: per channel and position, the stage input channels and the interval per axis it depends on.</summary>
    public TensorField? Field { get; init; }

    /// <summary>
    /// The reach of an output neuron of unit <paramref name="unit"/> of stage <paramref name="stage"/> (both from 1), or of
    /// op <paramref name="op"/> inside it (its node number, from 1); throws <see cref="ParameterException"/> naming an
    /// index out of range.
    /// </summary>
    public static NeuronReach Of(Network network, int stage, int unit, int? op = null, FieldOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options = (options ?? FieldOptions.Default).Validated();
        Require("stage", stage, network.Stages.Count);
        Stage units = network.Stages[stage - 1];
        Require("unit", unit, units.Units.Count);
        OpGraph graph = units.Units[unit - 1].Graph;
        if (op is int node)
        {
            Require("op", node, graph.Count);
        }

        InformationField.CheckMemory(network);
        StageLayout layout = network.Layout.Stages[stage - 1];
        var frame = StageFrame.Of(layout, options.Frame);
        TensorField start = TensorField.Start(frame, layout.UnitsInput, null);
        TensorField state = start;
        var skips = new SkipFields(network, oneFrame: false);
        for (int u = 0; u < unit - 1; u++)
        {
            state = InformationField.Trace(state, units.Units[u].Graph, frame, skips.Of(units.Units[u], layout.Units[u], stage - 1, start, frame))[^1];
            skips.Keep(stage - 1, u, state);
        }

        TensorField[] tensors = InformationField.Trace(state, graph, frame, skips.Of(units.Units[unit - 1], layout.Units[unit - 1], stage - 1, start, frame));
        TensorField target = tensors[op ?? graph.Count];
        FieldFactors factors = target.Factors(options.FieldKind);
        return new NeuronReach(stage, unit, op, frame.Shape, target.Shape, factors.IfH, factors.IfW, target.ChannelCoverage(local: options.FieldKind == FieldKind.Local)) { Field = target, IfD = factors.IfD };
    }

    private static void Require(string parameter, int value, int count)
    {
        if (value < 1 || value > count)
        {
            throw new ParameterException(parameter, value.ToString(System.Globalization.CultureInfo.InvariantCulture), $"expected 1 to {count}");
        }
    }
}
