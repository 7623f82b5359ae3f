using InfoField.Architecture;
using InfoField.Field;
using InfoField.Organizer;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

/// <summary>
/// Networks whose blocks hold squeeze-and-excitation gates read from global pooling (docs/organizer.md, "Global context"):
/// literally every neuron after a stage's first gate sees the whole stage input, so every later unit gains dIF 0 and the
/// organizer on the literal field removes them all; on the local field (the default) it compares what windows reach.
/// </summary>
public class GlobalContextTests
{
    private static readonly OrganizerOptions Literal = OrganizerOptions.Default with { FieldKind = FieldKind.Literal };

    [Theory]
    [InlineData("efficientnet-b0", "imagenet", "1,2,2,6,5", "3,4,3,4,2", "1,1,1,1,1")]
    [InlineData("efficientnet-b0", "cifar10", "1,2,2,6,5", "5,5,3,2,1", "1,1,1,1,1")]
    [InlineData("mobilenetv3-large", "imagenet", "1,2,3,6,3", "3,4,3,3,2", "2,3,1,5,1")]
    public void The_organizer_compares_local_fields_by_default_and_literal_ones_as_an_option(string model, string dataset, string before, string local, string literal)
    {
        Network network = ModelZoo.Create(model, dataset);

        OrganizerResult byDefault = StageOrganizer.Optimize(network);
        OrganizerResult byLiteral = StageOrganizer.Optimize(network, Literal);

        Assert.Equal(before, StageUnits.Format(byDefault.BeforeStageUnits));
        Assert.Equal(local, StageUnits.Format(byDefault.AfterStageUnits));
        Assert.Equal(literal, StageUnits.Format(byLiteral.AfterStageUnits));
        Assert.Equal(FieldKind.Local, byDefault.Options.FieldKind);
        Assert.EndsWith("field local", byDefault.Options.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void EfficientNet_b0_keeps_the_units_after_each_stages_first_gate()
    {
        Network network = ModelZoo.Create("efficientnet-b0", "imagenet");
        NetworkField field = InformationField.Analyze(network);

        OrganizerResult result = StageOrganizer.Optimize(network);

        // Stages 2-4 (2, 2, 6 units) went to 1, 1, 1 on the literal field, where each gate makes every later unit's gain 0.
        Assert.All(field.Stages.Skip(1).Take(3), stage => Assert.All(stage.Units.Skip(1), unit =>
        {
            Assert.Equal(stage.V0, unit.Literal.If);
            Assert.Equal(0.0, unit.LiteralDeltaIf);
            Assert.True(unit.LocalDeltaIf > 0, $"stage {stage.Index} {unit.Name}: local dIF {unit.LocalDeltaIf}");
        }));
        Assert.Equal([4, 3, 4], result.AfterStageUnits.Skip(1).Take(3));
        Assert.DoesNotContain(result.Steps, step => step.Action == OrganizerAction.Remove);
    }

    [Fact]
    public void A_units_local_gain_is_the_papers_formula_on_local_fields_with_the_stages_volume()
    {
        Network network = ModelZoo.Create("efficientnet-b0", "imagenet");

        foreach (StageField stage in InformationField.Analyze(network).Stages)
        {
            Assert.Null(stage.Units[0].DeltaIf);
            Assert.Null(stage.Units[0].LiteralDeltaIf);
            for (int u = 1; u < stage.Units.Length; u++)
            {
                UnitField unit = stage.Units[u], previous = stage.Units[u - 1];
                Assert.Equal(InformationField.DeltaIf(previous.Local.If, unit.Local.If, stage.V0, 3), unit.DeltaIf);
                Assert.Equal(unit.LocalDeltaIf, unit.DeltaIf);
                Assert.Equal(InformationField.DeltaIf(previous.Literal.If, unit.Literal.If, stage.V0, 3), unit.LiteralDeltaIf);
                Assert.Equal((unit.Local.IfH, unit.Local.IfW, unit.Local.IfC, unit.Local.If), (unit.IfH, unit.IfW, unit.IfC, unit.If));
                Assert.True(unit.Local.If <= unit.Literal.If);
            }
        }

        // The stage trace (the organizer's analysis) gives the same numbers, for either field.
        for (int s = 0; s < network.Stages.Count; s++)
        {
            foreach (FieldKind kind in new[] { FieldKind.Local, FieldKind.Literal })
            {
                var options = new FieldOptions(FieldKind: kind);
                StageTrace trace = StageTrace.Of(network, s, options);
                StageField stage = InformationField.Analyze(network, options).Stages[s];
                Assert.Equal(stage.Units.Select(unit => unit.If), Enumerable.Range(0, trace.Count).Select(trace.If));
                Assert.Equal(stage.Units.Select(unit => unit.DeltaIf), Enumerable.Range(0, trace.Count).Select(trace.DeltaIf));
            }
        }
    }

    [Theory]
    [InlineData("vgg16", "cifar10")]
    [InlineData("resnet50", "imagenet")]
    [InlineData("mobilenet", "cifar10")]
    [InlineData("mobilenetv2", "imagenet")]
    [InlineData("shufflenetv2", "imagenet")]
    [InlineData("densenet121", "imagenet")]
    [InlineData("googlenet", "imagenet")]
    public void Without_global_pooling_inside_a_stage_both_fields_and_both_organizers_are_the_same(string model, string dataset)
    {
        Network network = ModelZoo.Create(model, dataset);

        NetworkField field = InformationField.Analyze(network);

        Assert.All(field.Stages.SelectMany(stage => stage.Units), unit =>
        {
            Assert.False(unit.HasGlobalContext);
            Assert.Equal(unit.LocalDeltaIf, unit.LiteralDeltaIf);
        });
        Assert.Equal(StageOrganizer.Optimize(network, Literal).After, StageOrganizer.Optimize(network).After);
    }

    [Fact]
    public void A_field_kind_that_is_not_defined_is_refused_naming_the_parameter()
    {
        var error = Assert.Throws<ParameterException>(() => new FieldOptions(FieldKind: (FieldKind)7).Validated());

        Assert.Equal("fieldKind", error.Parameter);
        Assert.Throws<ParameterException>(() => StageOrganizer.Optimize(ModelZoo.Create("vgg11"), OrganizerOptions.Default with { FieldKind = (FieldKind)7 }));
    }
}
