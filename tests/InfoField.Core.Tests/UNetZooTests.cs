using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Spec;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

/// <summary>
/// The zoo's U-Net: the parameter count of milesial/Pytorch-UNet's <c>UNet(n_channels, n_classes, bilinear=False)</c>
/// (counted with PyTorch by tools/zoo/unet_parameters.py from a layout written from the paper), its skips and stages,
/// its output fields, a spec round trip, the organizer's refusal and the decomposer keeping the skips.
/// </summary>
public class UNetZooTests
{
    [Theory]
    [InlineData("cifar10", 31_038_218)] // UNet(n_channels=3, n_classes=10)
    [InlineData("imagenet", 31_102_568)] // UNet(n_channels=3, n_classes=1000)
    [InlineData("mnist", 31_037_066)] // UNet(n_channels=1, n_classes=10)
    public void The_unet_has_the_parameters_of_the_reference_implementation(string dataset, long parameters)
    {
        Network unet = ModelZoo.Create("unet", dataset);

        Assert.Equal(parameters, CostModel.Of(unet).Total.Parameters);
    }

    [Fact]
    public void The_unet_reads_each_encoder_level_at_its_resolution_and_outputs_the_input_size()
    {
        Network unet = ModelZoo.Create("unet", "cifar10");

        Assert.Equal(9, unet.Stages.Count);
        Assert.Equal(
            [new UnitReference(3, 0), new UnitReference(2, 0), new UnitReference(1, 0), new UnitReference(0, 0)],
            unet.Stages.Skip(5).Select(stage => Assert.Single(Assert.Single(stage.Units).Skips)));
        Assert.Equal(new FeatureShape(10, 32, 32), unet.Output);
        Assert.Equal(new FeatureShape(1024, 4, 4), unet.Layout.Stages[5].Units[0].Tensors[2]); // 512 of the encoder, 512 up
        Assert.Equal(unet, NetworkSpec.Parse(NetworkSpec.Serialize(unet)));

        // The main output's field in the input frame: every class score sees the whole 32 x 32 image and its 3 channels.
        OutputField field = Assert.Single(OutputFields.Of(unet));
        Assert.True(field.Covers(FieldKind.Local));
    }

    [Fact]
    public void An_input_whose_sides_are_not_multiples_of_16_is_refused_saying_why()
    {
        var error = Assert.Throws<InfoFieldException>(() => ModelZoo.Create("unet", new ZooRequest(DatasetInfo.Cifar10, InputOverride: new FeatureShape(3, 40, 40))));

        Assert.Equal("unet halves the input four times and doubles it back, so its height and width must be multiples of 16 (got 40x40)", error.Message);
    }

    [Fact]
    public void The_organizer_refuses_the_unet_and_the_decomposer_keeps_its_skips()
    {
        Network unet = ModelZoo.Create("unet", "cifar10", 0.25);

        OrganizerResult organized = StageOrganizer.Optimize(unet);
        Decomposition decomposed = Decomposer.Decompose(unet, ReplacementBlock.DwPw);
        Decomposition rule = Decomposer.DecomposeByRule(unet);

        Assert.Equal(unet, organized.After);
        Assert.StartsWith("stage 6, unit 1 reads the output of stage 4, unit 1 (a skip across stages", Assert.Single(organized.Steps).Reason, StringComparison.Ordinal);
        Assert.Equal(17, decomposed.ReplacedCount); // 18 3x3 convolutions, the first kept
        Assert.Equal(unet.Units.Select(unit => unit.Skips), decomposed.After.Units.Select(unit => unit.Skips));
        Assert.Equal(unet.Output, rule.After.Output);
        Assert.Equal(unet.Units.Select(unit => unit.Skips), rule.After.Units.Select(unit => unit.Skips));
    }
}
