using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace InfoField.Torch.Kernels;

/// <summary>
/// The layout of the tensors a banded product reads and writes: N samples of planes of P contiguous positions,
/// C_in planes per input sample and C_out per output sample (contiguous NC... tensors).
/// </summary>
/// <param name="Samples">N.</param>
/// <param name="Positions">P, the product of the spatial dimensions.</param>
/// <param name="InputPlanes">Planes per sample of the tensor read.</param>
/// <param name="OutputPlanes">Planes per sample of the tensor written.</param>
internal readonly record struct PlaneLayout(int Samples, int Positions, int InputPlanes, int OutputPlanes);

/// <summary>
/// How many SIMD vectors a micro-kernel tile spans: four where the processor has 32 vector registers (AVX-512), two
/// where it has 16 (AVX2, SSE), so that a tile's accumulators and operands stay in registers.
/// </summary>
internal interface ITile
{
    /// <summary>2 or 4.</summary>
    static abstract int Vectors { get; }
}

/// <summary>Tiles of four rows by two vectors (8 accumulators).</summary>
internal readonly struct Tile2 : ITile
{
    public static int Vectors => 2;
}

/// <summary>Tiles of four rows by four vectors (16 accumulators).</summary>
internal readonly struct Tile4 : ITile
{
    public static int Vectors => 4;
}

/// <summary>
/// One of the <see cref="BandedKernels"/> as a type, so that the dispatch to an element type, lane width and tile is
/// written once (<c>RollingKernels.Run</c>) and specialized for each kernel.
/// </summary>
internal unsafe interface IBandedKernel
{
    /// <summary>The samples per cache chunk this kernel runs with.</summary>
    static abstract int Chunk(KernelBlocking blocking);

    /// <summary>Runs the kernel on blocks <paramref name="from"/> to <paramref name="to"/> (exclusive) with operands a, b and result c.</summary>
    static abstract void Run<TLanes, TVector, T, TTile>(BandSet bands, T* a, T* b, T* c, PlaneLayout layout, int from, int to, int chunk)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged, INumberBase<T>
        where TTile : struct, ITile;
}

/// <summary><see cref="BandedKernels.Sum"/>: a = coefficients, b = source planes, c = result planes.</summary>
internal readonly unsafe struct SumKernel : IBandedKernel
{
    public static int Chunk(KernelBlocking blocking) => blocking.Chunk;

    public static void Run<TLanes, TVector, T, TTile>(BandSet bands, T* a, T* b, T* c, PlaneLayout layout, int from, int to, int chunk)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged, INumberBase<T>
        where TTile : struct, ITile =>
        BandedKernels.Sum<TLanes, TVector, T, TTile>(bands, a, b, c, layout, from, to, chunk);
}

/// <summary><see cref="BandedKernels.Cross"/>: a = output gradient, b = input, c = weight gradient.</summary>
internal readonly unsafe struct CrossKernel : IBandedKernel
{
    public static int Chunk(KernelBlocking blocking) => blocking.CrossChunk;

    public static void Run<TLanes, TVector, T, TTile>(BandSet bands, T* a, T* b, T* c, PlaneLayout layout, int from, int to, int chunk)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged, INumberBase<T>
        where TTile : struct, ITile =>
        BandedKernels.Cross<TLanes, TVector, T, TTile>(bands, a, b, c, layout, from, to, chunk);
}

/// <summary>
/// Register-blocked kernels for banded products of planes, the core of the fast RPW. A tile holds four rows by
/// <see cref="ITile.Vectors"/> vectors of accumulators; for each plane of the block's run it loads those vectors and
/// four coefficients and does four fused multiply-adds per vector, so every loaded vector serves four rows. Samples are
/// taken in chunks that stay in cache while every block of the range reads them. Positions that do not fill a vector
/// are done one by one. The <c>TTile.Vectors == 4</c> tests are constants of each specialization, so the JIT drops the
/// code of the columns a tile does not have. The kernels (and the weight gradient's per-block part) are compiled fully
/// optimized on first call (<see cref="MethodImplOptions.AggressiveOptimization"/>): each call runs for milliseconds,
/// and the tiered JIT's first versions (unoptimized, then on-stack replacement) kept accumulators on the stack for a
/// benchmark's first rounds.
/// </summary>
internal static unsafe class BandedKernels
{
    /// <summary>
    /// Result rows = banded sums of input planes, for the blocks <paramref name="fromBlock"/> to <paramref name="toBlock"/>
    /// (exclusive), <paramref name="chunk"/> samples at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sum<TLanes, TVector, T, TTile>(BandSet bands, T* coefficients, T* input, T* output, PlaneLayout layout, int fromBlock, int toBlock, int chunk)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged, INumberBase<T>
        where TTile : struct, ITile
    {
        int lanes = TLanes.Count;
        int vectorsPerSample = layout.Positions / lanes;
        long inSample = (long)layout.InputPlanes * layout.Positions;
        long outSample = (long)layout.OutputPlanes * layout.Positions;
        long plane = layout.Positions;
        fixed (int* planesBase = bands.Planes)
        {
            for (int first = 0; first < layout.Samples; first += chunk)
            {
                int last = Math.Min(layout.Samples, first + chunk);
                int fromVector = first * vectorsPerSample, toVector = last * vectorsPerSample;
                for (int b = fromBlock; b < toBlock; b++)
                {
                    int length = bands.BlockLength[b];
                    int* planes = planesBase + bands.BlockStart[b];
                    T* block = coefficients + (4L * bands.BlockStart[b]);
                    long r0 = bands.Slots[4 * b] * plane, r1 = bands.Slots[(4 * b) + 1] * plane, r2 = bands.Slots[(4 * b) + 2] * plane, r3 = bands.Slots[(4 * b) + 3] * plane;

                    // The tile's first vector is vector `within` of sample `sample`; a tile's vectors may lie in
                    // different samples (small planes), and the last tile repeats the chunk's last vector.
                    int tileSample = first, within = 0;
                    for (int v = fromVector; v < toVector; v += TTile.Vectors)
                    {
                        Locate(tileSample, within, 0, vectorsPerSample, last, out int n0, out int p0);
                        Locate(tileSample, within, 1, vectorsPerSample, last, out int n1, out int p1);
                        long in0 = (n0 * inSample) + ((long)p0 * lanes), out0 = (n0 * outSample) + ((long)p0 * lanes);
                        long in1 = (n1 * inSample) + ((long)p1 * lanes), out1 = (n1 * outSample) + ((long)p1 * lanes);
                        long in2 = 0, out2 = 0, in3 = 0, out3 = 0;
                        if (TTile.Vectors == 4)
                        {
                            Locate(tileSample, within, 2, vectorsPerSample, last, out int n2, out int p2);
                            Locate(tileSample, within, 3, vectorsPerSample, last, out int n3, out int p3);
                            in2 = (n2 * inSample) + ((long)p2 * lanes);
                            out2 = (n2 * outSample) + ((long)p2 * lanes);
                            in3 = (n3 * inSample) + ((long)p3 * lanes);
                            out3 = (n3 * outSample) + ((long)p3 * lanes);
                        }

                        within += TTile.Vectors;
                        while (within >= vectorsPerSample)
                        {
                            within -= vectorsPerSample;
                            tileSample++;
                        }

                        TVector a00 = TLanes.Zero, a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                        TVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
                        T* s0 = input + in0, s1 = input + in1, s2 = input + in2, s3 = input + in3;
                        T* c = block;
                        for (int k = 0; k < length; k++, c += 4)
                        {
                            long at = planes[k] * plane;
                            TVector x0 = TLanes.Load(s0 + at), x1 = TLanes.Load(s1 + at), x2 = default, x3 = default;
                            if (TTile.Vectors == 4)
                            {
                                x2 = TLanes.Load(s2 + at);
                                x3 = TLanes.Load(s3 + at);
                            }

                            TVector w = TLanes.Broadcast(c);
                            a00 = TLanes.MultiplyAdd(w, x0, a00);
                            a01 = TLanes.MultiplyAdd(w, x1, a01);
                            if (TTile.Vectors == 4)
                            {
                                a02 = TLanes.MultiplyAdd(w, x2, a02);
                                a03 = TLanes.MultiplyAdd(w, x3, a03);
                            }

                            w = TLanes.Broadcast(c + 1);
                            a10 = TLanes.MultiplyAdd(w, x0, a10);
                            a11 = TLanes.MultiplyAdd(w, x1, a11);
                            if (TTile.Vectors == 4)
                            {
                                a12 = TLanes.MultiplyAdd(w, x2, a12);
                                a13 = TLanes.MultiplyAdd(w, x3, a13);
                            }

                            w = TLanes.Broadcast(c + 2);
                            a20 = TLanes.MultiplyAdd(w, x0, a20);
                            a21 = TLanes.MultiplyAdd(w, x1, a21);
                            if (TTile.Vectors == 4)
                            {
                                a22 = TLanes.MultiplyAdd(w, x2, a22);
                                a23 = TLanes.MultiplyAdd(w, x3, a23);
                            }

                            w = TLanes.Broadcast(c + 3);
                            a30 = TLanes.MultiplyAdd(w, x0, a30);
                            a31 = TLanes.MultiplyAdd(w, x1, a31);
                            if (TTile.Vectors == 4)
                            {
                                a32 = TLanes.MultiplyAdd(w, x2, a32);
                                a33 = TLanes.MultiplyAdd(w, x3, a33);
                            }
                        }

                        T* o0 = output + out0, o1 = output + out1;
                        TLanes.Store(a00, o0 + r0);
                        TLanes.Store(a01, o1 + r0);
                        TLanes.Store(a10, o0 + r1);
                        TLanes.Store(a11, o1 + r1);
                        TLanes.Store(a20, o0 + r2);
                        TLanes.Store(a21, o1 + r2);
                        TLanes.Store(a30, o0 + r3);
                        TLanes.Store(a31, o1 + r3);
                        if (TTile.Vectors == 4)
                        {
                            T* o2 = output + out2, o3 = output + out3;
                            TLanes.Store(a02, o2 + r0);
                            TLanes.Store(a03, o3 + r0);
                            TLanes.Store(a12, o2 + r1);
                            TLanes.Store(a13, o3 + r1);
                            TLanes.Store(a22, o2 + r2);
                            TLanes.Store(a23, o3 + r2);
                            TLanes.Store(a32, o2 + r3);
                            TLanes.Store(a33, o3 + r3);
                        }
                    }

                    // Positions past the last full vector of each sample, one by one.
                    for (int position = vectorsPerSample * lanes; position < layout.Positions; position++)
                    {
                        for (int sample = first; sample < last; sample++)
                        {
                            T* source = input + (sample * inSample) + position;
                            T* target = output + (sample * outSample) + position;
                            for (int q = 0; q < 4; q++)
                            {
                                T sum = T.Zero;
                                for (int k = 0; k < length; k++)
                                {
                                    sum += block[(4 * k) + q] * source[planes[k] * plane];
                                }

                                target[bands.Slots[(4 * b) + q] * plane] = sum;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The weight gradient of the forward bands: for each block, the products of its four rows' output-gradient planes
    /// with each plane of its run, summed over samples and positions (<paramref name="chunk"/> samples at a time, every
    /// block of the range reading a chunk while it is in cache), scattered into <paramref name="gradient"/> (C_out x w)
    /// through the bands' coefficient sources. Each chunk ends a tile's register sums with a tree of pair sums that
    /// yields all of the tile's lane sums in one or a few registers, added to the tile's slot.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Cross<TLanes, TVector, T, TTile>(BandSet bands, T* outputGradient, T* input, T* gradient, PlaneLayout layout, int fromBlock, int toBlock, int chunk)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged, INumberBase<T>
        where TTile : struct, ITile
    {
        int lanes = TLanes.Count;

        // Each block's sums, one slot per tile of planes: slot element q x V + j is row q times plane k + j of the tile.
        int tileSums = 4 * TTile.Vectors, slot = Math.Max(tileSums, lanes);
        int tiles = (bands.BlockLength.Max() + TTile.Vectors - 1) / TTile.Vectors;
        int blockSums = tiles * slot;
        T[] rented = ArrayPool<T>.Shared.Rent(Math.Max(1, (toBlock - fromBlock) * blockSums));
        try
        {
            Array.Clear(rented);
            fixed (int* planesBase = bands.Planes)
            fixed (T* sumsBase = rented)
            {
                for (int first = 0; first < layout.Samples; first += chunk)
                {
                    int last = Math.Min(layout.Samples, first + chunk);
                    for (int b = fromBlock; b < toBlock; b++)
                    {
                        CrossBlock<TLanes, TVector, T, TTile>(bands, b, planesBase, outputGradient, input, sumsBase + ((long)(b - fromBlock) * blockSums), layout, first, last);
                    }
                }

                for (int b = fromBlock; b < toBlock; b++)
                {
                    int length = bands.BlockLength[b];
                    T* sums = sumsBase + ((long)(b - fromBlock) * blockSums);
                    int sourceBase = 4 * bands.BlockStart[b];
                    for (int q = 0; q < 4; q++)
                    {
                        for (int k = 0; k < length; k++)
                        {
                            int source = bands.Sources[sourceBase + (4 * k) + q];
                            if (source >= 0)
                            {
                                gradient[source] = sums[SumIndex<TTile>(slot, q, k)];
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>Where the sum of row <paramref name="q"/> times plane <paramref name="k"/> of a block sits among its tile slots.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SumIndex<TTile>(int slot, int q, int k)
        where TTile : struct, ITile =>
        (k / TTile.Vectors * slot) + (q * TTile.Vectors) + (k % TTile.Vectors);

    /// <summary>Adds block <paramref name="b"/>'s products over samples <paramref name="first"/> to <paramref name="last"/> (exclusive) to its tile slots.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CrossBlock<TLanes, TVector, T, TTile>(BandSet bands, int b, int* planesBase, T* outputGradient, T* input, T* sums, PlaneLayout layout, int first, int last)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged, INumberBase<T>
        where TTile : struct, ITile
    {
        int lanes = TLanes.Count;
        int fullPositions = layout.Positions / lanes * lanes;
        long gradientSample = (long)layout.OutputPlanes * layout.Positions;
        long inputSample = (long)layout.InputPlanes * layout.Positions;
        long plane = layout.Positions;
        int slot = Math.Max(4 * TTile.Vectors, lanes);
        int length = bands.BlockLength[b];
        int* planes = planesBase + bands.BlockStart[b];
        long g0 = bands.Slots[4 * b] * plane, g1 = bands.Slots[(4 * b) + 1] * plane, g2 = bands.Slots[(4 * b) + 2] * plane, g3 = bands.Slots[(4 * b) + 3] * plane;
        for (int k = 0; k < length; k += TTile.Vectors)
        {
            long x0 = planes[k] * plane, x1 = planes[Math.Min(k + 1, length - 1)] * plane;
            long x2 = planes[Math.Min(k + 2, length - 1)] * plane, x3 = planes[Math.Min(k + 3, length - 1)] * plane;
            TVector a00 = TLanes.Zero, a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            TVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
            for (int sample = first; sample < last; sample++)
            {
                T* g = outputGradient + (sample * gradientSample);
                T* x = input + (sample * inputSample);
                for (int p = 0; p < fullPositions; p += lanes)
                {
                    // One pointer per operand and position, so each load is a single base-plus-scaled-offset address.
                    T* xp = x + p, gp = g + p;
                    TVector u0 = TLanes.Load(xp + x0), u1 = TLanes.Load(xp + x1), u2 = default, u3 = default;
                    if (TTile.Vectors == 4)
                    {
                        u2 = TLanes.Load(xp + x2);
                        u3 = TLanes.Load(xp + x3);
                    }

                    TVector e = TLanes.Load(gp + g0);
                    a00 = TLanes.MultiplyAdd(e, u0, a00);
                    a01 = TLanes.MultiplyAdd(e, u1, a01);
                    if (TTile.Vectors == 4)
                    {
                        a02 = TLanes.MultiplyAdd(e, u2, a02);
                        a03 = TLanes.MultiplyAdd(e, u3, a03);
                    }

                    e = TLanes.Load(gp + g1);
                    a10 = TLanes.MultiplyAdd(e, u0, a10);
                    a11 = TLanes.MultiplyAdd(e, u1, a11);
                    if (TTile.Vectors == 4)
                    {
                        a12 = TLanes.MultiplyAdd(e, u2, a12);
                        a13 = TLanes.MultiplyAdd(e, u3, a13);
                    }

                    e = TLanes.Load(gp + g2);
                    a20 = TLanes.MultiplyAdd(e, u0, a20);
                    a21 = TLanes.MultiplyAdd(e, u1, a21);
                    if (TTile.Vectors == 4)
                    {
                        a22 = TLanes.MultiplyAdd(e, u2, a22);
                        a23 = TLanes.MultiplyAdd(e, u3, a23);
                    }

                    e = TLanes.Load(gp + g3);
                    a30 = TLanes.MultiplyAdd(e, u0, a30);
                    a31 = TLanes.MultiplyAdd(e, u1, a31);
                    if (TTile.Vectors == 4)
                    {
                        a32 = TLanes.MultiplyAdd(e, u2, a32);
                        a33 = TLanes.MultiplyAdd(e, u3, a33);
                    }
                }
            }

            T* at = sums + (k / TTile.Vectors * slot);
            if (TTile.Vectors == 4)
            {
                AddSums<TLanes, TVector, T>(at, a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33);
            }
            else
            {
                AddSums<TLanes, TVector, T>(at, a00, a01, a10, a11, a20, a21, a30, a31);
            }
        }

        // Positions past the last full vector of each sample, one by one.
        if (fullPositions < layout.Positions)
        {
            for (int sample = first; sample < last; sample++)
            {
                T* g = outputGradient + (sample * gradientSample);
                T* x = input + (sample * inputSample);
                for (int q = 0; q < 4; q++)
                {
                    T* row = g + (bands.Slots[(4 * b) + q] * plane);
                    for (int k = 0; k < length; k++)
                    {
                        T* column = x + (planes[k] * plane);
                        T sum = T.Zero;
                        for (int p = fullPositions; p < layout.Positions; p++)
                        {
                            sum += row[p] * column[p];
                        }

                        sums[SumIndex<TTile>(slot, q, k)] += sum;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adds the lane sums of 16 registers to <paramref name="target"/>[0..16) in order, by a tree of
    /// <see cref="ILanes{TVector, T}.PairSum"/> steps that stops once each lane holds a whole register's sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSums<TLanes, TVector, T>(T* target, TVector v0, TVector v1, TVector v2, TVector v3, TVector v4, TVector v5, TVector v6, TVector v7, TVector v8, TVector v9, TVector v10, TVector v11, TVector v12, TVector v13, TVector v14, TVector v15)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged
    {
        int n = TLanes.Count;
        TVector b0 = TLanes.PairSum(v0, v1), b1 = TLanes.PairSum(v2, v3), b2 = TLanes.PairSum(v4, v5), b3 = TLanes.PairSum(v6, v7);
        TVector b4 = TLanes.PairSum(v8, v9), b5 = TLanes.PairSum(v10, v11), b6 = TLanes.PairSum(v12, v13), b7 = TLanes.PairSum(v14, v15);
        if (n == 2)
        {
            Accumulate<TLanes, TVector, T>(target, b0, b1, b2, b3);
            Accumulate<TLanes, TVector, T>(target + 8, b4, b5, b6, b7);
            return;
        }

        TVector c0 = TLanes.PairSum(b0, b1), c1 = TLanes.PairSum(b2, b3), c2 = TLanes.PairSum(b4, b5), c3 = TLanes.PairSum(b6, b7);
        if (n == 4)
        {
            Accumulate<TLanes, TVector, T>(target, c0, c1, c2, c3);
            return;
        }

        TVector d0 = TLanes.PairSum(c0, c1), d1 = TLanes.PairSum(c2, c3);
        if (n == 8)
        {
            Accumulate<TLanes, TVector, T>(target, d0, d1);
            return;
        }

        Accumulate<TLanes, TVector, T>(target, TLanes.PairSum(d0, d1));
    }

    /// <summary>The eight-register form of <see cref="AddSums{TLanes, TVector, T}(T*, TVector, TVector, TVector, TVector, TVector, TVector, TVector, TVector, TVector, TVector, TVector, TVector, TVector, TVector, TVector, TVector)"/> (target[0..max(8, lanes))).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSums<TLanes, TVector, T>(T* target, TVector v0, TVector v1, TVector v2, TVector v3, TVector v4, TVector v5, TVector v6, TVector v7)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged
    {
        int n = TLanes.Count;
        TVector b0 = TLanes.PairSum(v0, v1), b1 = TLanes.PairSum(v2, v3), b2 = TLanes.PairSum(v4, v5), b3 = TLanes.PairSum(v6, v7);
        if (n == 2)
        {
            Accumulate<TLanes, TVector, T>(target, b0, b1, b2, b3);
            return;
        }

        TVector c0 = TLanes.PairSum(b0, b1), c1 = TLanes.PairSum(b2, b3);
        if (n == 4)
        {
            Accumulate<TLanes, TVector, T>(target, c0, c1);
            return;
        }

        TVector d0 = TLanes.PairSum(c0, c1);
        if (n == 8)
        {
            Accumulate<TLanes, TVector, T>(target, d0);
            return;
        }

        // 16 lanes: the eight sums fill the first half; the second half adds zeros to the slot's unused end.
        Accumulate<TLanes, TVector, T>(target, TLanes.PairSum(d0, TLanes.Zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<TLanes, TVector, T>(T* target, TVector value)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged =>
        TLanes.Store(TLanes.Add(TLanes.Load(target), value), target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<TLanes, TVector, T>(T* target, TVector v0, TVector v1)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged
    {
        Accumulate<TLanes, TVector, T>(target, v0);
        Accumulate<TLanes, TVector, T>(target + TLanes.Count, v1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<TLanes, TVector, T>(T* target, TVector v0, TVector v1, TVector v2, TVector v3)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged
    {
        Accumulate<TLanes, TVector, T>(target, v0, v1);
        Accumulate<TLanes, TVector, T>(target + (2 * TLanes.Count), v2, v3);
    }

    /// <summary>
    /// The sample and the vector within it of the vector <paramref name="offset"/> places after vector
    /// <paramref name="within"/> of sample <paramref name="sample"/>; past the chunk's end (<paramref name="last"/>), its last vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Locate(int sample, int within, int offset, int vectorsPerSample, int last, out int atSample, out int atVector)
    {
        atSample = sample;
        atVector = within + offset;
        while (atVector >= vectorsPerSample)
        {
            atVector -= vectorsPerSample;
            atSample++;
        }

        if (atSample >= last)
        {
            atSample = last - 1;
            atVector = vectorsPerSample - 1;
        }
    }
}
