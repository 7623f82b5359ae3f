using System.Globalization;

namespace InfoField.Torch.Studies;

/// <summary>
/// Slice <see cref="Index"/> of <see cref="Count"/> of a study's planned runs, for schedulers that start one process per
/// slice (Slurm job arrays, Kubernetes Indexed Jobs; docs/cluster.md). The slice is deterministic: run i of the plan
/// belongs to slice i mod <see cref="Count"/>, so every run is in exactly one slice, and because plans are seed-major
/// every slice gets a share of every network.
/// </summary>
public sealed record StudyShard
{
    /// <summary>Slice <paramref name="index"/> (from 0) of <paramref name="count"/>.</summary>
    public StudyShard(int index, int count)
    {
        if (count < 1)
        {
            throw new InfoFieldException(string.Create(CultureInfo.InvariantCulture, $"shard count: expected at least 1 (got {count})"));
        }

        if (index < 0 || index >= count)
        {
            throw new InfoFieldException(string.Create(CultureInfo.InvariantCulture, $"shard index: expected 0 to {count - 1} for {count} shards (got {index})"));
        }

        Index = index;
        Count = count;
    }

    /// <summary>The slice, from 0.</summary>
    public int Index { get; }

    /// <summary>The number of slices.</summary>
    public int Count { get; }

    /// <summary>Whether run <paramref name="position"/> (from 0) of a plan belongs to this slice.</summary>
    public bool Contains(int position) => position % Count == Index;

    /// <summary>The runs of <paramref name="plan"/> in this slice, in plan order.</summary>
    public IReadOnlyList<T> Select<T>(IReadOnlyList<T> plan) => [.. plan.Where((_, position) => Contains(position))];

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
