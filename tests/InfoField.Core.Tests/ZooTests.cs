using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

public class ZooTests
{
    [Theory]
    [InlineData("vgg11", "cifar10", 9_231_114)]
    [InlineData("vgg13", "cifar10", 9_416_010)]
    [InlineData("vgg16", "cifar10", 14_728_266)]
    [InlineData("vgg16", "cifar100", 34_015_396)]
    [InlineData("vgg16", "imagenet", 138_357_544)]
    [InlineData("vgg19", "cifar10", 20_040_522)]
    [InlineData("vgg19", "cifar100", 39_327_652)]
    [InlineData("vgg19", "imagenet", 143_667_240)]
    [InlineData("vgg11", "imagenet", 132_863_336)]
    [InlineData("vgg13", "imagenet", 133_047_848)]
    [InlineData("resnet50", "cifar10", 23_520_842)]
    [InlineData("resnet50", "cifar100", 23_705_252)]
    [InlineData("resnet50", "imagenet", 25_557_032)]
    [InlineData("resnet18", "cifar10", 11_173_962)]
    [InlineData("resnet18", "imagenet", 11_689_512)]
    [InlineData("resnet34", "imagenet", 21_797_672)]
    [InlineData("resnet101", "imagenet", 44_549_160)]
    [InlineData("resnet152", "imagenet", 60_192_808)]
    [InlineData("mobilenet", "cifar10", 3_217_226)]
    [InlineData("mobilenet", "cifar100", 3_309_476)]
    [InlineData("mobilenet", "imagenet", 4_231_976)]
    [InlineData("mobilenetv2", "cifar10", 2_296_922)]
    [InlineData("mobilenetv2", "imagenet", 3_504_872)]
    [InlineData("shufflenetv2", "imagenet", 2_278_604)]
    [InlineData("efficientnet-b0", "imagenet", 5_288_548)]
    [InlineData("densenet121", "imagenet", 7_978_856)]
    [InlineData("googlenet", "imagenet", 6_624_904)]
    [InlineData("mobilenetv3-large", "imagenet", 5_483_032)]
    [InlineData("convnext-tiny", "imagenet", 28_589_128)]
    [InlineData("densenet121", "cifar10", 6_956_298)]
    [InlineData("googlenet", "cifar10", 6_166_250)]
    [InlineData("shufflenetv2", "cifar10", 1_263_854)]
    [InlineData("efficientnet-b0", "cifar10", 3_598_598)]
    public void Parameter_counts_equal_the_published_ones(string model, string dataset, long expected)
    {
        Network network = ModelZoo.Create(model, dataset);

        Assert.Equal(expected, CostModel.Of(network).Total.Parameters);
    }

    /// <summary>
    /// The paper's baseline rows (Tables 3-5) in MFLOPs, which count multiply-accumulates. The paper rounds to tens of
    /// MFLOPs, so a value within 3% or within half that rounding step (5 MMAC) agrees.
    /// </summary>
    [Theory]
    [InlineData("vgg16", "cifar10", 310)]
    [InlineData("vgg19", "cifar10", 400)]
    [InlineData("mobilenet", "cifar10", 50)]
    [InlineData("resnet50", "cifar10", 1300)]
    [InlineData("vgg16", "cifar100", 330)]
    [InlineData("vgg19", "cifar100", 420)]
    [InlineData("mobilenet", "cifar100", 50)]
    [InlineData("resnet50", "cifar100", 1310)]
    [InlineData("vgg16", "imagenet", 15500)]
    [InlineData("vgg19", "imagenet", 19670)]
    [InlineData("mobilenet", "imagenet", 580)]
    [InlineData("resnet50", "imagenet", 4120)]
    public void Macs_agree_with_the_paper_baselines(string model, string dataset, double paperMflops)
    {
        double macs = CostModel.Of(ModelZoo.Create(model, dataset)).Total.Macs / 1e6;

        Assert.InRange(macs, Math.Min(paperMflops * 0.97, paperMflops - 5), Math.Max(paperMflops * 1.03, paperMflops + 5));
    }

    /// <summary>torchvision's GFLOPS (multiply-accumulates) of the branched families, given to two decimals: within half a step.</summary>
    [Theory]
    [InlineData("shufflenetv2", 0.14)]
    [InlineData("efficientnet-b0", 0.39)]
    [InlineData("densenet121", 2.83)]
    [InlineData("googlenet", 1.50)]
    [InlineData("mobilenetv3-large", 0.22)]
    public void Macs_agree_with_torchvision(string model, double gmacs)
    {
        double macs = CostModel.Of(ModelZoo.Create(model, "imagenet")).Total.Macs / 1e9;

        Assert.InRange(macs, gmacs - 0.005, gmacs + 0.005);
    }

    /// <summary>
    /// ConvNeXt-T at 224 x 224: exactly the multiply-accumulates forward hooks count on torchvision's
    /// <c>convnext_tiny</c> (Conv2d and Linear; <c>/usr/bin/python3 tools/zoo/torchvision_counts.py convnext_tiny 224</c>
    /// prints params 28589128 macs 4455531264).
    /// </summary>
    [Fact]
    public void ConvNeXt_T_has_the_multiply_accumulates_pytorch_counts()
    {
        Network network = ModelZoo.Create("convnext-tiny", "imagenet");

        Assert.Equal(new Cost(28_589_128, 4_455_531_264), CostModel.Of(network).Total);
    }

    [Fact]
    public void ConvNeXt_blocks_are_torchvisions()
    {
        Network network = ModelZoo.Create("convnext-tiny", "imagenet");
        Unit block = network.Stages[2].Units[1];
        Unit down = network.Stages[2].Units[0];

        Assert.Equal(("convnext-384", ConvNeXt.Family), (block.Name, block.Family));
        Assert.Equal(
            [Ops.Depthwise(7, padding: 3, bias: true), new LayerNorm(1e-6), Ops.Pointwise(1536, bias: true), new Activation(ActivationKind.Gelu), Ops.Pointwise(384, bias: true), new LayerScale(), Ops.Add()],
            block.Ops);
        Assert.Equal(new FeatureShape(384, 14, 14), block.OutputShape(new FeatureShape(384, 14, 14)));
        Assert.Equal([new LayerNorm(1e-6), Ops.Conv(384, 2, stride: 2, bias: true)], down.Ops);
        Assert.Equal(UnitRole.Stem, network.Stages[0].Units[0].Role);
        Assert.Equal([Ops.GlobalAvgPool()], network.Stages[4].Entry);
        Assert.Equal((UnitRole.Tail, "layernorm-768"), (network.Stages[4].Units[0].Role, network.Stages[4].Units[0].Name));
        Assert.Equal([Ops.Flatten(), Ops.Linear(1000)], network.Head);
    }

    [Fact]
    public void Every_model_builds_for_every_dataset_and_a_narrow_width()
    {
        foreach (ZooEntry entry in ModelZoo.Entries)
        {
            foreach (DatasetInfo dataset in DatasetInfo.All)
            {
                if (!entry.Supports(dataset))
                {
                    var refused = Assert.Throws<InfoFieldException>(() => entry.Build(new ZooRequest(dataset)));
                    Assert.Equal(entry.Unsupported(dataset)!.Message, refused.Message);
                    Assert.StartsWith(entry.Name, refused.Message, StringComparison.Ordinal);
                    continue;
                }

                Network full = entry.Build(new ZooRequest(dataset));
                Network narrow = entry.Build(new ZooRequest(dataset, 0.25));

                // A dense model (a U-Net) scores every pixel: a map of classes at the input's size.
                FeatureShape output = entry.Dense ? dataset.Input.WithChannels(dataset.Classes) : new FeatureShape(dataset.Classes, 1, 1);
                Assert.Equal(output, full.Output);
                Assert.Equal(output, narrow.Output);
                Assert.True(CostModel.Of(narrow).Total.Parameters < CostModel.Of(full).Total.Parameters, $"{entry.Name} on {dataset.Name}");
            }
        }
    }

    [Theory]
    [InlineData("vgg16", "cifar10", new[] { 2, 2, 3, 3, 3 })]
    [InlineData("vgg19", "imagenet", new[] { 2, 2, 4, 4, 4 })]
    [InlineData("resnet50", "cifar10", new[] { 3, 4, 6, 3 })]
    [InlineData("resnet50", "imagenet", new[] { 0, 3, 4, 6, 3 })]
    [InlineData("mobilenet", "cifar10", new[] { 1, 2, 2, 6, 2 })]
    [InlineData("mobilenet", "imagenet", new[] { 1, 2, 2, 6, 2 })]
    [InlineData("vgg11-variant3", "cifar10", new[] { 1, 1, 3, 2, 2 })]
    [InlineData("shufflenetv2", "imagenet", new[] { 0, 4, 8, 4 })]
    [InlineData("shufflenetv2", "cifar10", new[] { 0, 4, 8, 4 })]
    [InlineData("efficientnet-b0", "imagenet", new[] { 1, 2, 2, 6, 5 })]
    [InlineData("densenet121", "imagenet", new[] { 0, 6, 13, 25, 17 })]
    [InlineData("densenet121", "cifar10", new[] { 6, 13, 25, 17 })]
    [InlineData("googlenet", "imagenet", new[] { 0, 0, 2, 5, 2 })]
    [InlineData("googlenet", "cifar10", new[] { 2, 5, 2 })]
    [InlineData("mobilenetv3-large", "imagenet", new[] { 1, 2, 3, 6, 3 })]
    [InlineData("convnext-tiny", "imagenet", new[] { 3, 4, 10, 4, 0 })]
    public void Stages_hold_the_papers_units(string model, string dataset, int[] bodyUnitsPerStage)
    {
        Network network = ModelZoo.Create(model, dataset);

        Assert.Equal(bodyUnitsPerStage, network.Stages.Select(stage => stage.BodyUnits().Count()).ToArray());
    }

    [Fact]
    public void Stems_are_marked_and_share_stage_one_on_cifar()
    {
        Network resnet = ModelZoo.Create("resnet50", "cifar10");
        Network mobilenet = ModelZoo.Create("mobilenet", "imagenet");

        Assert.Equal(UnitRole.Stem, resnet.Stages[0].Units[0].Role);
        Assert.Equal(4, resnet.Stages[0].Units.Count);
        Assert.Equal(UnitRole.Stem, mobilenet.Stages[0].Units[0].Role);
        Assert.True(mobilenet.Layout.Stages[0].OpensWithStridedUnit);
    }

    [Theory]
    [InlineData("shufflenetv2", "shufflenetv2")]
    [InlineData("efficientnet-b0", "mbconv")]
    [InlineData("densenet121", "dense-layer")]
    [InlineData("googlenet", "inception")]
    [InlineData("mobilenetv3-large", "mobilenetv3-block")]
    public void Branched_families_mark_their_blocks_stems_and_tails(string model, string family)
    {
        Network network = ModelZoo.Create(model, "imagenet");
        var units = network.Units.ToList();

        Assert.Equal(UnitRole.Stem, units[0].Role);
        Assert.Null(units[0].Family);
        Assert.All(units.Where(unit => unit.Role != UnitRole.Body), unit => Assert.Null(unit.Family));
        Assert.All(units.Where(unit => unit.Role == UnitRole.Body), unit => Assert.Contains(unit.Family, new[] { family, "transition" }));
        Assert.Contains(units, unit => !unit.Graph.IsChain);
    }

    [Fact]
    public void Branched_units_are_the_published_blocks()
    {
        Unit inception = ModelZoo.Create("googlenet", "imagenet").Stages[2].Units[0];
        Unit mbconv = ModelZoo.Create("efficientnet-b0", "imagenet").Stages[1].Units[1];
        Unit shuffle = ModelZoo.Create("shufflenetv2", "imagenet").Stages[1].Units[1];

        Assert.Equal("inception-3a", inception.Name);
        Assert.Equal(new FeatureShape(256, 28, 28), inception.OutputShape(new FeatureShape(192, 28, 28)));
        Assert.Equal(4, inception.Graph.Nodes[^1].Inputs.Count);
        Assert.Contains(mbconv.Ops, op => op is Multiply);
        Assert.Contains(mbconv.Ops, op => op is AdaptivePooling);
        Assert.Equal(new FeatureShape(24, 56, 56), mbconv.OutputShape(new FeatureShape(24, 56, 56)));
        Assert.Equal([new ChannelSlice(0, 58), new ChannelSlice(58, 58)], shuffle.Ops.OfType<ChannelSlice>());
        Assert.IsType<ChannelShuffle>(shuffle.Ops[^1]);
        Assert.All(ModelZoo.Create("googlenet", "imagenet").Units.SelectMany(unit => unit.Ops).OfType<BatchNorm>(), bn => Assert.Equal(0.001, bn.Eps));
    }

    [Fact]
    public void Width_scales_channels()
    {
        Network network = ModelZoo.Create("vgg16", new ZooRequest(DatasetInfo.FashionMnist, 0.25));

        Assert.Equal(new FeatureShape(1, 32, 32), network.Input);
        Assert.Equal(16, network.Layout.Stages[0].Output.Channels);
        Assert.Equal(128, network.Layout.Stages[4].Output.Channels);
    }

    [Fact]
    public void Unknown_names_and_bad_options_get_clear_errors()
    {
        var model = Assert.Throws<InfoFieldException>(() => ModelZoo.Create("vgg61", "cifar10"));
        var dataset = Assert.Throws<InfoFieldException>(() => ModelZoo.Create("vgg16", "cifar-10"));
        var width = Assert.Throws<InfoFieldException>(() => ModelZoo.Create("vgg16", "cifar10", 0));

        Assert.Contains("unknown model 'vgg61'", model.Message);
        Assert.Contains("vgg16", model.Message);
        Assert.Contains("expected one of cifar10, cifar100, imagenet, fashion-mnist", dataset.Message);
        Assert.Contains("width", width.Message);
    }
}
