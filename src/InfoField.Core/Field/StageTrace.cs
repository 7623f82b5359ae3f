using System.Collections.Immutable;
using InfoField.Architecture;

namespace InfoField.Field;

/// <summary>
/// An incremental analysis of one stage, unit by unit, for tools that edit stages (the organizer): it gives each unit's
/// IF and gain, the gain a unit would have if inserted, and the analysis of an edited stage that re-uses the unchanged
/// prefix. It gives the same IF and dIF values as <see cref="InformationField.Analyze"/>, of the field its options name
/// (<see cref="FieldOptions.FieldKind"/>: the local field by default).
/// </summary>
public sealed class StageTrace
{
    private readonly FieldOptions _options;
    private readonly StageFrame _frame;
    private readonly ImmutableArray<Unit> _units;
    private readonly ImmutableArray<TensorField> _states;

    // For a stage whose units read skips: its network's skips, the stage (from 0) and its layout; null otherwise.
    private readonly (SkipFields Skips, int Stage, StageLayout Layout)? _skips;

    private StageTrace(FieldOptions options, StageFrame frame, ImmutableArray<Unit> units, ImmutableArray<TensorField> states, (SkipFields, int, StageLayout)? skips = null)
    {
        _options = options;
        _frame = frame;
        _units = units;
        _states = states;
        _skips = skips;
    }

    /// <summary>The number of units.</summary>
    public int Count => _units.Length;

    /// <summary>The tensor the stage is measured on (c0 x h0 x w0).</summary>
    public FeatureShape Frame => _frame.Shape;

    /// <summary>
    /// Traces stage <paramref name="stageIndex"/> (from 0) of <paramref name="network"/>. A stage whose units read skips
    /// (<see cref="Unit.Skips"/>) is traced with them, but not edited: <see cref="With"/> and
    /// <see cref="DeltaIfOfInserted"/> refuse it (an edit would change what the skips read).
    /// </summary>
    public static StageTrace Of(Network network, int stageIndex, FieldOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options = (options ?? FieldOptions.Default).Validated();
        StageLayout layout = network.Layout.Stages[stageIndex];
        var frame = StageFrame.Of(layout, options.Frame);
        TensorField start = TensorField.Start(frame, layout.UnitsInput, null);
        (SkipFields, int, StageLayout)? skips = network.Stages[stageIndex].Units.Any(unit => unit.Skips.Count > 0)
            ? (new SkipFields(network, oneFrame: false), stageIndex, layout)
            : null;
        return new StageTrace(options, frame, [], [start], skips).Extend(network.Stages[stageIndex].Units, 0);
    }

    /// <summary>
    /// The field of every neuron at the output of unit <paramref name="unit"/> (from 0), or of the stage's input tensor
    /// for -1. (Its receptive field in image pixels starts at the stage input, not at the image.)
    /// </summary>
    public TensorField Output(int unit) => _states[unit + 1];

    /// <summary>IF of unit <paramref name="unit"/> (from 0), of the field the options name.</summary>
    public long If(int unit) => _states[unit + 1].Factors(_options.FieldKind).If;

    /// <summary>The gain of unit <paramref name="unit"/> (from 0); null for the first unit.</summary>
    public double? DeltaIf(int unit) => unit == 0 ? null : InformationField.DeltaIf(If(unit - 1), If(unit), _frame.V0, _options.Alpha);

    /// <summary>The gain <paramref name="unit"/> would have if inserted after the first <paramref name="position"/> units (position &gt;= 1).</summary>
    public double DeltaIfOfInserted(Unit unit, int position)
    {
        if (position < 1 || position > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, $"a unit is inserted after 1 to {Count} units");
        }

        RefuseSkips(unit.Skips.Count > 0 ? [unit] : _units);

        long before = If(position - 1);
        long after = InformationField.Through(_states[position], unit, _frame).Factors(_options.FieldKind).If;
        return InformationField.DeltaIf(before, after, _frame.V0, _options.Alpha);
    }

    /// <summary>
    /// The trace of the same stage with <paramref name="units"/>, re-using the analysis of the units they share with this
    /// trace from the start. The first unit must be the same (it decides the frame) and the stage input unchanged.
    /// </summary>
    public StageTrace With(IReadOnlyList<Unit> units)
    {
        if (units.Count == 0 || units[0] != _units[0])
        {
            throw new ArgumentException("an edited stage keeps its first unit", nameof(units));
        }

        RefuseSkips([.. _units, .. units]);

        int common = 1;
        while (common < units.Count && common < _units.Length && (ReferenceEquals(units[common], _units[common]) || units[common] == _units[common]))
        {
            common++;
        }

        return new StageTrace(_options, _frame, _units[..common], _states[..(common + 1)]).Extend(units, common);
    }

    private static void RefuseSkips(IEnumerable<Unit> units)
    {
        if (units.Any(unit => unit.Skips.Count > 0))
        {
            throw new ArgumentException("a unit of the stage reads earlier units' outputs (skips); an incremental trace does not edit such a stage", nameof(units));
        }
    }

    private StageTrace Extend(IReadOnlyList<Unit> units, int from)
    {
        var allUnits = _units.ToBuilder();
        var states = _states.ToBuilder();
        for (int u = from; u < units.Count; u++)
        {
            if (_skips is var (skips, stage, layout))
            {
                states.Add(InformationField.Trace(states[^1], units[u].Graph, _frame, skips.Of(units[u], layout.Units[u], stage, _states[0], _frame))[^1]);
                skips.Keep(stage, u, states[^1]);
            }
            else
            {
                states.Add(InformationField.Through(states[^1], units[u], _frame));
            }

            allUnits.Add(units[u]);
        }

        return new StageTrace(_options, _frame, allUnits.ToImmutable(), states.ToImmutable(), _skips);
    }
}
