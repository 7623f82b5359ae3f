using InfoField.Architecture;

namespace InfoField.Field;

/// <summary>
/// The receptive-field recursion along one axis: <c>Reach</c> is how many input positions one neuron sees,
/// <c>Jump</c> the distance in input positions between adjacent neurons. Starting at (1, 1), a layer with window
/// extent e and stride s gives <c>r' = r + (e - 1) j</c> and <c>j' = j s</c>.
/// </summary>
/// <param name="Reach">Input positions seen by one neuron (uncapped).</param>
/// <param name="Jump">Input positions between adjacent neurons.</param>
public readonly record struct SpatialAxis(long Reach, long Jump)
{
    /// <summary>A single input position: r = 1, j = 1.</summary>
    public static SpatialAxis Start => new(1, 1);

    /// <summary>The axis after a layer with <paramref name="window"/>; strides are ignored when <paramref name="honorStride"/> is false.</summary>
    public SpatialAxis Through(AxisWindow window, bool honorStride = true) =>
        new(Reach + ((window.Extent - 1) * Jump), honorStride ? Jump * window.Stride : Jump);

    /// <summary>The union of two fields centred on the same neuron (a residual add).</summary>
    public static SpatialAxis Union(SpatialAxis left, SpatialAxis right) =>
        new(Math.Max(left.Reach, right.Reach), Math.Max(left.Jump, right.Jump));

    /// <summary>The reach capped at the size <paramref name="limit"/> of the tensor it is measured on.</summary>
    public int Capped(int limit) => (int)Math.Min(Reach, limit);
}
