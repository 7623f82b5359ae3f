using InfoField.Architecture;

namespace InfoField.Field;

/// <summary>
/// The spatial field along one axis of a tensor inside a stage, position by position: for every position i of the
/// tensor, the interval <c>[Lo(i), Hi(i)]</c> of the stage input's positions that the neurons at i depend on, or
/// nothing (a window that lies entirely in the zero padding). Immutable; the engine shares one object between every
/// channel and part with the same intervals, so a dense layer costs one pass over the positions.
/// </summary>
/// <remarks>
/// An op declares per axis which input positions output position i reads (<see cref="AxisWindow.Reads"/>); the
/// interval of i is the hull of the intervals of the positions it reads. The axis field of the stage input is the
/// identity (position i sees [i, i]). Empty positions are stored as <c>Lo = int.MaxValue</c>, <c>Hi = int.MinValue</c>, so
/// that hulls need no special case.
/// </remarks>
internal sealed class AxisField
{
    private readonly int[] _lo;
    private readonly int[] _hi;

    private AxisField(int[] lo, int[] hi)
    {
        _lo = lo;
        _hi = hi;
        bool monotone = true;
        int empty = 0;
        int maxSpan = 0;
        for (int i = 0; i < lo.Length; i++)
        {
            if (lo[i] > hi[i])
            {
                empty++;
                monotone = false;
                continue;
            }

            maxSpan = Math.Max(maxSpan, hi[i] - lo[i] + 1);
            if (i > 0 && (lo[i] < lo[i - 1] || hi[i] < hi[i - 1]))
            {
                monotone = false;
            }
        }

        HasEmpty = empty > 0;
        AllEmpty = empty == lo.Length;
        Monotone = monotone;
        MaxSpan = maxSpan;
    }

    /// <summary>Positions of the tensor along this axis (in the stage's frame).</summary>
    public int Length => _lo.Length;

    /// <summary>The widest interval over the positions: the spatial field of the best-placed neuron along this axis.</summary>
    public int MaxSpan { get; }

    /// <summary>True when some position depends on nothing.</summary>
    public bool HasEmpty { get; }

    /// <summary>True when no position depends on anything.</summary>
    public bool AllEmpty { get; }

    /// <summary>No empty position, and both ends never move back: a window's hull is then its first and last read's.</summary>
    private bool Monotone { get; }

    /// <summary>
    /// The narrowest interval over the interior positions, those whose interval lies strictly inside this axis field's
    /// reach (after its first position, before its last); -1 when no position is interior. Computed once per field.
    /// </summary>
    public int InteriorSpan => _interior ??= ComputeInterior();

    private int? _interior;

    private int ComputeInterior()
    {
        int first = int.MaxValue, last = int.MinValue;
        for (int i = 0; i < _lo.Length; i++)
        {
            if (_lo[i] <= _hi[i])
            {
                first = Math.Min(first, _lo[i]);
                last = Math.Max(last, _hi[i]);
            }
        }

        int inside = int.MaxValue;
        for (int i = 0; i < _lo.Length; i++)
        {
            if (_lo[i] <= _hi[i] && _lo[i] > first && _hi[i] < last)
            {
                inside = Math.Min(inside, _hi[i] - _lo[i] + 1);
            }
        }

        return inside == int.MaxValue ? -1 : inside;
    }

    /// <summary>The stage input along an axis of <paramref name="length"/> positions: position i sees [i, i] (one object per length and thread).</summary>
    public static AxisField Identity(int length) => AxisFieldCache.Identity(length);

    /// <summary>A new identity field (<see cref="Identity"/>).</summary>
    internal static AxisField MakeIdentity(int length)
    {
        var lo = new int[length];
        for (int i = 0; i < length; i++)
        {
            lo[i] = i;
        }

        return new AxisField(lo, lo);
    }

    /// <summary>The first stage input position that position <paramref name="i"/> depends on.</summary>
    public int Lo(int i) => _lo[i];

    /// <summary>The last stage input position that position <paramref name="i"/> depends on.</summary>
    public int Hi(int i) => _hi[i];

    /// <summary>True when position <paramref name="i"/> depends on nothing.</summary>
    public bool IsEmpty(int i) => _lo[i] > _hi[i];

    /// <summary>The number of stage input positions from the first to the last that position <paramref name="i"/> depends on (0 when none).</summary>
    public int Span(int i) => IsEmpty(i) ? 0 : _hi[i] - _lo[i] + 1;

    /// <summary>
    /// The axis field after a layer whose output position i reads <paramref name="window"/>'s positions, for an output of
    /// <paramref name="outputLength"/> positions: the hull of what those positions see.
    /// </summary>
    public AxisField Through(AxisWindow window, int outputLength) =>
        window == AxisWindow.Point && outputLength == Length ? this : AxisFieldCache.Through(this, window, outputLength);

    /// <summary>A new field after a window (<see cref="Through"/>), not looked up.</summary>
    internal AxisField MakeThrough(AxisWindow window, int outputLength)
    {
        var lo = new int[outputLength];
        var hi = new int[outputLength];
        for (int i = 0; i < outputLength; i++)
        {
            AxisReads reads = window.Reads(i, Length, outputLength);
            if (reads.IsEmpty)
            {
                lo[i] = int.MaxValue;
                hi[i] = int.MinValue;
            }
            else if (Monotone)
            {
                lo[i] = _lo[reads.First];
                hi[i] = _hi[reads.Last];
            }
            else
            {
                int first = int.MaxValue, last = int.MinValue;
                for (int j = reads.First; j <= reads.Last; j += reads.Step)
                {
                    first = Math.Min(first, _lo[j]);
                    last = Math.Max(last, _hi[j]);
                }

                lo[i] = first;
                hi[i] = last;
            }
        }

        return new AxisField(lo, hi);
    }

    /// <summary>Position by position, the hull of both fields' intervals (the same length).</summary>
    public static AxisField Hull(AxisField left, AxisField right) =>
        ReferenceEquals(left, right) ? left : AxisFieldCache.Hull(left, right);

    /// <summary>A new hull of two different fields (<see cref="Hull"/>), not looked up.</summary>
    internal static AxisField MakeHull(AxisField left, AxisField right)
    {
        var lo = new int[left.Length];
        var hi = new int[left.Length];
        for (int i = 0; i < lo.Length; i++)
        {
            lo[i] = Math.Min(left._lo[i], right._lo[i]);
            hi[i] = Math.Max(left._hi[i], right._hi[i]);
        }

        return new AxisField(lo, hi);
    }

    /// <summary>A one-position field spread over <paramref name="length"/> positions (a 1x1 gate multiplied into a map).</summary>
    public AxisField Broadcast(int length) => length == Length ? this : AxisFieldCache.Broadcast(this, length);

    /// <summary>A new spread field (<see cref="Broadcast"/>), not looked up.</summary>
    internal AxisField MakeBroadcast(int length)
    {
        var lo = new int[length];
        var hi = new int[length];
        Array.Fill(lo, _lo[0]);
        Array.Fill(hi, _hi[0]);
        return new AxisField(lo, hi);
    }

    /// <summary>True when both fields are empty at exactly the same positions.</summary>
    public bool SameEmptiness(AxisField other)
    {
        if (ReferenceEquals(this, other) || (!HasEmpty && !other.HasEmpty))
        {
            return Length == other.Length;
        }

        if (Length != other.Length)
        {
            return false;
        }

        for (int i = 0; i < Length; i++)
        {
            if (IsEmpty(i) != other.IsEmpty(i))
            {
                return false;
            }
        }

        return true;
    }
}
