using System.Collections.Immutable;
using InfoField.Architecture;
using InfoField.Costs;

namespace InfoField.Field;

/// <summary>The Information Field of one unit, measured at its output, with its cost.</summary>
/// <param name="Index">Position in the stage, from 1 (the paper's k).</param>
/// <param name="Name">The unit's name.</param>
/// <param name="Role">Stem, body or tail.</param>
/// <param name="OutputShape">Shape the unit produces.</param>
/// <param name="IfH">Spatial field along the height, capped at the stage's h0.</param>
/// <param name="IfW">Spatial field along the width, capped at the stage's w0.</param>
/// <param name="IfC">Guaranteed channel coverage: the fewest stage input channels reaching an output channel.</param>
/// <param name="IfCMean">Mean channel coverage over output channels.</param>
/// <param name="IfCMax">Largest channel coverage of an output channel.</param>
/// <param name="If">IF = IfH x IfW x IfC (IfH is 1 in 1-D networks).</param>
/// <param name="DeltaIf">The IF gain over the previous unit, or null for a stage's first unit.</param>
/// <param name="ReceptiveFieldH">Uncapped receptive field along the height, in input-image pixels.</param>
/// <param name="ReceptiveFieldW">Uncapped receptive field along the width, in input-image pixels.</param>
/// <param name="Cost">The unit's parameters and MACs.</param>
/// <param name="Ops">The field at the output of every op of the unit's graph (which branch saturates first).</param>
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
    ValueList<OpField> Ops);

/// <summary>The field at the output of one op inside a unit, measured on the stage's input like the unit's own.</summary>
/// <param name="Index">The op's node number in the unit's graph, from 1 (tensor 0 is the unit's input).</param>
/// <param name="Type">The op's type.</param>
/// <param name="Inputs">The tensors the op reads (0 the unit's input, i node i's output).</param>
/// <param name="OutputShape">The shape the op produces.</param>
/// <param name="IfH">Spatial field along the height, capped at h0.</param>
/// <param name="IfW">Spatial field along the width, capped at w0.</param>
/// <param name="IfC">Guaranteed channel coverage of the op's output.</param>
/// <param name="If">IfH x IfW x IfC.</param>
public sealed record OpField(int Index, string Type, ValueList<int> Inputs, FeatureShape OutputShape, int IfH, int IfW, int IfC, long If);

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
