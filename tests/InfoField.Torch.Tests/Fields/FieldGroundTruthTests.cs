using System.Diagnostics;
using System.Globalization;
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Spec;
using Xunit.Abstractions;

namespace InfoField.Torch.Tests.Fields;

/// <summary>
/// The IF engine against derivative ground truth (<see cref="GradientTruth"/>) on seeded random branched networks
/// (<see cref="BranchedNetworks"/>). For every unit of every stage, every output channel at a set of positions (all of
/// them on small maps; otherwise the corners, the middle of each border, the centre and, per channel, the positions where
/// the engine puts that channel's widest interval and most channels), the engine's channel set and per-axis interval
/// must equal the gradient's, literal and local (global pooling detached); and the unit's factors (IF^h, IF^w, IF^c:
/// minimum and maximum over channels, the mean of IF^c, IF) must equal those of the gradients.
/// </summary>
[Collection(TorchGlobalState.Name)]
public class FieldGroundTruthTests(ITestOutputHelper output)
{
    [Fact]
    public void The_engine_agrees_with_gradients_on_generated_branched_networks()
    {
        (int first, int count) = Seeds();
        var clock = Stopwatch.StartNew();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var failures = new List<string>();
        int units = 0, neurons = 0, signals = 0, volumes = 0;

        OneThread.Run(() =>
        {
            for (int seed = first; seed < first + count; seed++)
            {
                Network network = BranchedNetworks.Generate(seed);
                signals += network.SpatialRank == 1 ? 1 : 0;
                volumes += network.SpatialRank == 3 ? 1 : 0;
                var (disagreements, checkedUnits, checkedNeurons) = FieldComparison.Check(network, seed, FieldComparison.EveryChannel);
                units += checkedUnits;
                neurons += checkedNeurons;
                if (disagreements.Count > 0)
                {
                    failures.Add($"seed {seed}: {disagreements[0]} ({disagreements.Count} disagreements); smallest failing network: {Shrink(network, seed)}");
                }
            }
        });

        output.WriteLine($"{count} networks (seeds {first} to {first + count - 1}; {signals} 1-D, {volumes} 3-D), {units} units, {neurons} neurons in {clock.Elapsed.TotalSeconds:0.0} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.0} s of CPU); {failures.Count} networks disagree");
        foreach (string failure in failures.Take(10))
        {
            output.WriteLine(failure);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {count} networks disagree with their gradients; the first: {failures.FirstOrDefault()}");
    }

    [Fact]
    public void The_issue_examples_have_the_fields_their_gradients_give()
    {
        // Issue 21's three classes, each as one unit, checked against gradients (and the numbers stated).
        var split = new Network("split", new FeatureShape(4, 8, 8), [new Stage([new Unit("u", new OpGraph([
            new GraphNode(Ops.Conv(4, 5, padding: 2), [0]),
            new GraphNode(new Concat(), [1, 0]),
            new GraphNode(Ops.Split(1, 2), [2]),
            new GraphNode(Ops.Depthwise(3), [3]),
        ]))])], []);
        var offset = new Network("offset", new FeatureShape(4, 8, 8), [new Stage([new Unit("u", new OpGraph([
            new GraphNode(Ops.Conv(4, 3, stride: 2, padding: 1), [0]),
            new GraphNode(Ops.MaxPool(3, 2, ceilMode: true), [0]),
            new GraphNode(new Add(), [1, 2]),
        ]))])], []);
        var gate = new Network("gate", new FeatureShape(4, 16, 16), [new Stage([new Unit("u", new OpGraph([
            new GraphNode(Ops.Pointwise(4, stride: 2), [0]),
            new GraphNode(Ops.GlobalAvgPool(), [1]),
            new GraphNode(Ops.Pointwise(4), [2]),
            new GraphNode(Ops.Sigmoid(), [3]),
            new GraphNode(new Multiply(), [1, 4]),
            new GraphNode(Ops.Depthwise(3), [5]),
        ]))])], []);

        // Channels reached only through global pooling: a gate times a convolution whose taps all lie in the padding (its
        // bias is all it computes), beside a depthwise window.
        var globalOnly = new Network("global-only", new FeatureShape(2, 4, 4), [new Stage([new Unit("u", new OpGraph([
            new GraphNode(Ops.Conv(2, 2, padding: 4, dilation: 8, bias: true), [0]),
            new GraphNode(Ops.GlobalAvgPool(), [0]),
            new GraphNode(Ops.Pointwise(2), [2]),
            new GraphNode(Ops.Sigmoid(), [3]),
            new GraphNode(new Multiply(), [1, 4]),
            new GraphNode(Ops.Depthwise(3), [0]),
            new GraphNode(new Concat(), [5, 6]),
        ]))])], []);

        foreach (Network network in new[] { split, offset, gate, globalOnly })
        {
            var (disagreements, _, _) = FieldComparison.Check(network, 21, FieldComparison.EveryChannel);
            Assert.True(disagreements.Count == 0, $"{network.Name}: {string.Join("; ", disagreements.Take(3))}");
        }

        // conv5x5 -> concat(conv, input) -> split(part 2) -> dw3x3: every output neuron sees 3x3 (the old engine said 7x7).
        Assert.Equal((3, 3, 1, 9L), Headline(split));

        // A strided padded 3x3 conv beside an unpadded 3x3 max pool, added: 4 input rows, not 3.
        Assert.Equal((4, 4, 4, 64L), Headline(offset));

        // A gate pooled from a strided 1x1 view reaches 15 of 16 positions; a later 3x3 window cannot add what no neuron reads.
        Assert.Equal((15, 15, 4, 900L), Headline(gate));
        // Through windows only (leaving the gate out), a neuron sees a 3x3 window of the strided view: 5x5 input positions.
        Assert.Equal(new FieldFactors(5, 5, 5, 5, 4, 4, 4, 100) { IfHInterior = 5, IfWInterior = 5 }, InformationField.Analyze(gate).Stages[0].Last.Local);

        // Literally the gated channels see the whole 4x4 map and both channels; no window reaches them, so the local field
        // leaves them out and is the depthwise channels' 3x3 of one channel (not an empty field).
        UnitField both = InformationField.Analyze(globalOnly).Stages[0].Last;
        Assert.Equal(new FieldFactors(4, 3, 4, 3, 1, 1.5, 2, 16) { IfHInterior = 3, IfWInterior = 3 }, both.Literal);
        Assert.Equal(new FieldFactors(3, 3, 3, 3, 1, 1, 1, 9) { IfHInterior = 3, IfWInterior = 3 }, both.Local);
    }

    /// <summary>The literal field's headline factors (the gradients see through global pooling).</summary>
    private static (int IfH, int IfW, int IfC, long If) Headline(Network network)
    {
        UnitField unit = InformationField.Analyze(network).Stages[0].Last;
        return (unit.Literal.IfH, unit.Literal.IfW, unit.Literal.IfC, unit.Literal.If);
    }

    /// <summary>The seeds the suite runs; INFOFIELD_FIELD_FUZZ=first:count runs others.</summary>
    private static (int First, int Count) Seeds()
    {
        string? setting = Environment.GetEnvironmentVariable("INFOFIELD_FIELD_FUZZ");
        if (string.IsNullOrEmpty(setting))
        {
            return (1, 300);
        }

        string[] parts = setting.Split(':');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>The failing unit alone if it still fails so, else its stage alone: as a one-line spec.</summary>
    private static string Shrink(Network network, int seed)
    {
        for (int s = 0; s < network.Stages.Count; s++)
        {
            StageLayout layout = network.Layout.Stages[s];
            Stage stage = network.Stages[s];
            for (int u = 0; u < stage.Units.Count; u++)
            {
                Network? alone = Attempt(() => new Network("unit", layout.Units[u].Input, [new Stage([stage.Units[u]])], [], network.SpatialRank));
                if (alone is not null && FieldComparison.Check(alone, seed, FieldComparison.EveryChannel).Disagreements.Count > 0)
                {
                    return OneLine(alone);
                }
            }

            Network? prefix = Attempt(() => new Network("stage", layout.UnitsInput, [new Stage(stage.Units)], [], network.SpatialRank));
            if (prefix is not null && FieldComparison.Check(prefix, seed, FieldComparison.EveryChannel).Disagreements.Count > 0)
            {
                return OneLine(prefix);
            }
        }

        return OneLine(network);

        static Network? Attempt(Func<Network> build)
        {
            try
            {
                return build();
            }
            catch (ArchitectureException)
            {
                return null;
            }
        }

        static string OneLine(Network network) =>
            string.Join(" ", NetworkSpec.Serialize(network).Split('\n').Select(line => line.Trim()));
    }
}
