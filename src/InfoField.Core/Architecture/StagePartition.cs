namespace InfoField.Architecture;

/// <summary>
/// Splits a flat sequence of units and pooling layers into stages by the paper's rule: a stage is a maximal run of
/// units whose outputs share one resolution; a pooling layer or a strided unit starts a new stage (the pooling as
/// the stage's entry, the strided unit as its first unit). Pooling after the last unit is returned for the head.
/// </summary>
public static class StagePartition
{
    /// <summary>Partitions <paramref name="pieces"/> (each a <see cref="Unit"/> or a pooling <see cref="Op"/>).</summary>
    /// <returns>The stages, and the pooling ops that follow the last unit.</returns>
    public static (ValueList<Stage> Stages, ValueList<Op> Trailing) Split(FeatureShape input, IEnumerable<object> pieces) =>
        Split(input, pieces, static (unit, shape) => unit.OutputShape(shape));

    /// <summary>
    /// Partitions <paramref name="pieces"/> with each unit's output shape given by <paramref name="output"/> (a unit that
    /// reads skips has no output shape of its own input alone).
    /// </summary>
    internal static (ValueList<Stage> Stages, ValueList<Op> Trailing) Split(FeatureShape input, IEnumerable<object> pieces, Func<Unit, FeatureShape, FeatureShape> output)
    {
        var stages = new List<Stage>();
        var entry = new List<Op>();
        var units = new List<Unit>();
        FeatureShape shape = input;
        int position = 0;
        foreach (object piece in pieces)
        {
            switch (piece)
            {
                case Unit unit:
                    FeatureShape unitOutput = output(unit, shape);
                    if (!unitOutput.SameResolution(shape) && units.Count > 0)
                    {
                        Close();
                    }
                    else if (!unitOutput.SameResolution(shape) && entry.Count > 0)
                    {
                        throw new ArchitectureException(
                            $"pieces[{position}]",
                            $"unit '{unit.Name}' changes the resolution right after a pooling layer did; the stage between them would hold no unit");
                    }

                    units.Add(unit);
                    shape = unitOutput;
                    break;
                case Op { Role: OpRole.Pooling } pool:
                    if (units.Count > 0)
                    {
                        Close();
                    }

                    entry.Add(pool);
                    shape = pool.OutputShape(shape);
                    break;
                default:
                    throw new ArgumentException($"pieces[{position}] is a {piece.GetType().Name}; expected a unit or a pooling op", nameof(pieces));
            }

            position++;
        }

        Close();
        return (stages.ToValueList(), entry.ToValueList());

        void Close()
        {
            if (units.Count == 0)
            {
                return;
            }

            stages.Add(new Stage(entry.ToValueList(), units.ToValueList()));
            entry.Clear();
            units.Clear();
        }
    }
}
