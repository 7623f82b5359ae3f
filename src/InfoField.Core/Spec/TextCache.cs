namespace InfoField.Spec;

/// <summary>
/// What the fast spec reader made from a JSON object's text, kept by that text and the spec's rank (the rank decides what
/// a scalar kernel means), so that the same text written again (a search space's shared stem, an op
/// written alike in many cells) is not read again. Bounded: when <see cref="Add"/> would pass the count or the bytes
/// allowed, everything kept is let go.
/// </summary>
internal sealed class TextCache<T>
{
    private readonly Dictionary<Key, T> _items = new(KeyComparer.Instance);
    private readonly Dictionary<Key, T>.AlternateLookup<Probe> _byProbe;
    private readonly int _capacity;
    private readonly int _maxBytes;
    private int _keptBytes;

    public TextCache(int capacity, int maxBytes)
    {
        _capacity = capacity;
        _maxBytes = maxBytes;
        _byProbe = _items.GetAlternateLookup<Probe>();
    }

    /// <summary>What <paramref name="text"/> read at <paramref name="rank"/> made, if it is kept.</summary>
    public bool TryGet(int rank, ReadOnlySpan<byte> text, out T value) => _byProbe.TryGetValue(new Probe(rank, text), out value!);

    /// <summary>Keeps <paramref name="value"/> for <paramref name="text"/> read at <paramref name="rank"/>.</summary>
    public void Add(int rank, ReadOnlySpan<byte> text, T value)
    {
        if (text.Length > _maxBytes)
        {
            return;
        }

        if (_items.Count >= _capacity || _keptBytes + text.Length > _maxBytes)
        {
            _items.Clear();
            _keptBytes = 0;
        }

        _items[new Key(rank, text.ToArray(), Hash(rank, text))] = value;
        _keptBytes += text.Length;
    }

    private static int Hash(int rank, ReadOnlySpan<byte> text)
    {
        var hash = new HashCode();
        hash.Add(rank);
        hash.AddBytes(text);
        return hash.ToHashCode();
    }

    /// <summary>A kept text, with the rank it was read at and its hash.</summary>
    private readonly record struct Key(int Rank, byte[] Text, int Hash);

    /// <summary>A text looked up, where it lies in the spec.</summary>
    private readonly ref struct Probe(int rank, ReadOnlySpan<byte> text)
    {
        public int Rank { get; } = rank;

        public ReadOnlySpan<byte> Text { get; } = text;

        public int Hash { get; } = TextCache<T>.Hash(rank, text);
    }

    /// <summary>Compares keys by rank and content.</summary>
    private sealed class KeyComparer : IEqualityComparer<Key>, IAlternateEqualityComparer<Probe, Key>
    {
        public static KeyComparer Instance { get; } = new();

        public bool Equals(Key x, Key y) => x.Hash == y.Hash && x.Rank == y.Rank && x.Text.AsSpan().SequenceEqual(y.Text);

        public int GetHashCode(Key obj) => obj.Hash;

        public bool Equals(Probe alternate, Key other) => alternate.Hash == other.Hash && alternate.Rank == other.Rank && alternate.Text.SequenceEqual(other.Text);

        public int GetHashCode(Probe alternate) => alternate.Hash;

        public Key Create(Probe alternate) => new(alternate.Rank, alternate.Text.ToArray(), alternate.Hash);
    }
}
