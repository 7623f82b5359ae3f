using System.Diagnostics;
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Torch.Building;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace InfoField.Torch.Tests.Fields;

/// <summary>
/// Skips across stages against float64 gradients, on seeded random encoder-decoder networks (<see cref="SkipNetworks"/>:
/// U-Net-style concatenations and FPN-style adds of upsampled tensors across resolutions). In each stage's frame every
/// neuron's reach is the gradient's with a skip from an earlier stage held fixed (<see cref="FieldComparison"/>, as the
/// engine defines a stage's field); in the frame of the network's input every neuron of every output is differentiated
/// with respect to the input, and each output's factors (<see cref="OutputFields"/>: per channel the best-placed neuron's
/// spans and channels, their maximum and minimum over channels; the frames' too in a 3-D network) are the gradients'.
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

    [Fact]
    public void Every_output_field_in_the_input_frame_composes_through_skips_as_gradients_do()
    {
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        int neurons = 0;
        OneThread.Run(() =>
        {
            for (int seed = 1; seed <= Networks; seed++)
            {
                Network network = SkipNetworks.Generate(seed);
                var fields = OutputFields.Of(network);
                for (int k = 0; k < fields.Length; k++)
                {
                    var (want, count) = Gradients(network, k, fields[k].Shape, seed);
                    neurons += count;
                    FieldFactors engine = fields[k].Literal;
                    var have = (engine.IfH, engine.IfHMin, engine.IfW, engine.IfWMin, engine.IfC, engine.IfCMax, engine.IfD, engine.IfDMin);
                    if (have != want)
                    {
                        failures.Add($"seed {seed}, output '{fields[k].Name}': gradients {want}, engine {have}");
                    }
                }
            }
        });

        output.WriteLine($"{Networks} networks, {neurons} output neurons in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, $"{failures.Count} outputs disagree; the first: {failures.FirstOrDefault()}");
    }

    /// <summary>
    /// Over the channels of output <paramref name="k"/>, each channel's best-placed neuron (widest rows, widest columns,
    /// widest frames in a 3-D network, most input channels, each over its positions): the maximum and minimum of the
    /// spans, the minimum and maximum of the channel counts; one sample per neuron, one backward pass.
    /// </summary>
    private static ((int, int, int, int, int, int, int, int) Factors, int Neurons) Gradients(Network network, int k, FeatureShape shape, int seed)
    {
        using var scope = NewDisposeScope();
        manual_seed(seed);
        using NetworkModule module = ModuleBuilder.Build(network, GradientTruth.Smooth(local: false));
        module.to(ScalarType.Float64);
        module.eval();
        module.ChannelsLast = false;
        int count = (int)shape.Volume;
        FeatureShape input = network.Input;
        long[] sample = GradientTruth.Sample(count, input);
        Tensor x = randn(sample, ScalarType.Float64).requires_grad_(true);
        Tensor y = module.ForwardOutputs(x)[k].reshape(count, -1);
        y.gather(1, arange(count, ScalarType.Int64).unsqueeze(1)).sum().backward();
        Tensor magnitude = x.grad!.flatten(1).abs();
        Tensor nonzero = magnitude.gt(magnitude.amax([1], keepdim: true) * 1e-9).reshape(sample);
        long[] channels = nonzero.flatten(2).any(2).sum(1).data<long>().ToArray();

        // Per sample, which positions along tensor dimension d any nonzero derivative lies at.
        bool[] Along(int d) => [.. nonzero.transpose(1, d).flatten(2).any(2).to_type(ScalarType.Byte).contiguous().data<byte>().Select(b => b != 0)];
        int axes = sample.Length - 2;
        bool[] rows = Along(axes), columns = Along(axes + 1), frames = input.HasDepth ? Along(2) : [];
        int plane = (int)(shape.Volume / shape.Channels);
        var best = new (int H, int W, int C, int D)[shape.Channels];
        for (int b = 0; b < count; b++)
        {
            int c = b / plane;
            best[c] = (
                Math.Max(best[c].H, Span(rows, b, input.Height)),
                Math.Max(best[c].W, Span(columns, b, input.Width)),
                Math.Max(best[c].C, (int)channels[b]),
                input.HasDepth ? Math.Max(best[c].D, Span(frames, b, input.Depth)) : 0);
        }

        return ((best.Max(v => v.H), best.Min(v => v.H), best.Max(v => v.W), best.Min(v => v.W), best.Min(v => v.C), best.Max(v => v.C), best.Max(v => v.D), best.Min(v => v.D)), count);
    }

    private static int Span(bool[] seen, int sample, int length)
    {
        int first = -1, last = -1;
        for (int i = 0; i < length; i++)
        {
            if (seen[(sample * length) + i])
            {
                first = first < 0 ? i : first;
                last = i;
            }
        }

        return first < 0 ? 0 : last - first + 1;
    }
}
