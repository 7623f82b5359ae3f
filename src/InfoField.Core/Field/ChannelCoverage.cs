using System.Numerics;
using InfoField.Architecture;

namespace InfoField.Field;

/// <summary>
/// For every channel of a tensor inside a stage, the set of the stage's input channels that reach it,
/// computed exactly by composing each layer's <see cref="ChannelMap"/>. Immutable; channels that see the same
/// set share one object, which keeps dense layers cheap.
/// </summary>
public sealed class ChannelCoverage
{
    private readonly Universe _universe;
    private readonly CoverageSet[] _sets;

    private ChannelCoverage(Universe universe, CoverageSet[] sets)
    {
        _universe = universe;
        _sets = sets;
    }

    /// <summary>Number of channels of the stage's input tensor (c0).</summary>
    public int StageChannels => _universe.Channels;

    /// <summary>Number of channels of the tensor this coverage describes.</summary>
    public int Channels => _sets.Length;

    /// <summary>The coverage of a stage's input tensor: channel i is reached by input channel i alone.</summary>
    public static ChannelCoverage Identity(int stageChannels)
    {
        var universe = new Universe(stageChannels);
        var sets = new CoverageSet[stageChannels];
        for (int i = 0; i < stageChannels; i++)
        {
            sets[i] = universe.Single(i);
        }

        return new ChannelCoverage(universe, sets);
    }

    /// <summary>Number of stage input channels that reach channel <paramref name="channel"/>.</summary>
    public int Count(int channel) => _sets[channel].Count;

    /// <summary>The stage input channels that reach channel <paramref name="channel"/>, ascending.</summary>
    public int[] Inputs(int channel) => _sets[channel].Members();

    /// <summary>The fewest stage input channels that reach any channel: the guaranteed coverage, IF^c.</summary>
    public int Minimum()
    {
        int minimum = int.MaxValue;
        foreach (CoverageSet set in _sets)
        {
            minimum = Math.Min(minimum, set.Count);
        }

        return minimum;
    }

    /// <summary>The most stage input channels that reach any channel.</summary>
    public int Maximum()
    {
        int maximum = 0;
        foreach (CoverageSet set in _sets)
        {
            maximum = Math.Max(maximum, set.Count);
        }

        return maximum;
    }

    /// <summary>The mean number of stage input channels that reach a channel.</summary>
    public double Mean()
    {
        long total = 0;
        foreach (CoverageSet set in _sets)
        {
            total += set.Count;
        }

        return (double)total / _sets.Length;
    }

    /// <summary>The coverage after a layer with connectivity <paramref name="map"/>.</summary>
    public ChannelCoverage Through(ChannelMap map)
    {
        if (map.InputChannels != _sets.Length)
        {
            throw new ArgumentException($"the map reads {map.InputChannels} channels but the tensor has {_sets.Length}", nameof(map));
        }

        if (map.IsIdentity)
        {
            return this;
        }

        var byReadSet = new CoverageSet?[map.ReadSetCount];
        var sets = new CoverageSet[map.OutputChannels];
        for (int o = 0; o < sets.Length; o++)
        {
            int readSet = map.ReadSetOf(o);
            sets[o] = byReadSet[readSet] ??= UnionOf(map.ReadSet(readSet));
        }

        return new ChannelCoverage(_universe, sets);
    }

    /// <summary>The coverage of the sum of two tensors of the same stage (a residual add): channel-wise unions.</summary>
    public ChannelCoverage Union(ChannelCoverage other)
    {
        if (!ReferenceEquals(_universe, other._universe) || other._sets.Length != _sets.Length)
        {
            throw new ArgumentException("both coverages must describe tensors of the same shape in the same stage", nameof(other));
        }

        var sets = new CoverageSet[_sets.Length];
        CoverageSet? lastLeft = null, lastRight = null, lastUnion = null;
        for (int c = 0; c < sets.Length; c++)
        {
            CoverageSet left = _sets[c], right = other._sets[c];
            if (ReferenceEquals(left, right) || ReferenceEquals(right, _universe.Empty))
            {
                sets[c] = left;
            }
            else if (ReferenceEquals(left, _universe.Full) || ReferenceEquals(right, _universe.Full))
            {
                sets[c] = _universe.Full;
            }
            else
            {
                if (!ReferenceEquals(left, lastLeft) || !ReferenceEquals(right, lastRight))
                {
                    lastLeft = left;
                    lastRight = right;
                    lastUnion = _universe.Union([left, right]);
                }

                sets[c] = lastUnion!;
            }
        }

        return new ChannelCoverage(_universe, sets);
    }

    /// <summary>The coverage of tensors of the same stage concatenated along channels (a concat), in order.</summary>
    public static ChannelCoverage Stack(IReadOnlyList<ChannelCoverage> parts)
    {
        if (parts.Count == 0 || parts.Any(part => !ReferenceEquals(part._universe, parts[0]._universe)))
        {
            throw new ArgumentException("a stack joins one or more coverages of tensors in the same stage", nameof(parts));
        }

        return new ChannelCoverage(parts[0]._universe, [.. parts.SelectMany(part => part._sets)]);
    }

    private CoverageSet UnionOf(ReadOnlySpan<int> inputs)
    {
        CoverageSet first = _sets[inputs[0]];
        int i = 1;
        while (i < inputs.Length && ReferenceEquals(_sets[inputs[i]], first))
        {
            i++;
        }

        if (i == inputs.Length)
        {
            return first;
        }

        var distinct = new List<CoverageSet>(Math.Min(inputs.Length, 64)) { first };
        CoverageSet last = first;
        for (; i < inputs.Length; i++)
        {
            CoverageSet set = _sets[inputs[i]];
            if (ReferenceEquals(set, _universe.Full))
            {
                return set;
            }

            if (!ReferenceEquals(set, last))
            {
                distinct.Add(set);
                last = set;
            }
        }

        return _universe.Union(distinct);
    }

    /// <summary>The stage's input channels: set arithmetic and the shared full and empty sets.</summary>
    private sealed class Universe
    {
        public Universe(int channels)
        {
            Channels = channels;
            Words = (channels + 63) / 64;
            var full = new ulong[Words];
            for (int c = 0; c < channels; c++)
            {
                full[c / 64] |= 1UL << (c % 64);
            }

            Full = new CoverageSet(full, channels);
            Empty = new CoverageSet(new ulong[Words], 0);
        }

        public int Channels { get; }

        public int Words { get; }

        public CoverageSet Full { get; }

        public CoverageSet Empty { get; }

        public CoverageSet Single(int channel)
        {
            if (Channels == 1)
            {
                return Full;
            }

            var bits = new ulong[Words];
            bits[channel / 64] = 1UL << (channel % 64);
            return new CoverageSet(bits, 1);
        }

        public CoverageSet Union(IReadOnlyList<CoverageSet> sets)
        {
            var bits = new ulong[Words];
            foreach (CoverageSet set in sets)
            {
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

            return count == Channels ? Full : new CoverageSet(bits, count);
        }
    }

    /// <summary>An immutable set of stage input channels with its size.</summary>
    private sealed class CoverageSet(ulong[] bits, int count)
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
}
