using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Samples.Listing1;
using InfoField.Torch.Building;
using InfoField.Zoo;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

public class OptimizedModelTests
{
    [Theory]
    [InlineData("vgg16", "cifar10", 5_101_194)]
    [InlineData("mobilenet", "cifar10", 1_131_018)]
    [InlineData("mobilenet", "imagenet", 3_517_416)]
    public void Optimized_networks_build_with_the_reported_parameters_and_run(string model, string dataset, long parameters)
    {
        DatasetInfo data = DatasetInfo.Find(dataset);
        OrganizerResult result = StageOrganizer.Optimize(ModelZoo.Create(model, new ZooRequest(data)), PaperRows.Preset(model, data).Options);
        using var scope = NewDisposeScope();
        using NetworkModule module = result.After.ToModule();

        module.eval();
        using var noGrad = no_grad();
        Tensor output = module.call(randn(2, data.Input.Channels, data.Input.Height, data.Input.Width));

        Assert.Equal(parameters, result.AfterCost.Parameters);
        Assert.Equal(parameters, module.parameters().Sum(p => p.numel()));
        Assert.Equal(new long[] { 2, data.Classes }, output.shape);
    }

    /// <summary>
    /// The branched families, optimized and then decomposed (every standard conv but the first to DW+RPW), build as
    /// TorchSharp modules with the cost model's parameters and run. ImageNet definitions on a 64x64 input keep it fast.
    /// </summary>
    [Theory]
    [InlineData("shufflenetv2")]
    [InlineData("efficientnet-b0")]
    [InlineData("densenet121")]
    [InlineData("googlenet")]
    [InlineData("mobilenetv3-large")]
    [InlineData("convnext-tiny")]
    public void Optimized_and_decomposed_branched_families_build_with_the_cost_models_parameters(string model)
    {
        var request = new ZooRequest(DatasetInfo.ImageNet, InputOverride: new FeatureShape(3, 64, 64));
        OrganizerResult optimized = StageOrganizer.Optimize(ModelZoo.Create(model, request));
        Decomposition decomposed = Decomposer.Decompose(optimized.After, ReplacementBlock.DwRpw);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        foreach (Network network in new[] { optimized.After, decomposed.After })
        {
            using NetworkModule module = network.ToModule();
            module.eval();
            Tensor output = module.call(randn(1, 3, 64, 64));

            Assert.Equal(CostModel.Of(network).Total.Parameters, module.parameters().Sum(p => p.numel()));
            Assert.Equal(new long[] { 1, 1000 }, output.shape);
        }

        Assert.True(optimized.Changed, optimized.StopReason);
    }

    [Fact]
    public void A_traced_listing_1_model_is_optimized_like_the_zoo_vgg16()
    {
        using var model = new Cnn([2, 2, 3, 3, 3], [64, 128, 256, 512, 512], outClass: 10);

        Network traced = model.ToArchitecture(new FeatureShape(3, 32, 32));
        OrganizerResult result = StageOrganizer.Optimize(traced);
        using NetworkModule optimized = result.After.ToModule();

        Assert.Equal("5,4,2,1,1", StageUnits.Format(result.AfterStageUnits));
        Assert.Equal(5_101_194, CostModel.Of(result.After).Total.Parameters);
        Assert.Equal(5_101_194, optimized.parameters().Sum(p => p.numel()));
        Assert.Equal("conv3-64", result.After.Stages[0].Units[^1].Name);
    }
}
