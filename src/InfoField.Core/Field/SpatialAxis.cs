using InfoField.Architecture;

namespace InfoField.Field;

/// <summary>
/// The receptive field along one axis on an infinite plane, in input-image pixels (no borders, no capping): the neuron at
/// position i of a tensor reads pixels <c>i Jump + Lo</c> to <c>i Jump + Hi</c>. Starting at one pixel (0, 0, 1), a window
/// that reads <c>i s + start</c> to <c>i s + start + e - 1</c> gives <c>Lo' = Lo + start Jump</c>,
/// <c>Hi' = Hi + (start + e - 1) Jump</c>, <c>Jump' = s Jump</c>: the reach <c>Hi - Lo + 1</c> follows the classic
/// recursion <c>r' = r + (e - 1) j</c>, and the offsets say where the window lies, so that offset branches unite exactly.
/// </summary>
/// <param name="Lo">The first pixel read, relative to <c>i Jump</c>.</param>
/// <param name="Hi">The last pixel read, relative to <c>i Jump</c>.</param>
/// <param name="Jump">Pixels between adjacent neurons; 0 for a broadcast gate, whose window is centred on every neuron.</param>
public readonly record struct SpatialAxis(long Lo, long Hi, long Jump)
{
    /// <summary>A single pixel: the input image.</summary>
    public static SpatialAxis Start => new(0, 0, 1);

    /// <summary>The pixels one neuron reads, from the first to the last.</summary>
    public long Reach => Hi - Lo + 1;

    /// <summary>The axis after a layer with <paramref name="window"/> from <paramref name="inputLength"/> to <paramref name="outputLength"/> positions.</summary>
    /// <remarks>
    /// An op that raises the resolution (<see cref="AxisWindow.RaisesResolution"/>) has no whole-number stride: its neurons'
    /// pixels follow no <c>i Jump + offset</c> rule. The axis then takes the widest any of its neurons reads (exact for that
    /// op) and the jump <c>Jump n / m</c> rounded up to whole pixels, so what later windows add is an upper bound: the
    /// exact field of such networks is the IF (docs/information-field.md).
    /// </remarks>
    public SpatialAxis Through(AxisWindow window, int inputLength, int outputLength)
    {
        if (window.RaisesResolution)
        {
            long widest = Math.Max(1, window.WidestReads(inputLength, outputLength));
            long jump = Math.Max(1, ((Jump * inputLength) + outputLength - 1) / outputLength);
            return new(Lo, Hi + ((widest - 1) * Jump), Jump == 0 ? 0 : jump);
        }

        (long start, long extent, long stride) = window.OnPlane(inputLength, outputLength);
        return new(Lo + (start * Jump), Hi + ((start + extent - 1) * Jump), Jump * stride);
    }

    /// <summary>
    /// What a neuron of a merge reads from two inputs at the same position: the hull of both windows. A broadcast gate
    /// (<see cref="Jump"/> 0) is centred on the other window and widens it only where it reaches farther.
    /// </summary>
    public static SpatialAxis Union(SpatialAxis left, SpatialAxis right)
    {
        if (left.Jump > 0 && right.Jump > 0)
        {
            return new(Math.Min(left.Lo, right.Lo), Math.Max(left.Hi, right.Hi), Math.Max(left.Jump, right.Jump));
        }

        if (left.Jump == 0 && right.Jump == 0)
        {
            return left.Reach >= right.Reach ? left : right;
        }

        (SpatialAxis placed, SpatialAxis centred) = left.Jump > 0 ? (left, right) : (right, left);
        long extra = centred.Reach - placed.Reach;
        return extra <= 0 ? placed : new(placed.Lo - (extra / 2), placed.Hi + (extra - (extra / 2)), placed.Jump);
    }

    /// <summary>The same reach, centred on every neuron (a 1x1 gate broadcast over a map).</summary>
    public SpatialAxis Centred() => new(-((Reach - 1) / 2), Reach - 1 - ((Reach - 1) / 2), 0);
}
