using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Samples.NasBench201;
using InfoField.Spec;
using InfoField.Torch.Building;
using InfoField.Torch.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

/// <summary>NAS-Bench-201 networks (zero ops, dead branches) build into modules that count and compute what PyTorch does.</summary>
public class SearchSpaceModuleTests
{
    [Theory]
    [InlineData("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|", 316_346)]
    [InlineData("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", 73_306)]
    [InlineData("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|", 802_426)]
    public void Parameters_equal_the_frameworks_and_a_zero_cell_outputs_zeros(string architecture, long parameters)
    {
        Network network = NetworkSpec.Parse(SpaceSpec.Json(Cell.Parse(architecture)));
        using var scope = NewDisposeScope();
        using NetworkModule module = ModuleBuilder.Build(network);
        module.eval();

        Assert.Equal(parameters, module.parameters().Sum(p => p.numel()));
        Assert.Equal(parameters, CostModel.Of(network).Total.Parameters);
        Tensor logits = module.forward(randn(2, 3, 32, 32));
        Assert.Equal([2L, 10L], logits.shape);

        var cell = ModuleBuilder.BuildGraph(network.Stages[0].Units[1].Graph, new FeatureShape(16, 32, 32), ModuleSet.Default);
        Tensor output = cell.forward(randn(2, 16, 32, 32));
        Assert.Equal(Cell.Parse(architecture).OutputIsZero, output.abs().max().item<float>() == 0f);
    }

    [Fact]
    public void The_zero_op_keeps_strided_positions_and_passes_a_zero_gradient()
    {
        using var scope = NewDisposeScope();
        var zero = (ZeroModule)ModuleSet.Default.Build(new Zero(null, new Pair(2, 2)), new FeatureShape(4, 5, 5));
        Tensor x = randn(2, 4, 5, 5, requires_grad: true);

        Tensor y = zero.forward(x);
        y.sum().backward();

        Assert.Equal([2L, 4L, 3L, 3L], y.shape);
        Assert.Equal(new Zero(null, new Pair(2, 2)).OutputShape(new FeatureShape(4, 5, 5)), new FeatureShape(4, 3, 3));
        Assert.Equal(0f, y.abs().max().item<float>());
        Assert.Equal(0f, x.grad!.abs().max().item<float>());
        Assert.Equal([2L, 6L, 5L, 5L], ((ZeroModule)ModuleSet.Default.Build(new Zero(6, new Pair(1, 1)), new FeatureShape(4, 5, 5))).forward(x).shape);
    }

    [Fact]
    public void A_dead_branch_is_built_and_counted_and_does_not_change_the_output()
    {
        OpGraph withDead = new([
            new GraphNode(Ops.Conv(4, 3, padding: 1), [0]),
            new GraphNode(Ops.BatchNorm(), [1]),
            new GraphNode(Ops.Relu(), [0]),
        ]);
        var input = new FeatureShape(4, 6, 6);
        using var scope = NewDisposeScope();
        var module = ModuleBuilder.BuildGraph(withDead, input, ModuleSet.Default);
        Tensor x = randn(2, 4, 6, 6);

        Assert.Equal([0, 1], withDead.DeadNodes);
        Assert.Equal((4 * 4 * 9) + 8, module.parameters().Sum(p => p.numel()));
        Assert.Equal(withDead.Parameters(input), module.parameters().Sum(p => p.numel()));
        Assert.True(nn.functional.relu(x).allclose(module.forward(x)));
    }
}
