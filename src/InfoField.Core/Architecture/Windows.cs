namespace InfoField.Architecture;

/// <summary>How an axis window chooses the input positions of an output position.</summary>
public enum AxisRule
{
    /// <summary>A sliding window: output position i reads <c>i s - p + t d</c> for <c>t = 0 .. k - 1</c> (convolutions, pooling).</summary>
    Sliding,

    /// <summary>
    /// Adaptive pooling from n positions to m: output position i reads <c>floor(i n / m)</c> to <c>ceil((i + 1) n / m) - 1</c>,
    /// as PyTorch's <c>AdaptiveAvgPool</c>; with m = 1 it reads the whole axis (global pooling).
    /// </summary>
    Adaptive,
}

/// <summary>
/// The input positions one output position reads along one axis: <c>First</c>, <c>First + Step</c>, ..., <c>Last</c>,
/// all inside the input (positions in the zero padding are left out). Empty when <c>First &gt; Last</c>: the window
/// lies entirely in the padding.
/// </summary>
/// <param name="First">The first input position read.</param>
/// <param name="Last">The last input position read.</param>
/// <param name="Step">The distance between positions read (the dilation), at least 1.</param>
public readonly record struct AxisReads(int First, int Last, int Step)
{
    /// <summary>No input position: the window lies entirely in the padding.</summary>
    public static AxisReads None => new(0, -1, 1);

    /// <summary>True when no input position is read.</summary>
    public bool IsEmpty => First > Last;
}

/// <summary>
/// Which input positions each output position of a layer reads along one spatial axis: a sliding window (kernel, stride,
/// zero padding, dilation) or an adaptive pooling rule. The IF engine follows these positions exactly, at the borders
/// too; the receptive field in image pixels uses <see cref="OnPlane"/>, the same window on an infinite plane.
/// </summary>
public readonly record struct AxisWindow
{
    /// <summary>A sliding window: output position i reads <c>i stride - padding + t dilation</c>, <c>t = 0 .. kernel - 1</c>.</summary>
    /// <param name="kernel">Taps of the window, at least 1.</param>
    /// <param name="stride">Step between the windows of adjacent output positions, at least 1.</param>
    /// <param name="padding">Zero padding before the first input position (the window of output 0 starts at <c>-padding</c>).</param>
    /// <param name="dilation">Distance between taps, at least 1.</param>
    public AxisWindow(int kernel, int stride = 1, int padding = 0, int dilation = 1)
    {
        Rule = AxisRule.Sliding;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
    }

    private AxisWindow(AxisRule rule)
    {
        Rule = rule;
        Kernel = 1;
        Stride = 1;
        Dilation = 1;
    }

    /// <summary>Sliding or adaptive.</summary>
    public AxisRule Rule { get; }

    /// <summary>Taps of a sliding window (1 for adaptive).</summary>
    public int Kernel { get; }

    /// <summary>Stride of a sliding window (1 for adaptive).</summary>
    public int Stride { get; }

    /// <summary>Zero padding before the first position, of a sliding window (0 for adaptive).</summary>
    public int Padding { get; }

    /// <summary>Dilation of a sliding window (1 for adaptive).</summary>
    public int Dilation { get; }

    /// <summary>The window of a layer that reads one position and keeps the resolution.</summary>
    public static AxisWindow Point => new(1);

    /// <summary>Adaptive pooling: the output size decides the windows (<see cref="AxisRule.Adaptive"/>).</summary>
    public static AxisWindow Adaptive => new(AxisRule.Adaptive);

    /// <summary>The span of a sliding window, dilation included: <c>dilation (kernel - 1) + 1</c>.</summary>
    public long Extent => ((long)Dilation * (Kernel - 1)) + 1;

    /// <summary>The same window with stride 1 (the output frame of a strided stage measures as if strides were not there).</summary>
    public AxisWindow WithoutStride() => Rule == AxisRule.Sliding ? new AxisWindow(Kernel, 1, Padding, Dilation) : this;

    /// <summary>
    /// The input positions output position <paramref name="position"/> reads, for an axis of <paramref name="inputLength"/>
    /// input and <paramref name="outputLength"/> output positions; positions in the padding are left out.
    /// </summary>
    public AxisReads Reads(int position, int inputLength, int outputLength)
    {
        if (Rule == AxisRule.Adaptive)
        {
            long start = (long)position * inputLength / outputLength;
            long end = (((position + 1L) * inputLength) + outputLength - 1) / outputLength;
            return new AxisReads((int)start, (int)Math.Min(end, inputLength) - 1, 1);
        }

        long origin = ((long)position * Stride) - Padding;
        long first = origin >= 0 ? 0 : (-origin + Dilation - 1) / Dilation;
        long room = inputLength - 1 - origin;
        if (room < 0)
        {
            return AxisReads.None;
        }

        long last = Math.Min(Kernel - 1, room / Dilation);
        return first > last ? AxisReads.None : new AxisReads((int)(origin + (first * Dilation)), (int)(origin + (last * Dilation)), Dilation);
    }

    /// <summary>
    /// The window on an infinite plane, for the receptive field in image pixels: output position i reads
    /// <c>i Stride + Start</c> to <c>i Stride + Start + Extent - 1</c>. Adaptive pooling counts as its largest window with
    /// stride <c>n / m</c>.
    /// </summary>
    public (long Start, long Extent, long Stride) OnPlane(int inputLength, int outputLength)
    {
        if (Rule == AxisRule.Sliding)
        {
            return (-Padding, Extent, Stride);
        }

        long extent = 1;
        for (int i = 0; i < outputLength; i++)
        {
            AxisReads reads = Reads(i, inputLength, outputLength);
            extent = Math.Max(extent, reads.Last - reads.First + 1L);
        }

        return (0, extent, Math.Max(1, inputLength / outputLength));
    }
}

/// <summary>The spatial windows of a layer, one per axis (height, width).</summary>
/// <param name="H">Window along the height axis.</param>
/// <param name="W">Window along the width axis.</param>
public readonly record struct SpatialWindow(AxisWindow H, AxisWindow W)
{
    /// <summary>A layer that reads one position and keeps the resolution (1x1 convolutions, normalization, activations).</summary>
    public static SpatialWindow Point => new(AxisWindow.Point, AxisWindow.Point);

    /// <summary>
    /// True for global pooling: the layer pools the whole map into one position. What reaches a neuron only through such a
    /// layer belongs to its literal field but not to its local field (docs/information-field.md).
    /// </summary>
    public bool Global { get; init; }

    /// <summary>The number of spatial axes (2: height and width; a 1-D signal has height 1).</summary>
    public int Rank => 2;

    /// <summary>The window along axis <paramref name="axis"/> (0 height, 1 width).</summary>
    public AxisWindow this[int axis] => axis switch
    {
        0 => H,
        1 => W,
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "a spatial window has axes 0 (height) and 1 (width)"),
    };

    /// <summary>True when every output position reads exactly the input position of the same index (and no pooling is global).</summary>
    public bool IsPoint => H == AxisWindow.Point && W == AxisWindow.Point && !Global;
}
