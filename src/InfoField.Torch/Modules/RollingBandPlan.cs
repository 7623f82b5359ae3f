using InfoField.Architecture;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// How the fast <see cref="RollingPointwiseConv2d"/> lays RPW's filters out for batched matrix products.
/// </summary>
/// <remarks>
/// <para>
/// The filters are sorted by window start and dealt, in that order, to <see cref="Bands"/> bands of
/// <see cref="RowsPerBand"/> filters each (a band that gets fewer filters is padded with zero filters). Band t reads
/// the <see cref="BandWidth"/> consecutive input channels that start at <c>Offset + t * BandStride</c> (modulo C_in),
/// wide enough to hold the window of every filter in it; a filter's w weights sit at its own offset inside the band
/// and the rest of its row is zero. Because the bands start at a fixed stride, all of them are views of one copy of
/// the input (channels first, extended past the last channel by the wrap-around), so the forward pass is one batched
/// matrix product with no gather of the input; so are the weight gradient and, over chunks of
/// <see cref="BandStride"/> input channels, the input gradient.
/// </para>
/// <para>
/// The plan is exact: every filter reads exactly its canonical window (<see cref="RollingWindows.Starts"/>). What it
/// costs is the zero padding inside bands: <see cref="Inflation"/> is the ratio of the multiply-adds of the banded
/// product to RPW's own (C_out x w per pixel); it is 1 when windows repeat periodically (o = 0.5 with an even w, o = 0)
/// and grows with the spread of irregular starts (o = 0.33). <see cref="Create(int, int, int, double)"/> picks the band count by a cost model
/// of multiply-adds, small-matrix inefficiency and copies.
/// </para>
/// </remarks>
public sealed class RollingBandPlan : IDisposable
{
    private const double SmallMatrixPenalty = 8;
    private const double CopyCostPerRow = 12;

    private readonly long[] _filterOfSlot;

    private RollingBandPlan(int inChannels, int outChannels, int width, int bands, int rows, int offset, int bandWidth, long[] slotOfFilter, long[] filterOfSlot, long[] packIndex, long[] chunkPackIndex)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Width = width;
        Bands = bands;
        RowsPerBand = rows;
        BandStride = inChannels / bands;
        Offset = offset;
        BandWidth = bandWidth;
        ChunkBands = ((bandWidth - 1) / BandStride) + 1;
        _filterOfSlot = filterOfSlot;
        SlotOfFilter = Index(slotOfFilter);
        PackIndex = Index(packIndex);
        ChunkPackIndex = Index(chunkPackIndex);
        IsInterleaved = bands * rows == outChannels && Enumerable.Range(0, bands * rows).All(s => filterOfSlot[s] == (s / rows) + ((long)bands * (s % rows)));
    }

    /// <summary>C_in.</summary>
    public int InChannels { get; }

    /// <summary>C_out.</summary>
    public int OutChannels { get; }

    /// <summary>w = C_in / g, the channels each filter reads.</summary>
    public int Width { get; }

    /// <summary>G, the number of bands (a divisor of C_in).</summary>
    public int Bands { get; }

    /// <summary>T, the filters per band (the last bands may hold zero filters as padding).</summary>
    public int RowsPerBand { get; }

    /// <summary>d = C_in / G, the channels between the starts of adjacent bands.</summary>
    public int BandStride { get; }

    /// <summary>B, the input channels each band reads (at least w).</summary>
    public int BandWidth { get; }

    /// <summary>The input channel where band 0 starts, before reduction modulo C_in (it may be negative).</summary>
    public int Offset { get; }

    /// <summary>K, the number of consecutive bands that overlap one chunk of d input channels (for the input gradient).</summary>
    public int ChunkBands { get; }

    /// <summary>Rows of the channels-first copy of the input: <c>(G - 1) d + B</c>, C_in plus the wrap-around.</summary>
    public int ExtendedRows => ((Bands - 1) * BandStride) + BandWidth;

    /// <summary>
    /// True when slot <c>t T + j</c> holds filter <c>t + G j</c>: the filters are interleaved over the bands, as for
    /// periodic windows, and the output is a plain transpose of the product instead of a gather.
    /// </summary>
    public bool IsInterleaved { get; }

    /// <summary>Multiply-adds of the forward product (and of the weight gradient) relative to C_out x w.</summary>
    public double Inflation => (double)Bands * RowsPerBand * BandWidth / ((double)OutChannels * Width);

    /// <summary>Multiply-adds of the input-gradient product relative to C_out x w.</summary>
    public double InputGradientInflation => (double)InChannels * ChunkBands * RowsPerBand / ((double)OutChannels * Width);

    /// <summary>For every filter, its slot <c>t T + j</c> (band t, row j).</summary>
    internal Tensor SlotOfFilter { get; }

    /// <summary>For every weight (c, i) in row-major order, its position in the G x T x B band weights.</summary>
    internal Tensor PackIndex { get; }

    /// <summary>For every weight (c, i), its position in the G x d x (K T) chunk weights of the input gradient.</summary>
    internal Tensor ChunkPackIndex { get; }

    /// <summary>The filter in every slot, or -1 for a padding slot.</summary>
    public IReadOnlyList<long> FilterOfSlot => _filterOfSlot;

    /// <summary>
    /// Plans RPW(<paramref name="inChannels"/>, <paramref name="outChannels"/>, <paramref name="groups"/>,
    /// <paramref name="overlap"/>) with the windows of <see cref="RollingWindows.Starts"/>.
    /// </summary>
    public static RollingBandPlan Create(int inChannels, int outChannels, int groups, double overlap)
    {
        RollingPointwiseConv2d.Validate(inChannels, outChannels, groups, overlap);
        int[] starts = RollingWindows.Starts(inChannels, outChannels, groups, overlap);
        return Create(inChannels, starts, inChannels / groups);
    }

    /// <summary>Plans filters with the given window <paramref name="starts"/> and <paramref name="width"/>.</summary>
    internal static RollingBandPlan Create(int inChannels, int[] starts, int width, int? onlyBands = null)
    {
        int outChannels = starts.Length;
        int[] order = Enumerable.Range(0, outChannels).OrderBy(c => starts[c]).ThenBy(c => c).ToArray();
        Candidate? best = null;
        for (int bands = 1; bands <= inChannels; bands++)
        {
            if (inChannels % bands != 0 || bands > outChannels || (onlyBands is int only && only != bands))
            {
                continue;
            }

            int stride = inChannels / bands;
            int rows = (outChannels + bands - 1) / bands;
            int rotations = Math.Min(rows, 64);
            for (int rotation = 0; rotation < rotations; rotation++)
            {
                var (low, high) = Spread(inChannels, starts, order, bands, stride, rotation);
                int bandWidth = width + (int)(high - low);
                int chunkBands = ((bandWidth - 1) / stride) + 1;
                double cost = Cost(inChannels, outChannels, bands, rows, stride, bandWidth, chunkBands);
                if (best is null || cost < best.Cost)
                {
                    best = new Candidate(bands, rows, rotation, (int)low, bandWidth, cost);
                }
            }
        }

        return Build(inChannels, starts, width, order, best!);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        SlotOfFilter.Dispose();
        PackIndex.Dispose();
        ChunkPackIndex.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Bands} bands x {RowsPerBand} filters, {BandWidth} channels each (stride {BandStride}), inflation {Inflation:0.00}";

    private static (long Low, long High) Spread(int inChannels, int[] starts, int[] order, int bands, int stride, int rotation)
    {
        int outChannels = starts.Length;
        long low = long.MaxValue;
        long high = long.MinValue;
        for (int i = 0; i < outChannels; i++)
        {
            long relative = Unwrapped(inChannels, starts, order, rotation, i) - (Band(i, bands, outChannels) * (long)stride);
            low = Math.Min(low, relative);
            high = Math.Max(high, relative);
        }

        return (low, high);
    }

    /// <summary>
    /// Relative cost per output pixel: multiply-adds of the three products, each divided by an efficiency that falls
    /// for small matrices, plus the rows copied in and out of the channels-first layout.
    /// </summary>
    private static double Cost(int inChannels, int outChannels, int bands, int rows, int stride, int bandWidth, int chunkBands)
    {
        static double Efficiency(double size) => size / (size + SmallMatrixPenalty);
        double product = (double)bands * rows * bandWidth / Efficiency(rows);
        double inputGradient = (double)inChannels * chunkBands * rows / Efficiency(stride);
        double copies = ((bands - 1) * stride) + bandWidth + ((bands + chunkBands - 1) * rows) + outChannels + inChannels;
        return (2 * product) + inputGradient + (CopyCostPerRow * copies);
    }

    /// <summary>The window start of the i-th filter in sorted order after rotating by <paramref name="rotation"/>, unwrapped so that it never decreases.</summary>
    private static long Unwrapped(int inChannels, int[] starts, int[] order, int rotation, int i)
    {
        int outChannels = starts.Length;
        int source = (i + rotation) % outChannels;
        return starts[order[source]] + (i + rotation >= outChannels ? inChannels : 0L);
    }

    /// <summary>The band of the i-th filter: filters are dealt in order, as evenly as possible.</summary>
    private static long Band(int i, int bands, int outChannels) => (long)i * bands / outChannels;

    private static int Mod(long value, int modulus) => (int)(((value % modulus) + modulus) % modulus);

    private static RollingBandPlan Build(int inChannels, int[] starts, int width, int[] order, Candidate plan)
    {
        int outChannels = starts.Length;
        int bands = plan.Bands;
        int rows = plan.Rows;
        int stride = inChannels / bands;
        int chunkBands = ((plan.BandWidth - 1) / stride) + 1;
        var slotOfFilter = new long[outChannels];
        var filterOfSlot = Enumerable.Repeat(-1L, bands * rows).ToArray();
        var packIndex = new long[outChannels * width];
        var chunkPackIndex = new long[outChannels * width];
        for (int i = 0; i < outChannels; i++)
        {
            int filter = order[(i + plan.Rotation) % outChannels];
            long band = Band(i, bands, outChannels);
            long firstOfBand = ((band * outChannels) + bands - 1) / bands;
            long row = i - firstOfBand;
            long slot = (band * rows) + row;
            slotOfFilter[filter] = slot;
            filterOfSlot[slot] = filter;
            long offset = Unwrapped(inChannels, starts, order, plan.Rotation, i) - plan.Offset - (band * stride);
            for (int k = 0; k < width; k++)
            {
                packIndex[((long)filter * width) + k] = (slot * plan.BandWidth) + offset + k;

                // The weight multiplies row r of the extended input; its input gradient goes to chunk r / d, where
                // this band is the (band - (r / d - K + 1))-th of the K bands that overlap the chunk.
                long extendedRow = (band * stride) + offset + k;
                long chunk = extendedRow / stride;
                long rowInChunk = extendedRow - (chunk * stride);
                long bandInChunk = band - (chunk - chunkBands + 1);
                chunkPackIndex[((long)filter * width) + k] =
                    ((((Mod(chunk, bands) * (long)stride) + rowInChunk) * chunkBands * rows) + (bandInChunk * rows)) + row;
            }
        }

        return new RollingBandPlan(inChannels, outChannels, width, bands, rows, plan.Offset, plan.BandWidth, slotOfFilter, filterOfSlot, packIndex, chunkPackIndex);
    }

    private static Tensor Index(long[] values) => tensor(values).DetachFromDisposeScope();

    private sealed record Candidate(int Bands, int Rows, int Rotation, int Offset, int BandWidth, double Cost);
}
