using System.Numerics;

namespace InfoField.Field;

/// <summary>The input channels of one stage: set arithmetic over them, and the shared full and empty sets.</summary>
internal sealed class ChannelUniverse
{
    public ChannelUniverse(int channels)
    {
        Channels = channels;
        Words = (channels + 63) / 64;
        var full = new ulong[Words];
        for (int c = 0; c < channels; c++)
        {
            full[c / 64] |= 1UL << (c % 64);
        }

        Full = new ChannelSet(full, channels);
        Empty = new ChannelSet(new ulong[Words], 0);
    }

    private int _nextField;

    /// <summary>c0, the number of the stage's input channels.</summary>
    public int Channels { get; }

    /// <summary>Words of 64 bits per set.</summary>
    public int Words { get; }

    /// <summary>Every input channel.</summary>
    public ChannelSet Full { get; }

    /// <summary>No input channel.</summary>
    public ChannelSet Empty { get; }

    /// <summary>The field of a channel that depends on nothing and has no receptive field (a zero op's).</summary>
    public ChannelField Nothing => _nothing ??= new ChannelField(this, [], null);

    private ChannelField? _nothing;

    /// <summary>A number for a new channel field of this stage, unique within it: fields are looked up by it (cheaper than hashing objects).</summary>
    public int NextField() => _nextField++;

    /// <summary>The set of channel <paramref name="channel"/> alone.</summary>
    public ChannelSet Single(int channel)
    {
        if (Channels == 1)
        {
            return Full;
        }

        var bits = new ulong[Words];
        bits[channel / 64] = 1UL << (channel % 64);
        return new ChannelSet(bits, 1);
    }

    /// <summary>The union of <paramref name="sets"/> (at least one); one of them when the others add nothing.</summary>
    public ChannelSet Union(IReadOnlyList<ChannelSet> sets)
    {
        ChannelSet first = sets[0];
        bool same = true;
        for (int i = 1; i < sets.Count && same; i++)
        {
            same = ReferenceEquals(sets[i], first);
        }

        if (same)
        {
            return first;
        }

        var bits = new ulong[Words];
        foreach (ChannelSet set in sets)
        {
            if (ReferenceEquals(set, Full))
            {
                return Full;
            }

            ulong[] other = set.Bits;
            for (int w = 0; w < bits.Length; w++)
            {
                bits[w] |= other[w];
            }
        }

        int count = 0;
        foreach (ulong word in bits)
        {
            count += BitOperations.PopCount(word);
        }

        return count == Channels ? Full : new ChannelSet(bits, count);
    }

    /// <summary>The union of two sets.</summary>
    public ChannelSet Union(ChannelSet left, ChannelSet right) =>
        ReferenceEquals(left, right) || ReferenceEquals(right, Empty) ? left
        : ReferenceEquals(left, Empty) ? right
        : Union([left, right]);
}

/// <summary>An immutable set of a stage's input channels with its size.</summary>
internal sealed class ChannelSet(ulong[] bits, int count)
{
    public ulong[] Bits { get; } = bits;

    public int Count { get; } = count;

    public int[] Members()
    {
        var members = new int[Count];
        int next = 0;
        for (int w = 0; w < Bits.Length; w++)
        {
            ulong word = Bits[w];
            while (word != 0)
            {
                members[next++] = (w * 64) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
            }
        }

        return members;
    }
}
