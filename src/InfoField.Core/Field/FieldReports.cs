using System.Collections.Immutable;
using InfoField.Architecture;
using InfoField.Costs;

namespace InfoField.Field;

/// <summary>
/// The Information Field of one unit, measured at its output, with its cost. The headline factors, IF and dIF are those
/// of the field the analysis used (<see cref="FieldOptions.FieldKind"/>: the local field by default); <see cref="Local"/>
/// and <see cref="Literal"/> give both fields, with their gains, whatever was used.
/// </summary>
/// <param name="Index">Position in the stage, from 1 (the paper's k).</param>
/// <param name="Name">The unit's name.</param>
/// <param name="Role">Stem, body or tail.</param>
/// <param name="OutputShape">Shape the unit produces.</param>
/// <param name="IfH">Spatial field along the height: the farthest reach of any output neuron (maximum over channels), at most h0.</param>
/// <param name="IfW">Spatial field along the width: the farthest reach of any output neuron (maximum over channels), at most w0.</param>
/// <param name="IfC">Guaranteed channel coverage: the fewest stage input channels reaching an output channel (minimum over channels).</param>
/// <param name="IfCMean">Mean channel coverage over output channels.</param>
/// <param name="IfCMax">Largest channel coverage of an output channel.</param>
/// <param name="If">IF = IfH x IfW x IfC (IfH is 1 in 1-D networks); 0 when some output channel depends on nothing.</param>
/// <param name="DeltaIf">The IF gain over the previous unit (of the field used), or null for a stage's first unit.</param>
/// <param name="ReceptiveFieldH">Uncapped receptive field along the height, in input-image pixels (widest over channels).</param>
/// <param name="ReceptiveFieldW">Uncapped receptive field along the width, in input-image pixels (widest over channels).</param>
/// <param name="Cost">The unit's parameters and MACs.</param>
/// <param name="Ops">The field at the output of every op of the unit's graph (which branch saturates first); empty when the analysis was asked for none (<see cref="FieldOptions.OpFields"/>).</param>
/// <param name="IfHMin">The guaranteed spatial field along the height: the least reach over output channels.</param>
/// <param name="IfWMin">The guaranteed spatial field along the width: the least reach over output channels.</param>
/// <param name="Local">The local field: what reaches the output neurons through windows only, without global pooling.</param>
/// <param name="Literal">The literal field: everything the output neurons are computed from, global pooling included.</param>
/// <param name="LocalDeltaIf">The gain of the local field over the previous unit's local field; null for a stage's first unit.</param>
/// <param name="LiteralDeltaIf">The gain of the literal field over the previous unit's literal field; null for a stage's first unit.</param>
/// <param name="DeadOps">The node numbers (from 1, as in <see cref="OpField.Index"/>) of the ops on dead branches, whose output does not lead to the unit's output (<see cref="OpGraph.DeadNodes"/>): costed, not in the unit's field.</param>
public sealed record UnitField(
    int Index,
    string Name,
    UnitRole Role,
    FeatureShape OutputShape,
    int IfH,
    int IfW,
    int IfC,
    double IfCMean,
    int IfCMax,
    long If,
    double? DeltaIf,
    long ReceptiveFieldH,
    long ReceptiveFieldW,
    Cost Cost,
    ValueList<OpField> Ops,
    int IfHMin,
    int IfWMin,
    FieldFactors Local,
    FieldFactors Literal,
    double? LocalDeltaIf,
    double? LiteralDeltaIf,
    ValueList<int> DeadOps = default)
{
    /// <summary>The factors of <paramref name="kind"/>.</summary>
    public FieldFactors Factors(FieldKind kind) => kind == FieldKind.Local ? Local : Literal;

    /// <summary>The guaranteed spatial field along the height at interior positions (<see cref="FieldFactors.IfHInterior"/>).</summary>
    public int IfHInterior { get; init; }

    /// <summary>The guaranteed spatial field along the width at interior positions (<see cref="FieldFactors.IfWInterior"/>).</summary>
    public int IfWInterior { get; init; }

    /// <summary>The earlier units' outputs the unit reads (<see cref="Unit.Skips"/>; empty for most units).</summary>
    public ValueList<UnitReference> Skips { get; init; }

    /// <summary>Spatial field along the depth of a 3-D network (<see cref="FieldFactors.IfD"/>); 0 in networks without depth.</summary>
    public int IfD { get; init; }

    /// <summary>The guaranteed spatial field along the depth (<see cref="FieldFactors.IfDMin"/>); 0 in networks without depth.</summary>
    public int IfDMin { get; init; }

    /// <summary>The guaranteed spatial field along the depth at interior positions (<see cref="FieldFactors.IfDInterior"/>); 0 in networks without depth.</summary>
    public int IfDInterior { get; init; }

    /// <summary>Uncapped receptive field along the depth, in input positions (widest over channels); 0 in networks without depth.</summary>
    public long ReceptiveFieldD { get; init; }

    /// <summary>The gain of <paramref name="kind"/>; null for a stage's first unit.</summary>
    public double? Gain(FieldKind kind) => kind == FieldKind.Local ? LocalDeltaIf : LiteralDeltaIf;

    /// <summary>True when the literal and local fields differ: something reaches the output neurons only through global pooling.</summary>
    public bool HasGlobalContext => Literal != Local;
}

/// <summary>
/// The field at the output of one op inside a unit, measured on the stage's input like the unit's own; the headline
/// factors are those of the field the analysis used.
/// </summary>
/// <param name="Index">The op's node number in the unit's graph, from 1 (tensor 0 is the unit's input).</param>
/// <param name="Type">The op's type.</param>
/// <param name="Inputs">The tensors the op reads (0 the unit's input, i node i's output).</param>
/// <param name="OutputShape">The shape the op produces.</param>
/// <param name="IfH">Spatial field along the height (maximum over channels), at most h0.</param>
/// <param name="IfW">Spatial field along the width (maximum over channels), at most w0.</param>
/// <param name="IfC">Guaranteed channel coverage of the op's output (minimum over channels).</param>
/// <param name="If">IfH x IfW x IfC.</param>
/// <param name="IfHMin">The least spatial field along the height over channels.</param>
/// <param name="IfWMin">The least spatial field along the width over channels.</param>
/// <param name="IfCMax">The largest channel coverage over channels.</param>
/// <param name="Local">The op's local field (windows only, without global pooling).</param>
/// <param name="Literal">The op's literal field (global pooling included).</param>
public sealed record OpField(
    int Index,
    string Type,
    ValueList<int> Inputs,
    FeatureShape OutputShape,
    int IfH,
    int IfW,
    int IfC,
    long If,
    int IfHMin,
    int IfWMin,
    int IfCMax,
    FieldFactors Local,
    FieldFactors Literal)
{
    /// <summary>The guaranteed spatial field along the height at interior positions (<see cref="FieldFactors.IfHInterior"/>).</summary>
    public int IfHInterior { get; init; }

    /// <summary>The guaranteed spatial field along the width at interior positions (<see cref="FieldFactors.IfWInterior"/>).</summary>
    public int IfWInterior { get; init; }

    /// <summary>Spatial field along the depth of a 3-D network (<see cref="FieldFactors.IfD"/>); 0 in networks without depth.</summary>
    public int IfD { get; init; }

    /// <summary>The guaranteed spatial field along the depth (<see cref="FieldFactors.IfDMin"/>); 0 in networks without depth.</summary>
    public int IfDMin { get; init; }

    /// <summary>The guaranteed spatial field along the depth at interior positions (<see cref="FieldFactors.IfDInterior"/>); 0 in networks without depth.</summary>
    public int IfDInterior { get; init; }
}

/// <summary>
/// The field factors of a tensor over its output channels. Each channel is measured at its best-placed neuron (per axis
/// the widest interval of stage input positions, the most stage input channels); over the channels, the spatial
/// factors are reported as their maximum (the farthest reach, the headline) and minimum (guaranteed), the channel factor
/// as its minimum (guaranteed coverage, the headline), mean and maximum.
/// </summary>
/// <param name="IfH">Spatial field along the height, maximum over channels.</param>
/// <param name="IfHMin">Spatial field along the height, minimum over channels.</param>
/// <param name="IfW">Spatial field along the width, maximum over channels.</param>
/// <param name="IfWMin">Spatial field along the width, minimum over channels.</param>
/// <param name="IfC">Channel coverage, minimum over channels.</param>
/// <param name="IfCMean">Channel coverage, mean over channels.</param>
/// <param name="IfCMax">Channel coverage, maximum over channels.</param>
/// <param name="If">IfH x IfW x IfC (x IfD in a 3-D network).</param>
public sealed record FieldFactors(int IfH, int IfHMin, int IfW, int IfWMin, int IfC, double IfCMean, int IfCMax, long If)
{
    /// <summary>
    /// The guaranteed spatial field along the height at interior positions: per channel the narrowest interval over its
    /// interior neurons (those whose interval along every axis lies strictly inside the channel's reach, the stage input
    /// positions its neurons reach together, so that no border cuts them; its best-placed neuron's when none is interior: a map too small
    /// for the field), minimum over channels. Where resolution goes up (a resize, a transposed convolution) a neuron's field
    /// depends on where it sits, and this is what every neuron away from the borders is guaranteed; on networks whose
    /// resolution only goes down it usually equals <see cref="IfH"/> (docs/information-field.md).
    /// </summary>
    public int IfHInterior { get; init; }

    /// <summary>The guaranteed spatial field along the width at interior positions (as <see cref="IfHInterior"/>).</summary>
    public int IfWInterior { get; init; }

    /// <summary>Spatial field along the depth of a 3-D network (time in video), maximum over channels; 0 in networks without depth.</summary>
    public int IfD { get; init; }

    /// <summary>Spatial field along the depth, minimum over channels; 0 in networks without depth.</summary>
    public int IfDMin { get; init; }

    /// <summary>The guaranteed spatial field along the depth at interior positions (as <see cref="IfHInterior"/>); 0 in networks without depth.</summary>
    public int IfDInterior { get; init; }
}

/// <summary>An interval of stage input positions along one axis, from <c>Lo</c> to <c>Hi</c>; empty when <c>Lo &gt; Hi</c>.</summary>
/// <param name="Lo">The first position.</param>
/// <param name="Hi">The last position.</param>
public readonly record struct AxisInterval(int Lo, int Hi)
{
    /// <summary>True when the interval holds no position.</summary>
    public bool IsEmpty => Lo > Hi;

    /// <summary>The number of positions from the first to the last (0 when empty).</summary>
    public int Span => IsEmpty ? 0 : Hi - Lo + 1;
}

/// <summary>What one neuron depends on in its stage's input tensor.</summary>
/// <param name="Channels">The stage input channels, ascending; empty when the neuron depends on nothing.</param>
/// <param name="Axes">Per spatial axis, the first and last stage input position (the hull: a dilated window may skip positions in between).</param>
public sealed record FieldReach(ValueList<int> Channels, ValueList<AxisInterval> Axes)
{
    /// <summary>True when the neuron depends on no input neuron (its windows lie in the zero padding).</summary>
    public bool IsEmpty => Channels.Count == 0;
}

/// <summary>The Information Field of one stage.</summary>
/// <param name="Index">Stage number, from 1.</param>
/// <param name="InputShape">The tensor the field is measured on, c0 x h0 x w0 (per the coordinate frame).</param>
/// <param name="OutputShape">Shape the stage produces.</param>
/// <param name="OpensWithStridedUnit">True when the first unit changes the resolution (the frame matters).</param>
/// <param name="V0">Volume of the measured tensor, h0 x w0 x c0.</param>
/// <param name="Units">Per unit.</param>
/// <param name="Cost">The stage's parameters and MACs.</param>
public sealed record StageField(
    int Index,
    FeatureShape InputShape,
    FeatureShape OutputShape,
    bool OpensWithStridedUnit,
    long V0,
    ImmutableArray<UnitField> Units,
    Cost Cost)
{
    /// <summary>The last unit.</summary>
    public UnitField Last => Units[^1];
}

/// <summary>The Information Field report of a network.</summary>
/// <param name="Network">The analysed network.</param>
/// <param name="Options">The settings used.</param>
/// <param name="Stages">Per stage.</param>
/// <param name="Cost">The whole network's parameters and MACs.</param>
public sealed record NetworkField(Network Network, FieldOptions Options, ImmutableArray<StageField> Stages, NetworkCost Cost);
