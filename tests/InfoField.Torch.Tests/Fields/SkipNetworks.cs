using InfoField.Architecture;

namespace InfoField.Torch.Tests.Fields;

/// <summary>
/// Random encoder-decoder networks with skips across stages, for the derivative tests of the IF engine: an encoder of one
/// to three levels (convolutions of kernel 1 or 3, dilation 1 or 2, the levels opened by max pooling or a strided
/// convolution; sometimes a unit adding an earlier unit of its own stage), then a decoder that goes back up level by
/// level, each level's first unit raising the resolution (nearest or linear resize, align-corners or not, or a 2x2
/// transposed convolution) and joining the encoder's output at that resolution: U-Net style (concatenated, then a 3x3
/// convolution, a 3x3 depthwise that keeps the channels apart, or nothing) or FPN style (a lateral 1x1 convolution of it
/// added). Sometimes a further output reads an encoder or decoder unit, sometimes a further output reads another
/// output's map (an FPN's extra level), and the main output ends in a 1x1 head. Every fifth seed gives a 3-D network
/// (<see cref="Volume"/>): an 8 x 8 input made a cube of 8 frames and every window, pooling, resize and transposed convolution made cubic, so that
/// a U-Net's concatenation joins maps across a depth, height and width downsampling and a 2x2x2 transposed convolution
/// raises all three. Small (at most 4 channels, 12 positions per axis, 8 in 3-D), so that the gradient of every output
/// neuron can be taken. The same seed gives the same network.
/// </summary>
internal static class SkipNetworks
{
    /// <summary>True for the seeds that give 3-D networks.</summary>
    public static bool Volume(int seed) => seed % 5 == 0;

    public static Network Generate(int seed)
    {
        var random = new Random(seed);
        int Channels() => random.Next(1, 5);
        var input = new FeatureShape(random.Next(1, 4), random.Next(2) == 0 ? 8 : 12, random.Next(2) == 0 ? 8 : 12);
        if (Volume(seed))
        {
            input = input with { Height = 8, Width = 8 }; // made 8 x 8 x 8 below: every output neuron's gradient stays cheap
        }

        int levels = random.Next(1, 4);
        if (input.Height == 12 || input.Width == 12)
        {
            levels = Math.Min(levels, 2); // 12 -> 6 -> 3: two levels halve it evenly
        }

        var stages = new List<Stage>();
        var encoder = new List<UnitReference>();
        var encoderChannels = new List<int>();
        int current = input.Channels; // the channels of the last unit's output so far
        for (int level = 0; level <= levels; level++)
        {
            var units = new List<Unit>();
            var entry = new List<Op>();
            int s = stages.Count;
            if (level > 0 && random.Next(2) == 0)
            {
                entry.Add(Ops.MaxPool(2));
            }
            else if (level > 0)
            {
                units.Add(new Unit("down", [Ops.Conv(current = Channels(), 3, stride: 2, padding: 1)]));
            }

            int plain = random.Next(1, 3);
            for (int u = 0; u < plain; u++)
            {
                units.Add(new Unit("conv", [Conv(random, current = Channels())]));
            }

            if (random.Next(3) == 0)
            {
                // A unit adding the output of the unit before it in the same stage (its input) to an earlier one's.
                int read = random.Next(units.Count);
                current = 4;
                units.Add(new Unit("dense", new OpGraph([new GraphNode(Ops.Conv(4, 3, padding: 1), [0]), new GraphNode(Ops.Conv(4, 1), [OpGraph.SkipTensor(0)]), new GraphNode(new Add(), [1, 2])]))
                {
                    Skips = [new UnitReference(s, read)],
                });
            }

            stages.Add(new Stage(entry.ToValueList(), units.ToValueList()));
            encoder.Add(new UnitReference(s, units.Count - 1));
            encoderChannels.Add(current);
        }

        var decoder = new List<UnitReference>();
        for (int level = levels - 1; level >= 0; level--)
        {
            int channels = Channels();
            Op up = random.Next(4) switch
            {
                0 => Resize.Nearest(2),
                1 => Resize.Linear(2),
                2 => Resize.Linear(2, alignCorners: true),
                _ => new TransposedConvolution(channels, Pair.Square(2), Pair.Square(2), Pair.Square(0), Pair.Square(0), Pair.Square(1)),
            };
            int upChannels = up is TransposedConvolution ? channels : current;
            OpGraph graph = random.Next(4) switch
            {
                // U-Net style: concatenated, then a 3x3 convolution, a 3x3 depthwise (channels kept apart) or nothing.
                0 => new OpGraph([new GraphNode(up, [0]), new GraphNode(new Concat(), [1, OpGraph.SkipTensor(0)]), new GraphNode(Conv(random, channels), [2])]),
                1 => new OpGraph([new GraphNode(up, [0]), new GraphNode(new Concat(), [1, OpGraph.SkipTensor(0)]), new GraphNode(Ops.Depthwise(3, padding: 1), [2])]),
                2 => new OpGraph([new GraphNode(up, [0]), new GraphNode(new Concat(), [OpGraph.SkipTensor(0), 1])]),

                // FPN style: a lateral 1x1 of the skip added to the upsampled map.
                _ => new OpGraph([new GraphNode(up, [0]), new GraphNode(Ops.Conv(upChannels, 1), [OpGraph.SkipTensor(0)]), new GraphNode(new Add(), [1, 2])]),
            };
            current = graph.Nodes[^1].Op switch
            {
                Convolution => channels,
                Add => upChannels,
                _ => upChannels + encoderChannels[level],
            };
            var units = new List<Unit> { new("up", graph) { Skips = [encoder[level]] } };
            if (random.Next(2) == 0)
            {
                units.Add(new Unit("conv", [Conv(random, current = Channels())]));
            }

            stages.Add(new Stage(units.ToValueList()));
            decoder.Add(new UnitReference(stages.Count - 1, units.Count - 1));
        }

        var network = new Network($"skips-{seed}", input, stages.ToValueList(), random.Next(2) == 0 ? [Ops.Conv(2, 1)] : []);
        if (random.Next(2) == 0)
        {
            UnitReference read = random.Next(2) == 0 ? encoder[random.Next(encoder.Count)] : decoder[random.Next(decoder.Count)];
            network = network.WithOutputs([new NetworkOutput("aux", read.Stage, read.Unit, [Ops.Conv(2, 1)])]);
        }

        // Drawn last, so the networks above stay as they were: sometimes an FPN-style level (a 3x3 read from a unit) and
        // an output that reads that level's output (LastLevelMaxPool's kernel-1 stride-2 pooling, a 3x3 pooling or a 3x3
        // convolution), so its field composes through the level's 3x3.
        if (random.Next(3) == 0)
        {
            UnitReference read = random.Next(2) == 0 ? encoder[random.Next(encoder.Count)] : decoder[random.Next(decoder.Count)];
            var level = new NetworkOutput("level", read.Stage, read.Unit, [Ops.Conv(Channels(), 3, padding: 1)]);
            Op extra = random.Next(3) switch
            {
                0 => Ops.MaxPool(1, 2),
                1 => Ops.MaxPool(3, 2, padding: 1),
                _ => Ops.Conv(Channels(), 3, padding: 1),
            };
            network = network.WithOutputs([.. network.Outputs, level, NetworkOutput.Continuing("extra", level, [extra])]);
        }

        return Volume(seed) ? VolumeConversion.Of(network) : network;
    }

    private static Convolution Conv(Random random, int channels) =>
        random.Next(3) switch
        {
            0 => Ops.Conv(channels, 1),
            1 => Ops.Conv(channels, 3, padding: 1),
            _ => Ops.Conv(channels, 3, padding: 2, dilation: 2),
        };
}
