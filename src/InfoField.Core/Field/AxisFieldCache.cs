using System.Runtime.CompilerServices;
using InfoField.Architecture;

namespace InfoField.Field;

/// <summary>
/// The axis fields already made on this thread, by how they were made (the identity of a length; a field through a
/// window; the hull of two fields; a field spread over a map), so that the same step on the same field gives the same
/// object, within an analysis and across analyses: a stage's parts and channels then share their axes, and a search
/// space, which repeats the same few axes network after network, computes each of them once. Axis fields are immutable,
/// so sharing them changes no result. Bounded: the cache is emptied when the positions it holds pass
/// <see cref="MaxPositions"/> (results made later are new objects again).
/// </summary>
internal static class AxisFieldCache
{
    /// <summary>The most ints (both ends of every interval, three per plane axis) the cache holds per thread before it starts afresh: 16 MB.</summary>
    private const int MaxPositions = 1 << 22;

    /// <summary>Identities are kept for lengths below this; longer axes get a new identity each time.</summary>
    private const int IdentityLengths = 4096;

    [ThreadStatic]
    private static AxisField?[]? _identities;

    [ThreadStatic]
    private static Dictionary<Key, AxisField>? _made;

    [ThreadStatic]
    private static Dictionary<AxesKey, AxisField[]>? _arrays;

    [ThreadStatic]
    private static Dictionary<PlaneKey, SpatialAxis[]>? _planes;

    /// <summary>Factors by the axes array and channel count they were made of: a slot per hash, the last made there kept.</summary>
    [ThreadStatic]
    private static (AxisField[]? Axes, int Channels, FieldFactors? Factors)[]? _factors;

    [ThreadStatic]
    private static int _positions;

    /// <summary>The identity field of <paramref name="length"/> positions.</summary>
    public static AxisField Identity(int length)
    {
        if ((uint)length >= IdentityLengths)
        {
            return AxisField.MakeIdentity(length);
        }

        AxisField?[] identities = _identities ??= new AxisField?[IdentityLengths];
        return identities[length] ??= AxisField.MakeIdentity(length);
    }

    /// <summary><paramref name="field"/> through <paramref name="window"/> to <paramref name="length"/> positions.</summary>
    public static AxisField Through(AxisField field, AxisWindow window, int length) =>
        Get(new Key(Step.Through, field, null, window, length), static key => key.Field.MakeThrough(key.Window, key.Length));

    /// <summary>Position by position, the hull of two different fields of one length.</summary>
    public static AxisField Hull(AxisField left, AxisField right) =>
        Get(new Key(Step.Hull, left, right, default, left.Length), static key => AxisField.MakeHull(key.Field, key.Other!));

    /// <summary>A one-position field spread over <paramref name="length"/> positions.</summary>
    public static AxisField Broadcast(AxisField field, int length) =>
        Get(new Key(Step.Broadcast, field, null, default, length), static key => key.Field.MakeBroadcast(key.Length));

    /// <summary>
    /// One array for the axis fields <paramref name="axes"/> (one to three, each made here), so that parts whose axes
    /// are the same fields share one array.
    /// </summary>
    public static AxisField[] Axes(ReadOnlySpan<AxisField> axes)
    {
        var key = new AxesKey(axes[0], axes.Length > 1 ? axes[1] : null, axes.Length > 2 ? axes[2] : null);
        Dictionary<AxesKey, AxisField[]> arrays = _arrays ??= [];
        if (!arrays.TryGetValue(key, out AxisField[]? known))
        {
            known = axes.ToArray();
            Made(known.Length);
            arrays[key] = known;
        }

        return known;
    }

    /// <summary>One array for the receptive field <paramref name="plane"/> (one to three axes), shared by every plane of the same values.</summary>
    public static SpatialAxis[] Plane(ReadOnlySpan<SpatialAxis> plane)
    {
        var key = new PlaneKey(plane[0], plane.Length > 1 ? plane[1] : default, plane.Length > 2 ? plane[2] : default, plane.Length);
        Dictionary<PlaneKey, SpatialAxis[]> planes = _planes ??= [];
        if (!planes.TryGetValue(key, out SpatialAxis[]? known))
        {
            known = plane.ToArray();
            Made(3 * known.Length);
            planes[key] = known;
        }

        return known;
    }

    /// <summary>
    /// The factors of a tensor whose every channel holds one part of axes <paramref name="axes"/> (an array made here, by
    /// identity) and <paramref name="channels"/> stage input channels, made by <paramref name="make"/> the first time.
    /// </summary>
    public static FieldFactors Factors(AxisField[] axes, int channels, Func<AxisField[], int, FieldFactors> make)
    {
        // At most FactorSlots entries, emptied with the rest of the cache.
        (AxisField[]? Axes, int Channels, FieldFactors? Factors)[] slots = _factors ??= new (AxisField[]?, int, FieldFactors?)[FactorSlots];
        int slot = (RuntimeHelpers.GetHashCode(axes) ^ unchecked(channels * (int)0x9E3779B1)) & (FactorSlots - 1);
        ref var entry = ref slots[slot];
        if (ReferenceEquals(entry.Axes, axes) && entry.Channels == channels)
        {
            return entry.Factors!;
        }

        FieldFactors factors = make(axes, channels);
        entry = (axes, channels, factors);
        return factors;
    }

    /// <summary>The slots of the factors memo (a power of two).</summary>
    private const int FactorSlots = 4096;

    private static AxisField Get(Key key, Func<Key, AxisField> make)
    {
        Dictionary<Key, AxisField> made = _made ??= [];
        if (made.TryGetValue(key, out AxisField? known))
        {
            return known;
        }

        AxisField result = make(key);
        Made(2 * result.Length);
        made[key] = result;
        return result;
    }

    /// <summary>Counts <paramref name="positions"/> more held, and empties the cache first when they would pass the bound.</summary>
    private static void Made(int positions)
    {
        if (_positions + positions > MaxPositions)
        {
            _made?.Clear();
            _arrays?.Clear();
            _planes?.Clear();
            if (_factors is not null)
            {
                Array.Clear(_factors);
            }
            _positions = 0;
        }

        _positions += positions;
    }

    /// <summary>
    /// Up to three axis fields, by identity. Keys compare and hash themselves (the dictionaries take no comparer), so the
    /// runtime's default comparer calls them directly.
    /// </summary>
    private readonly record struct AxesKey(AxisField First, AxisField? Second, AxisField? Third)
    {
        public bool Equals(AxesKey other) =>
            ReferenceEquals(First, other.First) && ReferenceEquals(Second, other.Second) && ReferenceEquals(Third, other.Third);

        public override int GetHashCode() =>
            Spread((RuntimeHelpers.GetHashCode(First) * -1640531535) ^ (Identity(Second) * 0x2545F491) ^ Identity(Third));
    }

    /// <summary>A receptive field by value; the rank tells a one-axis plane from a padded one.</summary>
    private readonly record struct PlaneKey(SpatialAxis First, SpatialAxis Second, SpatialAxis Third, int Rank)
    {
        public bool Equals(PlaneKey other) => Rank == other.Rank && Same(First, other.First) && Same(Second, other.Second) && Same(Third, other.Third);

        public override int GetHashCode() => Spread(Hash(First) ^ (Hash(Second) * 31) ^ (Hash(Third) * 961) ^ Rank);

        private static bool Same(SpatialAxis x, SpatialAxis y) => x.Lo == y.Lo && x.Hi == y.Hi && x.Jump == y.Jump;

        private static int Hash(SpatialAxis axis) => unchecked((int)((axis.Lo * 0x9E3779B1) ^ (axis.Hi * 0x85EBCA77) ^ (axis.Jump * 0xC2B2AE3D) ^ ((axis.Lo ^ axis.Hi) >> 32)));
    }

    private enum Step : byte
    {
        Through,
        Hull,
        Broadcast,
    }

    /// <summary>
    /// How a field is made: the step, the field (and the other one, for a hull), the window and the output length. Fields
    /// by identity, windows and lengths by value.
    /// </summary>
    private readonly record struct Key(Step Step, AxisField Field, AxisField? Other, AxisWindow Window, int Length)
    {
        public bool Equals(Key other) =>
            Step == other.Step && ReferenceEquals(Field, other.Field) && ReferenceEquals(Other, other.Other) && Length == other.Length && Window == other.Window;

        public override int GetHashCode() =>
            Spread(unchecked((RuntimeHelpers.GetHashCode(Field) * -1640531535) ^ (Identity(Other) * 0x2545F491)
                + (Length * 7919) + Window.Kernel + (Window.Stride << 6) + (Window.Padding << 12) + (Window.Dilation << 18) + ((int)Step << 26)));
    }

    /// <summary>An object's identity hash, 0 for none.</summary>
    private static int Identity(object? value) => value is null ? 0 : RuntimeHelpers.GetHashCode(value);

    /// <summary>Mixes the high bits of <paramref name="hash"/> into the low ones (dictionaries take it modulo a prime).</summary>
    private static int Spread(int hash) => hash ^ (hash >>> 16);
}
