using InfoField.Architecture;
using InfoField.Field;
using InfoField.Organizer;

namespace InfoField.Onnx.Tests;

/// <summary>
/// The organizer on torchvision networks whose every block multiplies its features by a squeeze-and-excitation gate
/// (tests/fixtures/onnx: regnet_y_400mf, efficientnet_b1; docs/organizer.md, "Global context"). On the literal field a
/// gate makes every neuron after a stage's first block see the whole stage input, every later block gains dIF 0, and
/// the organizer removed all of them; on the local field (the default) it keeps the blocks whose local field still grows.
/// </summary>
public class GlobalContextFixtureTests
{
    [Theory]
    [InlineData("regnet_y_400mf", "1,3,6,6", "1,3,6,4", 3_306_404, "1,1,1,1", 1_056_010)]
    [InlineData("efficientnet_b1", "2,3,3,8,7", "6,6,4,5,2", 3_039_820, "1,1,1,1,1", 1_831_168)]
    [InlineData("efficientnet_b0", "1,2,2,6,5", "3,4,3,4,2", 2_869_318, "1,1,1,1,1", 1_831_168)]
    public void The_organizer_keeps_the_blocks_after_a_stages_first_gate(string fixture, string before, string local, long localParameters, string literal, long literalParameters)
    {
        Network network = OnnxImport.Load(OnnxModels.Fixture(fixture));

        OrganizerResult byDefault = StageOrganizer.Optimize(network);
        OrganizerResult byLiteral = StageOrganizer.Optimize(network, OrganizerOptions.Default with { FieldKind = FieldKind.Literal });

        Assert.Equal(before, StageUnits.Format(byDefault.BeforeStageUnits));
        Assert.Equal((local, localParameters), (StageUnits.Format(byDefault.AfterStageUnits), byDefault.AfterCost.Parameters));
        Assert.Equal((literal, literalParameters), (StageUnits.Format(byLiteral.AfterStageUnits), byLiteral.AfterCost.Parameters));
        Assert.All(byLiteral.Steps.Where(step => step.Action != OrganizerAction.Stop), step => Assert.Equal((OrganizerAction.Remove, 0.0), (step.Action, step.SourceDeltaIf)));
        Assert.All(byDefault.Steps.Where(step => step.Action == OrganizerAction.Remove), step => Assert.Equal(0.0, step.SourceDeltaIf));
    }

    [Fact]
    public void RegNetY_loses_only_the_blocks_whose_local_field_no_longer_grows()
    {
        Network network = OnnxImport.Load(OnnxModels.Fixture("regnet_y_400mf"));
        NetworkField field = InformationField.Analyze(network);

        OrganizerResult result = StageOrganizer.Optimize(network);

        // Stage 5 (14x14 input, V0 = 208 x 14 x 14): the local field covers it from its fourth block, so the fifth and
        // sixth gain 0 (they are removed); every other block's local field grows. Literally, every block but each stage's
        // first gains 0.
        StageField last = field.Stages[^1];
        Assert.Equal([null, false, false, false, true, true], last.Units.Select(unit => unit.DeltaIf is double gain ? gain == 0 : (bool?)null));
        Assert.All(field.Stages.SelectMany(stage => stage.Units.Skip(1)), unit => Assert.Equal(0.0, unit.LiteralDeltaIf));
        int growing = field.Stages.Sum(stage => stage.Units.Count(unit => unit.DeltaIf is null or > 0));
        Assert.Equal(growing, result.After.Units.Count());
        Assert.Equal([OrganizerAction.Remove, OrganizerAction.Remove, OrganizerAction.Stop], result.Steps.Select(step => step.Action));
        Assert.All(result.Steps[0].Candidates.Where(c => c.Stage > 1), c => Assert.Contains("55 does not divide", c.Skipped, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("regnet_y_400mf", 401_800_000, 401_900_000)]
    [InlineData("efficientnet_b1", 686_000_000, 687_000_000)]
    public void The_gated_fixtures_import_with_the_macs_torchvision_states(string fixture, long low, long high)
    {
        // torchvision's model cards: regnet_y_400mf 0.40 GFLOPS, efficientnet_b1 0.69 GFLOPS (multiply-accumulates).
        Network network = OnnxImport.Load(OnnxModels.Fixture(fixture));

        Assert.InRange(Costs.CostModel.Of(network).Total.Macs, low, high);
    }
}
