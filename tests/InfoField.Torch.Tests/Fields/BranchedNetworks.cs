using InfoField.Architecture;

namespace InfoField.Torch.Tests.Fields;

/// <summary>
/// Random branched networks for the differential test of the IF engine (spec format 2 units): convolutions with
/// groups, depthwise, dilation, stride and padding (also padding that leaves whole windows in the zeros), PW, GPW, RPW,
/// shuffle, interlace, slice, split, concat, add, mul, squeeze-and-excitation gates from global pooling (also from a
/// strided 1x1 view), max, average and adaptive pooling, resizes (nearest and linear, half-pixel and align-corners, by
/// scales and to sizes) and transposed convolutions (stride, padding, output padding, dilation, groups), also a branch
/// that goes down and comes back up concatenated with one that stayed (a U-Net's skip inside a unit), one to three
/// stages opened by pooling, by a strided unit or by a unit that raises the resolution (a decoder's), images, 1-D signals and
/// volumes (3-D). Small on purpose (at most 12 channels, 9 positions per axis), so that the gradient of every
/// output neuron can be taken. The same seed gives the same network.
/// </summary>
internal sealed class BranchedNetworks
{
    private const int MaxChannels = 12;
    private const int MaxSize = 9;

    private readonly Random _random;
    private readonly bool _signal;

    private BranchedNetworks(int seed)
    {
        _random = new Random(seed);
        _signal = _random.Next(8) == 0;
    }

    /// <summary>
    /// The network of <paramref name="seed"/>: an image network, a 1-D one, or (about one image network in six of at
    /// most 6 rows, decided by a draw of its own so that the other seeds' networks stay as they were) the image network
    /// made 3-D (<see cref="VolumeConversion"/>: a depth equal to its height, every window's depth part its height part).
    /// </summary>
    public static Network Generate(int seed)
    {
        Network network = GenerateFlat(seed);
        if (network.SpatialRank != 2 || network.Input.Height > 6 || new Random(unchecked((seed * 7919) + 17)).Next(6) != 0)
        {
            return network;
        }

        try
        {
            Network volume = VolumeConversion.Of(network);
            return Builds(volume) ? volume : network;
        }
        catch (ArchitectureException)
        {
            return network;
        }
    }

    /// <summary>
    /// True when the 3-D network builds: every pooling window no larger than its input along every axis (libtorch's 3-D
    /// average pooling, which the gradient check runs in place of max pooling, refuses larger ones, padded or not) and no
    /// strided zero op (its module strides (N, C, H, W) maps).
    /// </summary>
    private static bool Builds(Network network)
    {
        for (int s = 0; s < network.Stages.Count; s++)
        {
            StageLayout layout = network.Layout.Stages[s];
            FeatureShape shape = layout.Input;
            foreach (Op entry in network.Stages[s].Entry)
            {
                if (entry is Pooling pooling && !Fits(pooling, shape))
                {
                    return false;
                }

                shape = entry.OutputShape(shape);
            }

            for (int u = 0; u < layout.Units.Length; u++)
            {
                foreach (GraphNode node in network.Stages[s].Units[u].Graph.Nodes)
                {
                    if ((node.Op is Pooling pooling && !Fits(pooling, layout.Units[u].Tensors[node.Inputs[0]])) || node.Op is Zero { Stride: var stride } && stride != Pair.Square(1))
                    {
                        return false;
                    }
                }
            }
        }

        return true;

        static bool Fits(Pooling p, FeatureShape input) => p.Kernel.DepthOr(1) <= input.Depth && p.Kernel.H <= input.Height && p.Kernel.W <= input.Width;
    }

    private static Network GenerateFlat(int seed)
    {
        var generator = new BranchedNetworks(seed);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return generator.Network($"fuzz-{seed}");
            }
            catch (ArchitectureException) when (attempt < 1000)
            {
                // Try again with the next draws: the generator proposes, the architecture model decides.
            }
        }
    }

    private Network Network(string name)
    {
        int height = _signal ? 1 : _random.Next(4, MaxSize + 1);
        var input = new FeatureShape(Pick(2, 3, 4, 6), height, _random.Next(4, MaxSize + 1));
        int stages = _random.Next(1, 4);
        var built = new List<Stage>();
        FeatureShape shape = input;
        for (int s = 0; s < stages && (shape.Width >= 2 || shape.Height >= 2); s++)
        {
            var entry = new List<Op>();
            bool strided = false, up = false;
            if (s > 0 || _random.Next(4) == 0)
            {
                if (shape.Width <= MaxSize / 2 && shape.Height <= MaxSize / 2 && _random.Next(3) == 0)
                {
                    // A decoder stage: its first unit raises the resolution.
                    strided = up = true;
                }
                else if (_random.Next(2) == 0)
                {
                    entry.Add(EntryPooling(shape));
                }
                else
                {
                    strided = true;
                }
            }

            FeatureShape unitsInput = entry.Count == 0 ? shape : entry[0].OutputShape(shape);
            var units = new List<Unit>();
            FeatureShape current = unitsInput;
            int count = _random.Next(1, 4);
            for (int u = 0; u < count; u++)
            {
                OpGraph graph = up && u == 0 ? UpUnitGraph(current) : UnitGraph(current, strided && u == 0);
                units.Add(new Unit($"s{s + 1}u{u + 1}", graph));
                current = graph.OutputShape(current);
            }

            built.Add(new Stage(entry.ToValueList(), units.ToValueList()));
            shape = current;
        }

        return new Network(name, input, built.ToValueList(), [], _signal ? 1 : 2);
    }

    private Op EntryPooling(FeatureShape shape) => _random.Next(5) switch
    {
        0 => new Pooling(PoolKind.Max, Window(2), Window(2), Window(0, 0)),
        1 => new Pooling(PoolKind.Average, Window(3), Window(2), Window(1, 0)),
        2 => new Pooling(PoolKind.Max, Window(3), Window(2), Window(0, 0), CeilMode: true),
        3 => new AdaptivePooling(PoolKind.Average, new Pair(Math.Max(1, shape.Height * 2 / 3), Math.Max(1, shape.Width * 2 / 3))),
        _ => new Pooling(PoolKind.Max, Window(3), Window(2), Window(1, 0)),
    };

    /// <summary>A unit's graph: keeps the resolution of <paramref name="input"/>, or changes it when <paramref name="strided"/>.</summary>
    private OpGraph UnitGraph(FeatureShape input, bool strided)
    {
        var g = new GraphBuilder(input);
        int output = _random.Next(11) switch
        {
            9 or 10 => UpDown(g, strided),
            0 => Chain(g, strided),
            1 => Residual(g, strided),
            2 => Inception(g, strided),
            3 => SplitUnit(g, strided),
            4 => Gated(g, strided),
            5 => Dense(g, strided),
            6 => Offset(g, strided),
            7 => Product(g, strided),
            _ => PassThroughThenSplit(g, strided),
        };

        if (_random.Next(3) == 0)
        {
            output = g.Add(RandomLayer(g.Shape(output), stride: false, resize: false), output);
        }

        FeatureShape shape = g.Shape(output);
        if (strided == shape.SameResolution(input))
        {
            throw new ArchitectureException("stride", strided ? "the opening unit kept the resolution" : "a unit changed the resolution");
        }

        return g.Build();
    }

    /// <summary>
    /// A unit that raises the resolution (a decoder stage's first): a resize or transposed convolution, then 0 to 2 layers;
    /// or two branches raised differently and concatenated.
    /// </summary>
    private OpGraph UpUnitGraph(FeatureShape input)
    {
        var g = new GraphBuilder(input);
        var target = new FeatureShape(input.Channels, _signal ? 1 : input.Height * 2, input.Width * 2);
        int x = g.Add(UpTo(input, target, null), 0);
        if (_random.Next(3) == 0)
        {
            int other = g.Add(UpTo(input, target, null), 0);
            x = g.Add(new Concat(), _random.Next(2) == 0 ? [x, other] : [other, x]);
        }

        int length = _random.Next(0, 3);
        for (int i = 0; i < length; i++)
        {
            x = g.Add(RandomLayer(g.Shape(x), stride: false, resize: false), x);
        }

        return g.Build();
    }

    /// <summary>
    /// A U-Net's step inside a unit: a branch goes down (a strided layer, maybe a layer at the low resolution), comes back
    /// up to the unit's resolution (resize or transposed convolution), and is concatenated with a branch that stayed at
    /// the unit's resolution (the skip); maybe a 3x3 convolution after.
    /// </summary>
    private int UpDown(GraphBuilder g, bool strided)
    {
        FeatureShape input = g.Shape(0);
        if (strided || input.Width < 4 || (!_signal && input.Height < 4))
        {
            return Chain(g, strided);
        }

        int down = g.Add(StridedLayer(input), 0);
        if (_random.Next(2) == 0)
        {
            down = g.Add(RandomLayer(g.Shape(down), stride: false, resize: false), down);
        }

        int up = g.Add(UpTo(g.Shape(down), input, null), down);
        int skip = _random.Next(3) == 0 ? 0 : Branch(g, 0, null, input, false);
        int joined = g.Add(new Concat(), _random.Next(2) == 0 ? [up, skip] : [skip, up]);
        if (_random.Next(2) == 0)
        {
            joined = g.Add(new Convolution(Pick(2, 4, 6), Window(3), Window(1), Window(1, 0), Window(1, 1), Bias: true), joined);
        }

        return joined;
    }

    /// <summary>
    /// An op that takes <paramref name="shape"/> to <paramref name="target"/>'s resolution by raising it: a resize by
    /// whole-number scales or to the size (nearest where the sizes divide), or a transposed convolution whose kernel,
    /// padding and output padding fit, with <paramref name="channels"/> outputs when given.
    /// </summary>
    private Op UpTo(FeatureShape shape, FeatureShape target, int? channels)
    {
        if (_random.Next(2) == 0 && Transposed(shape, target, channels ?? Pick(shape.Channels, 2, 4, 6)) is Op transposed)
        {
            return transposed;
        }

        bool scaled = target.Height % shape.Height == 0 && target.Width % shape.Width == 0;
        bool divides = scaled || ((shape.Height % target.Height == 0 || target.Height % shape.Height == 0) && (shape.Width % target.Width == 0 || target.Width % shape.Width == 0));
        ResizeMode mode = divides && _random.Next(3) == 0 ? ResizeMode.Nearest : ResizeMode.Linear;
        ResizeCoordinates coordinates = mode == ResizeMode.Nearest ? ResizeCoordinates.Asymmetric : Pick(ResizeCoordinates.HalfPixel, ResizeCoordinates.AlignCorners);
        return scaled && _random.Next(2) == 0
            ? new Resize(mode, new Pair(target.Height / shape.Height, target.Width / shape.Width), null, coordinates)
            : new Resize(mode, null, new Pair(target.Height, target.Width), coordinates);
    }

    /// <summary>A transposed convolution with stride 2 (dilation 1 or 2) from <paramref name="shape"/> to <paramref name="target"/>, if one fits each axis.</summary>
    private TransposedConvolution? Transposed(FeatureShape shape, FeatureShape target, int channels)
    {
        (int Kernel, int Padding, int OutputPadding, int Dilation)? width = Fit(shape.Width, target.Width);
        (int Kernel, int Padding, int OutputPadding, int Dilation)? height = _signal ? (1, 0, 0, 1) : Fit(shape.Height, target.Height);
        if (width is not { } w || height is not { } h)
        {
            return null;
        }

        int[] groups = [.. Divisors(Gcd(shape.Channels, channels))];
        return new TransposedConvolution(channels, new Pair(h.Kernel, w.Kernel), _signal ? new Pair(1, 2) : Pair.Square(2), new Pair(h.Padding, w.Padding), new Pair(h.OutputPadding, w.OutputPadding), new Pair(h.Dilation, w.Dilation), Pick(groups), Bias: true);

        (int, int, int, int)? Fit(int n, int m)
        {
            var fits = new List<(int, int, int, int)>();
            foreach (int dilation in new[] { 1, 2 })
            {
                for (int kernel = 1; kernel <= 4; kernel++)
                {
                    for (int padding = 0; padding <= 2; padding++)
                    {
                        for (int extra = 0; extra < 2; extra++)
                        {
                            if (((n - 1) * 2) - (2 * padding) + (dilation * (kernel - 1)) + extra + 1 == m)
                            {
                                fits.Add((kernel, padding, extra, dilation));
                            }
                        }
                    }
                }
            }

            return fits.Count == 0 ? null : Pick([.. fits]);
        }
    }

    private int Chain(GraphBuilder g, bool strided)
    {
        int x = g.Add(strided ? StridedLayer(g.Shape(0)) : RandomLayer(g.Shape(0), stride: false, resize: false), 0);
        int length = _random.Next(0, 3);
        for (int i = 0; i < length; i++)
        {
            x = g.Add(RandomLayer(g.Shape(x), stride: false, resize: false), x);
        }

        return x;
    }

    private int Residual(GraphBuilder g, bool strided)
    {
        int body = Branch(g, 0, null, null, strided);
        int shortcut = Branch(g, 0, g.Shape(body).Channels, g.Shape(body), strided, allowEmpty: true);
        return g.Add(new Add(), body, shortcut);
    }

    private int Inception(GraphBuilder g, bool strided)
    {
        int first = Branch(g, 0, null, null, strided);
        var branches = new List<int> { first };
        int more = _random.Next(1, 3);
        for (int b = 0; b < more; b++)
        {
            branches.Add(Branch(g, 0, null, g.Shape(first), strided, allowEmpty: !strided));
        }

        int joined = g.Add(new Concat(), [.. branches]);
        return _random.Next(2) == 0 ? g.Add(Shuffle(g.Shape(joined)), joined) : joined;
    }

    private int SplitUnit(GraphBuilder g, bool strided)
    {
        FeatureShape input = g.Shape(0);
        int[] options = [.. Divisors(input.Channels).Where(d => d > 1)];
        if (options.Length == 0)
        {
            return Chain(g, strided);
        }

        int parts = Pick(options);

        var branches = new List<int>();
        for (int part = 0; part < Math.Min(parts, 3); part++)
        {
            int piece = _random.Next(2) == 0
                ? g.Add(new ChannelSplit(part, parts), 0)
                : g.Add(new ChannelSlice(part * (input.Channels / parts), input.Channels / parts), 0);
            branches.Add(branches.Count == 0 && !strided && _random.Next(2) == 0
                ? piece
                : Branch(g, piece, null, branches.Count == 0 ? null : g.Shape(branches[0]), strided, allowEmpty: true));
        }

        int joined = branches.Count == 1 ? branches[0] : g.Add(new Concat(), [.. branches]);
        return _random.Next(2) == 0 ? g.Add(Shuffle(g.Shape(joined)), joined) : joined;
    }

    private int Gated(GraphBuilder g, bool strided)
    {
        int x = Branch(g, 0, null, null, strided);
        int channels = g.Shape(x).Channels;
        int source = _random.Next(3) switch
        {
            0 => x,
            1 => g.Add(new PointwiseConvolution(Pick(2, 4, 6), 1, Window(2), Bias: true), x),
            _ => g.Add(new PointwiseConvolution(Pick(2, 4, 6), 1, Window(2), Bias: true), 0),
        };

        int pooled = g.Add(new AdaptivePooling(_random.Next(2) == 0 ? PoolKind.Max : PoolKind.Average, 1), source);
        int squeeze = g.Add(new PointwiseConvolution(Pick(1, 2, 3), 1, Window(1), Bias: true), pooled);
        int act = g.Add(new Activation(ActivationKind.Relu), squeeze);
        int excite = g.Add(new PointwiseConvolution(channels, 1, Window(1), Bias: true), act);
        int gate = g.Add(new Activation(ActivationKind.Sigmoid), excite);
        int output = _random.Next(2) == 0 ? g.Add(new Multiply(), x, gate) : g.Add(new Multiply(), gate, x);
        if (_random.Next(3) == 0)
        {
            // A second gate on the gated tensor.
            int again = g.Add(new AdaptivePooling(PoolKind.Average, 1), output);
            int second = g.Add(new PointwiseConvolution(channels, Divisors(channels).Contains(2) ? 2 : 1, Window(1), Bias: true), again);
            output = g.Add(new Multiply(), output, second);
        }

        return output;
    }

    private int Dense(GraphBuilder g, bool strided)
    {
        if (strided)
        {
            return Inception(g, strided);
        }

        int grown = Branch(g, 0, Pick(1, 2, 3), g.Shape(0), false);
        return g.Add(new Concat(), _random.Next(2) == 0 ? [0, grown] : [grown, 0]);
    }

    /// <summary>Branches whose windows are offset from each other: a strided padded conv beside an unpadded pooling.</summary>
    private int Offset(GraphBuilder g, bool strided)
    {
        FeatureShape input = g.Shape(0);
        int channels = input.Channels;
        if (strided)
        {
            int conv = g.Add(new Convolution(channels, Window(3), Window(2), Window(1, 0), Window(1, 1), Bias: true), 0);
            int pool = g.Add(new Pooling(_random.Next(2) == 0 ? PoolKind.Max : PoolKind.Average, Window(3), Window(2), Window(0, 0), CeilMode: true), 0);
            if (g.Shape(conv) != g.Shape(pool))
            {
                throw new ArchitectureException("stride", "the offset branches differ in size");
            }

            return g.Add(new Add(), conv, pool);
        }

        // Stride 1: a 2x2 window shrinks by one, then a pad-1 2x2 window grows back: offset by one position.
        int shrunk = g.Add(new Pooling(PoolKind.Average, Window(2), Window(1), Window(0, 0)), 0);
        int back = g.Add(new DepthwiseConvolution(Window(2), Window(1), Window(1, 0), Window(1, 1), Bias: true), shrunk);
        int other = Branch(g, 0, channels, input, false);
        return g.Add(new Add(), back, other);
    }

    private int Product(GraphBuilder g, bool strided)
    {
        int left = Branch(g, 0, null, null, strided);
        int right = Branch(g, 0, g.Shape(left).Channels, g.Shape(left), strided);
        return g.Add(new Multiply(), left, right);
    }

    /// <summary>The first class: conv, concat with the input, a split that selects the passed-through channels, a window.</summary>
    private int PassThroughThenSplit(GraphBuilder g, bool strided)
    {
        if (strided)
        {
            return Residual(g, strided);
        }

        FeatureShape input = g.Shape(0);
        int conv = g.Add(new Convolution(input.Channels, Window(5), Window(1), Window(2, 0), Window(1, 1), Bias: true), 0);
        int joined = g.Add(new Concat(), _random.Next(2) == 0 ? [conv, 0] : [0, conv]);
        int part = g.Add(new ChannelSplit(_random.Next(2), 2), joined);
        return g.Add(new DepthwiseConvolution(Window(3), Window(1), Window(1, 0), Window(1, 1), Bias: true), part);
    }

    /// <summary>
    /// A chain of 0 to 3 random layers from <paramref name="from"/>, then layers that bring it to <paramref name="channels"/>
    /// channels and the resolution of <paramref name="like"/> (when given).
    /// </summary>
    private int Branch(GraphBuilder g, int from, int? channels, FeatureShape? like, bool strided, bool allowEmpty = false)
    {
        int x = from;
        bool stridePending = strided;
        int length = _random.Next(allowEmpty ? 0 : 1, 4);
        for (int i = 0; i < length; i++)
        {
            bool stride = stridePending && (i == length - 1 || _random.Next(2) == 0);
            x = g.Add(stride ? StridedLayer(g.Shape(x)) : RandomLayer(g.Shape(x), stride: false, resize: true), x);
            stridePending &= !stride;
        }

        if (stridePending && like is null)
        {
            x = g.Add(StridedLayer(g.Shape(x)), x);
        }

        FeatureShape shape = g.Shape(x);
        if (like is FeatureShape target && !shape.SameResolution(target))
        {
            x = g.Add(FitTo(shape, target, channels), x);
            shape = g.Shape(x);
        }
        else if (like is null && (shape.Height > MaxSize || shape.Width > MaxSize || (!strided && !shape.SameResolution(g.Shape(0)))))
        {
            x = g.Add(FitTo(shape, g.Shape(0), channels), x);
            shape = g.Shape(x);
        }

        if (channels is int wanted && shape.Channels != wanted)
        {
            x = g.Add(ChannelChange(shape.Channels, wanted), x);
        }

        if (x == from)
        {
            x = g.Add(new BatchNorm(), x);
        }

        return x;
    }

    /// <summary>
    /// A stride-1 window that maps <paramref name="shape"/>'s resolution onto <paramref name="target"/>'s; where the target
    /// is larger, sometimes a resize or transposed convolution that raises the resolution to it.
    /// </summary>
    private Op FitTo(FeatureShape shape, FeatureShape target, int? channels)
    {
        if (target.Height >= shape.Height && target.Width >= shape.Width && _random.Next(3) == 0)
        {
            return UpTo(shape, target, channels);
        }

        (int kernelH, int padH) = _signal ? (1, 0) : Fit(shape.Height, target.Height);
        (int kernelW, int padW) = Fit(shape.Width, target.Width);
        var kernel = new Pair(kernelH, kernelW);
        var padding = new Pair(padH, padW);
        bool depthwise = channels is null || channels == shape.Channels ? _random.Next(3) > 0 : false;
        if (depthwise)
        {
            return new DepthwiseConvolution(kernel, Window(1), padding, Window(1, 1), Bias: true);
        }

        int output = channels ?? shape.Channels;
        int groups = Pick([.. Divisors(Gcd(shape.Channels, output))]);
        return new Convolution(output, kernel, Window(1), padding, Window(1, 1), groups, Bias: true);
    }

    /// <summary>Kernel and padding that take n positions to m with stride 1: m = n + 2p - k + 1.</summary>
    private (int Kernel, int Padding) Fit(int n, int m)
    {
        int padding = Math.Max(0, (m - n + 1) / 2) + _random.Next(0, 2);
        int kernel = n + (2 * padding) - m + 1;
        return kernel < 1 ? (kernel + 2, padding + 1) : (kernel, padding);
    }

    private Op ChannelChange(int input, int output) => _random.Next(4) switch
    {
        0 when input % 2 == 0 => new RollingPointwiseConvolution(output, 2, Pick(0.0, 0.25, 0.5), Bias: true),
        1 => new PointwiseConvolution(output, Pick([.. Divisors(Gcd(input, output))]), Window(1), Bias: true),
        2 when input % 3 == 0 => new RollingPointwiseConvolution(output, 3, Pick(0.0, 0.5), Bias: true),
        _ => new PointwiseConvolution(output, 1, Window(1), Bias: true),
    };

    private Op StridedLayer(FeatureShape shape) => _random.Next(5) switch
    {
        0 => new Convolution(Pick(2, 4, 6, 8), Window(Pick(1, 2, 3)), Window(2), Window(_random.Next(0, 2), 0), Window(1, 1), Bias: true),
        1 => new DepthwiseConvolution(Window(3), Window(2), Window(1, 0), Window(1, 1), Bias: true),
        2 => new PointwiseConvolution(Pick(2, 4, 6), 1, Window(2), Bias: true),
        3 => new Pooling(_random.Next(2) == 0 ? PoolKind.Max : PoolKind.Average, Window(Pick(2, 3)), Window(2), Window(_random.Next(0, 2), 0), _random.Next(2) == 0),
        _ => new AdaptivePooling(PoolKind.Average, new Pair(_signal ? 1 : Math.Max(1, (shape.Height * 3) / 5), Math.Max(1, (shape.Width * 3) / 5))),
    };

    /// <summary>One random layer for <paramref name="shape"/>; with <paramref name="resize"/> it may change the resolution.</summary>
    private Op RandomLayer(FeatureShape shape, bool stride, bool resize)
    {
        int c = shape.Channels;
        switch (_random.Next(resize ? 18 : 13))
        {
            case 16 or 17 when shape.Width <= MaxSize / 2 && shape.Height <= MaxSize / 2:
                return UpTo(shape, new FeatureShape(shape.Channels, _signal ? 1 : shape.Height * 2, shape.Width * 2), null);

            case 0:
            case 1:
                {
                    int output = Pick(2, 3, 4, 6, 8, 12);
                    int groups = Pick([.. Divisors(Gcd(c, output))]);
                    int kernel = Pick(1, 3, 3, 5);
                    int dilation = kernel > 1 && _random.Next(3) == 0 ? 2 : 1;
                    return new Convolution(output, Window(kernel), Window(stride ? 2 : 1), Window(((kernel - 1) * dilation) / 2, 0), Window(dilation, 1), groups, Bias: true);
                }

            case 2:
            case 3:
                {
                    int kernel = Pick(3, 3, 5);
                    int dilation = _random.Next(3) == 0 ? 2 : 1;
                    return new DepthwiseConvolution(Window(kernel), Window(1), Window(((kernel - 1) * dilation) / 2, 0), Window(dilation, 1), _random.Next(5) == 0 ? 2 : 1, Bias: true);
                }

            case 4:
                return new PointwiseConvolution(Pick(2, 3, 4, 6, 8, 12), 1, Window(1), Bias: true);
            case 5:
                {
                    int output = Pick(2, 4, 6, 8, 12);
                    return new PointwiseConvolution(output, Pick([.. Divisors(Gcd(c, output))]), Window(1), Bias: true);
                }

            case 6:
                {
                    int groups = Pick([.. Divisors(c)]);
                    return new RollingPointwiseConvolution(Pick(2, 4, 6, 8, 12), groups, Pick(0.0, 0.25, 0.5, 0.33), Bias: true);
                }

            case 7:
                return Shuffle(shape);
            case 8:
                {
                    int count = _random.Next(1, c + 1);
                    return new ChannelSlice(_random.Next(0, c - count + 1), count);
                }

            case 9:
                {
                    int parts = Pick([.. Divisors(c)]);
                    return new ChannelSplit(_random.Next(parts), parts);
                }

            case 10:
                return new BatchNorm();
            case 11:
                return new Activation(Pick(ActivationKind.Relu, ActivationKind.Sigmoid, ActivationKind.Silu, ActivationKind.Hardswish));
            case 12:
                return new Pooling(_random.Next(2) == 0 ? PoolKind.Max : PoolKind.Average, Window(3), Window(1), Window(1, 0));
            case 13:
                // A 1x1 conv with padding: its border positions read nothing but zeros.
                return new Convolution(Pick(2, 4, 6), Window(1), Window(1), Window(1, 0), Window(1, 1), Bias: true);
            case 14:
                return new AdaptivePooling(_random.Next(2) == 0 ? PoolKind.Max : PoolKind.Average, new Pair(_signal ? 1 : Math.Max(1, shape.Height - 1), Math.Max(1, shape.Width - _random.Next(0, 3))));
            default:
                {
                    int kernel = Pick(2, 3, 4);
                    return new Pooling(_random.Next(2) == 0 ? PoolKind.Max : PoolKind.Average, Window(kernel), Window(1), Window(_random.Next(0, (kernel / 2) + 1), 0), false);
                }
        }
    }

    private Op Shuffle(FeatureShape shape)
    {
        int[] divisors = [.. Divisors(shape.Channels).Where(d => d > 1 && d < shape.Channels)];
        if (divisors.Length == 0)
        {
            return new BatchNorm();
        }

        int groups = Pick(divisors);
        return _random.Next(2) == 0 ? new ChannelShuffle(groups) : new Interlace(groups);
    }

    /// <summary>A window size, stride or dilation along both axes, or along the length only in a 1-D network.</summary>
    private Pair Window(int value) => _signal ? new Pair(1, value) : new Pair(value, value);

    /// <summary>A padding along both axes, or along the length only in a 1-D network (height <paramref name="height"/>).</summary>
    private Pair Window(int value, int height) => _signal ? new Pair(height, value) : new Pair(value, value);

    private T Pick<T>(params T[] values) => values[_random.Next(values.Length)];

    private static IEnumerable<int> Divisors(int n) => Enumerable.Range(1, n).Where(d => n % d == 0);

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>Builds a unit's graph node by node, checking every shape and keeping sizes small.</summary>
    private sealed class GraphBuilder(FeatureShape input)
    {
        private readonly List<GraphNode> _nodes = [];
        private readonly List<FeatureShape> _shapes = [input];

        public FeatureShape Shape(int tensor) => _shapes[tensor];

        public int Add(Op op, params int[] inputs)
        {
            FeatureShape shape = op is MergeOp merge ? merge.OutputShape(inputs.Select(Shape).ToArray()) : op.OutputShape(Shape(inputs[0]));
            if (shape.Channels > MaxChannels * 2 || shape.Height > MaxSize + 2 || shape.Width > MaxSize + 2 || _nodes.Count > 24)
            {
                throw new ArchitectureException("size", "too large for the gradient check");
            }

            _nodes.Add(new GraphNode(op, inputs.ToValueList()));
            _shapes.Add(shape);
            return _nodes.Count;
        }

        public OpGraph Build() => new(_nodes.ToValueList());
    }
}
