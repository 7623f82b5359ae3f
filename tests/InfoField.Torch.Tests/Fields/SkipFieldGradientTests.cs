using System.Diagnostics;
using InfoField.Architecture;
using InfoField.Field;
using Xunit.Abstractions;

namespace InfoField.Torch.Tests.Fields;

/// <summary>
/// Skips across stages against float64 gradients, on seeded random encoder-decoder networks (<see cref="SkipNetworks"/>:
/// U-Net-style concatenations and FPN-style adds of upsampled tensors across resolutions). In each stage's frame every
/// neuron's reach is the gradient's with a skip from an earlier stage held fixed (<see cref="FieldComparison"/>, as the
/// engine defines a stage's field); in the frame of the network's input every neuron of every output is differentiated
/// with respect to the input: its reach (rows, columns, frames in a 3-D network, channels) is the engine's, and each
/// output's factors (<see cref="OutputFields"/>: per channel the best-placed neuron's spans and channels, the interior
/// minimum, their maximum and minimum over channels) are the gradients', outputs that read another output's map
/// (<see cref="NetworkOutput.Reads"/>) included.
/// Every fifth network is 3-D (<see cref="SkipNetworks.Volume"/>).
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class SkipFieldGradientTests(ITestOutputHelper output)
{
    private const int Networks = 40;

    [Fact]
    public void Stage_fields_with_skips_agree_with_gradients_on_every_checked_neuron()
    {
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        int neurons = 0;
        OneThread.Run(() =>
        {
            for (int seed = 1; seed <= Networks; seed++)
            {
                Network network = SkipNetworks.Generate(seed);
                var (disagreements, _, checkedNeurons) = FieldComparison.Check(network, seed, FieldComparison.EveryChannel);
                neurons += checkedNeurons;
                if (disagreements.Count > 0)
                {
                    failures.Add($"seed {seed}: {disagreements[0]} ({disagreements.Count} disagreements)");
                }
            }
        });

        output.WriteLine($"{Networks} networks, {neurons} neurons in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, $"{failures.Count} of {Networks} networks disagree; the first: {failures.FirstOrDefault()}");
    }

    [Fact]
    public void Every_output_field_in_the_input_frame_composes_through_skips_as_gradients_do()
    {
        // Per neuron: the rows, columns, frames and channels of the input every neuron of every output depends on, so a
        // window in the wrong place fails even where the spans saturate; per output: its factors (OutputFields.Of) are
        // those of its neurons' gradients (each channel's best-placed neuron, the interior minimum, over channels).
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        int neurons = 0, partial = 0, chained = 0;
        OneThread.Run(() =>
        {
            for (int seed = 1; seed <= Networks; seed++)
            {
                Network network = SkipNetworks.Generate(seed);
                // The neurons of the network's own output shapes (no head here turns a map into vectors), not the engine's.
                TensorField[] maps = [.. OutputFields.Maps(network)];
                FeatureShape[] shapes = [network.Layout.Output, .. network.Layout.Outputs];
                List<Neuron> chosen = [.. shapes.SelectMany((shape, u) => Every(u, shape))];
                Reach[] truth = GradientTruth.OfOutputs(network, chosen, local: false, seed);
                neurons += chosen.Count;
                for (int b = 0; b < chosen.Count; b++)
                {
                    Neuron neuron = chosen[b];
                    if (maps[neuron.Unit].Shape != shapes[neuron.Unit])
                    {
                        continue;
                    }

                    FieldReach engine = maps[neuron.Unit].Reach(neuron.Channel, neuron.Position(maps[neuron.Unit].Shape.SpatialAxes), local: false);
                    partial += network.Input.HasDepth && truth[b].SpanD < network.Input.Depth ? 1 : 0;
                    if (!FieldComparison.Same(engine, truth[b]))
                    {
                        failures.Add($"seed {seed}, output {neuron.Unit + 1} channel {neuron.Channel} at ({neuron.Y}, {neuron.X}, frame {neuron.Z}): gradients {truth[b]}, engine {FieldComparison.Describe(engine)}");
                    }
                }

                var fields = OutputFields.Of(network);
                chained += network.Outputs.Count(output => output.Reads is not null);
                for (int k = 0; k < fields.Length; k++)
                {
                    if (fields[k].Shape != shapes[k])
                    {
                        failures.Add($"seed {seed}, output '{fields[k].Name}': the network's map is {shapes[k]}, the engine's {fields[k].Shape}");
                        continue;
                    }

                    FieldFactors engine = fields[k].Literal, want = FieldComparison.Factors(chosen, truth, k, volume: network.Input.HasDepth);
                    if (engine != want with { IfCMean = engine.IfCMean } || Math.Abs(engine.IfCMean - want.IfCMean) > 1e-9)
                    {
                        failures.Add($"seed {seed}, output '{fields[k].Name}': gradients {want}, engine {engine}");
                    }
                }
            }
        });

        output.WriteLine($"{Networks} networks ({chained} with an output that reads another output), {neurons} output neurons ({partial} of 3-D networks reaching part of the frames) in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, $"{failures.Count} disagreements; the first: {failures.FirstOrDefault()}");
        Assert.True(partial > 0, "some neuron of a 3-D network reaches part of the input's frames");
        Assert.True(chained >= 5, $"only {chained} networks have an output that reads another output");
    }

    [Fact]
    public void Some_generated_networks_are_3d_unets()
    {
        Network[] volumes = [.. Enumerable.Range(1, Networks).Where(SkipNetworks.Volume).Select(SkipNetworks.Generate)];

        // A concatenation reading a skip after a 2x2x2 transposed convolution, over a downsampling of all three axes.
        Assert.Equal(Networks / 5, volumes.Length);
        Assert.All(volumes, network => Assert.Equal(3, network.SpatialRank));
        Assert.Contains(volumes, network => network.Units.Any(unit => unit.Skips.Count > 0
            && unit.Graph.Nodes.Any(node => node.Op is TransposedConvolution { Stride.D: 2 })
            && unit.Graph.Nodes.Any(node => node.Op is Concat && node.Inputs.Contains(OpGraph.SkipTensor(0)))));
        Assert.All(volumes, network => Assert.Contains(network.Layout.Stages, stage => stage.UnitsInput.Depth < network.Input.Depth));
    }

    private static IEnumerable<Neuron> Every(int output, FeatureShape shape) =>
        from c in Enumerable.Range(0, shape.Channels)
        from z in Enumerable.Range(0, shape.HasDepth ? shape.Depth : 1)
        from y in Enumerable.Range(0, shape.Height)
        from x in Enumerable.Range(0, shape.Width)
        select new Neuron(output, c, y, x, z);
}
