using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Torch.Building;
using InfoField.Torch.Tracing;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

/// <summary>
/// The tracer's reading of skips across stages (it groups a branched model by the import's structure rules,
/// <see cref="GraphStructure"/>): a TorchSharp U-Net, 2-D and 3-D, traced back to a network whose units read the
/// encoder's outputs as skips, with the parameters and the output fields of the network it was built from.
/// </summary>
[Collection(TorchGlobalState.Name)]
public class SkipTracingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_traced_unet_reads_the_encoders_outputs_as_skips_with_the_parameters_and_fields_it_was_built_with(bool volume)
    {
        Network built = SkipModuleTests.SmallUNet();
        built = volume ? VolumeConversion.Of(built) : built;
        using var scope = NewDisposeScope();
        manual_seed(3);
        using NetworkModule module = ModuleBuilder.Build(built);
        module.eval();

        Network traced = module.ToArchitecture(built.Input, new TraceOptions(Name: "traced", SpatialRank: volume ? 3 : 2));

        // Listing 1's grouping: every convolution starts a unit, so each double convolution is two units and the 1x1
        // classifier a unit of the last stage; each decoder level's first unit is its transposed convolution and the
        // concatenation, reading the last unit of the encoder stage at its resolution, as the built network's skip does.
        Assert.Equal([2, 2, 2, 2, 3], traced.Stages.Select(stage => stage.Units.Count));
        Assert.Equal(
            [(3, 0, new UnitReference(1, 1)), (4, 0, new UnitReference(0, 1))],
            traced.Stages.SelectMany((stage, s) => stage.Units.SelectMany((unit, u) => unit.Skips.Select(skip => (s, u, skip)))));
        Assert.Equal([new UnitReference(1, 0)], built.Stages[3].Units[0].Skips);
        Assert.Equal([new UnitReference(0, 0)], built.Stages[4].Units[0].Skips);
        Assert.Equal(built.Layout.Stages[1].Units[0].Output, traced.Layout.Stages[1].Units[1].Output);
        Assert.Equal(built.Layout.Stages[0].Units[0].Output, traced.Layout.Stages[0].Units[1].Output);
        Assert.Equal(volume ? 3 : 2, traced.SpatialRank);

        // The module's parameters, and the built network's parameters and MACs.
        Assert.Equal(module.parameters().Sum(parameter => parameter.numel()), CostModel.Of(traced).Total.Parameters);
        Assert.Equal(CostModel.Of(built).Total, CostModel.Of(traced).Total);

        // The same field at the end of every stage but the last (whose classifier is a unit once traced), and the same
        // output field in the frame of the input.
        NetworkField want = InformationField.Analyze(built), have = InformationField.Analyze(traced);
        for (int s = 0; s < 4; s++)
        {
            UnitField a = want.Stages[s].Units[^1], b = have.Stages[s].Units[^1];
            Assert.Equal((a.IfD, a.IfH, a.IfW, a.IfC, a.IfCMax, a.If), (b.IfD, b.IfH, b.IfW, b.IfC, b.IfCMax, b.If));
        }

        OutputField wanted = Assert.Single(OutputFields.Of(built)), traced1 = Assert.Single(OutputFields.Of(traced));
        Assert.Equal((wanted.Shape, wanted.Literal, wanted.Local, wanted.ReceptiveFieldH, wanted.ReceptiveFieldD), (traced1.Shape, traced1.Literal, traced1.Local, traced1.ReceptiveFieldH, traced1.ReceptiveFieldD));
        Assert.True(wanted.Literal.IfH > 1 && (!volume || wanted.Literal.IfD == wanted.Literal.IfH));
    }
}
