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
/// <param name="Rows">The number of result rows.</param>
/// <param name="Slots">Per block of four slots, the result row each computes.</param>
/// <param name="BlockStart">Per block, the index of its first plane in <see cref="Planes"/> (its coefficients start at four times that).</param>
/// <param name="BlockLength">Per block, U: how many planes it reads.</param>
/// <param name="Planes">The planes each block reads, block after block.</param>
/// <param name="Sources">Per block, for each of its planes, the four slots' weight indices (-1 where the coefficient is zero).</param>
internal sealed record BandSet(int Rows, int[] Slots, int[] BlockStart, int[] BlockLength, int[] Planes, int[] Sources)
{
    /// <summary>The number of blocks of four rows.</summary>
    public int Blocks => BlockStart.Length;

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
/// <param name="InChannels">C_in.</param>
/// <param name="OutChannels">C_out.</param>
/// <param name="Width">w, the channels each filter reads.</param>
/// <param name="Starts">Each filter's first input channel.</param>
/// <param name="Forward">Rows: filters; planes: input channels.</param>
/// <param name="InputGradient">Rows: input channels; planes: filters (planes of the output gradient).</param>
internal sealed record RollingPlan(int InChannels, int OutChannels, int Width, int[] Starts, BandSet Forward, BandSet InputGradient)
{
    /// <summary>The plan for filters reading <paramref name="width"/> channels from <paramref name="starts"/>.</summary>
    public static RollingPlan Create(int inChannels, int width, IReadOnlyList<int> starts)
    {
        int outChannels = starts.Count;
        int[] order = Enumerable.Range(0, outChannels).OrderBy(c => starts[c]).ThenBy(c => c).ToArray();
        return new RollingPlan(inChannels, outChannels, width, [.. starts], ForwardBands(inChannels, width, starts, order), InputBands(inChannels, width, starts, order));
    }

    private static BandSet ForwardBands(int inChannels, int width, IReadOnlyList<int> starts, int[] order) =>
        Layout(order.Length, slot => order[slot], filters =>
        {
            int low = starts[filters[0]];
            int length = filters.Max(filter => starts[filter] - low) + width;
            int[] planes = [.. Enumerable.Range(0, length).Select(k => (low + k) % inChannels)];
            return (planes, Source);

            int Source(int k, int filter)
            {
                int offset = starts[filter] - low;
                return k >= offset && k < offset + width ? (filter * width) + k - offset : -1;
            }
        });

    private static BandSet InputBands(int inChannels, int width, IReadOnlyList<int> starts, int[] order) =>
        Layout(inChannels, slot => slot, channels =>
        {
            // Filters (in start order) whose window covers a channel of the block: one circular run of the start order.
            int outChannels = order.Length;
            var covering = new List<int>();
            for (int position = 0; position < outChannels; position++)
            {
                int start = starts[order[position]];
                if (channels.Any(channel => Offset(channel, start, inChannels) < width))
                {
                    covering.Add(position);
                }
            }

            var (first, length) = CircularRun(covering, outChannels);
            int[] filters = [.. Enumerable.Range(0, length).Select(k => order[(first + k) % outChannels])];
            return (filters, Source);

            int Source(int k, int channel)
            {
                int j = Offset(channel, starts[filters[k]], inChannels);
                return j < width ? (filters[k] * width) + j : -1;
            }
        });

    /// <summary>
    /// Lays out <paramref name="rows"/> result rows in blocks of four, slot i computing row <paramref name="slotRow"/>(i)
    /// (a last block with fewer rows repeats its last slot's): <paramref name="band"/> gives, from a block's four rows,
    /// the planes it reads and the weight index of a row's coefficient on its k-th plane (-1 for a zero).
    /// </summary>
    private static BandSet Layout(int rows, Func<int, int> slotRow, Func<int[], (int[] Planes, Func<int, int, int> Source)> band)
    {
        int blocks = (rows + 3) / 4;
        var slots = new int[blocks * 4];
        var blockStart = new int[blocks];
        var blockLength = new int[blocks];
        var planes = new List<int>();
        var sources = new List<int>();
        for (int b = 0; b < blocks; b++)
        {
            var blockRows = new int[4];
            for (int q = 0; q < 4; q++)
            {
                blockRows[q] = slots[(4 * b) + q] = slotRow(Math.Min((4 * b) + q, rows - 1));
            }

            var (blockPlanes, source) = band(blockRows);
            blockStart[b] = planes.Count;
            blockLength[b] = blockPlanes.Length;
            planes.AddRange(blockPlanes);
            for (int k = 0; k < blockPlanes.Length; k++)
            {
                foreach (int row in blockRows)
                {
                    sources.Add(source(k, row));
                }
            }
        }

        return new BandSet(rows, slots, blockStart, blockLength, [.. planes], [.. sources]);
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
