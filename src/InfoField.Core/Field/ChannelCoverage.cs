using InfoField.Architecture;

namespace InfoField.Field;

/// <summary>
/// For every channel of a tensor inside a stage, the set of the stage's input channels that reach it,
/// computed exactly by composing each layer's <see cref="ChannelMap"/>. Immutable; channels that see the same
/// set share one object, which keeps dense layers cheap.
/// </summary>
public sealed class ChannelCoverage
{
    private readonly ChannelUniverse _universe;
    private readonly ChannelSet[] _sets;

    private ChannelCoverage(ChannelUniverse universe, ChannelSet[] sets)
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
        var universe = new ChannelUniverse(stageChannels);
        var sets = new ChannelSet[stageChannels];
        for (int i = 0; i < stageChannels; i++)
        {
            sets[i] = universe.Single(i);
        }

        return new ChannelCoverage(universe, sets);
    }

    /// <summary>The coverage of a tensor whose channel c is reached by <paramref name="sets"/>[c].</summary>
    internal static ChannelCoverage Of(ChannelUniverse universe, ChannelSet[] sets) => new(universe, sets);

    /// <summary>Number of stage input channels that reach channel <paramref name="channel"/>.</summary>
    public int Count(int channel) => _sets[channel].Count;

    /// <summary>The stage input channels that reach channel <paramref name="channel"/>, ascending.</summary>
    public int[] Inputs(int channel) => _sets[channel].Members();

    /// <summary>The fewest stage input channels that reach any channel: the guaranteed coverage, IF^c.</summary>
    public int Minimum()
    {
        int minimum = int.MaxValue;
        foreach (ChannelSet set in _sets)
        {
            minimum = Math.Min(minimum, set.Count);
        }

        return minimum;
    }

    /// <summary>The most stage input channels that reach any channel.</summary>
    public int Maximum()
    {
        int maximum = 0;
        foreach (ChannelSet set in _sets)
        {
            maximum = Math.Max(maximum, set.Count);
        }

        return maximum;
    }

    /// <summary>The mean number of stage input channels that reach a channel.</summary>
    public double Mean()
    {
        long total = 0;
        foreach (ChannelSet set in _sets)
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

        var byReadSet = new ChannelSet?[map.ReadSetCount];
        var sets = new ChannelSet[map.OutputChannels];
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

        var sets = new ChannelSet[_sets.Length];
        ChannelSet? lastLeft = null, lastRight = null, lastUnion = null;
        for (int c = 0; c < sets.Length; c++)
        {
            ChannelSet left = _sets[c], right = other._sets[c];
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

    private ChannelSet UnionOf(ReadOnlySpan<int> inputs)
    {
        if (inputs.IsEmpty)
        {
            // An output channel that reads no input channel (a zero op) is reached by none.
            return _universe.Empty;
        }

        ChannelSet first = _sets[inputs[0]];
        int i = 1;
        while (i < inputs.Length && ReferenceEquals(_sets[inputs[i]], first))
        {
            i++;
        }

        if (i == inputs.Length)
        {
            return first;
        }

        var distinct = new List<ChannelSet>(Math.Min(inputs.Length, 64)) { first };
        ChannelSet last = first;
        for (; i < inputs.Length; i++)
        {
            ChannelSet set = _sets[inputs[i]];
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
}
