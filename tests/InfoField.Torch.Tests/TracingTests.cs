using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Samples.Branched;
using InfoField.Samples.Listing1;
using InfoField.Torch.Tracing;
using InfoField.Zoo;
using TorchSharp.Modules;
using TorchSharp.Utils;
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

    public static TheoryData<string, string> TorchVisionModels => new()
    {
        { "resnet18", "resnet18" },
        { "resnet50", "resnet50" },
        { "mobilenet_v2", "mobilenetv2" },
        { "googlenet", "googlenet" },
        { "mobilenet_v3_large", "mobilenetv3-large" },
    };

    [Theory]
    [MemberData(nameof(TorchVisionModels))]
    public void A_torchvision_model_traces_into_the_zoo_model_of_the_same_name(string model, string zoo)
    {
        using nn.Module<Tensor, Tensor> module = model switch
        {
            "resnet18" => TorchSharp.torchvision.models.resnet18(),
            "resnet50" => TorchSharp.torchvision.models.resnet50(),
            "mobilenet_v2" => TorchSharp.torchvision.models.mobilenet_v2(),
            "mobilenet_v3_large" => TorchSharp.torchvision.models.mobilenet_v3_large(),
            _ => TorchSharp.torchvision.models.googlenet(transform_input: false),
        };
        // A 96 x 96 input keeps the test fast; the zoo builds its ImageNet model for the same input.
        Network reference = ModelZoo.Create(zoo, new ZooRequest(DatasetInfo.ImageNet, InputOverride: new FeatureShape(3, 96, 96)));

        NetworkField traced = InformationField.Analyze(module.ToArchitecture(reference.Input));
        NetworkField want = InformationField.Analyze(reference);

        Assert.Equal(module.parameters().Sum(p => p.numel()), traced.Cost.Total.Parameters);
        Assert.Equal(want.Cost.Total, traced.Cost.Total);
        Assert.Equal(want.Network.Head, traced.Network.Head);
        Assert.Equal(want.Stages.Length, traced.Stages.Length);
        for (int s = 0; s < want.Stages.Length; s++)
        {
            Assert.Equal(want.Stages[s].InputShape, traced.Stages[s].InputShape);
            Assert.Equal(want.Network.Stages[s].Entry, traced.Network.Stages[s].Entry);
            Assert.Equal(want.Network.Stages[s].Units.Select(unit => unit.Role), traced.Network.Stages[s].Units.Select(unit => unit.Role));
            Assert.Equal(want.Stages[s].Units.Length, traced.Stages[s].Units.Length);
            for (int u = 0; u < want.Stages[s].Units.Length; u++)
            {
                Assert.Equal(Unnamed(want.Stages[s].Units[u]), Unnamed(traced.Stages[s].Units[u]));
            }
        }

        // Unit names are labels from the structure (dw3-pw-16) where the zoo names blocks (inverted-residual-16).
        // TorchSharp's TorchVision port squeezes MobileNetV3's gates with ReLU6 where torchvision (and the zoo) use ReLU:
        // the same field, parameters and MACs, another activation type.
        UnitField Unnamed(UnitField unit) => unit with
        {
            Name = string.Empty,
            Ops = model == "mobilenet_v3_large" ? [.. unit.Ops.Select(op => op.Type == "relu6" ? op with { Type = "relu" } : op)] : unit.Ops,
        };
    }

    [Fact]
    public void The_zoo_mobilenetv3_large_module_traces_back_into_the_same_network()
    {
        Network zoo = ModelZoo.Create("mobilenetv3-large", new ZooRequest(DatasetInfo.ImageNet, InputOverride: new FeatureShape(3, 96, 96)));
        using var scope = NewDisposeScope();
        using Building.NetworkModule module = zoo.ToModule();

        Network traced = module.ToArchitecture(zoo.Input);

        // Same ops in the same order (gates, hard swish and hard sigmoid included), stages and head; the same IF, parameters and MACs.
        Assert.Equal(zoo.Stages.Select(stage => stage.Entry), traced.Stages.Select(stage => stage.Entry));
        Assert.Equal(zoo.Stages.Select(stage => stage.Units.Select(unit => unit.Graph)), traced.Stages.Select(stage => stage.Units.Select(unit => unit.Graph)));
        Assert.Equal(zoo.Head, traced.Head);
        Assert.Equal(InformationField.Analyze(zoo).Stages.Select(stage => stage.Units.Select(unit => unit with { Name = "" })), InformationField.Analyze(traced).Stages.Select(stage => stage.Units.Select(unit => unit with { Name = "" })));
        Assert.Equal(CostModel.Of(zoo).Total, CostModel.Of(traced).Total);
    }

    [Fact]
    public void Residual_adds_concatenations_and_gates_are_read_by_value()
    {
        using var model = new TwoBranches();

        Network network = model.ToArchitecture(new FeatureShape(3, 8, 8));

        Unit block = Assert.Single(network.Units, unit => !unit.Graph.IsChain);
        Assert.Contains(block.Graph.Ops, op => op is Add);
        Assert.Contains(block.Graph.Ops, op => op is Concat);
        Assert.Contains(block.Graph.Ops, op => op is Multiply);
        Assert.Equal(model.parameters().Sum(p => p.numel()), CostModel.Of(network).Total.Parameters);
    }

    [Fact]
    public void The_branched_sample_traces_into_residual_and_concat_units()
    {
        using var model = new SmallResNet(width: 16, outClass: 10);

        Network network = model.ToArchitecture(new FeatureShape(3, 32, 32));

        Assert.Equal(["conv3-16", "residual-16", "residual-16"], network.Stages[0].Units.Select(unit => unit.Name));
        Assert.Equal(["residual-32", "concat-64"], network.Stages[1].Units.Select(unit => unit.Name));
        Assert.Equal(new Op[] { new AdaptivePooling(PoolKind.Average, 1), new Architecture.Flatten(), new Architecture.Linear(10) }, network.Head);
        Assert.Equal(model.parameters().Sum(p => p.numel()), CostModel.Of(network).Total.Parameters);
    }

    [Fact]
    public void A_model_of_signals_traces_into_a_1d_network()
    {
        // TorchSharp's 1-D layers, read with kernels, strides, paddings and scales of height 1.
        using var model = nn.Sequential(
            nn.Conv1d(2, 8, 7, stride: 2, padding: 3), nn.BatchNorm1d(8), nn.ReLU(),
            nn.MaxPool1d(3, stride: 2, padding: 1),
            nn.Conv1d(8, 8, 3, padding: 2, dilation: 2, groups: 8), nn.Conv1d(8, 16, 1), nn.ReLU(),
            nn.AvgPool1d(2), nn.Conv1d(16, 16, 3, padding: 1, bias: false),
            nn.ConvTranspose1d(16, 8, 4, stride: 2, padding: 1, output_padding: 1),
            nn.Upsample(scale_factor: [2.0], mode: UpsampleMode.Nearest),
            nn.Conv1d(8, 8, 3, padding: TorchSharp.Padding.Same),
            nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(8, 4));
        var input = new FeatureShape(2, 1, 64);

        Network network = model.ToArchitecture(input, new TraceOptions(SpatialRank: 1));

        Assert.Equal(1, network.SpatialRank);
        Assert.Equal(
            new Op[]
            {
                new Architecture.Convolution(8, Pair.Line(7), Pair.Line(2), Pair.Line(3, 0), Pair.Line(1), Bias: true), Ops.BatchNorm(), Ops.Relu(),
                new Pooling(PoolKind.Max, Pair.Line(3), Pair.Line(2), Pair.Line(1, 0)),
                new DepthwiseConvolution(Pair.Line(3), Pair.Line(1), Pair.Line(2, 0), Pair.Line(2), Bias: true), Ops.Pointwise(16, bias: true), Ops.Relu(),
                new Pooling(PoolKind.Average, Pair.Line(2), Pair.Line(2), Pair.Line(0, 0)),
                new Architecture.Convolution(16, Pair.Line(3), Pair.Line(1), Pair.Line(1, 0), Pair.Line(1)),
                new TransposedConvolution(8, Pair.Line(4), Pair.Line(2), Pair.Line(1, 0), Pair.Line(1, 0), Pair.Line(1), Bias: true),
                new Architecture.Resize(ResizeMode.Nearest, Pair.Line(2), null, ResizeCoordinates.Asymmetric),
                new Architecture.Convolution(8, Pair.Line(3), Pair.Line(1), Pair.Line(1, 0), Pair.Line(1), Bias: true),
                new AdaptivePooling(PoolKind.Average, Pair.Line(1)), new Architecture.Flatten(), new Architecture.Linear(4),
            },
            Flat(network));
        Assert.Equal(model.parameters().Sum(p => p.numel()), CostModel.Of(network).Total.Parameters);
    }

    [Fact]
    public void A_1d_network_module_traces_back_with_its_residual_and_gate()
    {
        // InfoField's own 1-D modules (2-D ones of height 1) and merges found by value on N x C x L tensors.
        var input = new FeatureShape(3, 1, 32);
        OpGraph gated = OpGraph.Parallel(Ops.Multiply(), OpGraph.Identity, [Ops.GlobalAvgPool(), Ops.Pointwise(8, bias: true), Ops.Sigmoid()]);
        var network = new Network(
            "signal",
            input,
            [
                new Stage([new Unit("stem", [new Architecture.Convolution(8, Pair.Line(5), Pair.Line(1), Pair.Line(2, 0), Pair.Line(1)), Ops.BatchNorm(), Ops.Relu()], UnitRole.Stem)]),
                new Stage([new Pooling(PoolKind.Max, Pair.Line(2), Pair.Line(2), Pair.Line(0, 0))], [new Unit("block", OpGraph.Residual([new Architecture.Convolution(8, Pair.Line(3), Pair.Line(1), Pair.Line(1, 0), Pair.Line(1)), Ops.BatchNorm()]).Then(Ops.Relu())), new Unit("gated", gated)]),
            ],
            [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(4)],
            spatialRank: 1);
        using Building.NetworkModule module = network.ToModule();

        Network traced = module.ToArchitecture(input, new TraceOptions(SpatialRank: 1));

        Assert.Equal(1, traced.SpatialRank);
        Assert.Equal(CostModel.Of(network).Total, CostModel.Of(traced).Total);
        Assert.Equal(
            InformationField.Analyze(network).Stages.Select(stage => stage.Last.Literal),
            InformationField.Analyze(traced).Stages.Select(stage => stage.Last.Literal));
        Assert.Throws<ArgumentException>(() => module.ToArchitecture(new FeatureShape(3, 2, 32), new TraceOptions(SpatialRank: 1)));
    }

    [Fact]
    public void A_functional_op_that_cannot_be_read_names_the_module()
    {
        using var model = new Scaling();

        var error = Assert.Throws<TraceException>(() => model.ToArchitecture(new FeatureShape(3, 8, 8)));

        Assert.Contains("'second' (Conv2d)", error.Message);
        Assert.Contains("functional op", error.Message);
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

    /// <summary>The ops of a network in the order they run: each stage's entry and units, then the head.</summary>
    private static List<Op> Flat(Network network) =>
        [.. network.Stages.SelectMany(stage => stage.Entry.Concat(stage.Units.SelectMany(unit => unit.Graph.Ops))), .. network.Head];

    private sealed class Bypassing : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "conv")]
        private readonly Conv2d _conv = nn.Conv2d(3, 3, 3, padding: 1);

        public Bypassing()
            : base("bypassing") => RegisterComponents();

        public override Tensor forward(Tensor input) => _conv.forward(input);
    }

    /// <summary>A residual add, a gate (x * sigmoid(pool(x))) and a concatenation, all functional, between modules.</summary>
    private sealed class TwoBranches : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "first")]
        private readonly Conv2d _first = nn.Conv2d(3, 3, 3, padding: 1);

        [ComponentName(Name = "squeeze")]
        private readonly AdaptiveAvgPool2d _squeeze = nn.AdaptiveAvgPool2d(1);

        [ComponentName(Name = "gate")]
        private readonly Sigmoid _gate = nn.Sigmoid();

        [ComponentName(Name = "second")]
        private readonly Conv2d _second = nn.Conv2d(6, 4, 3, padding: 1);

        public TwoBranches()
            : base("two-branches") => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            using Tensor branch = _first.call(input);
            using Tensor sum = branch + input;
            using Tensor scale = _gate.call(_squeeze.call(sum));
            using Tensor gated = sum * scale;
            using Tensor both = cat([gated, input], 1);
            return _second.call(both);
        }
    }

    private sealed class Scaling : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "first")]
        private readonly Conv2d _first = nn.Conv2d(3, 3, 3, padding: 1);

        [ComponentName(Name = "second")]
        private readonly Conv2d _second = nn.Conv2d(3, 3, 3, padding: 1);

        public Scaling()
            : base("scaling") => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            using Tensor branch = _first.call(input);
            using Tensor scaled = branch * 0.5;
            return _second.call(scaled);
        }
    }
}
