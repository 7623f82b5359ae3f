using InfoField.Torch.Building;
using InfoField.Torch.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests.Kernels;

/// <summary>
/// The device-generic RPW (a gather of window channels and a grouped 1x1 convolution, what RPW runs on CUDA) against
/// the SIMD kernels, in float64: outputs, input gradients, weight and bias gradients to 1e-10.
/// </summary>
public class GatherRpwTests
{
    [Theory]
    [MemberData(nameof(RollingPointwiseTests.Settings), MemberType = typeof(RollingPointwiseTests))]
    public void The_gather_form_equals_the_simd_kernels_in_outputs_and_gradients(int inChannels, int outChannels, int groups, double overlap, bool hasBias)
    {
        using var scope = NewDisposeScope();
        manual_seed((inChannels * 1000) + outChannels + 17);
        using var simd = new RollingPointwiseConv2d(inChannels, outChannels, groups, overlap, hasBias);
        using var gather = new RollingPointwiseConv2d(inChannels, outChannels, groups, overlap, hasBias) { Implementation = RpwImplementation.Gather };
        simd.to(float64);
        gather.to(float64);
        gather.load_state_dict(simd.state_dict());
        foreach (Tensor input in Inputs(inChannels))
        {
            Assert.Equal(input.dim() == 4 && inChannels > 1 && input.stride(1) == 1, MemoryLayout.IsChannelsLast(input.detach().clone()));
            Compare(simd, gather, input, outChannels, hasBias);
        }

        Assert.Empty(gather.named_buffers());
        Assert.Equal(simd.state_dict().Keys, gather.state_dict().Keys);
    }

    [Fact]
    public void Auto_takes_the_gather_form_where_the_simd_kernels_do_not_apply()
    {
        // A CPU tensor of a type the kernels lack stands in here for a CUDA tensor: both leave the SIMD path.
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var rpw = new RollingPointwiseConv2d(12, 20, 3, 0.33, hasBias: true);
        rpw.to(bfloat16);
        Tensor input = randn(2, 12, 3, 3).to(bfloat16);

        Tensor output = rpw.forward(input);
        Tensor expected = MaskedRollingPointwiseConv2d.Forward(input.to(float64), rpw.Weight.to(float64), rpw.Bias!.to(float64), rpw.Starts, 12);

        Assert.Equal(bfloat16, output.dtype);
        Assert.True((output.to(float64) - expected).abs().max().item<double>() < 0.1);
    }

    [Fact]
    public void A_network_switches_every_rpw_layer_at_once()
    {
        var network = ModuleBuilder.Build(InfoField.Kernels.Decomposer.Decompose(
            InfoField.Zoo.ModelZoo.Create("vgg11", "cifar10", 0.125),
            InfoField.Kernels.ReplacementBlock.DwRpw,
            new InfoField.Kernels.BlockSettings(Groups: 2, Overlap: 0.5)).After);
        using (network)
        {
            var layers = network.modules().OfType<RollingPointwiseConv2d>().ToList();
            Assert.NotEmpty(layers);

            network.RpwImplementation = RpwImplementation.Gather;

            Assert.Equal(RpwImplementation.Gather, network.RpwImplementation);
            Assert.All(layers, layer => Assert.Equal(RpwImplementation.Gather, layer.Implementation));
        }
    }

    /// <summary>NCHW and channels-last images, a 1-D signal (N, C, L), and a batch with no spatial dimensions.</summary>
    private static IEnumerable<Tensor> Inputs(int channels)
    {
        Tensor images = randn(3, channels, 4, 5, dtype: float64);
        yield return images;
        yield return MemoryLayout.ToChannelsLast(images);
        yield return randn(2, channels, 7, dtype: float64);
        yield return randn(4, channels, dtype: float64);
    }

    private static void Compare(RollingPointwiseConv2d simd, RollingPointwiseConv2d gather, Tensor input, int outChannels, bool hasBias)
    {
        simd.zero_grad();
        gather.zero_grad();
        Tensor a = input.detach().clone().requires_grad_(true);
        Tensor b = input.detach().clone().requires_grad_(true);
        Tensor upstream = randn([input.shape[0], outChannels, .. input.shape.Skip(2)], dtype: float64);

        Tensor expected = simd.forward(a);
        Tensor output = gather.forward(b);
        expected.backward([upstream]);
        output.backward([upstream]);

        Assert.Equal(MemoryLayout.IsChannelsLast(expected), MemoryLayout.IsChannelsLast(output));
        AssertClose(expected, output);
        AssertClose(a.grad!, b.grad!);
        AssertClose(simd.Weight.grad!, gather.Weight.grad!);
        if (hasBias)
        {
            AssertClose(simd.Bias!.grad!, gather.Bias!.grad!);
        }
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        double difference = (expected - actual).abs().max().item<double>();
        Assert.True(difference <= 1e-10, $"largest difference {difference}");
    }
}
