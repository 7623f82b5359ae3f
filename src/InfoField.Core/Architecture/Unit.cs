namespace InfoField.Architecture;

/// <summary>Where a unit sits in its family's design, which decides what the organizer may do with it.</summary>
public enum UnitRole
{
    /// <summary>A repeatable unit of the family (a VGG conv, a bottleneck, a DW+PW block): may be moved or removed.</summary>
    Body,

    /// <summary>Layers before the repeated units (e.g. ResNet's first conv): analysed, never moved or removed.</summary>
    Stem,

    /// <summary>Layers after the repeated units (e.g. MobileNetV2's last 1x1 conv): analysed, never moved or removed.</summary>
    Tail,
}

/// <summary>
/// A unit: one layer or block (a conv with its batch norm and activation, a bottleneck, an Inception module), the
/// granularity at which the Information Field and its gain are reported. Its ops form a graph with one input and one
/// output tensor (<see cref="OpGraph"/>); a plain list of ops is a chain. A unit may also read the outputs of earlier
/// units (<see cref="Skips"/>: a U-Net decoder's concatenation of the encoder's map, an FPN's lateral connection).
/// </summary>
/// <param name="Name">A short label such as <c>conv3-256</c> or <c>bottleneck-64</c>.</param>
/// <param name="Graph">The ops and how they connect.</param>
/// <param name="Role">Stem, body or tail.</param>
/// <param name="Family">The unit's family (<c>vgg</c>, <c>bottleneck</c>, <c>basic</c>, <c>dw-pw</c>, <c>inverted-residual</c>, ...), or null.</param>
public sealed record Unit(string Name, OpGraph Graph, UnitRole Role = UnitRole.Body, string? Family = null)
{
    /// <summary>
    /// The outputs of earlier units that the unit reads besides its input ("skips across stages"): skip <c>j</c> is the
    /// output of unit <see cref="UnitReference.Unit"/> of stage <see cref="UnitReference.Stage"/>, read by the graph's
    /// nodes as tensor <see cref="OpGraph.SkipTensor"/>(j). Each names a unit before this one (in an earlier stage, or
    /// earlier in the same stage) and is read by some node; the network checks both (empty for most units).
    /// </summary>
    public ValueList<UnitReference> Skips { get; init; }

    /// <summary>The ops in node order (for a chain, the order they are applied in).</summary>
    public ValueList<Op> Ops => Graph.Ops;

    /// <summary>The output shape of the unit for <paramref name="input"/>; errors name <c>ops[i]</c>.</summary>
    public FeatureShape OutputShape(FeatureShape input) => Graph.OutputShape(input);

    /// <summary>The output shape of the unit for <paramref name="input"/>, or the first rule it breaks there (naming <c>ops[i]</c>).</summary>
    public Checked<FeatureShape> TryOutputShape(FeatureShape input) => Graph.TryOutputShape(input);

    /// <summary>Trainable parameters of the unit for <paramref name="input"/>.</summary>
    public long Parameters(FeatureShape input) => Graph.Parameters(input);

    /// <summary>Multiply-accumulates of the unit for <paramref name="input"/>.</summary>
    public long Macs(FeatureShape input) => Graph.Macs(input);
}

/// <summary>A unit of a network by position: stage <paramref name="Stage"/> and unit <paramref name="Unit"/> within it, both from 0.</summary>
/// <param name="Stage">The stage, from 0.</param>
/// <param name="Unit">The unit within the stage, from 0.</param>
public readonly record struct UnitReference(int Stage, int Unit)
{
    /// <summary>Writes the unit's path in a network, <c>stages[s].units[u]</c>.</summary>
    public override string ToString() => $"stages[{Stage}].units[{Unit}]";
}

/// <summary>
/// A stage: a maximal run of units whose outputs share one resolution. A stage opens either with pooling ops
/// (<paramref name="Entry"/>, which produce the stage's input tensor) or with a strided first unit, never both.
/// </summary>
/// <param name="Entry">Pooling ops applied before the first unit; they open the stage (may be empty).</param>
/// <param name="Units">The units, at least one.</param>
public sealed record Stage(ValueList<Op> Entry, ValueList<Unit> Units)
{
    /// <summary>A stage without entry pooling.</summary>
    public Stage(ValueList<Unit> units)
        : this(ValueList<Op>.Empty, units)
    {
    }

    /// <summary>The body units (neither stem nor tail).</summary>
    public IEnumerable<Unit> BodyUnits() => Units.Where(unit => unit.Role == UnitRole.Body);
}
