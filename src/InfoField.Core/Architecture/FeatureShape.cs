namespace InfoField.Architecture;

/// <summary>
/// The shape of one sample's feature map: channels, height and width. A 1-D signal of length L
/// is a feature map of height 1 (its kernels have height 1), and a flat vector of N features is N x 1 x 1.
/// </summary>
/// <param name="Channels">Number of channels (C).</param>
/// <param name="Height">Spatial height (H).</param>
/// <param name="Width">Spatial width (W).</param>
public readonly record struct FeatureShape(int Channels, int Height, int Width)
{
    /// <summary>Number of elements, C x H x W.</summary>
    public long Volume => (long)Channels * Height * Width;

    /// <summary>Number of spatial positions, H x W.</summary>
    public long Area => (long)Height * Width;

    /// <summary>True for a flat vector (H = W = 1).</summary>
    public bool IsFlat => Height == 1 && Width == 1;

    /// <summary>True when both shapes have the same height and width.</summary>
    public bool SameResolution(FeatureShape other) => Height == other.Height && Width == other.Width;

    /// <summary>The number of spatial axes of a feature map (height and width; a 1-D signal has height 1).</summary>
    public const int SpatialAxes = 2;

    /// <summary>The size along spatial axis <paramref name="axis"/>: 0 the height, 1 the width.</summary>
    public int Size(int axis) => axis switch
    {
        0 => Height,
        1 => Width,
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "a feature map has spatial axes 0 (height) and 1 (width)"),
    };

    /// <summary>The same resolution with another channel count.</summary>
    public FeatureShape WithChannels(int channels) => this with { Channels = channels };

    /// <summary>Writes the shape as CxHxW.</summary>
    public override string ToString() => $"{Channels}x{Height}x{Width}";

    /// <summary>Writes the resolution as HxW.</summary>
    public string Resolution => $"{Height}x{Width}";
}

/// <summary>A pair of values for the height and width axes (kernel size, stride, padding, dilation).</summary>
/// <param name="H">Value along the height axis.</param>
/// <param name="W">Value along the width axis.</param>
public readonly record struct Pair(int H, int W)
{
    /// <summary>The same value on both axes.</summary>
    public static Pair Square(int value) => new(value, value);

    /// <summary>A value for 1-D networks: 1 along the unused height axis (0 for padding).</summary>
    public static Pair Line(int value, int heightValue = 1) => new(heightValue, value);

    /// <summary>True when both axes hold the same value.</summary>
    public bool IsSquare => H == W;

    /// <summary>Writes "3" for a square pair, "1x3" otherwise.</summary>
    public override string ToString() => IsSquare ? H.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{H}x{W}";

    /// <summary>A square pair.</summary>
    public static implicit operator Pair(int value) => Square(value);
}
