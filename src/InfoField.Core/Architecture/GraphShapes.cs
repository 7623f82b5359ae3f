using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace InfoField.Architecture;

/// <summary>
/// The shapes of unit graphs checked before, kept by the graph object, its input shape and the network's spatial rank
/// (what <see cref="OpGraph.TryShapes(FeatureShape, string)"/> and the unit rules depend on, for a
/// unit without skips): a reader that builds many networks from the same unit objects (a search space's stem and
/// reduction blocks, shared by <see cref="Spec.NetworkSpec.Parse(string, string, string, Spec.OpSet?)"/>) checks each
/// once. Only graphs that passed are kept; at most <c>capacity</c> of them and 65,536 shapes in all (a larger graph is
/// not kept), then everything kept is let go. One thread's.
/// </summary>
internal sealed class GraphShapes(int capacity)
{
    private const int MaxShapes = 1 << 16;
    private readonly Dictionary<Key, ImmutableArray<FeatureShape>> _known = [];
    private int _shapes;

    /// <summary>The shape of every tensor of <paramref name="graph"/> at <paramref name="input"/>, if it passed before.</summary>
    public bool TryGet(OpGraph graph, FeatureShape input, int spatialRank, out ImmutableArray<FeatureShape> tensors) =>
        _known.TryGetValue(new Key(graph, input, spatialRank), out tensors);

    /// <summary>Keeps the shapes of a graph that passed.</summary>
    public void Add(OpGraph graph, FeatureShape input, int spatialRank, ImmutableArray<FeatureShape> tensors)
    {
        if (tensors.Length > MaxShapes)
        {
            return;
        }

        if (_known.Count >= capacity || _shapes + tensors.Length > MaxShapes)
        {
            _known.Clear();
            _shapes = 0;
        }

        _known[new Key(graph, input, spatialRank)] = tensors;
        _shapes += tensors.Length;
    }

    /// <summary>A graph by identity (its value equality compares every op), at an input shape and spatial rank.</summary>
    private readonly struct Key(OpGraph graph, FeatureShape input, int spatialRank) : IEquatable<Key>
    {
        private readonly OpGraph _graph = graph;
        private readonly FeatureShape _input = input;
        private readonly int _spatialRank = spatialRank;

        public bool Equals(Key other) => ReferenceEquals(_graph, other._graph) && _input == other._input && _spatialRank == other._spatialRank;

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(_graph), _input, _spatialRank);
    }
}
