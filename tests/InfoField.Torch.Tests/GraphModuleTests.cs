using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Torch.Building;
using InfoField.Torch.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

/// <summary>Units whose ops form a graph build into modules that compute what the graph says.</summary>
public class GraphModuleTests
{
    private static readonly FeatureShape Input = new(4, 6, 6);

    [Fact]
    public void A_shufflenet_unit_splits_transforms_one_half_concatenates_and_shuffles()
    {
        OpGraph graph = OpGraph.Parallel(new Concat(), [Ops.Split(0, 2)], [Ops.Split(1, 2), Ops.Pointwise(2), Ops.BatchNorm(), Ops.Relu()])
            .Then(Ops.Shuffle(2));
        using var scope = NewDisposeScope();
        var module = (GraphModule)ModuleBuilder.BuildGraph(graph, Input, ModuleSet.Default);
        module.eval();
        Tensor x = randn(2, 4, 6, 6);

        Tensor actual = module.forward(x);

        var pw = (Conv2d)module.named_children().Single(child => child.name == "nodes").module.children().ElementAt(2);
        var bn = (BatchNorm2d)module.named_children().Single(child => child.name == "nodes").module.children().ElementAt(3);
        Tensor right = nn.functional.relu(bn.forward(pw.forward(x.narrow(1, 2, 2))));
        Tensor joined = cat([x.narrow(1, 0, 2), right], 1);
        Tensor expected = joined.index_select(1, tensor(new long[] { 0, 2, 1, 3 }));
        Assert.True(expected.allclose(actual, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(CostModel.Of(Network(graph)).Total.Parameters, module.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void A_gate_scales_every_position_of_its_channel()
    {
        OpGraph graph = new([
            new GraphNode(Ops.GlobalAvgPool(), [0]),
            new GraphNode(Ops.Pointwise(4, bias: true), [1]),
            new GraphNode(Ops.Sigmoid(), [2]),
            new GraphNode(new Multiply(), [0, 3]),
        ]);
        using var scope = NewDisposeScope();
        var module = (GraphModule)ModuleBuilder.BuildGraph(graph, Input, ModuleSet.Default);
        Tensor x = randn(3, 4, 6, 6);

        Tensor actual = module.forward(x);

        var pw = (Conv2d)module.named_children().Single(child => child.name == "nodes").module.children().ElementAt(1);
        Tensor gate = sigmoid(pw.forward(x.mean([2, 3], keepdim: true)));
        Assert.True((x * gate).allclose(actual, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(4 * 4 + 4, module.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void A_residual_adds_its_body_to_its_input_and_trains()
    {
        Network network = Network(Ops.Residual([Ops.Conv(4, 3, padding: 1), Ops.BatchNorm()]).Then(Ops.Relu()));
        using var scope = NewDisposeScope();
        using NetworkModule module = ModuleBuilder.Build(network);
        Tensor x = randn(2, 4, 6, 6, requires_grad: true);

        Tensor y = module.forward(x);
        y.sum().backward();

        Assert.Equal(x.shape, y.shape);
        Assert.NotNull(x.grad);
        Assert.All(module.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void An_op_kind_registered_from_outside_builds_with_its_module()
    {
        // The Torch half of a user's op kind: one registration. The Core half is the op record (here a test-only one).
        ModuleSet modules = ModuleSet.Default.With<Negate>((_, _) => new NegateModule());
        Network network = Network([Ops.Pointwise(4), new Negate()]);
        using var scope = NewDisposeScope();

        using NetworkModule module = ModuleBuilder.Build(network, modules);
        Tensor x = randn(1, 4, 6, 6);
        var pw = (Conv2d)module.Stages.children().Single().children().Single().children().First();

        // The module runs channels-last, pw alone NCHW: the same sums in another order, so float32 tolerances as above.
        Assert.True((-pw.forward(x)).allclose(module.forward(x), rtol: 1e-5, atol: 1e-6));
        var missing = Assert.Throws<UnregisteredOpException>(() => ModuleBuilder.Build(network));
        Assert.Equal("no TorchSharp module for the op 'negate' (Negate); register one with ModuleSet.With", missing.Message);
    }

    private static Network Network(OpGraph graph) => new("graph", Input, [new Stage([new Unit("u", graph)])], []);

    private sealed record Negate : ElementwiseOp
    {
        public override string Type => "negate";
    }

    private sealed class NegateModule() : nn.Module<Tensor, Tensor>("negate")
    {
        public override Tensor forward(Tensor input) => input.neg();
    }
}
