namespace InfoField.Spec;

/// <summary>
/// What the fast spec reader made from a JSON object's text, kept by that text after the spec's rank (one byte: the rank
/// decides what a scalar kernel means), so that the same text written again (a search space's shared stem, an op
/// written alike in many cells) is not read again. Bounded: when <see cref="Add"/> would pass the count or the bytes
/// allowed, everything kept is let go.
/// </summary>
internal sealed class TextCache<T>
{
    private readonly Dictionary<byte[], T> _items = new(TextComparer.Instance);
    private readonly Dictionary<byte[], T>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;
    private readonly int _capacity;
    private readonly int _maxBytes;
    private byte[] _key = new byte[4096];
    private int _keptBytes;

    public TextCache(int capacity, int maxBytes)
    {
        _capacity = capacity;
        _maxBytes = maxBytes;
        _bySpan = _items.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>What <paramref name="text"/> read at <paramref name="rank"/> made, if it is kept.</summary>
    public bool TryGet(int rank, ReadOnlySpan<byte> text, out T value) => _bySpan.TryGetValue(Key(rank, text), out value!);

    /// <summary>Keeps <paramref name="value"/> for <paramref name="text"/> read at <paramref name="rank"/>.</summary>
    public void Add(int rank, ReadOnlySpan<byte> text, T value)
    {
        if (text.Length + 1 > _maxBytes)
        {
            return;
        }

        if (_items.Count >= _capacity || _keptBytes + text.Length + 1 > _maxBytes)
        {
            _items.Clear();
            _keptBytes = 0;
        }

        byte[] key = Key(rank, text).ToArray();
        _items[key] = value;
        _keptBytes += key.Length;
    }

    /// <summary>Lets go of a large key buffer (a reader kept between specs holds no more than it needs for usual ones).</summary>
    public void Trim()
    {
        if (_key.Length > 1 << 16)
        {
            _key = new byte[4096];
        }
    }

    private ReadOnlySpan<byte> Key(int rank, ReadOnlySpan<byte> text)
    {
        if (_key.Length < text.Length + 1)
        {
            _key = new byte[Math.Max(text.Length + 1, _key.Length * 2)];
        }

        _key[0] = (byte)rank;
        text.CopyTo(_key.AsSpan(1));
        return _key.AsSpan(0, text.Length + 1);
    }

    /// <summary>Compares keys by content.</summary>
    private sealed class TextComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static TextComparer Instance { get; } = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
