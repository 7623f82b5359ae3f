using InfoField.Architecture;

namespace InfoField.Field;

/// <summary>
/// The fields of the skips a unit reads (<see cref="Unit.Skips"/>), in the frame being measured (docs/paper-reading.md
/// §2). In a stage's frame a skip from an earlier unit of the same stage has that unit's field; a skip from a unit of an
/// earlier stage is computed before the stage's input exists, so no neuron of that input reaches it: for the stage it is
/// a constant tensor (every channel's field empty, as a zero op's), which keeps its receptive field in image pixels. In the
/// frame of the network's input (<see cref="OutputFields"/>) every unit's output is in the frame, and a skip has its field.
/// </summary>
internal sealed class SkipFields
{
    private readonly HashSet<UnitReference> _read;
    private readonly Dictionary<UnitReference, TensorField> _kept = []; // empty (and never filled) for a network without skips
    private readonly bool _oneFrame;

    /// <param name="network">The network whose units' skips are read.</param>
    /// <param name="oneFrame">True when every tensor is measured in one frame (the network's input), false for stage frames.</param>
    public SkipFields(Network network, bool oneFrame)
    {
        _oneFrame = oneFrame;
        _read = [];
        foreach (Stage stage in network.Stages)
        {
            foreach (Unit unit in stage.Units)
            {
                if (unit.Skips.Count > 0)
                {
                    _read.UnionWith(unit.Skips);
                }
            }
        }
    }

    /// <summary>Keeps the output field of unit <paramref name="unit"/> of stage <paramref name="stage"/> (both from 0) when a later unit reads it.</summary>
    public void Keep(int stage, int unit, TensorField output)
    {
        var reference = new UnitReference(stage, unit);
        if (_read.Count > 0 && _read.Contains(reference))
        {
            _kept[reference] = output;
        }
    }

    /// <summary>
    /// The fields of the skips of <paramref name="unit"/> (laid out as <paramref name="layout"/>) in stage
    /// <paramref name="stage"/> (from 0), whose input field is <paramref name="start"/>: kept fields of this stage's (or, in
    /// one frame, any) units; constants for earlier stages' units, with the receptive fields in image pixels kept for them
    /// when their stage was traced here, none otherwise.
    /// </summary>
    public TensorField[] Of(Unit unit, UnitLayout layout, int stage, TensorField start, StageFrame frame)
    {
        if (unit.Skips.Count == 0)
        {
            return [];
        }

        var fields = new TensorField[unit.Skips.Count];
        for (int j = 0; j < fields.Length; j++)
        {
            UnitReference skip = unit.Skips[j];
            bool kept = _kept.TryGetValue(skip, out TensorField? field);
            fields[j] = (_oneFrame || skip.Stage == stage) && kept ? field!
                : skip.Stage != stage ? start.Unreached(layout.Skips[j], kept ? field!.Planes() : null, frame)
                : throw new InvalidOperationException($"{skip} is read before it was traced");
        }

        return fields;
    }
}
