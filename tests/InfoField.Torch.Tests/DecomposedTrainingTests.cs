using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Torch.Building;
using InfoField.Zoo;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

[Collection(TorchGlobalState.Name)]
public class DecomposedTrainingTests
{
    [Theory]
    [InlineData(ReplacementBlock.DwRpw)]
    [InlineData(ReplacementBlock.DwShuffleGpw)]
    public void A_decomposed_network_builds_and_its_loss_falls_under_sgd(ReplacementBlock block)
    {
        Network vgg = StageOrganizer.Optimize(ModelZoo.Create("vgg16", new ZooRequest(DatasetInfo.Cifar10, 0.125))).After;
        Network decomposed = Decomposer.Decompose(vgg, block, new BlockSettings(2, 0.5)).After;
        manual_seed(3);
        using var scope = NewDisposeScope();
        using NetworkModule module = decomposed.ToModule();
        Tensor images = randn(16, 3, 32, 32);
        Tensor labels = randint(0, 10, [16], dtype: int64);

        // 20 steps: over 8, rounding alone (the layout, the thread count) moved the last loss across the line on some seeds.
        float[] losses = SgdSteps.Run(module, images, labels, steps: 20, learningRate: 0.05);

        Assert.Equal(CostModel.Of(decomposed).Total.Parameters, module.parameters().Sum(p => p.numel()));
        Assert.True(losses[^1] < losses[0] * 0.8, $"losses {string.Join(", ", losses)}");
    }

    [Fact]
    public void Rule_mode_output_builds_and_runs()
    {
        Network vgg = StageOrganizer.Optimize(ModelZoo.Create("vgg16", new ZooRequest(DatasetInfo.Cifar10, 0.25))).After;
        Network decomposed = Decomposer.DecomposeByRule(vgg).After;
        using var scope = NewDisposeScope();
        using NetworkModule module = decomposed.ToModule();

        Tensor output = module.call(randn(2, 3, 32, 32));

        Assert.Equal(new long[] { 2, 10 }, output.shape);
        Assert.Equal(CostModel.Of(decomposed).Total.Parameters, module.parameters().Sum(p => p.numel()));
    }
}
