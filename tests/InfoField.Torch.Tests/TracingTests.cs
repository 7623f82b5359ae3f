using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Samples.Listing1;
using InfoField.Torch.Tracing;
using InfoField.Zoo;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

public class TracingTests
{
    [Fact]
    public void Listing_1_vgg_gives_the_same_report_as_the_zoo_vgg()
    {
        using var model = new Cnn([2, 2, 3, 3, 3], [64, 128, 256, 512, 512], outClass: 10);

        NetworkField traced = model.InformationField(new FeatureShape(3, 32, 32));
        NetworkField zoo = InformationField.Analyze(ModelZoo.Create("vgg16", "cifar10"));

        Assert.Equal(zoo.Cost.Total, traced.Cost.Total);
        Assert.Equal(zoo.Stages.Length, traced.Stages.Length);
        for (int s = 0; s < zoo.Stages.Length; s++)
        {
            Assert.Equal(zoo.Stages[s].InputShape, traced.Stages[s].InputShape);
            Assert.Equal(zoo.Stages[s].V0, traced.Stages[s].V0);
            Assert.Equal(zoo.Stages[s].Units.AsEnumerable(), traced.Stages[s].Units.AsEnumerable());
        }

        Assert.Equal(zoo.Network.Stages.Select(stage => stage.Entry), traced.Network.Stages.Select(stage => stage.Entry));
        Assert.Equal(zoo.Network.Units.Select(unit => unit.Ops), traced.Network.Units.Select(unit => unit.Ops));
        Assert.Equal(model.parameters().Sum(p => p.numel()), traced.Cost.Total.Parameters);
    }

    [Fact]
    public void Depthwise_then_pointwise_layers_form_one_unit()
    {
        using var model = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding: 1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 8, 3, padding: 1, groups: 8), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 16, 1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 16, 3, stride: 2, padding: 1, groups: 16), nn.ReLU(), nn.Conv2d(16, 32, 1),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10));

        Network network = model.ToArchitecture(new FeatureShape(3, 16, 16), new TraceOptions(Name: "tiny", StemUnits: 1));

        Assert.Equal("tiny", network.Name);
        Assert.Equal(["conv3-8", "dw-pw-16"], network.Stages[0].Units.Select(u => u.Name));
        Assert.Equal(UnitRole.Stem, network.Stages[0].Units[0].Role);
        Assert.Equal(["dw-pw-32"], network.Stages[1].Units.Select(u => u.Name));
        Assert.Equal(new Op[] { new AdaptivePooling(PoolKind.Average, 1), new Architecture.Flatten(), new Architecture.Linear(10) }, network.Head);
        Assert.Equal(model.parameters().Sum(p => p.numel()), CostModel.Of(network).Total.Parameters);
    }

    [Fact]
    public void Residual_connections_are_reported_as_untraceable()
    {
        using var model = new TwoBranches();

        var error = Assert.Throws<TraceException>(() => model.ToArchitecture(new FeatureShape(3, 8, 8)));

        Assert.Contains("'second'", error.Message);
        Assert.Contains("not a chain of layers", error.Message);
    }

    [Fact]
    public void Unsupported_layers_are_named()
    {
        using var model = nn.Sequential(("conv", nn.Conv2d(3, 4, 3)), ("norm", nn.LayerNorm([4, 6, 6])));

        var error = Assert.Throws<TraceException>(() => model.ToArchitecture(new FeatureShape(3, 8, 8)));

        Assert.Contains("'norm' (LayerNorm)", error.Message);
    }

    [Fact]
    public void Layers_invoked_without_hooks_are_named_with_the_fix()
    {
        using var model = new Bypassing();

        var error = Assert.Throws<TraceException>(() => model.ToArchitecture(new FeatureShape(3, 8, 8)));

        Assert.Contains("'conv' never ran", error.Message);
        Assert.Contains("call(x)", error.Message);
    }

    private sealed class Bypassing : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv = nn.Conv2d(3, 3, 3, padding: 1);

        public Bypassing()
            : base("bypassing") => RegisterComponents();

        public override Tensor forward(Tensor input) => conv.forward(input);
    }

    private sealed class TwoBranches : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d first = nn.Conv2d(3, 3, 3, padding: 1);
        private readonly Conv2d second = nn.Conv2d(3, 3, 3, padding: 1);

        public TwoBranches()
            : base("two-branches") => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            using Tensor branch = first.call(input);
            using Tensor sum = branch + input;
            return second.call(sum);
        }
    }
}
