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

    /// <summary>
    /// Resizing by interpolation from n positions to m (<see cref="AxisWindow.Interpolated"/>): output position i reads the
    /// input positions its interpolation weights are nonzero at, computed exactly (rational arithmetic), one for nearest,
    /// one or two for linear.
    /// </summary>
    Interpolated,

    /// <summary>
    /// A transposed convolution (<see cref="AxisWindow.Transposed"/>): input position j writes output positions
    /// <c>j s - p + t d</c>, so output position o reads every j with <c>o = j s - p + t d</c> for some tap t.
    /// </summary>
    Transposed,
}

/// <summary>How a resize interpolates (<see cref="Resize"/>).</summary>
public enum ResizeMode
{
    /// <summary>Nearest neighbour: the input position <c>floor(x)</c> of the source coordinate x (PyTorch's <c>nearest</c>).</summary>
    Nearest,

    /// <summary>Linear (bilinear on a map): the two input positions around x, weighted by distance.</summary>
    Linear,
}

/// <summary>
/// How a resize maps output position i of m to a source coordinate x on an axis of n input positions (ONNX's
/// <c>coordinate_transformation_mode</c>); x is clamped to <c>[0, n - 1]</c>.
/// </summary>
public enum ResizeCoordinates
{
    /// <summary><c>x = i n / m</c> (PyTorch's nearest; ONNX <c>asymmetric</c>).</summary>
    Asymmetric,

    /// <summary>
    /// <c>x = (i + 1/2) n / m - 1/2</c> (PyTorch's linear with <c>align_corners=False</c>; ONNX <c>half_pixel</c>, and
    /// <c>pytorch_half_pixel</c> wherever the output is longer than 1).
    /// </summary>
    HalfPixel,

    /// <summary><c>x = i (n - 1) / (m - 1)</c>, 0 when m = 1 (PyTorch's <c>align_corners=True</c>; ONNX <c>align_corners</c>).</summary>
    AlignCorners,
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

    private AxisWindow(ResizeMode mode, ResizeCoordinates coordinates)
        : this(AxisRule.Interpolated)
    {
        Mode = mode;
        Coordinates = coordinates;
    }

    private AxisWindow(int kernel, int stride, int padding, int dilation, AxisRule rule)
        : this(kernel, stride, padding, dilation)
    {
        Rule = rule;
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

    /// <summary>How an interpolated window interpolates (<see cref="AxisRule.Interpolated"/> only).</summary>
    public ResizeMode Mode { get; }

    /// <summary>How an interpolated window maps output positions to source coordinates (<see cref="AxisRule.Interpolated"/> only).</summary>
    public ResizeCoordinates Coordinates { get; }

    /// <summary>True for the rules by which an op may raise the resolution (interpolation, transposed convolution).</summary>
    public bool RaisesResolution => Rule is AxisRule.Interpolated or AxisRule.Transposed;

    /// <summary>The window of a layer that reads one position and keeps the resolution.</summary>
    public static AxisWindow Point => new(1);

    /// <summary>Resizing by interpolation (<see cref="AxisRule.Interpolated"/>): the input and output lengths decide the source coordinates.</summary>
    /// <param name="mode">Nearest or linear.</param>
    /// <param name="coordinates">How output positions map to source coordinates.</param>
    public static AxisWindow Interpolated(ResizeMode mode, ResizeCoordinates coordinates) => new(mode, coordinates);

    /// <summary>A transposed convolution's window (<see cref="AxisRule.Transposed"/>): input position j writes <c>j stride - padding + t dilation</c>.</summary>
    /// <param name="kernel">Taps, at least 1.</param>
    /// <param name="stride">Output positions between the windows of adjacent input positions, at least 1.</param>
    /// <param name="padding">Output positions cut from each end of the full output.</param>
    /// <param name="dilation">Distance between taps, at least 1.</param>
    public static AxisWindow Transposed(int kernel, int stride = 1, int padding = 0, int dilation = 1) => new(kernel, stride, padding, dilation, AxisRule.Transposed);

    /// <summary>Adaptive pooling: the output size decides the windows (<see cref="AxisRule.Adaptive"/>).</summary>
    public static AxisWindow Adaptive => new(AxisRule.Adaptive);

    /// <summary>The span of a sliding window, dilation included: <c>dilation (kernel - 1) + 1</c>.</summary>
    public long Extent => ((long)Dilation * (Kernel - 1)) + 1;

    /// <summary>
    /// The same window with stride 1 (the output frame of a strided stage measures as if strides were not there).
    /// An op that raises the resolution keeps its window: a stage holding one is measured in the input frame.
    /// </summary>
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

        if (Rule == AxisRule.Interpolated)
        {
            return Interpolate(position, inputLength, outputLength);
        }

        if (Rule == AxisRule.Transposed)
        {
            return TransposedReads(position, inputLength);
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
    /// The widest an output position reads, from its first to its last input position (0 when every window is empty), over
    /// the <paramref name="outputLength"/> positions: how far one step of this window spreads.
    /// </summary>
    public int WidestReads(int inputLength, int outputLength)
    {
        int widest = 0;
        for (int i = 0; i < outputLength; i++)
        {
            AxisReads reads = Reads(i, inputLength, outputLength);
            widest = reads.IsEmpty ? widest : Math.Max(widest, reads.Last - reads.First + 1);
        }

        return widest;
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

        if (RaisesResolution)
        {
            // The widest any output position reads; the stride is not a whole number of input positions (see SpatialAxis).
            return (0, Math.Max(1, WidestReads(inputLength, outputLength)), 1);
        }

        long extent = 1;
        for (int i = 0; i < outputLength; i++)
        {
            AxisReads reads = Reads(i, inputLength, outputLength);
            extent = Math.Max(extent, reads.Last - reads.First + 1L);
        }

        return (0, extent, Math.Max(1, inputLength / outputLength));
    }

    /// <summary>
    /// The positions an interpolation reads at output position i, exactly: the source coordinate x as a fraction
    /// (numerator over denominator), clamped to [0, n - 1]; nearest reads floor(x); linear reads floor(x) and, unless x is a
    /// whole number (its weight there is exactly 1) or the last position, floor(x) + 1.
    /// </summary>
    private AxisReads Interpolate(int position, int inputLength, int outputLength)
    {
        long n = inputLength, m = outputLength, i = position;
        (long numerator, long denominator) = Coordinates switch
        {
            ResizeCoordinates.Asymmetric => (i * n, m),
            ResizeCoordinates.HalfPixel => (((2 * i) + 1) * n - m, 2 * m),
            _ => m > 1 ? (i * (n - 1), m - 1) : (0, 1),
        };
        if (numerator < 0)
        {
            numerator = 0;
        }

        long floor = numerator / denominator;
        if (floor >= n - 1)
        {
            return new AxisReads(inputLength - 1, inputLength - 1, 1);
        }

        bool whole = numerator % denominator == 0;
        return Mode == ResizeMode.Nearest || whole
            ? new AxisReads((int)floor, (int)floor, 1)
            : new AxisReads((int)floor, (int)floor + 1, 1);
    }

    /// <summary>
    /// The input positions j that write output position o of a transposed convolution: <c>o = j s - p + t d</c> for a tap
    /// t, j inside the input. They step by <c>d / gcd(d, s)</c>, so first, last and step describe them exactly.
    /// </summary>
    private AxisReads TransposedReads(int position, int inputLength)
    {
        long first = long.MaxValue, last = long.MinValue;
        long shifted = (long)position + Padding;
        for (long t = 0; t < Kernel; t++)
        {
            long numerator = shifted - (t * Dilation);
            if (numerator < 0)
            {
                break;
            }

            if (numerator % Stride == 0 && numerator / Stride < inputLength)
            {
                long j = numerator / Stride;
                first = Math.Min(first, j);
                last = Math.Max(last, j);
            }
        }

        if (first > last)
        {
            return AxisReads.None;
        }

        long step = Dilation / Gcd(Dilation, Stride);
        return new AxisReads((int)first, (int)last, (int)Math.Max(1, step));
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}

/// <summary>
/// The spatial windows of a layer, one per axis: height, width and, in 3-D networks, depth (<see cref="D"/>, the identity
/// unless the layer sets it).
/// </summary>
/// <param name="H">Window along the height axis.</param>
/// <param name="W">Window along the width axis.</param>
public readonly record struct SpatialWindow(AxisWindow H, AxisWindow W)
{
    private readonly AxisWindow? _d;

    /// <summary>A layer that reads one position and keeps the resolution (1x1 convolutions, normalization, activations).</summary>
    public static SpatialWindow Point => new(AxisWindow.Point, AxisWindow.Point);

    /// <summary>
    /// True for global pooling: the layer pools the whole map into one position. What reaches a neuron only through such a
    /// layer belongs to its literal field but not to its local field (docs/information-field.md).
    /// </summary>
    public bool Global { get; init; }

    /// <summary>
    /// The window along the depth axis of a 3-D network's tensors: <see cref="AxisWindow.Point"/> (one position, the
    /// resolution kept) unless the layer sets another; tensors without depth never read it.
    /// </summary>
    public AxisWindow D
    {
        get => _d ?? AxisWindow.Point;
        init => _d = value == AxisWindow.Point ? null : value;
    }

    /// <summary>The number of axes a window has (3: height, width and depth; tensors without depth read the first two).</summary>
    public int Rank => 3;

    /// <summary>The window along axis <paramref name="axis"/> (0 height, 1 width, 2 depth).</summary>
    public AxisWindow this[int axis] => axis switch
    {
        0 => H,
        1 => W,
        2 => D,
        _ => NoAxis(axis),
    };

    /// <summary>Throws for an axis past the depth (apart, so that the indexer stays small enough to inline).</summary>
    private static AxisWindow NoAxis(int axis) =>
        throw new ArgumentOutOfRangeException(nameof(axis), axis, "a spatial window has axes 0 (height), 1 (width) and 2 (depth)");

    /// <summary>True when every output position reads exactly the input position of the same index (and no pooling is global).</summary>
    public bool IsPoint => H == AxisWindow.Point && W == AxisWindow.Point && _d is null && !Global;
}
