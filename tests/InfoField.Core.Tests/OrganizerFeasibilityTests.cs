using InfoField.Architecture;
using InfoField.Field;
using InfoField.Organizer;
using InfoField.Spec;

namespace InfoField.Core.Tests;

/// <summary>
/// The organizer never makes an invalid network and never changes a network's output shape: a move or removal that
/// would is skipped with the reason. Checked on generated branched networks (<see cref="BranchedNetworks"/>; before
/// this rule, 49 of the first 500 made the organizer throw, as `analyze` did through its preview, and 106 had their
/// output changed) and on small networks built for each case.
/// </summary>
public class OrganizerFeasibilityTests
{
    /// <summary>The organizer settings of the paper preset's rows and the defaults (every preset's settings).</summary>
    public static IReadOnlyList<OrganizerOptions> Presets { get; } =
    [
        OrganizerOptions.Default,
        new(Policy: OrganizerPolicy.Saturated, Theta: 0.05),
        new(Frame: CoordinateFrame.Output, Policy: OrganizerPolicy.Saturated, Theta: 0),
        new(Policy: OrganizerPolicy.Saturated, Theta: 0.4),
    ];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 300)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Optimize_never_fails_on_valid_branched_networks_and_keeps_their_shapes(int seed)
    {
        Network network = BranchedNetworks.Generate(seed);
        Assert.True(network.Stages.Count > 1);
        Assert.Equal(network, NetworkSpec.Parse(NetworkSpec.Serialize(network)));

        // The organizer as `analyze` previews it: the default policy with the analysis's frame, alpha and theta
        // (the whole of `analyze` on these networks: InfoField.Reporting.Tests, AnalyzeBranchedNetworksTests).
        var random = new Random(seed);
        var preview = new OrganizerOptions(
            random.Next(2) == 0 ? CoordinateFrame.Input : CoordinateFrame.Output,
            OrganizerOptions.Default.Policy,
            new[] { 0, 0.05, 0.5 }[random.Next(3)],
            new[] { 3.0, 1.0, 10.0 }[random.Next(3)]);
        KeepsShapes(network, StageOrganizer.Optimize(network, preview));

        foreach (OrganizerOptions options in Presets)
        {
            KeepsShapes(network, StageOrganizer.Optimize(network, options));
        }
    }

    [Fact]
    public void A_removal_that_would_break_a_later_split_is_skipped_with_the_rule_it_breaks()
    {
        // pw-12 narrows 16 channels to 12 and sees one position: it adds nothing. Without it the split into 3 parts of
        // the next stage would receive 16 channels, which 3 does not divide.
        OpGraph split = OpGraph.Parallel(Ops.Concat(), [Ops.Split(0, 3)], [Ops.Split(1, 3)], [Ops.Split(2, 3), Ops.Conv(4, 3, padding: 1), Ops.Relu()]);
        var network = new Network(
            "split-after-squeeze",
            new FeatureShape(3, 16, 16),
            [
                new Stage([Conv(16), Conv(16), new Unit("pw-12", [Ops.Pointwise(12), Ops.Relu()])]),
                new Stage([Ops.MaxPool(2)], [new Unit("split3", split), Conv(12), Conv(12)]),
            ],
            [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(10)]);

        OrganizerResult result = StageOrganizer.Optimize(network);

        KeepsShapes(network, result);
        OrganizerStep first = result.Steps[0];
        KeptUnit kept = Assert.Single(first.Kept);
        Assert.Equal((1, "pw-12", 0.0), (kept.Stage, kept.Unit, kept.DeltaIf));
        Assert.Equal("removing it would leave an invalid network (stages[1].units[0].ops[0].parts: 3 equal parts do not divide the 16 input channels)", kept.Reason);
        Assert.Contains("stage 1's pw-12 (dIF 0.0000) stays: removing it would leave an invalid network", first.Reason, StringComparison.Ordinal);
        Assert.Contains(result.After.Stages[0].Units, unit => unit.Name == "pw-12");
    }

    [Fact]
    public void A_removal_that_would_change_the_output_is_skipped()
    {
        // The head only pools: the last stage's pw-10 (then a normalizing tail) sets the network's 10 outputs.
        var network = new Network(
            "pooled-head",
            new FeatureShape(3, 16, 16),
            [
                new Stage([Conv(16), Conv(16)]),
                new Stage([Ops.MaxPool(2)], [Conv(16), Conv(16), new Unit("pw-10", [Ops.Pointwise(10)]), new Unit("bn", [Ops.BatchNorm(), Ops.Relu()], UnitRole.Tail)]),
            ],
            [Ops.GlobalAvgPool(), Ops.Flatten()]);

        OrganizerResult result = StageOrganizer.Optimize(network);

        KeepsShapes(network, result);
        Assert.Contains(result.After.Stages[1].Units, unit => unit.Name == "pw-10");
        KeptUnit kept = result.Steps.SelectMany(step => step.Kept).First();
        Assert.Equal("pw-10", kept.Unit);
        Assert.Equal("removing it would change the network's output from 10x1x1 to 16x1x1", kept.Reason);
    }

    [Fact]
    public void A_last_convolution_to_the_classes_is_the_classifier_and_stays_last()
    {
        // SqueezeNet's head: a 1x1 convolution to the classes, then only pooling. It adds nothing to the field, but it is
        // the classifier: never removed, and no copy is appended after it.
        var network = new Network(
            "squeeze-like",
            new FeatureShape(3, 32, 32),
            [
                new Stage([Conv(16), Conv(16), Conv(16)]),
                new Stage([Ops.MaxPool(2)], [Conv(32), Conv(32)]),
                new Stage([Ops.MaxPool(2)], [Conv(32), Conv(32), new Unit("pw-10", [Ops.Pointwise(10), Ops.Relu()])]),
            ],
            [Ops.GlobalAvgPool(), Ops.Flatten()]);

        foreach (OrganizerOptions options in Presets)
        {
            OrganizerResult result = StageOrganizer.Optimize(network, options);

            KeepsShapes(network, result);
            Assert.All(result.Steps, step => Assert.Equal("pw-10", step.Architecture.Stages[2].Units[^1].Name));
            Assert.DoesNotContain(result.Steps, step => step.SourceUnit == "pw-10");
        }

        // The step log says why it stays whenever its gain is not above the source's.
        KeptUnit kept = StageOrganizer.Optimize(network).Steps[0].Kept.Single(unit => unit.Unit == "pw-10");
        Assert.Equal((3, 0.0), (kept.Stage, kept.DeltaIf));
        Assert.Equal("it is the classifier: its channels are the network's 10x1x1 output, with no linear layer after it", kept.Reason);
    }

    [Fact]
    public void TryCreate_reports_what_the_constructor_throws()
    {
        // Random edits of generated networks (units dropped or repeated across stages): whenever the result is
        // invalid, TryCreate's violation is the constructor's error, path and rule alike.
        int invalid = 0;
        for (int seed = 1; seed <= 200; seed++)
        {
            Network network = BranchedNetworks.Generate(seed);
            var random = new Random(seed);
            var stages = network.Stages.Items.ToList();
            int s = random.Next(stages.Count);
            ValueList<Unit> units = stages[s].Units;
            units = random.Next(2) == 0 && units.Count > 1
                ? units.RemoveAt(random.Next(units.Count))
                : units.Insert(random.Next(units.Count + 1), network.Units.ElementAt(random.Next(network.Units.Count())));
            stages[s] = stages[s] with { Units = units };

            Checked<Network> tried = Network.TryCreate(network.Name, network.Input, stages.ToValueList(), network.Head);
            ArchitectureException? thrown = Record.Exception(() => new Network(network.Name, network.Input, stages.ToValueList(), network.Head)) as ArchitectureException;
            Assert.Equal(thrown is null, tried.IsValid);
            if (thrown is not null)
            {
                invalid++;
                Assert.Equal((thrown.Path, thrown.Rule, thrown.Message), (tried.Violation!.Path, tried.Violation.Rule, tried.Violation.Message));
                Assert.Equal(thrown.Message, Assert.Throws<ArchitectureException>(() => tried.Value).Message);
            }
            else
            {
                // The incremental validation (stages that did not change keep their layout) infers the same shapes.
                Assert.Equal(Shapes(tried.Value.Layout), Shapes(network.TryWithStages(stages.ToValueList()).Value.Layout));
            }
        }

        Assert.InRange(invalid, 20, 180);
    }

    private static List<FeatureShape> Shapes(NetworkLayout layout) =>
        [.. layout.Stages.SelectMany(stage => new[] { stage.Input, stage.UnitsInput }.Concat(stage.Units.SelectMany(unit => unit.Tensors))), layout.HeadInput, layout.Output];

    private static Unit Conv(int width) => new($"conv3-{width}", [Ops.Conv(width, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()]);

    /// <summary>Every network the organizer went through keeps the input and output shapes of the original.</summary>
    private static void KeepsShapes(Network network, OrganizerResult result)
    {
        Assert.Equal(OrganizerAction.Stop, result.Steps[^1].Action);
        foreach (OrganizerStep step in result.Steps)
        {
            Assert.Equal(network.Input, step.Architecture.Input);
            Assert.Equal(network.Output, step.Architecture.Output);
            Assert.All(step.Kept, kept => Assert.False(string.IsNullOrWhiteSpace(kept.Reason)));
        }

        Assert.Equal(network.Output, result.After.Output);
    }
}
