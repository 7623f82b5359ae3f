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
    public static void Forward(RollingPlan plan, Tensor input, Tensor weight, Tensor output, LaneWidth width = LaneWidth.Auto) =>
        RunSum(plan.Forward, weight, input, output, Layout(input, plan.InChannels, plan.OutChannels), width);

    /// <summary>inputGradient (N, C_in, P) from outputGradient (N, C_out, P).</summary>
    public static void InputGradient(RollingPlan plan, Tensor outputGradient, Tensor weight, Tensor inputGradient, LaneWidth width = LaneWidth.Auto) =>
        RunSum(plan.InputGradient, weight, outputGradient, inputGradient, Layout(outputGradient, plan.OutChannels, plan.InChannels), width);

    /// <summary>weightGradient (C_out, w) from outputGradient (N, C_out, P) and input (N, C_in, P).</summary>
    public static void WeightGradient(RollingPlan plan, Tensor outputGradient, Tensor input, Tensor weightGradient, LaneWidth width = LaneWidth.Auto)
    {
        var layout = Layout(input, plan.InChannels, plan.OutChannels);
        BandSet bands = plan.Forward;
        Parallel(bands.Blocks, (from, to) =>
        {
            if (input.dtype == ScalarType.Float32)
            {
                fixed (byte* g = outputGradient.bytes, x = input.bytes, w = weightGradient.bytes)
                {
                    CrossFloat((float*)g, (float*)x, (float*)w, bands, layout, from, to, Pick(width, layout.Positions, 16, 8));
                }
            }
            else
            {
                fixed (byte* g = outputGradient.bytes, x = input.bytes, w = weightGradient.bytes)
                {
                    CrossDouble((double*)g, (double*)x, (double*)w, bands, layout, from, to, Pick(width, layout.Positions, 8, 4));
                }
            }
        });
    }

    private static void RunSum(BandSet bands, Tensor weight, Tensor source, Tensor result, PlaneLayout layout, LaneWidth width)
    {
        if (source.dtype == ScalarType.Float32)
        {
            float[] coefficients = new float[bands.Sources.Length];
            bands.FillCoefficients<float>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(weight.bytes), coefficients);
            LaneWidth lanes = Pick(width, layout.Positions, 16, 8);
            Parallel(bands.Blocks, (from, to) =>
            {
                fixed (float* c = coefficients)
                fixed (byte* x = source.bytes, y = result.bytes)
                {
                    SumFloat(bands, c, (float*)x, (float*)y, layout, from, to, lanes);
                }
            });
        }
        else
        {
            double[] coefficients = new double[bands.Sources.Length];
            bands.FillCoefficients<double>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(weight.bytes), coefficients);
            LaneWidth lanes = Pick(width, layout.Positions, 8, 4);
            Parallel(bands.Blocks, (from, to) =>
            {
                fixed (double* c = coefficients)
                fixed (byte* x = source.bytes, y = result.bytes)
                {
                    SumDouble(bands, c, (double*)x, (double*)y, layout, from, to, lanes);
                }
            });
        }
    }

    private static void SumFloat(BandSet bands, float* c, float* x, float* y, PlaneLayout layout, int from, int to, LaneWidth lanes)
    {
        switch (lanes)
        {
            case LaneWidth.Bits512:
                BandedKernels.Sum<Float512, Vector512<float>, float>(bands, c, x, y, layout, from, to);
                break;
            case LaneWidth.Bits256:
                BandedKernels.Sum<Float256, Vector256<float>, float>(bands, c, x, y, layout, from, to);
                break;
            default:
                BandedKernels.Sum<Float128, Vector128<float>, float>(bands, c, x, y, layout, from, to);
                break;
        }
    }

    private static void SumDouble(BandSet bands, double* c, double* x, double* y, PlaneLayout layout, int from, int to, LaneWidth lanes)
    {
        switch (lanes)
        {
            case LaneWidth.Bits512:
                BandedKernels.Sum<Double512, Vector512<double>, double>(bands, c, x, y, layout, from, to);
                break;
            case LaneWidth.Bits256:
                BandedKernels.Sum<Double256, Vector256<double>, double>(bands, c, x, y, layout, from, to);
                break;
            default:
                BandedKernels.Sum<Double128, Vector128<double>, double>(bands, c, x, y, layout, from, to);
                break;
        }
    }

    private static void CrossFloat(float* g, float* x, float* w, BandSet bands, PlaneLayout layout, int from, int to, LaneWidth lanes)
    {
        switch (lanes)
        {
            case LaneWidth.Bits512:
                BandedKernels.Cross<Float512, Vector512<float>, float>(bands, g, x, w, layout, from, to);
                break;
            case LaneWidth.Bits256:
                BandedKernels.Cross<Float256, Vector256<float>, float>(bands, g, x, w, layout, from, to);
                break;
            default:
                BandedKernels.Cross<Float128, Vector128<float>, float>(bands, g, x, w, layout, from, to);
                break;
        }
    }

    private static void CrossDouble(double* g, double* x, double* w, BandSet bands, PlaneLayout layout, int from, int to, LaneWidth lanes)
    {
        switch (lanes)
        {
            case LaneWidth.Bits512:
                BandedKernels.Cross<Double512, Vector512<double>, double>(bands, g, x, w, layout, from, to);
                break;
            case LaneWidth.Bits256:
                BandedKernels.Cross<Double256, Vector256<double>, double>(bands, g, x, w, layout, from, to);
                break;
            default:
                BandedKernels.Cross<Double128, Vector128<double>, double>(bands, g, x, w, layout, from, to);
                break;
        }
    }

    /// <summary>The width to run at: the one asked for, or the widest accelerated one whose lanes a plane of <paramref name="positions"/> fills.</summary>
    private static LaneWidth Pick(LaneWidth asked, int positions, int lanes512, int lanes256)
    {
        if (asked != LaneWidth.Auto)
        {
            return asked;
        }

        if (Vector512.IsHardwareAccelerated && positions >= lanes512)
        {
            return LaneWidth.Bits512;
        }

        return Vector256.IsHardwareAccelerated && positions >= lanes256 ? LaneWidth.Bits256 : LaneWidth.Bits128;
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
