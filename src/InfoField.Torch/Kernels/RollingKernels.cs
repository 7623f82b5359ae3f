using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace InfoField.Torch.Kernels;

/// <summary>The SIMD width the kernels run at; <see cref="Auto"/> picks the widest the processor accelerates and the planes fill.</summary>
internal enum LaneWidth
{
    /// <summary>The widest accelerated width no longer than a plane.</summary>
    Auto,

    /// <summary>512-bit registers.</summary>
    Bits512,

    /// <summary>256-bit registers.</summary>
    Bits256,

    /// <summary>128-bit registers.</summary>
    Bits128,
}

/// <summary>
/// Runs the banded kernels of a <see cref="RollingPlan"/> on contiguous CPU tensors of float32 or float64, spread over
/// as many threads as libtorch uses (blocks write disjoint rows, so no two threads touch the same result).
/// </summary>
internal static unsafe class RollingKernels
{
    /// <summary>True for tensors the kernels take: on the CPU, float32 or float64.</summary>
    public static bool Supports(Tensor tensor) =>
        tensor.device_type == TorchSharp.DeviceType.CPU && (tensor.dtype == ScalarType.Float32 || tensor.dtype == ScalarType.Float64);

    /// <summary>output (N, C_out, P) = RPW of input (N, C_in, P).</summary>
    public static void Forward(RollingPlan plan, Tensor input, Tensor weight, Tensor output, KernelBlocking? blocking = null) =>
        RunSum(plan.Forward, weight, input, output, Layout(input, plan.InChannels, plan.OutChannels), blocking);

    /// <summary>inputGradient (N, C_in, P) from outputGradient (N, C_out, P).</summary>
    public static void InputGradient(RollingPlan plan, Tensor outputGradient, Tensor weight, Tensor inputGradient, KernelBlocking? blocking = null) =>
        RunSum(plan.InputGradient, weight, outputGradient, inputGradient, Layout(outputGradient, plan.OutChannels, plan.InChannels), blocking);

    /// <summary>weightGradient (C_out, w) from outputGradient (N, C_out, P) and input (N, C_in, P).</summary>
    public static void WeightGradient(RollingPlan plan, Tensor outputGradient, Tensor input, Tensor weightGradient, KernelBlocking? asked = null)
    {
        var layout = Layout(input, plan.InChannels, plan.OutChannels);
        BandSet bands = plan.Forward;
        if (input.dtype == ScalarType.Float32)
        {
            var blocking = KernelBlocking.Resolve(asked, layout, sizeof(float));
            Parallel(bands.Blocks, (from, to) =>
            {
                fixed (byte* g = outputGradient.bytes, x = input.bytes, w = weightGradient.bytes)
                {
                    Cross<float>(bands, (float*)g, (float*)x, (float*)w, layout, from, to, blocking);
                }
            });
        }
        else
        {
            var blocking = KernelBlocking.Resolve(asked, layout, sizeof(double));
            Parallel(bands.Blocks, (from, to) =>
            {
                fixed (byte* g = outputGradient.bytes, x = input.bytes, w = weightGradient.bytes)
                {
                    Cross<double>(bands, (double*)g, (double*)x, (double*)w, layout, from, to, blocking);
                }
            });
        }
    }

    private static void RunSum(BandSet bands, Tensor weight, Tensor source, Tensor result, PlaneLayout layout, KernelBlocking? asked)
    {
        if (source.dtype == ScalarType.Float32)
        {
            float[] coefficients = new float[bands.Sources.Length];
            bands.FillCoefficients<float>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(weight.bytes), coefficients);
            var blocking = KernelBlocking.Resolve(asked, layout, sizeof(float));
            Parallel(bands.Blocks, (from, to) =>
            {
                fixed (float* c = coefficients)
                fixed (byte* x = source.bytes, y = result.bytes)
                {
                    Sum<float>(bands, c, (float*)x, (float*)y, layout, from, to, blocking);
                }
            });
        }
        else
        {
            double[] coefficients = new double[bands.Sources.Length];
            bands.FillCoefficients<double>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(weight.bytes), coefficients);
            var blocking = KernelBlocking.Resolve(asked, layout, sizeof(double));
            Parallel(bands.Blocks, (from, to) =>
            {
                fixed (double* c = coefficients)
                fixed (byte* x = source.bytes, y = result.bytes)
                {
                    Sum<double>(bands, c, (double*)x, (double*)y, layout, from, to, blocking);
                }
            });
        }
    }

    /// <summary>Picks the specialization of <see cref="BandedKernels.Sum"/> for the element type, lane width and tile.</summary>
    private static void Sum<T>(BandSet bands, T* c, T* x, T* y, PlaneLayout layout, int from, int to, KernelBlocking blocking)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            switch (blocking.Lanes)
            {
                case LaneWidth.Bits512: Sum<Float512, Vector512<float>, float>(bands, (float*)c, (float*)x, (float*)y, layout, from, to, blocking); break;
                case LaneWidth.Bits256: Sum<Float256, Vector256<float>, float>(bands, (float*)c, (float*)x, (float*)y, layout, from, to, blocking); break;
                default: Sum<Float128, Vector128<float>, float>(bands, (float*)c, (float*)x, (float*)y, layout, from, to, blocking); break;
            }
        }
        else
        {
            switch (blocking.Lanes)
            {
                case LaneWidth.Bits512: Sum<Double512, Vector512<double>, double>(bands, (double*)c, (double*)x, (double*)y, layout, from, to, blocking); break;
                case LaneWidth.Bits256: Sum<Double256, Vector256<double>, double>(bands, (double*)c, (double*)x, (double*)y, layout, from, to, blocking); break;
                default: Sum<Double128, Vector128<double>, double>(bands, (double*)c, (double*)x, (double*)y, layout, from, to, blocking); break;
            }
        }
    }

    private static void Sum<TLanes, TVector, T>(BandSet bands, T* c, T* x, T* y, PlaneLayout layout, int from, int to, KernelBlocking blocking)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        if (blocking.TileVectors == 4)
        {
            BandedKernels.Sum<TLanes, TVector, T, Tile4>(bands, c, x, y, layout, from, to, blocking.Chunk);
        }
        else
        {
            BandedKernels.Sum<TLanes, TVector, T, Tile2>(bands, c, x, y, layout, from, to, blocking.Chunk);
        }
    }

    /// <summary>Picks the specialization of <see cref="BandedKernels.Cross"/> for the element type, lane width and tile.</summary>
    private static void Cross<T>(BandSet bands, T* g, T* x, T* w, PlaneLayout layout, int from, int to, KernelBlocking blocking)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            switch (blocking.Lanes)
            {
                case LaneWidth.Bits512: Cross<Float512, Vector512<float>, float>(bands, (float*)g, (float*)x, (float*)w, layout, from, to, blocking); break;
                case LaneWidth.Bits256: Cross<Float256, Vector256<float>, float>(bands, (float*)g, (float*)x, (float*)w, layout, from, to, blocking); break;
                default: Cross<Float128, Vector128<float>, float>(bands, (float*)g, (float*)x, (float*)w, layout, from, to, blocking); break;
            }
        }
        else
        {
            switch (blocking.Lanes)
            {
                case LaneWidth.Bits512: Cross<Double512, Vector512<double>, double>(bands, (double*)g, (double*)x, (double*)w, layout, from, to, blocking); break;
                case LaneWidth.Bits256: Cross<Double256, Vector256<double>, double>(bands, (double*)g, (double*)x, (double*)w, layout, from, to, blocking); break;
                default: Cross<Double128, Vector128<double>, double>(bands, (double*)g, (double*)x, (double*)w, layout, from, to, blocking); break;
            }
        }
    }

    private static void Cross<TLanes, TVector, T>(BandSet bands, T* g, T* x, T* w, PlaneLayout layout, int from, int to, KernelBlocking blocking)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        if (blocking.TileVectors == 4)
        {
            BandedKernels.Cross<TLanes, TVector, T, Tile4>(bands, g, x, w, layout, from, to, blocking.CrossChunk);
        }
        else
        {
            BandedKernels.Cross<TLanes, TVector, T, Tile2>(bands, g, x, w, layout, from, to, blocking.CrossChunk);
        }
    }

    /// <summary>The widest SIMD width, in bits, the runtime accelerates: 512, 256 or 128.</summary>
    public static int WidestBits => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    /// <summary>The register width of <paramref name="lanes"/> in bits (<see cref="LaneWidth.Auto"/> is not a width).</summary>
    public static int Bits(LaneWidth lanes) => lanes switch
    {
        LaneWidth.Bits512 => 512,
        LaneWidth.Bits256 => 256,
        LaneWidth.Bits128 => 128,
        _ => throw new ArgumentOutOfRangeException(nameof(lanes), lanes, "a width, not Auto"),
    };

    /// <summary>
    /// The width to run at: the one asked for, or the widest accelerated one whose lanes a plane of
    /// <paramref name="positions"/> elements of <paramref name="elementSize"/> bytes fills.
    /// </summary>
    public static LaneWidth Pick(LaneWidth asked, int positions, int elementSize)
    {
        if (asked != LaneWidth.Auto)
        {
            return asked;
        }

        if (Vector512.IsHardwareAccelerated && positions * elementSize >= 64)
        {
            return LaneWidth.Bits512;
        }

        return Vector256.IsHardwareAccelerated && positions * elementSize >= 32 ? LaneWidth.Bits256 : LaneWidth.Bits128;
    }

    private static PlaneLayout Layout(Tensor source, int sourcePlanes, int resultPlanes)
    {
        long positions = source.shape.Skip(2).Aggregate(1L, (product, size) => product * size);
        return new PlaneLayout(checked((int)source.shape[0]), checked((int)positions), sourcePlanes, resultPlanes);
    }

    /// <summary>Runs <paramref name="body"/> over contiguous ranges of <paramref name="blocks"/>, one range per libtorch thread.</summary>
    private static void Parallel(int blocks, Action<int, int> body)
    {
        int threads = Math.Clamp(get_num_threads(), 1, Math.Max(1, blocks));
        if (threads == 1)
        {
            body(0, blocks);
            return;
        }

        System.Threading.Tasks.Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, part =>
            body((int)((long)blocks * part / threads), (int)((long)blocks * (part + 1) / threads)));
    }
}
