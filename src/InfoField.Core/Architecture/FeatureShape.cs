namespace InfoField.Architecture;

/// <summary>
/// The shape of one sample's feature map: channels, height and width, and a depth for volumes (video, medical scans).
/// A 1-D signal of length L is a feature map of height 1 (its kernels have height 1), a flat vector of N features is
/// N x 1 x 1, and a map without <see cref="Depth"/> (0) is an image.
/// </summary>
/// <param name="Channels">Number of channels (C).</param>
/// <param name="Height">Spatial height (H).</param>
/// <param name="Width">Spatial width (W).</param>
public readonly record struct FeatureShape(int Channels, int Height, int Width)
{
    /// <summary>A volume's shape: channels, depth (time for video), height and width.</summary>
    public static FeatureShape Volume3d(int channels, int depth, int height, int width) => new(channels, height, width) { Depth = depth };

    /// <summary>
    /// The size along the third spatial axis (depth, or time for video), at least 1 in a 3-D network; 0 for images and
    /// signals, which have no such axis.
    /// </summary>
    public int Depth { get; init; }

    /// <summary>True for a map with a depth axis (a 3-D network's tensors).</summary>
    public bool HasDepth => Depth != 0;

    /// <summary>Number of elements, C x H x W (x D for a volume); <see cref="long.MaxValue"/> when that does not fit.</summary>
    public long Volume => Channels > 0 && Area > long.MaxValue / Channels ? long.MaxValue : Channels * Area;

    /// <summary>Number of spatial positions, H x W (x D for a volume).</summary>
    public long Area => (long)Height * Width * (HasDepth ? Depth : 1);

    /// <summary>True for a flat vector (H = W = 1, and D = 1 when there is a depth).</summary>
    public bool IsFlat => Height == 1 && Width == 1 && Depth <= 1;

    /// <summary>True when both shapes have the same height, width and depth.</summary>
    public bool SameResolution(FeatureShape other) => Height == other.Height && Width == other.Width && Depth == other.Depth;

    /// <summary>The most spatial axes a feature map has (height, width and depth).</summary>
    public const int MaxSpatialAxes = 3;

    /// <summary>The number of spatial axes of a feature map: 2 (height and width; a 1-D signal has height 1), 3 with a depth.</summary>
    public int SpatialAxes => HasDepth ? 3 : 2;

    /// <summary>The size along spatial axis <paramref name="axis"/>: 0 the height, 1 the width, 2 the depth (volumes only).</summary>
    public int Size(int axis) => axis switch
    {
        0 => Height,
        1 => Width,
        2 when HasDepth => Depth,
        _ => NoAxis(axis),
    };

    /// <summary>Throws for an axis the map lacks (apart, so that <see cref="Size"/> stays small enough to inline).</summary>
    private int NoAxis(int axis) =>
        throw new ArgumentOutOfRangeException(nameof(axis), axis, $"a feature map of {SpatialAxes} spatial axes has axes 0 (height), 1 (width){(HasDepth ? " and 2 (depth)" : "")}");

    /// <summary>The same resolution with another channel count.</summary>
    public FeatureShape WithChannels(int channels) => this with { Channels = channels };

    /// <summary>Writes the shape as CxHxW (CxDxHxW for a volume).</summary>
    public override string ToString() => $"{Channels}x{Resolution}";

    /// <summary>Writes the resolution as HxW (DxHxW for a volume).</summary>
    public string Resolution => HasDepth ? $"{Depth}x{Height}x{Width}" : $"{Height}x{Width}";
}

/// <summary>
/// Values for the height and width axes (kernel size, stride, padding, dilation), with an optional depth part for
/// 3-D networks (<see cref="D"/>: 0 when absent, which is the identity along a depth axis: one tap, stride 1, no padding).
/// </summary>
/// <param name="H">Value along the height axis.</param>
/// <param name="W">Value along the width axis.</param>
public readonly record struct Pair(int H, int W)
{
    /// <summary>
    /// The value along the depth axis of a 3-D network, or 0 when the pair has no depth part: along a depth axis that
    /// reads as the identity (a kernel, stride or dilation of 1, a padding of 0).
    /// </summary>
    public int D { get; init; }

    /// <summary>True when the pair has a depth part.</summary>
    public bool HasDepth => D != 0;

    /// <summary>The same value on both axes.</summary>
    public static Pair Square(int value) => new(value, value);

    /// <summary>The same value on all three axes of a volume (depth, height and width).</summary>
    public static Pair Cube(int value) => new(value, value) { D = value };

    /// <summary>Values for depth, height and width.</summary>
    public static Pair Of3d(int depth, int height, int width) => new(height, width) { D = depth };

    /// <summary>A value for 1-D networks: 1 along the unused height axis (0 for padding).</summary>
    public static Pair Line(int value, int heightValue = 1) => new(heightValue, value);

    /// <summary>True when height and width hold the same value (and the depth too, when there is one).</summary>
    public bool IsSquare => H == W && (D == 0 || D == H);

    /// <summary>The value along the depth axis, or <paramref name="absent"/> when the pair has no depth part.</summary>
    public int DepthOr(int absent) => HasDepth ? D : absent;

    /// <summary>The taps of a kernel of this size: H x W, times D when there is a depth part.</summary>
    public long Taps => (long)H * W * DepthOr(1);

    /// <summary>Writes "3" when every axis holds the same value, else "1x3" (height x width) or "3x1x1" (depth x height x width).</summary>
    public override string ToString() =>
        IsSquare ? H.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : HasDepth ? $"{D}x{H}x{W}"
        : $"{H}x{W}";

    /// <summary>A square pair.</summary>
    public static implicit operator Pair(int value) => Square(value);
}
