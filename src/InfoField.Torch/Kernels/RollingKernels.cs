using System.Buffers;
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
        if (input.dtype == ScalarType.Float32)
        {
            RunCross<float>(plan.Forward, outputGradient, input, weightGradient, layout, asked);
        }
        else
        {
            RunCross<double>(plan.Forward, outputGradient, input, weightGradient, layout, asked);
        }
    }

    private static void RunSum(BandSet bands, Tensor weight, Tensor source, Tensor result, PlaneLayout layout, KernelBlocking? asked)
    {
        if (source.dtype == ScalarType.Float32)
        {
            RunSum<float>(bands, weight, source, result, layout, asked);
        }
        else
        {
            RunSum<double>(bands, weight, source, result, layout, asked);
        }
    }

    private static void RunSum<T>(BandSet bands, Tensor weight, Tensor source, Tensor result, PlaneLayout layout, KernelBlocking? asked)
        where T : unmanaged
    {
        // Pooled: the coefficients are rewritten whole every call, and a fresh array of this size would be a large-object
        // allocation (zeroed, and collected only with the whole heap) on every pass.
        T[] coefficients = ArrayPool<T>.Shared.Rent(bands.Sources.Length);
        try
        {
            bands.FillCoefficients<T>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(weight.bytes), coefficients);
            var blocking = KernelBlocking.Resolve(asked, layout, sizeof(T));
            Parallel(bands.Blocks, (from, to) =>
            {
                fixed (T* c = coefficients)
                fixed (byte* x = source.bytes, y = result.bytes)
                {
                    Run<SumKernel, T>(bands, c, (T*)x, (T*)y, layout, from, to, blocking);
                }
            });
        }
        finally
        {
            ArrayPool<T>.Shared.Return(coefficients);
        }
    }

    private static void RunCross<T>(BandSet bands, Tensor outputGradient, Tensor input, Tensor weightGradient, PlaneLayout layout, KernelBlocking? asked)
        where T : unmanaged
    {
        var blocking = KernelBlocking.Resolve(asked, layout, sizeof(T));
        Parallel(bands.Blocks, (from, to) =>
        {
            fixed (byte* g = outputGradient.bytes, x = input.bytes, w = weightGradient.bytes)
            {
                Run<CrossKernel, T>(bands, (T*)g, (T*)x, (T*)w, layout, from, to, blocking);
            }
        });
    }

    /// <summary>Runs <typeparamref name="TKernel"/> specialized for the element type, lane width and tile of <paramref name="blocking"/>.</summary>
    private static void Run<TKernel, T>(BandSet bands, T* a, T* b, T* c, PlaneLayout layout, int from, int to, KernelBlocking blocking)
        where TKernel : struct, IBandedKernel
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            switch (blocking.Lanes)
            {
                case LaneWidth.Bits512: Run<TKernel, Float512, Vector512<float>, float>(bands, (float*)a, (float*)b, (float*)c, layout, from, to, blocking); break;
                case LaneWidth.Bits256: Run<TKernel, Float256, Vector256<float>, float>(bands, (float*)a, (float*)b, (float*)c, layout, from, to, blocking); break;
                default: Run<TKernel, Float128, Vector128<float>, float>(bands, (float*)a, (float*)b, (float*)c, layout, from, to, blocking); break;
            }
        }
        else
        {
            switch (blocking.Lanes)
            {
                case LaneWidth.Bits512: Run<TKernel, Double512, Vector512<double>, double>(bands, (double*)a, (double*)b, (double*)c, layout, from, to, blocking); break;
                case LaneWidth.Bits256: Run<TKernel, Double256, Vector256<double>, double>(bands, (double*)a, (double*)b, (double*)c, layout, from, to, blocking); break;
                default: Run<TKernel, Double128, Vector128<double>, double>(bands, (double*)a, (double*)b, (double*)c, layout, from, to, blocking); break;
            }
        }
    }

    private static void Run<TKernel, TLanes, TVector, T>(BandSet bands, T* a, T* b, T* c, PlaneLayout layout, int from, int to, KernelBlocking blocking)
        where TKernel : struct, IBandedKernel
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        if (blocking.TileVectors == 4)
        {
            TKernel.Run<TLanes, TVector, T, Tile4>(bands, a, b, c, layout, from, to, TKernel.Chunk(blocking));
        }
        else
        {
            TKernel.Run<TLanes, TVector, T, Tile2>(bands, a, b, c, layout, from, to, TKernel.Chunk(blocking));
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
