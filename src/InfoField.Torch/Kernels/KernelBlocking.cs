using System.Runtime.Intrinsics.X86;

namespace InfoField.Torch.Kernels;

/// <summary>
/// How the banded kernels block one product: the lane width, the vectors per register tile, and how many samples are
/// taken at a time so that the planes every block reads stay in cache. Chosen per width and plane size from the
/// measurements in docs/performance.md.
/// </summary>
/// <param name="Lanes">The SIMD width.</param>
/// <param name="TileVectors">Vectors per tile: 2 or 4.</param>
/// <param name="Chunk">Samples per chunk of the banded sums, at least 1.</param>
/// <param name="CrossChunk">
/// Samples per chunk of the weight gradient, at least 1: at least <see cref="CrossPositions"/> positions, so that the
/// lane sums that end each chunk's products stay a small share of the work on small planes, and otherwise
/// <paramref name="Chunk"/>, so that the chunk's planes stay in cache.
/// </param>
internal readonly record struct KernelBlocking(LaneWidth Lanes, int TileVectors, int Chunk, int CrossChunk)
{
    /// <summary>The fewest positions a chunk of the weight gradient spans.</summary>
    internal const int CrossPositions = 256;

    /// <summary>Bytes of one chunk's planes (read and written) that the kernels aim to keep in cache.</summary>
    internal const int ChunkBytes = 512 * 1024;

    /// <summary>
    /// <paramref name="asked"/> with its width resolved (<see cref="LaneWidth.Auto"/>: the widest that fits), or, when
    /// none is asked for, the blocking <see cref="For"/> chooses.
    /// </summary>
    public static KernelBlocking Resolve(KernelBlocking? asked, PlaneLayout layout, int elementSize) =>
        asked is { } given
            ? given with { Lanes = RollingKernels.Pick(given.Lanes, layout.Positions, elementSize) }
            : For(LaneWidth.Auto, layout, elementSize);

    /// <summary>The blocking for <paramref name="layout"/> with elements of <paramref name="elementSize"/> bytes at the width <paramref name="asked"/> (or the widest that fits).</summary>
    public static KernelBlocking For(LaneWidth asked, PlaneLayout layout, int elementSize)
    {
        LaneWidth lanes = RollingKernels.Pick(asked, layout.Positions, elementSize);
        long sampleBytes = Math.Max(1L, (long)(layout.InputPlanes + layout.OutputPlanes) * layout.Positions * elementSize);
        int chunk = (int)Math.Clamp(ChunkBytes / sampleBytes, 1, Math.Max(1, layout.Samples));
        int crossChunk = Math.Clamp(Math.Max(chunk, (CrossPositions + layout.Positions - 1) / Math.Max(1, layout.Positions)), 1, Math.Max(1, layout.Samples));
        return new KernelBlocking(lanes, TileFor(), TuningOverride("INFOFIELD_RPW_CHUNK", chunk), TuningOverride("INFOFIELD_RPW_CROSS_CHUNK", crossChunk));
    }

    /// <summary>
    /// Four vectors per tile (16 accumulators) need the 32 vector registers of AVX-512; with 16 registers (AVX2, SSE,
    /// or AVX-512 turned off) a tile of two keeps every accumulator and operand in a register.
    /// </summary>
    private static int TileFor() =>
        TuningOverride("INFOFIELD_RPW_TILE", Avx512F.IsSupported || !X86Base.IsSupported ? 4 : 2);

    private static int TuningOverride(string name, int value) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int forced) && forced > 0 ? forced : value;
}
