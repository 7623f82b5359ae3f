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
        ulong state = Mix(Mix(Mix((ulong)seed) ^ (ulong)(uint)epoch) ^ ((ulong)(uint)stream << 32));
        return (long)(state >> 1);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
