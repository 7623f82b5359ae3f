using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Torch.Building;
using InfoField.Zoo;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

public class ModuleBuilderTests
{
    public static TheoryData<string, string> ZooModels()
    {
        var data = new TheoryData<string, string>();
        foreach (ZooEntry entry in ModelZoo.Entries)
        {
            // Not kinetics400: a forward pass of r3d-18 on its 3 x 16 x 112 x 112 clips is 40.7 GMACs per clip, too slow
            // for the suite; VideoFixtureTests builds and runs r3d-18 on smaller clips.
            foreach (string dataset in new[] { "cifar10", "cifar100", "imagenet", "fashion-mnist" })
            {
                if (entry.Supports(DatasetInfo.Find(dataset)))
                {
                    data.Add(entry.Name, dataset);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ZooModels))]
    public void Every_zoo_model_builds_with_the_cost_models_parameters_and_the_expected_output(string model, string dataset)
    {
        Network network = ModelZoo.Create(model, dataset);
        using var scope = NewDisposeScope();
        using NetworkModule module = ModuleBuilder.Build(network);

        long parameters = module.parameters().Sum(p => p.numel());
        module.eval();
        using var noGrad = no_grad();
        Tensor output = module.forward(randn(2, network.Input.Channels, network.Input.Height, network.Input.Width));

        Assert.Equal(CostModel.Of(network).Total.Parameters, parameters);
        FeatureShape shape = network.Output;
        Assert.Equal(ModelZoo.Find(model)!.Dense ? [2, shape.Channels, shape.Height, shape.Width] : new long[] { 2, shape.Channels }, output.shape);
    }

    [Fact]
    public void One_dimensional_networks_accept_signals()
    {
        var conv = new Convolution(4, Pair.Line(5), Pair.Line(1), Pair.Line(2, 0), Pair.Line(1));
        var network = new Network(
            "signal",
            new FeatureShape(2, 1, 40),
            [new Stage([new Unit("conv", [conv, Ops.BatchNorm(), Ops.Relu()])]), new Stage([Ops.MaxPool(2) with { Kernel = Pair.Line(2), Stride = Pair.Line(2) }], [new Unit("dw", [new DepthwiseConvolution(Pair.Line(3), Pair.Line(1), Pair.Line(1, 0), Pair.Line(1))])])],
            [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(3)],
            spatialRank: 1);
        using var scope = NewDisposeScope();
        using NetworkModule module = ModuleBuilder.Build(network);

        Tensor output = module.forward(randn(5, 2, 40));

        Assert.Equal(new long[] { 5, 3 }, output.shape);
        Assert.Equal(CostModel.Of(network).Total.Parameters, module.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Interlace_and_shuffle_modules_permute_as_the_core_says()
    {
        using var scope = NewDisposeScope();
        Tensor channels = arange(12, dtype: float32).reshape(1, 12, 1, 1);

        var interlaced = new Modules.Interlace(3).forward(channels).flatten().data<float>().Select(v => (int)v);
        var shuffled = nn.ChannelShuffle(3).forward(channels).flatten().data<float>().Select(v => (int)v);

        Assert.Equal(new Architecture.Interlace(3).SourceChannels(12), interlaced);
        Assert.Equal(new ChannelShuffle(3).SourceChannels(12), shuffled);
    }
}
