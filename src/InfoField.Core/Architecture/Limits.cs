using System.Globalization;

namespace InfoField.Architecture;

/// <summary>
/// The explicit limits of the architecture model. Every size and count is checked against them where it is read or
/// computed (in checked arithmetic), so no input can wrap an integer or print a negative count; docs/guarantees.md lists them.
/// </summary>
public static class Limits
{
    /// <summary>The most channels (or features) a tensor may have: 65,536.</summary>
    public const int MaxChannels = 1 << 16;

    /// <summary>The largest height or width, and the largest kernel, stride, padding, dilation or pooling output: 65,536.</summary>
    public const int MaxExtent = 1 << 16;

    /// <summary>The most elements one sample's feature map may hold (C x H x W): 2^28.</summary>
    public const long MaxVolume = 1L << 28;

    /// <summary>The largest parameter or MAC count of an op, a unit or a network: 10^15.</summary>
    public const long MaxCount = 1_000_000_000_000_000;

    /// <summary>The most units a network may have: 4,096 (ResNet-152 has 50).</summary>
    public const int MaxUnits = 4096;

    /// <summary>The most ops a network may have, counting those inside residuals: 65,536.</summary>
    public const int MaxOps = 1 << 16;

    /// <summary>Checks 1 &lt;= <paramref name="value"/> &lt;= <paramref name="maximum"/> (or 0 &lt;= for <paramref name="minimum"/> 0).</summary>
    public static void RequireRange(string field, long value, long minimum, long maximum)
    {
        if (CheckRange(field, value, minimum, maximum) is { } broken)
        {
            throw broken.ToException();
        }
    }

    /// <summary>The violation when <paramref name="value"/> is outside [<paramref name="minimum"/>, <paramref name="maximum"/>], else null.</summary>
    public static Violation? CheckRange(string field, long value, long minimum, long maximum) =>
        value < minimum || value > maximum
            ? new Violation(field, string.Create(CultureInfo.InvariantCulture, $"must be between {minimum:N0} and {maximum:N0} (got {value:N0})"))
            : null;

    /// <summary>Checks both axes of <paramref name="value"/> against <paramref name="minimum"/> and <see cref="MaxExtent"/>.</summary>
    public static void RequireExtent(string field, Pair value, int minimum)
    {
        if (CheckExtent(field, value, minimum) is { } broken)
        {
            throw broken.ToException();
        }
    }

    /// <summary>The violation when an axis of <paramref name="value"/> is below <paramref name="minimum"/> or above <see cref="MaxExtent"/>, else null.</summary>
    public static Violation? CheckExtent(string field, Pair value, int minimum) =>
        CheckRange(field, value.H, minimum, MaxExtent) ?? CheckRange(field, value.W, minimum, MaxExtent)
        ?? (value.HasDepth ? CheckRange(field, value.D, minimum, MaxExtent) : null);

    /// <summary>Checks a feature-map shape: channels, height and width, and its volume.</summary>
    public static FeatureShape RequireShape(string field, FeatureShape shape) => CheckShape(field, shape).Value;

    /// <summary>A feature-map shape checked: channels, height and width (and depth), and its volume.</summary>
    public static Checked<FeatureShape> CheckShape(string field, FeatureShape shape)
    {
        Violation? broken = CheckRange(field, shape.Channels, 1, MaxChannels)
            ?? CheckRange(field, shape.Height, 1, MaxExtent)
            ?? CheckRange(field, shape.Width, 1, MaxExtent)
            ?? (shape.HasDepth ? CheckRange(field, shape.Depth, 1, MaxExtent) : null);
        if (broken is not null)
        {
            return broken;
        }

        if (shape.Volume > MaxVolume)
        {
            return new Violation(field, string.Create(CultureInfo.InvariantCulture, $"a feature map of {shape} holds {shape.Volume:N0} elements, more than the limit of {MaxVolume:N0}"));
        }

        return shape;
    }

    /// <summary>The product of <paramref name="factors"/> (all non-negative), or an error naming <paramref name="what"/> when it exceeds <see cref="MaxCount"/>.</summary>
    public static long Count(string what, params ReadOnlySpan<long> factors)
    {
        long product = 1;
        foreach (long factor in factors)
        {
            if (factor == 0)
            {
                return 0;
            }

            if (factor < 0 || product > MaxCount / factor)
            {
                throw TooMany(what);
            }

            product *= factor;
        }

        return product;
    }

    /// <summary><paramref name="left"/> + <paramref name="right"/>, or an error naming <paramref name="what"/> when it exceeds <see cref="MaxCount"/>.</summary>
    public static long Add(string what, long left, long right)
    {
        if (left < 0 || right < 0 || left > MaxCount - right)
        {
            throw TooMany(what);
        }

        return left + right;
    }

    /// <summary>Checks the unit and op counts of a network's <paramref name="stages"/> and <paramref name="head"/>.</summary>
    public static void RequireSize(IReadOnlyList<Stage> stages, IReadOnlyList<Op> head)
    {
        if (CheckSize(stages, head) is { } broken)
        {
            throw broken.ToException();
        }
    }

    /// <summary>The violation when a network's <paramref name="stages"/> and <paramref name="head"/> hold too many units or ops, else null.</summary>
    public static Violation? CheckSize(IReadOnlyList<Stage> stages, IReadOnlyList<Op> head)
    {
        long units = 0;
        long ops = head.Count;
        foreach (Stage stage in stages)
        {
            units += stage.Units.Count;
            ops += stage.Entry.Count;
            foreach (Unit unit in stage.Units)
            {
                ops += unit.Graph.Count;
            }
        }

        if (units > MaxUnits)
        {
            return new Violation("stages", string.Create(CultureInfo.InvariantCulture, $"{units:N0} units are more than the limit of {MaxUnits:N0}"));
        }

        return ops > MaxOps
            ? new Violation("stages", string.Create(CultureInfo.InvariantCulture, $"{ops:N0} ops are more than the limit of {MaxOps:N0}"))
            : null;
    }

    private static ArchitectureException TooMany(string what) =>
        new(what, string.Create(CultureInfo.InvariantCulture, $"the {what} count exceeds the limit of {MaxCount:N0}"));
}
