namespace InfoField.Torch.Data;

/// <summary>Derives independent seeds for each purpose and epoch from a run's seed (SplitMix64 mixing), so nothing random depends on what ran before.</summary>
public static class Seeds
{
    /// <summary>The stream of shuffling and augmentation.</summary>
    public const int Data = 1;

    /// <summary>The stream of weight initialization.</summary>
    public const int Initialization = 2;

    /// <summary>The stream of the global generator during an epoch (dropout).</summary>
    public const int Global = 3;

    /// <summary>A 63-bit seed from (<paramref name="seed"/>, <paramref name="epoch"/>, <paramref name="stream"/>).</summary>
    public static long Derive(long seed, int epoch, int stream)
    {
        ulong state = SplitMix.Mix(SplitMix.Mix(SplitMix.Mix((ulong)seed) ^ (ulong)(uint)epoch) ^ ((ulong)(uint)stream << 32));
        return (long)(state >> 1);
    }
}

/// <summary>
/// SplitMix64: a small, fast generator whose sequence is fixed by its seed on every platform and .NET version
/// (unlike <see cref="Random"/>'s), used for shuffling and augmentation.
/// </summary>
/// <param name="seed">The seed.</param>
public sealed class SplitMix(long seed)
{
    private ulong _state = (ulong)seed;

    /// <summary>The SplitMix64 output function.</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        ulong result = Mix(_state);
        _state += 0x9E3779B97F4A7C15UL;
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), without modulo bias.</summary>
    public int Below(int bound)
    {
        ulong limit = ulong.MaxValue - (ulong.MaxValue % (ulong)bound);
        ulong value;
        do
        {
            value = Next();
        }
        while (value >= limit);
        return (int)(value % (ulong)bound);
    }

    /// <summary>A uniformly random permutation of 0 .. <paramref name="count"/> - 1 (Fisher-Yates).</summary>
    public int[] Permutation(int count)
    {
        int[] order = Enumerable.Range(0, count).ToArray();
        for (int i = count - 1; i > 0; i--)
        {
            int j = Below(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }
}
