using InfoField.Architecture;

namespace InfoField.Torch.Tests;

/// <summary>
/// A 2-D network made 3-D for the tests: its input gets a depth equal to its height, and every window op's kernel,
/// stride, padding, dilation, scale, size and output a depth part equal to its height part, so that every op fits the
/// depth as it fits the height (global pooling and an unstrided zero op stay as they are: they are read back so). Skips
/// and further outputs stay, their heads made 3-D too.
/// </summary>
internal static class VolumeConversion
{
    /// <summary><paramref name="network"/> as a 3-D network.</summary>
    public static Network Of(Network network)
    {
        var volume = new Network(
            network.Name,
            network.Input with { Depth = network.Input.Height },
            [.. network.Stages.Select(stage => new Stage([.. stage.Entry.Select(Of)], [.. stage.Units.Select(unit => unit with { Graph = unit.Graph.Select(Of) })]))],
            [.. network.Head.Select(Of)],
            spatialRank: 3);
        return network.Outputs.Count == 0 ? volume : volume.WithOutputs([.. network.Outputs.Select(output => output with { Head = [.. output.Head.Select(Of)] })]);
    }

    /// <summary><paramref name="op"/> with depth parts equal to its height parts.</summary>
    public static Op Of(Op op)
    {
        static Pair Cube(Pair value) => value with { D = value.H };
        return op switch
        {
            Convolution c => c with { Kernel = Cube(c.Kernel), Stride = Cube(c.Stride), Padding = Cube(c.Padding), Dilation = Cube(c.Dilation) },
            DepthwiseConvolution d => d with { Kernel = Cube(d.Kernel), Stride = Cube(d.Stride), Padding = Cube(d.Padding), Dilation = Cube(d.Dilation) },
            PointwiseConvolution p => p with { Stride = Cube(p.Stride) },
            Pooling p => p with { Kernel = Cube(p.Kernel), Stride = Cube(p.Stride), Padding = Cube(p.Padding) },

            // Global pooling pools the depth too whatever its output says: it is written, and reads back, as output 1.
            AdaptivePooling a => a.IsGlobal ? a : a with { Output = Cube(a.Output) },
            Resize r => r with { Scale = r.Scale is Pair scale ? Cube(scale) : null, Size = r.Size is Pair size ? Cube(size) : null },
            TransposedConvolution t => t with { Kernel = Cube(t.Kernel), Stride = Cube(t.Stride), Padding = Cube(t.Padding), OutputPadding = Cube(t.OutputPadding), Dilation = Cube(t.Dilation) },

            // An unstrided zero op is x * 0 in ONNX, read back with the stride 1 of every network.
            Zero z => z.Stride == Pair.Square(1) ? z : z with { Stride = Cube(z.Stride) },
            _ => op,
        };
    }
}
