using InfoField.Architecture;
using InfoField.Field;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

public sealed class NeuronReachTests
{
    [Theory]
    [InlineData("resnet18", "imagenet", CoordinateFrame.Input)]
    [InlineData("resnet50", "cifar10", CoordinateFrame.Output)]
    [InlineData("mobilenetv2", "cifar10", CoordinateFrame.Input)]
    [InlineData("shufflenetv2", "imagenet", CoordinateFrame.Input)]
    [InlineData("googlenet", "imagenet", CoordinateFrame.Output)]
    [InlineData("vgg11", "cifar100", CoordinateFrame.Input)]
    public void The_reach_of_every_unit_and_op_has_the_field_the_analysis_reports(string model, string dataset, CoordinateFrame frame)
    {
        Network network = ModelZoo.Create(model, dataset, 0.5);
        var options = new FieldOptions(3, frame);
        NetworkField field = InformationField.Analyze(network, options);

        foreach (StageField stage in field.Stages)
        {
            foreach (UnitField unit in stage.Units)
            {
                NeuronReach reach = NeuronReach.Of(network, stage.Index, unit.Index, options: options);
                Assert.Equal(stage.InputShape, reach.Frame);
                Assert.Equal(unit.OutputShape, reach.Output);
                Assert.Equal((unit.IfH, unit.IfW, unit.IfC, unit.IfCMax), (reach.IfH, reach.IfW, reach.Coverage.Minimum(), reach.Coverage.Maximum()));
                Assert.Equal(unit.IfCMean, reach.Coverage.Mean(), 12);
                foreach (OpField op in unit.Ops)
                {
                    NeuronReach inside = NeuronReach.Of(network, stage.Index, unit.Index, op.Index, options);
                    Assert.Equal((op.OutputShape, op.IfH, op.IfW, op.IfC), (inside.Output, inside.IfH, inside.IfW, inside.Coverage.Minimum()));
                }
            }
        }
    }

    [Fact]
    public void The_channels_one_output_channel_reaches_are_exact()
    {
        // Two grouped 1x1 convolutions of 8 channels in 2 groups: output channel c sees only the 4 input channels of its group.
        var network = new Network("grouped", new FeatureShape(8, 4, 4),
            [new Stage([new Unit("g", [Ops.Conv(8, 1, groups: 2)]), new Unit("g2", [Ops.Conv(8, 3, padding: 1, groups: 2)])])], []);

        NeuronReach reach = NeuronReach.Of(network, 1, 2);

        Assert.Equal([0, 1, 2, 3], reach.Coverage.Inputs(0));
        Assert.Equal([4, 5, 6, 7], reach.Coverage.Inputs(7));
        Assert.Equal((3, 3), (reach.IfH, reach.IfW));
    }

    [Theory]
    [InlineData(0, 1, null, "stage 0: expected 1 to 5")]
    [InlineData(6, 1, null, "stage 6: expected 1 to 5")]
    [InlineData(1, 2, null, "unit 2: expected 1 to 1")]
    [InlineData(1, 1, 0, "op 0: expected 1 to 3")]
    [InlineData(1, 1, 4, "op 4: expected 1 to 3")]
    public void An_index_out_of_range_is_refused_naming_it(int stage, int unit, int? op, string message)
    {
        Network network = ModelZoo.Create("vgg11", "cifar10", 0.25);

        var error = Assert.Throws<ParameterException>(() => NeuronReach.Of(network, stage, unit, op));

        Assert.Equal(message, error.Message);
    }
}
