using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Organizer;
using InfoField.Spec;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

public class OrganizerTests
{
    [Theory]
    [InlineData("vgg16", "cifar10", "5,4,2,1,1", 5.10)]
    [InlineData("resnet50", "cifar10", "5,5,4,2", 17.24)]
    [InlineData("vgg16", "cifar100", "5,4,2,1,1", 24.39)]
    [InlineData("vgg16", "imagenet", "3,3,3,2,2", 133.82)]
    [InlineData("resnet50", "imagenet", "4,5,4,3", 23.67)]
    [InlineData("mobilenet", "imagenet", "2,3,3,3,2", 3.52)]
    public void Default_settings_give_the_papers_architectures(string model, string dataset, string units, double millions)
    {
        OrganizerResult result = StageOrganizer.Optimize(ModelZoo.Create(model, dataset));

        Assert.Equal(units, StageUnits.Format(result.AfterStageUnits));
        Assert.Equal(millions, Math.Round(result.AfterCost.Parameters / 1e6, 2));
        Assert.Equal(OrganizerAction.Stop, result.Steps[^1].Action);
    }

    [Theory]
    [InlineData("vgg19", "cifar10", "6,4,3,2,1", 8.09, 0)]
    [InlineData("vgg19", "cifar100", "6,4,3,2,1", 27.38, 0)]
    [InlineData("mobilenet", "cifar10", "4,4,2,2,1", 1.13, 0)]
    [InlineData("mobilenet", "cifar100", "4,4,2,2,1", 1.23, 0.01)] // the paper's CIFAR-100 MobileNet is 0.01M larger already at baseline (3.32M printed, 3,309,476 published)
    [InlineData("vgg19", "imagenet", "3,2,4,4,3", 141.34, 0)]
    public void The_paper_preset_gives_the_rows_that_need_other_settings(string model, string dataset, string units, double millions, double tolerance)
    {
        PresetChoice preset = PaperRows.Preset(model, DatasetInfo.Find(dataset));

        OrganizerResult result = StageOrganizer.Optimize(ModelZoo.Create(model, dataset), preset.Options);

        Assert.Equal(units, StageUnits.Format(result.AfterStageUnits));
        Assert.InRange(Math.Round(result.AfterCost.Parameters / 1e6, 2), millions - tolerance, millions + tolerance);
        Assert.Contains("paper preset", preset.Explanation);
    }

    [Fact]
    public void Vgg16_on_cifar10_matches_the_paper_exactly_and_explains_every_step()
    {
        OrganizerResult result = StageOrganizer.Optimize(ModelZoo.Create("vgg16", "cifar10"));

        Assert.Equal(5_101_194, result.AfterCost.Parameters);
        Assert.InRange(result.AfterCost.Macs / 1e6, 365, 375);
        Assert.Equal("2,2,3,3,3", StageUnits.Format(result.BeforeStageUnits));
        Assert.Equal(14_728_266, result.BeforeCost.Parameters);
        Assert.Equal(
            [OrganizerAction.Move, OrganizerAction.Move, OrganizerAction.Move, OrganizerAction.Move, OrganizerAction.Move, OrganizerAction.Stop],
            result.Steps.Select(step => step.Action));
        OrganizerStep first = result.Steps[0];
        Assert.Equal((5, 0.0, 1), (first.Source, first.SourceDeltaIf, first.Target));
        Assert.Equal(0.8922, first.TargetDeltaIf!.Value, 4);
        Assert.Equal("3,2,3,3,2", StageUnits.Format(first.StageUnits));
        Assert.Equal(4, first.Candidates.Count);
        Assert.Equal("conv3-64", first.Architecture.Stages[0].Units[^1].Name);
        Assert.Contains("does not exceed", result.StopReason);
        foreach (OrganizerStep step in result.Steps.Where(step => step.Action == OrganizerAction.Move))
        {
            Assert.True(step.TargetDeltaIf > step.SourceDeltaIf);
            Assert.Contains("move", step.Reason);
        }
    }

    [Fact]
    public void Net_gain_of_vgg16_on_imagenet_is_the_papers_0_39()
    {
        OrganizerResult result = StageOrganizer.Optimize(ModelZoo.Create("vgg16", "imagenet"));

        Assert.Equal(0.39, Math.Round(result.NetDeltaIf, 2));
        Assert.InRange(result.AfterCost.Macs / 1e9, 16.8, 17.0);
    }

    [Fact]
    public void Networks_it_cannot_reorganize_are_explained()
    {
        Network oneStage = new("one", new FeatureShape(3, 8, 8), [new Stage([Vgg.ConvUnit(8, true), Vgg.ConvUnit(8, true)])], []);
        Network stemsOnly = new(
            "stems",
            new FeatureShape(3, 8, 8),
            [new Stage([Vgg.ConvUnit(8, true) with { Role = UnitRole.Stem }]), new Stage([Ops.MaxPool(2)], [Vgg.ConvUnit(8, true) with { Role = UnitRole.Tail }])],
            []);
        Network noRepeats = new("single-units", new FeatureShape(3, 8, 8), [new Stage([Vgg.ConvUnit(8, true)]), new Stage([Ops.MaxPool(2)], [Vgg.ConvUnit(8, true)])], []);

        OrganizerResult one = StageOrganizer.Optimize(oneStage);
        OrganizerResult stems = StageOrganizer.Optimize(stemsOnly);
        OrganizerResult single = StageOrganizer.Optimize(noRepeats);

        Assert.Contains("single stage", one.StopReason);
        Assert.Contains("stem or tail", stems.StopReason);
        Assert.Contains("no stage has a movable unit", single.StopReason);
        Assert.All(new[] { one, stems, single }, result => Assert.False(result.Changed));
        Assert.All(new[] { one, stems, single }, result => Assert.Equal(result.Before, result.After));
    }

    [Fact]
    public void Units_that_cannot_be_repeated_in_a_stage_are_skipped_with_the_reason()
    {
        // A generic unit of 12 channels cannot be rescaled for a stage of 8 channels with a 5-channel inner layer.
        Unit odd = new("odd-12", [Ops.Conv(5, 3, padding: 1), Ops.Relu(), Ops.Conv(12, 3, padding: 1)]);
        Network network = new(
            "odd",
            new FeatureShape(3, 16, 16),
            [new Stage([Vgg.ConvUnit(8, true)]), new Stage([Ops.MaxPool(2)], [Vgg.ConvUnit(12, true), odd, odd])],
            []);

        OrganizerResult result = StageOrganizer.Optimize(network);

        TargetCandidate candidate = Assert.Single(result.Steps[0].Candidates);
        Assert.Null(candidate.DeltaIf);
        Assert.Contains("do not scale by 8/12", candidate.Skipped);
    }

    [Fact]
    public void Family_recreation_equals_rescaling_for_the_zoo_families()
    {
        foreach (var (model, stage) in new[] { ("vgg16", 3), ("resnet50", 2), ("mobilenet", 3), ("resnet18", 1) })
        {
            Network network = ModelZoo.Create(model, "cifar10");
            Unit unit = network.Stages[stage].Units[^1];
            FeatureShape input = network.Layout.Stages[stage].Units[^1].Input;
            FeatureShape target = network.Layout.Stages[0].Output;

            Unit family = UnitFamilies.ForStage(unit, input, target);
            Unit rescaled = UnitFamilies.Rescaled(unit, input.Channels, target.Channels);

            Assert.Equal(family.Ops, rescaled.Ops);
            Assert.Equal(family.Name, rescaled.Name);
        }
    }

    /// <summary>Every family's last body unit of every stage, re-created for every other stage that has body units.</summary>
    [Theory]
    [InlineData("mobilenetv2", "imagenet")]
    [InlineData("mobilenetv2", "cifar10")]
    [InlineData("shufflenetv2", "imagenet")]
    [InlineData("efficientnet-b0", "imagenet")]
    [InlineData("efficientnet-b0", "cifar10")]
    [InlineData("densenet121", "imagenet")]
    [InlineData("googlenet", "imagenet")]
    [InlineData("googlenet", "cifar10")]
    [InlineData("mobilenetv3-large", "imagenet")]
    [InlineData("convnext-tiny", "imagenet")]
    public void Every_family_re_creates_its_units_for_other_stages(string model, string dataset)
    {
        Network network = ModelZoo.Create(model, dataset);
        int recreated = 0;
        for (int s = 0; s < network.Stages.Count; s++)
        {
            int last = network.Stages[s].Units.ToList().FindLastIndex(unit => unit.Role == UnitRole.Body);
            if (last < 1)
            {
                continue;
            }

            Unit unit = network.Stages[s].Units[last];
            FeatureShape input = network.Layout.Stages[s].Units[last].Input;
            for (int t = 0; t < network.Stages.Count; t++)
            {
                if (t == s || !network.Stages[t].BodyUnits().Any())
                {
                    continue;
                }

                FeatureShape target = network.Layout.Stages[t].Output;
                Recreation copy = UnitFamilies.Recreate(unit, input, target);
                int growth = unit.OutputShape(input).Channels - input.Channels;

                Assert.Equal($"re-created by the {unit.Family} builder", copy.How);
                Assert.Equal(unit.Family, copy.Unit.Family);
                Assert.Equal(unit.Family == DenseNet.Family ? target.WithChannels(target.Channels + growth) : target, copy.Unit.OutputShape(target));
                recreated++;
            }
        }

        Assert.True(recreated >= 2, $"{recreated} re-creations");
    }

    [Fact]
    public void Re_creation_keeps_the_unit_design()
    {
        Network efficientnet = ModelZoo.Create("efficientnet-b0", "imagenet");
        Unit mbconv = efficientnet.Stages[4].Units[^2]; // mbconv6-320, k = 3
        Unit copy = UnitFamilies.ForStage(mbconv, efficientnet.Layout.Stages[4].Units[^2].Input, new FeatureShape(40, 28, 28));
        Network mobilenetv2 = ModelZoo.Create("mobilenetv2", "imagenet");
        Unit inverted = mobilenetv2.Stages[^1].Units[^2];
        Unit residual = UnitFamilies.ForStage(inverted, mobilenetv2.Layout.Stages[^1].Units[^2].Input, new FeatureShape(64, 14, 14));
        Network googlenet = ModelZoo.Create("googlenet", "imagenet");
        Unit inception = UnitFamilies.ForStage(googlenet.Stages[3].Units[^1], googlenet.Layout.Stages[3].Units[^1].Input, new FeatureShape(480, 28, 28));

        Assert.Equal(EfficientNet.MbConv(40, 40, 6, 3, 1), copy);
        Assert.Equal(MobileNetV2.InvertedResidual(64, 64, 6, 1, imageNet: true), residual);
        Assert.Equal(480, inception.OutputShape(new FeatureShape(480, 28, 28)).Channels);
        Assert.All(inception.Ops.OfType<BatchNorm>(), bn => Assert.Equal(GoogLeNet.TorchVisionEps, bn.Eps));
    }

    [Fact]
    public void Units_of_unknown_families_are_not_rescaled_silently()
    {
        Unit plain = new("conv3-64", [Ops.Conv(64, 3, padding: 1), Ops.Relu()]);
        Unit custom = plain with { Family = "custom" };
        var input = new FeatureShape(64, 16, 16);

        Recreation rescaled = UnitFamilies.Recreate(plain, input, new FeatureShape(128, 8, 8));
        var error = Assert.Throws<InfoFieldException>(() => UnitFamilies.Recreate(custom, input, new FeatureShape(128, 8, 8)));

        Assert.Equal("rescaled from 64 to 128 channels", rescaled.How);
        Assert.Equal("conv3-128", rescaled.Unit.Name);
        Assert.Contains("'conv3-64' is of family 'custom', which the organizer cannot re-create", error.Message);
    }

    [Fact]
    public void Move_steps_say_how_the_copy_was_made()
    {
        OrganizerResult vgg = StageOrganizer.Optimize(ModelZoo.Create("vgg16", "cifar10"));
        OrganizerResult googlenet = StageOrganizer.Optimize(ModelZoo.Create("googlenet", "imagenet"));

        Assert.All(vgg.Steps.Concat(googlenet.Steps), step => Assert.Equal(step.Action == OrganizerAction.Move, step.Recreation is not null));
        Assert.Equal("re-created by the vgg builder", vgg.Steps[0].Recreation);
        Assert.Contains("(the copy re-created by the vgg builder)", vgg.Steps[0].Reason);
        Assert.Contains(googlenet.Steps, step => step.Recreation == "re-created by the inception builder");
        Assert.Equal(CostModel.Of(googlenet.After).Total, googlenet.AfterCost);
    }

    [Fact]
    public void Optimized_zoo_names_load_the_paper_architecture()
    {
        LoadedNetwork vgg = NetworkSource.OptimizedZoo("vgg16", DatasetInfo.Cifar10);
        LoadedNetwork mobilenet = NetworkSource.OptimizedZoo("mobilenet", DatasetInfo.Find("fashion-mnist"), 0.5);

        Assert.Equal("5,4,2,1,1", StageUnits.Format(StageUnits.Of(vgg.Network)));
        Assert.Equal(5_101_194, CostModel.Of(vgg.Network).Total.Parameters);
        Assert.Equal("vgg16-opt", vgg.Network.Name);
        Assert.Equal("4,4,2,2,1", StageUnits.Format(StageUnits.Of(mobilenet.Network)));
        Assert.Contains("output frame", mobilenet.Optimization);
    }

    [Fact]
    public void Bad_settings_are_named()
    {
        Network network = ModelZoo.Create("vgg11");

        Assert.Contains("theta", Assert.Throws<InfoFieldException>(() => StageOrganizer.Optimize(network, new OrganizerOptions(Theta: double.NaN))).Message);
        Assert.Contains("alpha", Assert.Throws<ParameterException>(() => StageOrganizer.Optimize(network, new OrganizerOptions(Alpha: -1))).Message);
        Assert.Contains("iteration bound", Assert.Throws<InfoFieldException>(() => StageOrganizer.Optimize(network, new OrganizerOptions(MaxIterations: -1))).Message);
    }

    [Fact]
    public void The_iteration_bound_is_honoured()
    {
        OrganizerResult result = StageOrganizer.Optimize(ModelZoo.Create("vgg16"), new OrganizerOptions(MaxIterations: 2));

        Assert.Equal(3, result.Steps.Count);
        Assert.Contains("iteration bound (2)", result.StopReason);
        Assert.Equal("3,3,3,3,1", StageUnits.Format(result.AfterStageUnits));
    }

    [Fact]
    public void The_optimized_network_saves_as_a_spec()
    {
        OrganizerResult result = StageOrganizer.Optimize(ModelZoo.Create("resnet50", "imagenet"));

        Network loaded = NetworkSpec.Parse(NetworkSpec.Serialize(result.After));

        Assert.Equal(result.After, loaded);
        Assert.Equal("4,5,4,3", StageUnits.Format(StageUnits.Of(loaded)));
    }
}
