namespace InfoField.Architecture;

/// <summary>
/// Which input channels feed each output channel of a layer: the layer's channel connectivity.
/// Output channels that read the same input channels share one read set, so dense layers cost
/// one set, grouped layers one set per group.
/// </summary>
public sealed class ChannelMap
{
    /// <summary>The identity maps made (immutable), shared: every normalization, activation and pooling layer asks for one.</summary>
    private static readonly ChannelMap?[] Identities = new ChannelMap?[4096];

    private readonly int[][] _readSets;
    private readonly int[] _readSetOfOutput;

    private ChannelMap(int inputChannels, int[][] readSets, int[] readSetOfOutput, bool isIdentity)
    {
        InputChannels = inputChannels;
        _readSets = readSets;
        _readSetOfOutput = readSetOfOutput;
        IsIdentity = isIdentity;
    }

    /// <summary>Number of input channels.</summary>
    public int InputChannels { get; }

    /// <summary>Number of output channels.</summary>
    public int OutputChannels => IsIdentity ? InputChannels : _readSetOfOutput.Length;

    /// <summary>True when output channel c reads exactly input channel c.</summary>
    public bool IsIdentity { get; }

    /// <summary>Number of distinct read sets.</summary>
    public int ReadSetCount => IsIdentity ? InputChannels : _readSets.Length;

    /// <summary>The input channels of read set <paramref name="readSet"/>.</summary>
    public ReadOnlySpan<int> ReadSet(int readSet) => IsIdentity ? new[] { readSet } : _readSets[readSet];

    /// <summary>The read set used by output channel <paramref name="outputChannel"/>.</summary>
    public int ReadSetOf(int outputChannel) => IsIdentity ? outputChannel : _readSetOfOutput[outputChannel];

    /// <summary>The input channels that feed output channel <paramref name="outputChannel"/>.</summary>
    public ReadOnlySpan<int> Inputs(int outputChannel) => ReadSet(ReadSetOf(outputChannel));

    /// <summary>Every output channel c reads input channel c.</summary>
    public static ChannelMap Identity(int channels) =>
        (uint)channels < (uint)Identities.Length ? Identities[channels] ??= new(channels, [], [], isIdentity: true) : new(channels, [], [], isIdentity: true);

    /// <summary>
    /// No connectivity: each of <paramref name="outputChannels"/> output channels reads no input channel (a zero op,
    /// whose output depends on nothing).
    /// </summary>
    public static ChannelMap None(int inputChannels, int outputChannels) =>
        new(inputChannels, [[]], new int[outputChannels], isIdentity: false);

    /// <summary>
    /// Group connectivity: output channels are split into <paramref name="groups"/> equal groups,
    /// each reading its own equal slice of the input channels (groups = 1 is a dense layer).
    /// </summary>
    public static ChannelMap Grouped(int inputChannels, int outputChannels, int groups)
    {
        // Maps are immutable and every analysis asks for the same few again (a convolution's, op after op, network
        // after network): the first ones made are kept, shared between threads, up to GroupedCacheInts channels in all.
        var key = (inputChannels, outputChannels, groups);
        if (GroupedMaps.TryGetValue(key, out ChannelMap? known))
        {
            return known;
        }

        ChannelMap map = MakeGrouped(inputChannels, outputChannels, groups);
        long size = (long)inputChannels + outputChannels;
        if (Interlocked.Add(ref _groupedCacheInts, size) <= GroupedCacheInts)
        {
            GroupedMaps.TryAdd(key, map);
        }
        else
        {
            Interlocked.Add(ref _groupedCacheInts, -size);
        }

        return map;
    }

    /// <summary>The most channels (ints: one per input and output channel of each map) the kept grouped maps hold.</summary>
    private const long GroupedCacheInts = 1 << 20;

    private static long _groupedCacheInts;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int, int), ChannelMap> GroupedMaps = new();

    private static ChannelMap MakeGrouped(int inputChannels, int outputChannels, int groups)
    {
        int inPerGroup = inputChannels / groups;
        int outPerGroup = outputChannels / groups;
        var readSets = new int[groups][];
        for (int g = 0; g < groups; g++)
        {
            readSets[g] = Enumerable.Range(g * inPerGroup, inPerGroup).ToArray();
        }

        var readSetOfOutput = new int[outputChannels];
        for (int o = 0; o < outputChannels; o++)
        {
            readSetOfOutput[o] = o / outPerGroup;
        }

        return new ChannelMap(inputChannels, readSets, readSetOfOutput, isIdentity: false);
    }

    /// <summary>Output channel o reads input channel <c>source[o]</c> alone (permutations, channel multipliers).</summary>
    public static ChannelMap Gather(int inputChannels, IReadOnlyList<int> source)
    {
        var readSets = new int[inputChannels][];
        for (int i = 0; i < inputChannels; i++)
        {
            readSets[i] = [i];
        }

        return new ChannelMap(inputChannels, readSets, [.. source], isIdentity: false);
    }

    /// <summary>
    /// Window connectivity: output channel o reads <paramref name="width"/> consecutive input channels
    /// starting at <c>starts[o]</c>, wrapping around past the last channel.
    /// </summary>
    public static ChannelMap Windows(int inputChannels, IReadOnlyList<int> starts, int width)
    {
        var setOfStart = new Dictionary<int, int>();
        var readSets = new List<int[]>();
        var readSetOfOutput = new int[starts.Count];
        for (int o = 0; o < starts.Count; o++)
        {
            int start = starts[o];
            if (!setOfStart.TryGetValue(start, out int set))
            {
                set = readSets.Count;
                setOfStart[start] = set;
                readSets.Add(Enumerable.Range(0, width).Select(i => (start + i) % inputChannels).ToArray());
            }

            readSetOfOutput[o] = set;
        }

        return new ChannelMap(inputChannels, [.. readSets], readSetOfOutput, isIdentity: false);
    }
}
