using System.Diagnostics;
using InfoField.Statistics;
using InfoField.Torch.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoField.Torch.Benchmarks;

/// <summary>A layer shape of the benchmark: C channels in and out, on S x S pixels.</summary>
/// <param name="Channels">C.</param>
/// <param name="Size">S.</param>
public sealed record RpwBenchmarkShape(int Channels, int Size);

/// <summary>What <see cref="RpwBenchmark.Run"/> measures.</summary>
/// <param name="Shapes">The layer shapes.</param>
/// <param name="Groups">The values of g.</param>
/// <param name="Overlaps">The values of o.</param>
/// <param name="Batch">Images per batch.</param>
/// <param name="Repeats">Measured rounds; the median is reported.</param>
/// <param name="Warmup">Rounds run first and discarded.</param>
/// <param name="Threads">Torch intra-op threads during the run (restored afterwards).</param>
/// <param name="Device">Where the layers run: null or the CPU (default), or a CUDA device; there the fast RPW module runs
/// the gather form, so <c>rpw</c> and <c>rpwGather</c> time the same computation.</param>
public sealed record RpwBenchmarkOptions(
    IReadOnlyList<RpwBenchmarkShape> Shapes,
    IReadOnlyList<int> Groups,
    IReadOnlyList<double> Overlaps,
    int Batch = 64,
    int Repeats = 9,
    int Warmup = 2,
    int Threads = 1,
    Device? Device = null)
{
    /// <summary>The layer shapes of VGG16-opt on CIFAR-10: 64, 128, 256 and 512 channels at 32, 16, 8 and 4 pixels.</summary>
    public static IReadOnlyList<RpwBenchmarkShape> VggOptCifar10 { get; } = [new(64, 32), new(128, 16), new(256, 8), new(512, 4)];

    /// <summary>The full benchmark: the VGG16-opt shapes, g in {2, 4, 8}, o in {0.33, 0.5}, batch 64.</summary>
    public static RpwBenchmarkOptions Full { get; } = new(VggOptCifar10, [2, 4, 8], [0.33, 0.5]);

    /// <summary>One tiny case, for smoke tests: 16 channels on 8 x 8, g = 2, o = 0.5, batch 4.</summary>
    public static RpwBenchmarkOptions Quick { get; } = new([new(16, 8)], [2], [0.5], Batch: 4, Repeats: 3, Warmup: 1);

    /// <summary>Checks the options; throws <see cref="InfoFieldException"/> naming the one that is wrong.</summary>
    public RpwBenchmarkOptions Validated()
    {
        Require(Batch >= 1, "batch", Batch, "at least 1");
        Require(Repeats >= 1, "repeats", Repeats, "at least 1");
        Require(Warmup >= 0, "warmup", Warmup, "0 or more");
        Require(Threads >= 1 && Threads <= ThreadLimit.Max, "threads", Threads, $"1 to {ThreadLimit.Max} (this machine's processors)");
        foreach (RpwBenchmarkShape shape in Shapes)
        {
            Require(shape.Channels >= 1 && shape.Size >= 1, "shape", $"{shape.Channels}x{shape.Size}", "positive channels and size");
            Require(shape.Channels <= Architecture.Limits.MaxChannels && shape.Size <= Architecture.Limits.MaxExtent, "shape", $"{shape.Channels}x{shape.Size}", $"at most {Architecture.Limits.MaxChannels} channels and {Architecture.Limits.MaxExtent} pixels");

            // Input, upstream gradient, and output and input gradient of each of the six implementations, in float32; the
            // C x (C / g) window channels the Listing-2 and gather forms build, with their gradients; the dense
            // reference's C x C mask and weights.
            double windows = Groups.Count == 0 ? 0 : 4.0 * Batch * shape.Channels * ((double)shape.Channels / Math.Max(1, Groups.Min())) * shape.Size * shape.Size * sizeof(float);
            MemoryBudget.Check(
                $"the RPW benchmark at batch {Batch} on {shape.Channels}x{shape.Size}x{shape.Size}",
                (14.0 * Batch * shape.Channels * shape.Size * shape.Size * sizeof(float)) + windows + (4.0 * shape.Channels * shape.Channels * sizeof(float)));
            foreach (int groups in Groups)
            {
                Require(groups >= 1 && shape.Channels % groups == 0, "groups", groups, $"a divisor of the {shape.Channels} channels");
            }
        }

        foreach (double overlap in Overlaps)
        {
            Require(overlap >= 0 && overlap < 1, "overlap", overlap, "in [0, 1)");
        }

        return this;
    }

    private static void Require(bool condition, string option, object value, string expected)
    {
        if (!condition)
        {
            throw new ParameterException(option, null, $"{Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)} is not valid; expected {expected}");
        }
    }
}

/// <summary>Median milliseconds of one forward and backward pass (gradients zeroed first) per implementation.</summary>
/// <param name="Pw">Pointwise convolution (Conv2d 1x1, C to C).</param>
/// <param name="Gpw">Grouped pointwise convolution with g groups: RPW's multiply-adds and parameters.</param>
/// <param name="Rpw">The fast RPW, <see cref="RollingPointwiseConv2d"/>.</param>
/// <param name="RpwListing">RPW composed as the paper's Listing 2 composes it.</param>
/// <param name="RpwReference">The masked dense reference RPW.</param>
/// <param name="RpwGather">The device-generic gather form of the RPW module (<see cref="RpwImplementation.Gather"/>), what RPW runs on a GPU.</param>
public sealed record RpwTimings(
    double Pw,
    double Gpw,
    double Rpw,
    double RpwListing,
    double RpwReference,
    double RpwGather);

/// <summary>How the fast RPW laid its filters out for one case: blocks of four rows, each reading a run of planes.</summary>
/// <param name="Blocks">Blocks of four filters in the forward product (and the weight gradient).</param>
/// <param name="Inflation">Multiply-adds of the blocked forward product relative to RPW's own: the mean run over w.</param>
/// <param name="InputGradientInflation">The same for the input gradient.</param>
public sealed record RpwPlanSummary(
    int Blocks,
    double Inflation,
    double InputGradientInflation);

/// <summary>One measured case.</summary>
/// <param name="Channels">C, in and out.</param>
/// <param name="Size">Height and width.</param>
/// <param name="Batch">Images per batch.</param>
/// <param name="Groups">g.</param>
/// <param name="Overlap">o.</param>
/// <param name="Ms">Median milliseconds per implementation.</param>
/// <param name="Plan">The fast RPW's layout.</param>
/// <param name="LaneBits">The SIMD width, in bits, the fast RPW's float32 kernels ran with on this case.</param>
/// <param name="GpwTarget">The target for <see cref="RpwOverGpw"/> at that width (<see cref="RpwBenchmark.GpwTargetFor"/>).</param>
public sealed record RpwBenchmarkCase(
    int Channels,
    int Size,
    int Batch,
    int Groups,
    double Overlap,
    RpwTimings Ms,
    RpwPlanSummary Plan,
    int LaneBits,
    double GpwTarget)
{
    /// <summary>The fast RPW's time over GPW's (target: at most <see cref="GpwTarget"/>).</summary>
    public double RpwOverGpw => Ms.Rpw / Ms.Gpw;

    /// <summary>The Listing-2 composition's time over the fast RPW's (target: at least <see cref="RpwBenchmark.ListingTarget"/>).</summary>
    public double ListingOverRpw => Ms.RpwListing / Ms.Rpw;

    /// <summary>The gather form's time over the fast RPW's: what the device-generic form costs on the CPU (no target).</summary>
    public double GatherOverRpw => Ms.RpwGather / Ms.Rpw;

    /// <summary>True when both targets hold.</summary>
    public bool MeetsTarget => RpwOverGpw <= GpwTarget && ListingOverRpw >= RpwBenchmark.ListingTarget;
}

/// <summary>The result of a benchmark run.</summary>
/// <param name="Schema">Always <c>infofield-bench-rpw/1</c>.</param>
/// <param name="Device">Where the layers ran: <c>cpu</c> or <c>cuda:N</c>.</param>
/// <param name="LaneBits">The widest SIMD width, in bits, the runtime accelerates (512, 256 or 128): the width the fast RPW runs with wherever a plane fills it.</param>
/// <param name="Threads">Torch intra-op threads used.</param>
/// <param name="Repeats">Measured rounds per case.</param>
/// <param name="Warmup">Discarded rounds per case.</param>
/// <param name="Cases">The cases, in order.</param>
public sealed record RpwBenchmarkReport(
    string Schema,
    string Device,
    int LaneBits,
    int Threads,
    int Repeats,
    int Warmup,
    IReadOnlyList<RpwBenchmarkCase> Cases);

/// <summary>
/// Times one forward and backward pass of PW, GPW, the fast RPW, the Listing-2 RPW, the reference RPW and the gather
/// form of RPW on the same input, interleaved round by round so that every implementation sees the same machine load,
/// and reports medians.
/// </summary>
public static class RpwBenchmark
{
    /// <summary>The schema tag of <see cref="RpwBenchmarkReport"/>.</summary>
    public const string SchemaName = "infofield-bench-rpw/1";

    /// <summary>
    /// Target: the fast RPW takes at most this many times GPW's time with <paramref name="laneBits"/>-bit lanes: 1.15
    /// with 256- and 512-bit lanes, 1.3 with 128-bit lanes (a quarter of AVX-512's multiply-adds per instruction).
    /// </summary>
    public static double GpwTargetFor(int laneBits) => laneBits >= 256 ? 1.15 : 1.3;

    /// <summary>Target: the Listing-2 composition takes at least this many times the fast RPW's time.</summary>
    public const double ListingTarget = 3.0;

    /// <summary>
    /// Runs every case of <paramref name="options"/>, calling <paramref name="progress"/> after each. Sets the torch
    /// thread count to <see cref="RpwBenchmarkOptions.Threads"/> for the run and restores it and the global generator
    /// (seeded per case) afterwards.
    /// </summary>
    public static RpwBenchmarkReport Run(RpwBenchmarkOptions options, Action<RpwBenchmarkCase>? progress = null)
    {
        options = options.Validated();
        Device device = options.Device ?? CPU;
        Devices.Require(device);
        using (Training.TorchStateScope.Enter(options.Threads))
        {
            var cases = new List<RpwBenchmarkCase>();
            foreach (RpwBenchmarkShape shape in options.Shapes)
            {
                foreach (int groups in options.Groups)
                {
                    foreach (double overlap in options.Overlaps)
                    {
                        RpwBenchmarkCase result = Measure(shape, groups, overlap, options, device);
                        cases.Add(result);
                        progress?.Invoke(result);
                    }
                }
            }

            return new RpwBenchmarkReport(SchemaName, Devices.Name(device), Kernels.RollingKernels.WidestBits, options.Threads, options.Repeats, options.Warmup, cases);
        }
    }

    private static RpwBenchmarkCase Measure(RpwBenchmarkShape shape, int groups, double overlap, RpwBenchmarkOptions options, Device device)
    {
        int channels = shape.Channels;
        manual_seed(channels + (groups * 7) + (long)(overlap * 1000));
        using var pw = nn.Conv2d(channels, channels, 1, bias: false);
        using var gpw = nn.Conv2d(channels, channels, 1, groups: groups, bias: false);
        using var rpw = new RollingPointwiseConv2d(channels, channels, groups, overlap);
        using var listing = new ListingRollingPointwiseConv2d(channels, channels, groups, overlap);
        using var reference = new MaskedRollingPointwiseConv2d(channels, channels, groups, overlap);
        using var gather = new RollingPointwiseConv2d(channels, channels, groups, overlap) { Implementation = RpwImplementation.Gather };
        nn.Module<Tensor, Tensor>[] modules = [pw, gpw, rpw, listing, reference, gather];
        foreach (nn.Module<Tensor, Tensor> module in modules)
        {
            module.to(device);
        }

        using Tensor input = randn(options.Batch, channels, shape.Size, shape.Size, device: device).requires_grad_(true);
        using Tensor upstream = randn(options.Batch, channels, shape.Size, shape.Size, device: device);

        var samples = modules.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < options.Warmup + options.Repeats; round++)
        {
            // Rotate the order every round so that no implementation always runs right after the same neighbour.
            for (int k = 0; k < modules.Length; k++)
            {
                int which = (round + k) % modules.Length;
                double milliseconds = Step(modules[which], input, upstream, device);
                if (round >= options.Warmup)
                {
                    samples[which].Add(milliseconds);
                }
            }
        }

        double[] medians = samples.Select(Summary.Median).ToArray();
        Kernels.RollingPlan plan = rpw.Plan;
        int laneBits = Kernels.RollingKernels.Bits(Kernels.RollingKernels.Pick(Kernels.LaneWidth.Auto, shape.Size * shape.Size, sizeof(float)));
        return new RpwBenchmarkCase(
            channels,
            shape.Size,
            options.Batch,
            groups,
            overlap,
            new RpwTimings(medians[0], medians[1], medians[2], medians[3], medians[4], medians[5]),
            new RpwPlanSummary(
                plan.Forward.Blocks,
                Math.Round(plan.Forward.MeanLength / plan.Width, 3),
                Math.Round(plan.InputGradient.MeanLength * plan.InputGradient.Rows / ((double)plan.OutChannels * plan.Width), 3)),
            laneBits,
            GpwTargetFor(laneBits));
    }

    /// <summary>One timed step: zero the gradients, forward, backward with a fixed upstream gradient (on a GPU, until the device has finished it).</summary>
    private static double Step(nn.Module<Tensor, Tensor> module, Tensor input, Tensor upstream, Device device)
    {
        using var scope = NewDisposeScope();
        Devices.Synchronize(device);
        long start = Stopwatch.GetTimestamp();
        module.zero_grad();
        input.grad?.zero_();
        Tensor output = module.forward(input);
        output.backward([upstream]);
        Devices.Synchronize(device);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
