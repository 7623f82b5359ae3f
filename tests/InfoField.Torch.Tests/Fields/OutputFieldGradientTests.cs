using InfoField.Architecture;
using InfoField.Field;
using InfoField.Torch.Building;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace InfoField.Torch.Tests.Fields;

/// <summary>
/// Each output's field in the frame of the network's input (<see cref="OutputFields"/>) against gradients: a linear
/// network (no activations, so a derivative is nonzero exactly where a neuron depends on an input, for random weights)
/// with a main output resized back up and two further outputs, built in float64 by the project's builder; every neuron
/// of every output is differentiated with respect to the input.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class OutputFieldGradientTests
{
    [Fact]
    public void Every_output_spans_what_its_neurons_gradients_reach()
    {
        var network = new Network(
                "outputs",
                new FeatureShape(2, 12, 12),
                [
                    new Stage([new Unit("a", [Ops.Conv(3, 3, padding: 1)])]),
                    new Stage([new Unit("b", [Ops.Conv(3, 3, stride: 2, padding: 1)]), new Unit("c", [Ops.Conv(3, 3, padding: 2, dilation: 2)])]),
                ],
                [Resize.Linear(2), Ops.Conv(3, 3, padding: 1)])
            .WithOutputs([new NetworkOutput("aux", 0, 0, [Ops.Conv(2, 1)]), new NetworkOutput("mid", 1, 0, [Resize.Nearest(2), Ops.Conv(2, 3, stride: 3)])]);
        var fields = OutputFields.Of(network);
        Assert.Equal((3, 3), (fields[1].Literal.IfH, fields[1].Literal.IfW)); // aux: one 3x3 convolution, then a 1x1
        using var scope = NewDisposeScope();
        manual_seed(3);
        using NetworkModule module = ModuleBuilder.Build(network);
        module.to(ScalarType.Float64);
        module.ChannelsLast = false;
        Tensor input = randn(1, 2, 12, 12, dtype: float64).requires_grad_(true);

        for (int k = 0; k < fields.Length; k++)
        {
            FieldFactors engine = fields[k].Literal;
            FeatureShape shape = fields[k].Shape;
            var best = new (int H, int W)[shape.Channels];
            for (int c = 0; c < shape.Channels; c++)
            {
                for (int y = 0; y < shape.Height; y++)
                {
                    for (int x = 0; x < shape.Width; x++)
                    {
                        using var step = NewDisposeScope();
                        Tensor output = module.ForwardOutputs(input)[k];
                        Tensor gradient = autograd.grad([output[0, c, y, x]], [input])[0].abs().sum([0L, 1L]);
                        double largest = gradient.max().item<double>();
                        bool[] rows = [.. gradient.amax([1L]).data<double>().ToArray().Select(value => value > 1e-9 * largest)];
                        bool[] columns = [.. gradient.amax([0L]).data<double>().ToArray().Select(value => value > 1e-9 * largest)];
                        best[c] = (Math.Max(best[c].H, Span(rows)), Math.Max(best[c].W, Span(columns)));
                    }
                }
            }

            Assert.Equal(
                (fields[k].Name, best.Max(b => b.H), best.Min(b => b.H), best.Max(b => b.W), best.Min(b => b.W)),
                (fields[k].Name, engine.IfH, engine.IfHMin, engine.IfW, engine.IfWMin));
        }
    }

    private static int Span(bool[] reached)
    {
        int first = Array.IndexOf(reached, true);
        return first < 0 ? 0 : Array.LastIndexOf(reached, true) - first + 1;
    }
}
