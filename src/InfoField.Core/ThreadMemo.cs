using System.Runtime.CompilerServices;
using InfoField.Architecture;

namespace InfoField;

/// <summary>
/// Results computed on one thread, by key, so that the same computation on the same immutable inputs is done once: up to
/// <c>capacity</c> results, then the memo starts afresh. Keep one per thread (<see cref="ThreadStaticAttribute"/>).
/// </summary>
internal sealed class ThreadMemo<TKey, TValue>(IEqualityComparer<TKey> comparer, int capacity)
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _values = new(comparer);

    /// <summary>The result for <paramref name="key"/>, made by <paramref name="make"/> (given <paramref name="state"/>) the first time.</summary>
    public TValue Get<TState>(TKey key, TState state, Func<TKey, TState, TValue> make)
    {
        if (_values.TryGetValue(key, out TValue? known))
        {
            return known;
        }

        TValue value = make(key, state);
        if (_values.Count >= capacity)
        {
            _values.Clear();
        }

        _values[key] = value;
        return value;
    }
}

/// <summary>
/// A unit's graph (by identity: a parsed spec shares one graph between the units it repeats, and a batch between the
/// specs that repeat a unit) read at one input shape, without skips: what the shapes of every tensor of the graph follow from.
/// </summary>
internal readonly record struct GraphAtShape(OpGraph Graph, FeatureShape Input)
{
    /// <summary>The graph by identity, the shape by value.</summary>
    public static IEqualityComparer<GraphAtShape> Comparer { get; } = new ByGraphIdentity();

    private sealed class ByGraphIdentity : IEqualityComparer<GraphAtShape>
    {
        public bool Equals(GraphAtShape x, GraphAtShape y) => ReferenceEquals(x.Graph, y.Graph) && x.Input == y.Input;

        public int GetHashCode(GraphAtShape key) => HashCode.Combine(RuntimeHelpers.GetHashCode(key.Graph), key.Input);
    }
}
