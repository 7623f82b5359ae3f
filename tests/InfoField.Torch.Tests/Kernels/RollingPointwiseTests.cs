using InfoField.Torch.Kernels;
using InfoField.Torch.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests.Kernels;

public class RollingPointwiseTests
{
    /// <summary>(C_in, C_out, g, o): wrap-around windows, C_out above and below C_in, o = 0, g = 1, irregular starts.</summary>
    public static TheoryData<int, int, int, double, bool> Settings() => new()
    {
        { 8, 8, 2, 0.5, false },
        { 8, 8, 2, 0.5, true },
        { 12, 20, 3, 0.33, true },
        { 16, 6, 4, 0.25, false },
        { 12, 12, 2, 0.0, true },
        { 10, 7, 1, 0.5, false },
        { 9, 13, 3, 0.7, false },
        { 24, 24, 4, 0.33, false },
        { 64, 64, 8, 0.33, false },
        { 32, 48, 4, 0.5, true },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Fast_rpw_equals_the_masked_dense_reference_in_outputs_and_gradients(int inChannels, int outChannels, int groups, double overlap, bool hasBias)
    {
        using var scope = NewDisposeScope();
        manual_seed(inChannels * 1000 + outChannels);
        using var fast = new RollingPointwiseConv2d(inChannels, outChannels, groups, overlap, hasBias);
        fast.to(float64);
        Tensor input = randn(3, inChannels, 4, 5, dtype: float64).requires_grad_(true);
        Tensor upstream = randn(3, outChannels, 4, 5, dtype: float64);
        Tensor referenceInput = input.detach().clone().requires_grad_(true);
        Tensor referenceWeight = fast.Weight.detach().clone().requires_grad_(true);
        Tensor? referenceBias = fast.Bias?.detach().clone().requires_grad_(true);

        Tensor output = fast.forward(input);
        Tensor expected = MaskedRollingPointwiseConv2d.Forward(referenceInput, referenceWeight, referenceBias, fast.Starts, inChannels);
        output.backward([upstream]);
        expected.backward([upstream]);

        AssertClose(expected, output);
        AssertClose(referenceInput.grad!, input.grad!);
        AssertClose(referenceWeight.grad!, fast.Weight.grad!);
        if (hasBias)
        {
            AssertClose(referenceBias!.grad!, fast.Bias!.grad!);
        }
    }

    [Theory]
    [InlineData(24, 24, 4, 0.33, 3, 2)]
    [InlineData(12, 18, 2, 0.5, 5, 7)]
    [InlineData(12, 5, 3, 0.7, 4, 4)]
    [InlineData(32, 32, 4, 0.33, 8, 8)]
    [InlineData(16, 40, 2, 0.25, 1, 1)]
    public void Every_lane_width_computes_the_same_rpw(int inChannels, int outChannels, int groups, double overlap, int height, int width)
    {
        using var scope = NewDisposeScope();
        manual_seed(inChannels + outChannels);
        int[] starts = InfoField.Architecture.RollingWindows.Starts(inChannels, outChannels, groups, overlap);
        var plan = RollingPlan.Create(inChannels, inChannels / groups, starts);
        foreach (ScalarType type in new[] { float64, float32 })
        {
            Tensor weight = randn(outChannels, inChannels / groups, dtype: type);
            Tensor input = randn(3, inChannels, height, width, dtype: type);
            Tensor upstream = randn(3, outChannels, height, width, dtype: type);
            Tensor referenceInput = input.clone().requires_grad_(true);
            Tensor referenceWeight = weight.clone().requires_grad_(true);
            Tensor expected = MaskedRollingPointwiseConv2d.Forward(referenceInput, referenceWeight, null, starts, inChannels);
            expected.backward([upstream]);
            double tolerance = type == float64 ? 1e-10 : 1e-4;

            // Every width (a width the processor lacks runs in software, on the same code), both tiles, and sample
            // chunks of one, two and all samples; null is the blocking the kernels choose for this machine.
            var blockings = new List<KernelBlocking?> { null };
            foreach (LaneWidth lanes in new[] { LaneWidth.Bits512, LaneWidth.Bits256, LaneWidth.Bits128, LaneWidth.Auto })
            {
                foreach (int tile in new[] { 2, 4 })
                {
                    blockings.AddRange([new KernelBlocking(lanes, tile, 1, 1), new KernelBlocking(lanes, tile, 2, 3)]);
                }
            }

            foreach (KernelBlocking? blocking in blockings)
            {
                Tensor output = empty_like(expected);
                Tensor inputGradient = empty_like(input);
                Tensor weightGradient = empty_like(weight);

                RollingKernels.Forward(plan, input, weight, output, blocking);
                RollingKernels.InputGradient(plan, upstream, weight, inputGradient, blocking);
                RollingKernels.WeightGradient(plan, upstream, input, weightGradient, blocking);

                AssertClose(expected, output, tolerance);
                AssertClose(referenceInput.grad!, inputGradient, tolerance);
                AssertClose(referenceWeight.grad!, weightGradient, tolerance);
            }
        }
    }

    [Theory]
    [InlineData(64, 2, 0.5)]
    [InlineData(128, 4, 0.5)]
    [InlineData(512, 8, 0.5)]
    [InlineData(64, 2, 0.0)]
    public void Periodic_windows_are_blocked_without_waste(int channels, int groups, double overlap)
    {
        int width = channels / groups;
        var plan = RollingPlan.Create(channels, width, InfoField.Architecture.RollingWindows.Starts(channels, channels, groups, overlap));

        Assert.All(plan.Forward.BlockLength, length => Assert.Equal(width, length));
        Assert.All(plan.InputGradient.BlockLength, length => Assert.Equal(width, length));
    }

    [Theory]
    [InlineData(64, 2, 0.33)]
    [InlineData(256, 4, 0.33)]
    [InlineData(512, 8, 0.33)]
    public void Irregular_windows_waste_at_most_a_few_planes_per_block(int channels, int groups, double overlap)
    {
        int width = channels / groups;
        var plan = RollingPlan.Create(channels, width, InfoField.Architecture.RollingWindows.Starts(channels, channels, groups, overlap));

        Assert.InRange(plan.Forward.MeanLength, width, width + 4);
        Assert.InRange(plan.InputGradient.MeanLength, width, width + 4);
    }

    [Fact]
    public void The_custom_backward_matches_finite_differences()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var fast = new RollingPointwiseConv2d(6, 5, 2, 0.5, hasBias: true);
        fast.to(float64);
        Tensor input = randn(2, 6, 2, 3, dtype: float64).requires_grad_(true);
        Tensor upstream = randn(2, 5, 2, 3, dtype: float64);
        double Loss() { using var noGrad = no_grad(); return (fast.forward(input) * upstream).sum().item<double>(); }

        (fast.forward(input) * upstream).sum().backward();

        foreach (Tensor parameter in new[] { input, fast.Weight, fast.Bias! })
        {
            Tensor flat = parameter.detach().view(-1);
            double[] analytic = parameter.grad!.reshape(-1).data<double>().ToArray();
            for (int i = 0; i < flat.shape[0]; i++)
            {
                const double step = 1e-6;
                double saved = flat[i].item<double>();
                flat[i] = saved + step;
                double plus = Loss();
                flat[i] = saved - step;
                double minus = Loss();
                flat[i] = saved;
                Assert.Equal((plus - minus) / (2 * step), analytic[i], 6);
            }
        }
    }

    [Fact]
    public void A_module_applied_twice_before_backward_gets_both_gradients_right()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var fast = new RollingPointwiseConv2d(12, 12, 3, 0.33);
        fast.to(float64);
        Tensor input = randn(2, 12, 3, 3, dtype: float64).requires_grad_(true);
        Tensor referenceInput = input.detach().clone().requires_grad_(true);
        Tensor referenceWeight = fast.Weight.detach().clone().requires_grad_(true);

        Tensor output = fast.forward(fast.forward(input).tanh());
        Tensor hidden = MaskedRollingPointwiseConv2d.Forward(referenceInput, referenceWeight, null, fast.Starts, 12).tanh();
        Tensor expected = MaskedRollingPointwiseConv2d.Forward(hidden, referenceWeight, null, fast.Starts, 12);
        output.sum().backward();
        expected.sum().backward();

        AssertClose(expected, output);
        AssertClose(referenceInput.grad!, input.grad!);
        AssertClose(referenceWeight.grad!, fast.Weight.grad!);
    }

    [Fact]
    public void Inference_without_gradients_and_other_batch_sizes_reuse_the_module()
    {
        using var scope = NewDisposeScope();
        using var fast = new RollingPointwiseConv2d(16, 8, 4, 0.5, hasBias: true);
        foreach (int batch in new[] { 3, 1, 3 })
        {
            Tensor input = randn(batch, 16, 5, 5);
            Tensor output;
            using (no_grad())
            {
                output = fast.forward(input);
            }

            AssertClose(MaskedRollingPointwiseConv2d.Forward(input, fast.Weight.detach(), fast.Bias!.detach(), fast.Starts, 16), output, 1e-5);
        }
    }

    [Fact]
    public void Listing_two_composition_computes_rpw()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var listing = new ListingRollingPointwiseConv2d(12, 20, 3, 0.33, hasBias: true);
        listing.to(float64);
        Tensor input = randn(2, 12, 3, 3, dtype: float64);

        Tensor output = listing.forward(input);
        Tensor expected = MaskedRollingPointwiseConv2d.Forward(input, listing.Weight, listing.Bias, listing.Starts, 12);

        AssertClose(expected, output);
    }

    [Fact]
    public void Parameters_are_the_window_weights_only()
    {
        using var rpw = new RollingPointwiseConv2d(64, 96, 4, 0.33, hasBias: true);

        Assert.Equal((96 * 16) + 96, rpw.parameters().Sum(p => p.numel()));
        Assert.Equal(["weight", "bias"], rpw.named_parameters().Select(p => p.name));
        Assert.Empty(rpw.named_buffers());
    }

    [Theory]
    [InlineData(12, 8, 5, 0.5, "groups")]
    [InlineData(12, 8, 0, 0.5, "groups")]
    [InlineData(12, 8, 3, 1.0, "overlap")]
    [InlineData(12, 8, 3, -0.1, "overlap")]
    [InlineData(12, 0, 3, 0.5, "outChannels")]
    [InlineData(0, 8, 1, 0.5, "inChannels")]
    public void Bad_arguments_name_what_is_wrong(int inChannels, int outChannels, int groups, double overlap, string argument)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new RollingPointwiseConv2d(inChannels, outChannels, groups, overlap));

        Assert.Equal(argument, error.ParamName);
    }

    [Fact]
    public void A_wrong_channel_count_is_reported_with_the_expected_shape()
    {
        using var rpw = new RollingPointwiseConv2d(8, 8, 2, 0.5);
        using Tensor input = zeros(1, 6, 2, 2);

        var error = Assert.Throws<ArgumentException>(() => rpw.forward(input));

        Assert.Contains("(N, 8, ...)", error.Message);
    }

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance = 1e-10)
    {
        Assert.Equal(expected.shape, actual.shape);
        double difference = (expected - actual).abs().max().to_type(float64).item<double>();
        double scale = Math.Max(1, expected.abs().max().to_type(float64).item<double>());
        Assert.True(difference <= tolerance * scale, $"largest difference {difference}");
    }
}
