using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InfoField.Torch.Kernels;

/// <summary>
/// One banded product laid out for the micro-kernels: rows in blocks of four, each block reading a run of U planes
/// (the union of its rows' windows), with a coefficient per row and plane that is zero outside the row's own window,
/// stored plane by plane (the four rows' coefficients of plane k side by side, so one pointer walks them all).
/// Row r of the result is the sum over k of <c>coefficient[k][r] x plane[k]</c>. A last block with fewer than four rows
/// repeats its last row, so its extra results are the same values written to the same place.
/// </summary>
internal sealed class BandSet
{
    /// <summary>Creates a band set from explicit blocks.</summary>
    /// <param name="rows">The number of result rows.</param>
    /// <param name="slots">Per block of four slots, the result row each computes.</param>
    /// <param name="blockStart">Per block, where its planes and coefficient sources start.</param>
    /// <param name="blockLength">Per block, U: how many planes it reads.</param>
    /// <param name="planes">All blocks' planes, concatenated.</param>
    /// <param name="sources">Per block, U groups of four weight indices (plane k's for slots 0 to 3; -1 for a zero), concatenated.</param>
    public BandSet(int rows, int[] slots, int[] blockStart, int[] blockLength, int[] planes, int[] sources)
    {
        Rows = rows;
        Slots = slots;
        BlockStart = blockStart;
        BlockLength = blockLength;
        Planes = planes;
        Sources = sources;
    }

    /// <summary>The number of result rows.</summary>
    public int Rows { get; }

    /// <summary>The number of blocks of four rows.</summary>
    public int Blocks => BlockStart.Length;

    /// <summary>Per block of four slots, the result row each computes.</summary>
    public int[] Slots { get; }

    /// <summary>Per block, the index of its first plane in <see cref="Planes"/> (its coefficients start at four times that).</summary>
    public int[] BlockStart { get; }

    /// <summary>Per block, how many planes it reads.</summary>
    public int[] BlockLength { get; }

    /// <summary>The planes each block reads, block after block.</summary>
    public int[] Planes { get; }

    /// <summary>Per block, for each of its planes, the four slots' weight indices (-1 where the coefficient is zero).</summary>
    public int[] Sources { get; }

    /// <summary>Mean planes read per block: the window width plus the waste of blocking.</summary>
    public double MeanLength => BlockLength.Average();

    /// <summary>Fills the coefficients (laid out as <see cref="Sources"/>) from a weight (C_out x w, row-major).</summary>
    public void FillCoefficients<T>(ReadOnlySpan<T> weight, Span<T> coefficients)
        where T : unmanaged
    {
        // A gather without branches: the weight is read after one zero, so a zero coefficient (source -1) reads that.
        T[] padded = ArrayPool<T>.Shared.Rent(weight.Length + 1);
        try
        {
            padded[0] = default;
            weight.CopyTo(padded.AsSpan(1));
            ref T from = ref MemoryMarshal.GetArrayDataReference(padded);
            ref int source = ref MemoryMarshal.GetArrayDataReference(Sources);
            ref T to = ref MemoryMarshal.GetReference(coefficients[..Sources.Length]);
            for (int i = 0; i < Sources.Length; i++)
            {
                Unsafe.Add(ref to, i) = Unsafe.Add(ref from, Unsafe.Add(ref source, i) + 1);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(padded);
        }
    }
}

/// <summary>
/// How RPW(C_in, C_out, g, o) is computed by the banded micro-kernels. Filters are sorted by window start and taken four
/// at a time, so a block's windows nearly coincide and it reads about w + 3 input planes (not C_in): the forward product
/// and the weight gradient use these blocks; the input gradient uses blocks of four consecutive input channels, each
/// reading the output-gradient planes of the filters whose windows cover them.
/// </summary>
internal sealed class RollingPlan
{
    private RollingPlan(int inChannels, int outChannels, int width, int[] starts, BandSet forward, BandSet inputGradient)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Width = width;
        Starts = starts;
        Forward = forward;
        InputGradient = inputGradient;
    }

    /// <summary>C_in.</summary>
    public int InChannels { get; }

    /// <summary>C_out.</summary>
    public int OutChannels { get; }

    /// <summary>w, the channels each filter reads.</summary>
    public int Width { get; }

    /// <summary>Each filter's first input channel.</summary>
    public int[] Starts { get; }

    /// <summary>Rows: filters; planes: input channels.</summary>
    public BandSet Forward { get; }

    /// <summary>Rows: input channels; planes: filters (planes of the output gradient).</summary>
    public BandSet InputGradient { get; }

    /// <summary>The plan for filters reading <paramref name="width"/> channels from <paramref name="starts"/>.</summary>
    public static RollingPlan Create(int inChannels, int width, IReadOnlyList<int> starts)
    {
        int outChannels = starts.Count;
        int[] order = Enumerable.Range(0, outChannels).OrderBy(c => starts[c]).ThenBy(c => c).ToArray();
        return new RollingPlan(inChannels, outChannels, width, [.. starts], ForwardBands(inChannels, width, starts, order), InputBands(inChannels, width, starts, order));
    }

    private static BandSet ForwardBands(int inChannels, int width, IReadOnlyList<int> starts, int[] order)
    {
        int outChannels = order.Length;
        int blocks = (outChannels + 3) / 4;
        var slots = new int[blocks * 4];
        var blockStart = new int[blocks];
        var blockLength = new int[blocks];
        var planes = new List<int>();
        var sources = new List<int>();
        for (int b = 0; b < blocks; b++)
        {
            for (int q = 0; q < 4; q++)
            {
                slots[(4 * b) + q] = order[Math.Min((4 * b) + q, outChannels - 1)];
            }

            int low = starts[slots[4 * b]];
            int length = Enumerable.Range(0, 4).Max(q => starts[slots[(4 * b) + q]] - low) + width;
            blockStart[b] = planes.Count;
            blockLength[b] = length;
            planes.AddRange(Enumerable.Range(0, length).Select(k => (low + k) % inChannels));
            for (int k = 0; k < length; k++)
            {
                for (int q = 0; q < 4; q++)
                {
                    int filter = slots[(4 * b) + q];
                    int offset = starts[filter] - low;
                    sources.Add(k >= offset && k < offset + width ? (filter * width) + k - offset : -1);
                }
            }
        }

        return new BandSet(outChannels, slots, blockStart, blockLength, [.. planes], [.. sources]);
    }

    private static BandSet InputBands(int inChannels, int width, IReadOnlyList<int> starts, int[] order)
    {
        int outChannels = order.Length;
        int blocks = (inChannels + 3) / 4;
        var slots = new int[blocks * 4];
        var blockStart = new int[blocks];
        var blockLength = new int[blocks];
        var planes = new List<int>();
        var sources = new List<int>();
        for (int b = 0; b < blocks; b++)
        {
            for (int q = 0; q < 4; q++)
            {
                slots[(4 * b) + q] = Math.Min((4 * b) + q, inChannels - 1);
            }

            // Filters (in start order) whose window covers a channel of the block: one circular run of the start order.
            var covering = new List<int>();
            for (int position = 0; position < outChannels; position++)
            {
                int start = starts[order[position]];
                if (Enumerable.Range(0, 4).Any(q => Offset(slots[(4 * b) + q], start, inChannels) < width))
                {
                    covering.Add(position);
                }
            }

            var (first, length) = CircularRun(covering, outChannels);
            blockStart[b] = planes.Count;
            blockLength[b] = length;
            planes.AddRange(Enumerable.Range(0, length).Select(k => order[(first + k) % outChannels]));
            for (int k = 0; k < length; k++)
            {
                int filter = order[(first + k) % outChannels];
                for (int q = 0; q < 4; q++)
                {
                    int j = Offset(slots[(4 * b) + q], starts[filter], inChannels);
                    sources.Add(j < width ? (filter * width) + j : -1);
                }
            }
        }

        return new BandSet(inChannels, slots, blockStart, blockLength, [.. planes], [.. sources]);
    }

    /// <summary>Where channel <paramref name="channel"/> sits in a window starting at <paramref name="start"/> (0 to C_in - 1, wrapping).</summary>
    private static int Offset(int channel, int start, int channels) => (((channel - start) % channels) + channels) % channels;

    /// <summary>The shortest circular run of positions 0..count-1 that contains all of <paramref name="members"/> (sorted).</summary>
    private static (int First, int Length) CircularRun(List<int> members, int count)
    {
        if (members.Count == 0)
        {
            return (0, 0);
        }

        int first = members[0], widestGap = -1;
        for (int i = 0; i < members.Count; i++)
        {
            int next = members[(i + 1) % members.Count];
            int gap = members.Count == 1 ? count : (((next - members[i]) % count) + count) % count;
            if (gap > widestGap)
            {
                widestGap = gap;
                first = next;
            }
        }

        return (first, count - widestGap + 1);
    }
}
