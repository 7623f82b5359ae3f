using InfoField.Architecture;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Torch.Building;
using InfoField.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

[Collection(TorchGlobalState.Name)]
public class ChannelsLastTests
{
    public static TheoryData<string> Networks() =>
        ["vgg11", "mobilenet", "resnet18", "mobilenetv2", "shufflenetv2", "efficientnet-b0", "densenet121", "googlenet", "vgg16-opt+dw-rpw", "vgg16-opt+dw-gpw"];

    [Theory]
    [MemberData(nameof(Networks))]
    public void Channels_last_gives_the_nchw_outputs_and_gradients(string name)
    {
        // float64 runs libtorch's reference kernels: in training mode the two layouts agree to rounding. float32 runs
        // oneDNN's kernels, which differ by layout; there batch norm's batch statistics (a batch of 8) would amplify
        // rounding by orders of magnitude, so float32 is checked in eval mode, against float64.
        Network network = Create(name);
        using var scope = NewDisposeScope();
        (Tensor output, Tensor gradients) = Gradients(network, channelsLast: false, ScalarType.Float64, training: true);
        (Tensor lastOutput, Tensor lastGradients) = Gradients(network, channelsLast: true, ScalarType.Float64, training: true);
        Assert.True(Relative(lastOutput, output) < 1e-9, $"{name}, float64: the outputs differ by {Relative(lastOutput, output):G3} (relative)");
        Assert.True(Relative(lastGradients, gradients) < 1e-9, $"{name}, float64: the gradients differ by {Relative(lastGradients, gradients):G3} (relative)");

        (Tensor reference, Tensor referenceGradients) = Gradients(network, channelsLast: false, ScalarType.Float64, training: false);
        (Tensor output32, Tensor gradients32) = Gradients(network, channelsLast: true, ScalarType.Float32, training: false);
        Assert.True(Relative(output32, reference) < 1e-4, $"{name}, float32: the outputs are off by {Relative(output32, reference):G3} (relative to float64)");
        Assert.True(Relative(gradients32, referenceGradients) < 1e-4, $"{name}, float32: the gradients are off by {Relative(gradients32, referenceGradients):G3} (relative to float64)");
    }

    private static double Relative(Tensor value, Tensor reference) => (value - reference).norm().item<double>() / reference.norm().item<double>();

    [Theory]
    [InlineData("mobilenet")]
    [InlineData("vgg16-opt+dw-rpw")]
    public void Batch_norm_running_statistics_update_as_in_nchw(string name)
    {
        // Evaluation reads them: a layout-dependent update would show only in test accuracy.
        Network network = Create(name);
        using var scope = NewDisposeScope();
        Tensor statistics = Pass(network, channelsLast: false, ScalarType.Float64, training: true).Statistics;
        Tensor lastStatistics = Pass(network, channelsLast: true, ScalarType.Float64, training: true).Statistics;

        Assert.True(statistics.numel() > 0);
        Assert.True(Relative(lastStatistics, statistics) < 1e-9, $"{name}: the running statistics differ by {Relative(lastStatistics, statistics):G3} (relative)");
    }

    [Theory]
    [InlineData("mobilenet")]
    [InlineData("vgg16-opt+dw-rpw")]
    public void The_layout_reaches_the_last_stage(string name)
    {
        using var scope = NewDisposeScope();
        using NetworkModule module = ModuleBuilder.Build(Create(name));
        Tensor features = module.Stages.call(MemoryLayout.ToChannelsLast(randn(2, 3, 32, 32)));

        Assert.True(MemoryLayout.IsChannelsLast(features), $"{name}: the last stage's output has strides ({string.Join(", ", features.stride())})");
    }

    [Fact]
    public void To_channels_last_keeps_the_values_and_views_one_channel_batches()
    {
        using var scope = NewDisposeScope();
        Tensor batch = randn(2, 5, 3, 4);
        Tensor last = MemoryLayout.ToChannelsLast(batch);

        Assert.True(MemoryLayout.IsChannelsLast(last));
        Assert.False(MemoryLayout.IsChannelsLast(batch));
        Assert.Equal([60L, 1, 20, 5], last.stride());
        Assert.True(last.eq(batch).all().item<bool>());
        Assert.Equal([60L, 1, 20, 5], MemoryLayout.ToChannelsLast(last).stride());

        Tensor gray = randn(2, 1, 3, 4);
        Tensor grayLast = MemoryLayout.ToChannelsLast(gray);
        Assert.Equal([12L, 1, 4, 1], grayLast.stride());
        grayLast[0, 0, 0, 0] = tensor(42f);
        Assert.Equal(42f, gray[0, 0, 0, 0].item<float>());
        Assert.Throws<ArgumentException>(() => MemoryLayout.ToChannelsLast(randn(2, 3)));
    }

    [Fact]
    public void Rpw_returns_its_output_and_input_gradient_in_the_layout_it_received()
    {
        using var scope = NewDisposeScope();
        var rpw = new Modules.RollingPointwiseConv2d(16, 16, groups: 4, overlap: 0.5);
        Tensor planes = randn(2, 16, 5, 5, requires_grad: true);
        Tensor last = MemoryLayout.ToChannelsLast(planes.detach()).requires_grad_(true);
        Tensor weights = randn(2, 16, 5, 5);

        Tensor output = rpw.call(planes), lastOutput = rpw.call(last);
        (output * weights).sum().backward();
        (lastOutput * weights).sum().backward();

        Assert.True(MemoryLayout.IsChannelsLast(lastOutput));
        Assert.True(MemoryLayout.IsChannelsLast(last.grad!));
        Assert.False(MemoryLayout.IsChannelsLast(output));
        Assert.True(output.allclose(lastOutput, rtol: 1e-5, atol: 1e-6));
        Assert.True(planes.grad!.allclose(last.grad!, rtol: 1e-5, atol: 1e-6));
    }

    private static Network Create(string name) => name switch
    {
        "vgg16-opt+dw-rpw" => Decomposer.Decompose(Optimized(), ReplacementBlock.DwRpw, new BlockSettings(4, 0.5)).After,
        "vgg16-opt+dw-gpw" => Decomposer.Decompose(Optimized(), ReplacementBlock.DwGpw, new BlockSettings(4)).After,
        _ => ModelZoo.Create(name, new ZooRequest(DatasetInfo.Cifar10, 0.125)),
    };

    private static Network Optimized() => StageOrganizer.Optimize(ModelZoo.Create("vgg16", new ZooRequest(DatasetInfo.Cifar10, 0.25))).After;

    /// <summary>The logits and all parameters' gradients (one vector) of a cross-entropy forward and backward pass (fixed seed).</summary>
    private static (Tensor Output, Tensor Gradients) Gradients(Network network, bool channelsLast, ScalarType type, bool training)
    {
        (Tensor output, Tensor gradients, _) = Pass(network, channelsLast, type, training);
        return (output, gradients);
    }

    /// <summary>As <see cref="Gradients"/>, with the batch norm running statistics after the pass (one vector).</summary>
    private static (Tensor Output, Tensor Gradients, Tensor Statistics) Pass(Network network, bool channelsLast, ScalarType type, bool training)
    {
        manual_seed(5);
        using NetworkModule module = ModuleBuilder.Build(network);
        module.to(type);
        module.ChannelsLast = channelsLast;
        module.train(training);
        Tensor images = randn(8, 3, 32, 32).to(type);
        Tensor labels = randint(0, 10, [8], dtype: int64);
        Tensor output = module.call(images);
        nn.functional.cross_entropy(output, labels).backward();
        Tensor statistics = cat([.. module.buffers().Where(b => b.is_floating_point()).Select(b => b.flatten().to(float64))]);
        return (output.detach().to(float64), cat([.. module.parameters().Select(p => p.grad!.flatten())]).to(float64), statistics);
    }
}
