using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InfoField.Torch.Kernels;

/// <summary>
/// One SIMD register width for element type <typeparamref name="T"/>, as static operations, so a kernel written once
/// over <c>TLanes</c> is specialized by the JIT for each width without any indirection.
/// </summary>
/// <typeparam name="TVector">The register type.</typeparam>
/// <typeparam name="T">The element type.</typeparam>
internal unsafe interface ILanes<TVector, T>
    where TVector : struct
    where T : unmanaged
{
    /// <summary>Elements per register.</summary>
    static abstract int Count { get; }

    /// <summary>All zeros.</summary>
    static abstract TVector Zero { get; }

    /// <summary>Loads <see cref="Count"/> elements.</summary>
    static abstract TVector Load(T* source);

    /// <summary>Stores <see cref="Count"/> elements.</summary>
    static abstract void Store(TVector value, T* target);

    /// <summary>Every lane set to the element at <paramref name="source"/>, loaded straight into the register.</summary>
    static abstract TVector Broadcast(T* source);

    /// <summary><paramref name="a"/> x <paramref name="b"/> + <paramref name="c"/>: one fused instruction where the processor has FMA, a multiply and an add where it has not (SSE only).</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary><paramref name="a"/> + <paramref name="b"/>, lane by lane.</summary>
    static abstract TVector Add(TVector a, TVector b);

    /// <summary>
    /// Sums of adjacent lanes: lane i of the first half is <c>a[2i] + a[2i + 1]</c>, lane i of the second half
    /// <c>b[2i] + b[2i + 1]</c>. Applied as a tree to n registers of n lanes, it leaves one register whose lane i is the
    /// sum of register i: n horizontal sums for the price of n - 1 such steps.
    /// </summary>
    static abstract TVector PairSum(TVector a, TVector b);
}

/// <summary>16 floats (AVX-512).</summary>
internal readonly unsafe struct Float512 : ILanes<Vector512<float>, float>
{
    public static int Count => Vector512<float>.Count;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, float* target) => value.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float* source) => Vector512.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> PairSum(Vector512<float> a, Vector512<float> b) => PairSums.Of(a, b);
}

/// <summary>8 floats (AVX2).</summary>
internal readonly unsafe struct Float256 : ILanes<Vector256<float>, float>
{
    public static int Count => Vector256<float>.Count;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, float* target) => value.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float* source) => Vector256.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> PairSum(Vector256<float> a, Vector256<float> b) => PairSums.Of(a, b);
}

/// <summary>4 floats (SSE, always present on x86-64; NEON on Arm).</summary>
internal readonly unsafe struct Float128 : ILanes<Vector128<float>, float>
{
    public static int Count => Vector128<float>.Count;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, float* target) => value.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float* source) => Avx.IsSupported ? Avx.BroadcastScalarToVector128(source) : Vector128.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> PairSum(Vector128<float> a, Vector128<float> b) => PairSums.Of(a, b);
}

/// <summary>8 doubles (AVX-512).</summary>
internal readonly unsafe struct Double512 : ILanes<Vector512<double>, double>
{
    public static int Count => Vector512<double>.Count;

    public static Vector512<double> Zero => Vector512<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(double* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, double* target) => value.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Broadcast(double* source) => Vector512.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> PairSum(Vector512<double> a, Vector512<double> b) => PairSums.Of(a, b);
}

/// <summary>4 doubles (AVX2).</summary>
internal readonly unsafe struct Double256 : ILanes<Vector256<double>, double>
{
    public static int Count => Vector256<double>.Count;

    public static Vector256<double> Zero => Vector256<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(double* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<double> value, double* target) => value.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Broadcast(double* source) => Vector256.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> PairSum(Vector256<double> a, Vector256<double> b) => PairSums.Of(a, b);
}

/// <summary>2 doubles (SSE2; NEON on Arm).</summary>
internal readonly unsafe struct Double128 : ILanes<Vector128<double>, double>
{
    public static int Count => Vector128<double>.Count;

    public static Vector128<double> Zero => Vector128<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Load(double* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<double> value, double* target) => value.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Broadcast(double* source) => Sse3.IsSupported ? Sse3.LoadAndDuplicateToVector128(source) : Vector128.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MultiplyAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) => Vector128.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> PairSum(Vector128<double> a, Vector128<double> b) => PairSums.Of(a, b);
}

/// <summary>
/// <see cref="ILanes{TVector, T}.PairSum"/> for each register type: AVX-512 two-source permutes and an add, AVX
/// horizontal adds and a permute, SSE3 horizontal adds; without those instructions (hardware intrinsics turned off, or
/// not x86) a wider register is done as two halves and a 128-bit one lane by lane.
/// </summary>
internal static class PairSums
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Of(Vector512<float> a, Vector512<float> b) =>
        Avx512F.IsSupported
            ? Avx512F.PermuteVar16x32x2(a, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b)
              + Avx512F.PermuteVar16x32x2(a, Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b)
            : Vector512.Create(Of(a.GetLower(), a.GetUpper()), Of(b.GetLower(), b.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Of(Vector512<double> a, Vector512<double> b) =>
        Avx512F.IsSupported
            ? Avx512F.PermuteVar8x64x2(a, Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14), b)
              + Avx512F.PermuteVar8x64x2(a, Vector512.Create(1L, 3, 5, 7, 9, 11, 13, 15), b)
            : Vector512.Create(Of(a.GetLower(), a.GetUpper()), Of(b.GetLower(), b.GetUpper()));

    // AVX's horizontal add works within 128-bit halves ([a01 a23 b01 b23 | a45 a67 b45 b67] for floats); a permute of
    // the 64-bit quarters (0, 2, 1, 3) puts a's sums before b's.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Of(Vector256<float> a, Vector256<float> b) =>
        Avx2.IsSupported
            ? Avx2.Permute4x64(Avx.HorizontalAdd(a, b).AsDouble(), 0b11_01_10_00).AsSingle()
            : Vector256.Create(Of(a.GetLower(), a.GetUpper()), Of(b.GetLower(), b.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Of(Vector256<double> a, Vector256<double> b) =>
        Avx2.IsSupported
            ? Avx2.Permute4x64(Avx.HorizontalAdd(a, b), 0b11_01_10_00)
            : Vector256.Create(Of(a.GetLower(), a.GetUpper()), Of(b.GetLower(), b.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Of(Vector128<float> a, Vector128<float> b) =>
        Sse3.IsSupported ? Sse3.HorizontalAdd(a, b) : Vector128.Create(a[0] + a[1], a[2] + a[3], b[0] + b[1], b[2] + b[3]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Of(Vector128<double> a, Vector128<double> b) =>
        Sse3.IsSupported ? Sse3.HorizontalAdd(a, b) : Vector128.Create(a[0] + a[1], b[0] + b[1]);
}
