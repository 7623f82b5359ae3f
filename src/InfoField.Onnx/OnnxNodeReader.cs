using InfoField.Architecture;
using Onnx;
using static InfoField.Onnx.OnnxValues;

namespace InfoField.Onnx;

/// <summary>
/// Turns the nodes of an ONNX graph into InfoField ops, one graph for the whole network (<see cref="FlatGraph"/>).
/// Patterns that exporters write as several nodes are read as the layer they are: Sigmoid then Mul by the same tensor
/// as SiLU, HardSigmoid then Mul as hard-swish, Reshape-Transpose-Reshape as a channel shuffle, MatMul then Add as a
/// linear layer with bias, Pad as the padding of the Conv or pooling after it.
/// </summary>
internal sealed class OnnxNodeReader
{
    /// <summary>What the importer reads, for messages about nodes it cannot.</summary>
    public const string Supported =
        "Conv, Gemm, MatMul(+Add), BatchNormalization, Relu, Clip(0, 6), LeakyRelu, Sigmoid, HardSigmoid, HardSwish, Tanh, "
        + "Mul and Add of two tensors, Mul by a scalar 0 (zeros), Concat/Split/Slice on channels, Reshape-Transpose-Reshape channel shuffle, Flatten, "
        + "Reshape to N x features, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, ReduceMean over space, Pad (before a Conv or pooling), "
        + "Gather of channel windows then a grouped 1x1 Conv (RPW), Dropout, Identity, Softmax, Constant, LayerNormalization over channels";

    private readonly long _opset;
    private readonly int _rank;
    private readonly Dictionary<string, TensorProto> _constants = [];
    private readonly Dictionary<string, int> _tensors = [];
    private readonly Dictionary<string, int> _consumers = [];
    private readonly Dictionary<string, (int Tensor, Pair Padding)> _pads = [];
    private readonly Dictionary<string, (int Tensor, int Groups, bool Transposed)> _views = [];
    private readonly Dictionary<string, (int Tensor, long[] Indices, string Hint)> _gathers = [];
    private readonly List<FlatNode> _nodes = [];
    private readonly List<(int Tensor, int[] Inputs)> _concats = [];
    private readonly List<FeatureShape> _shapes = [];

    private OnnxNodeReader(long opset, int rank, FeatureShape input)
    {
        _opset = opset;
        _rank = rank;
        _shapes.Add(input);
    }

    /// <summary>Reads the graph of <paramref name="model"/>.</summary>
    public static FlatGraph Read(ModelProto model)
    {
        GraphProto graph = model.Graph;
        long opset = model.OpsetImport.Where(import => import.Domain is "" or "ai.onnx").Max(import => import.Version);
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(input => !initializers.Contains(input.Name)).ToList();
        if (inputs.Count != 1)
        {
            throw new OnnxReadException($"the graph has {inputs.Count} inputs besides its initializers; InfoField reads networks with one input");
        }

        var (shape, rank) = InputShape(inputs[0]);
        var reader = new OnnxNodeReader(opset, rank, shape);
        reader._tensors[inputs[0].Name] = 0;
        foreach (TensorProto initializer in graph.Initializer)
        {
            reader._constants[initializer.Name] = initializer;
        }

        foreach (NodeProto node in graph.Node)
        {
            foreach (string name in node.Input)
            {
                reader._consumers[name] = reader._consumers.GetValueOrDefault(name) + 1;
            }
        }

        foreach (NodeProto node in graph.Node)
        {
            reader.ReadNode(node);
        }

        if (graph.Output.Count != 1)
        {
            throw new OnnxReadException($"the graph has {graph.Output.Count} outputs; InfoField reads networks with one output");
        }

        string output = graph.Output[0].Name;
        if (!reader._tensors.TryGetValue(output, out int result) || result == 0)
        {
            throw new OnnxReadException($"the graph's output '{output}' is not computed from its input by the nodes read");
        }

        return reader.Prune(result);
    }

    private static (FeatureShape Shape, int Rank) InputShape(ValueInfoProto input)
    {
        var dims = input.Type?.TensorType?.Shape?.Dim;
        string Describe() => dims is null ? "no shape" : $"[{string.Join(", ", dims.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.DimParam))}]";
        if (dims is null || dims.Count is < 3 or > 4)
        {
            throw new OnnxReadException($"the input '{input.Name}' has shape {Describe()}; InfoField reads N x C x H x W images or N x C x L signals");
        }

        var sizes = new int[dims.Count - 1];
        for (int i = 1; i < dims.Count; i++)
        {
            if (dims[i].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || dims[i].DimValue < 1 || dims[i].DimValue > int.MaxValue)
            {
                throw new OnnxReadException($"the input '{input.Name}' has shape {Describe()}; every dimension but the batch must be a fixed positive size (export with a fixed input size)");
            }

            sizes[i - 1] = (int)dims[i].DimValue;
        }

        return sizes.Length == 3 ? (new FeatureShape(sizes[0], sizes[1], sizes[2]), 2) : (new FeatureShape(sizes[0], 1, sizes[1]), 1);
    }

    private void ReadNode(NodeProto node)
    {
        if (OnnxShapeArithmetic.TryFold(node, _constants, ShapeOf, _opset) is { } folded)
        {
            _constants[Output(node)] = folded;
            return;
        }

        switch (node.OpType)
        {
            case "Constant":
                _constants[Output(node)] = Attribute(node, "value")?.T ?? throw Fail(node, "only Constant nodes with a 'value' tensor are read");
                break;
            case "Identity" or "Dropout":
                Alias(node, In(node, 0));
                break;
            case "Conv":
                Conv(node);
                break;
            case "Gather":
                Gather(node);
                break;
            case "BatchNormalization":
                Single(node, new BatchNorm(Float(node, "epsilon", 1e-5)));
                break;
            case "LayerNormalization":
                LayerNormalization(node);
                break;
            case "Relu":
                Single(node, new Activation(ActivationKind.Relu));
                break;
            case "LeakyRelu":
                Single(node, new Activation(ActivationKind.LeakyRelu));
                break;
            case "Sigmoid":
                Single(node, new Activation(ActivationKind.Sigmoid));
                break;
            case "HardSigmoid":
                Single(node, new Activation(ActivationKind.Hardsigmoid));
                break;
            case "HardSwish":
                Single(node, new Activation(ActivationKind.Hardswish));
                break;
            case "Tanh":
                Single(node, new Activation(ActivationKind.Tanh));
                break;
            case "Clip":
                Clip(node);
                break;
            case "Mul":
                Mul(node);
                break;
            case "Add":
                AddNode(node);
                break;
            case "Concat":
                RequireChannelAxis(node, Int(node, "axis", 1));
                if (node.Input.Count == 1)
                {
                    Alias(node, In(node, 0));
                }
                else
                {
                    int[] joined = [.. node.Input.Select((_, i) => In(node, i))];
                    Emit(node, new Concat(), Nested(joined));
                    _concats.Add((_tensors[Output(node)], joined));
                }

                break;
            case "Split":
                Split(node);
                break;
            case "Slice":
                Slice(node);
                break;
            case "Reshape":
                Reshape(node);
                break;
            case "Transpose":
                Transpose(node);
                break;
            case "Flatten":
                if (Int(node, "axis", 1) != 1)
                {
                    throw Fail(node, "only Flatten with axis 1 (N x features) is read");
                }

                Single(node, new Flatten());
                break;
            case "MaxPool" or "AveragePool":
                Pool(node);
                break;
            case "GlobalAveragePool":
                Single(node, new AdaptivePooling(PoolKind.Average, Pair.Square(1)));
                break;
            case "GlobalMaxPool":
                Single(node, new AdaptivePooling(PoolKind.Max, Pair.Square(1)));
                break;
            case "ReduceMean":
                ReduceMean(node);
                break;
            case "Pad":
                Pad(node);
                break;
            case "Gemm":
                Gemm(node);
                break;
            case "MatMul":
                MatMul(node);
                break;
            case "Softmax":
                Single(node, new Softmax());
                break;
            default:
                throw Fail(node, $"is not supported; InfoField reads {Supported}");
        }
    }

    private void Conv(NodeProto node)
    {
        if (_gathers.TryGetValue(node.Input[0], out var gathered))
        {
            RollingConv(node, gathered.Tensor, gathered.Indices, gathered.Hint);
            return;
        }

        var (x, extra) = InPadded(node, 0);
        long[] w = Dims(node, 1);
        if (w.Length != _rank + 2)
        {
            throw Fail(node, $"its weight has {w.Length} dims; a {_rank}-D convolution's has {_rank + 2}");
        }

        FeatureShape input = _shapes[x];
        int groups = Narrow(node, "group", Int(node, "group", 1));
        int outChannels = Narrow(node, "weight", w[0]);
        if (w[1] * groups != input.Channels)
        {
            throw Fail(node, $"its weight reads {w[1]} channels per group in {groups} groups, but its input has {input.Channels} channels");
        }

        Pair kernel = _rank == 2 ? new Pair(Narrow(node, "kernel", w[2]), Narrow(node, "kernel", w[3])) : new Pair(1, Narrow(node, "kernel", w[2]));
        Pair stride = Axes(node, "strides", 1);
        Pair dilation = Axes(node, "dilations", 1);
        Pair padding = Padding(node, input, kernel, stride, dilation);
        padding = new Pair(padding.H + extra.H, padding.W + extra.W);
        bool bias = node.Input.Count > 2 && node.Input[2].Length > 0;
        Emit(node, Ops.Conv2d(input.Channels, outChannels, kernel, stride, padding, dilation, groups, bias), [x]);
    }

    /// <summary>A Gather of channels, kept until the Conv that reads it: with a 1x1 Conv of one group per filter it is RPW.</summary>
    private void Gather(NodeProto node)
    {
        if (Int(node, "axis", 0) != 1 || node.Input.Count < 2 || !_constants.ContainsKey(node.Input[1]) || _consumers.GetValueOrDefault(Output(node)) != 1)
        {
            throw Fail(node, "InfoField reads Gather only as the channel windows of a rolling pointwise convolution: constant indices on axis 1, read by one 1x1 Conv with one group per filter");
        }

        _gathers[Output(node)] = (In(node, 0), Integers(Constant(node, 1), node.Input[1]), node.DocString);
    }

    /// <summary>
    /// Gather of C_out windows of w consecutive channels (wrapping), then a 1x1 Conv with C_out groups: RPW(C_in, C_out,
    /// C_in / w, o), with o from the exporter's note on the Gather (<c>overlap=o</c>) or, without one, from a whole
    /// step between windows; the windows must be exactly RPW's.
    /// </summary>
    private void RollingConv(NodeProto node, int x, long[] indices, string hint)
    {
        const string Pattern = "Gather then Conv is read as a rolling pointwise convolution only when";
        long[] w = Dims(node, 1);
        int inputChannels = _shapes[x].Channels;
        int groups = Narrow(node, "group", Int(node, "group", 1));
        int outChannels = Narrow(node, "weight", w[0]);
        if (w.Skip(2).Any(d => d != 1) || groups != outChannels || w[1] < 1 || inputChannels % w[1] != 0 || indices.LongLength != outChannels * w[1]
            || Ints(node, "strides") is { } strides && strides.Any(v => v != 1) || Ints(node, "pads") is { } padding && padding.Any(v => v != 0))
        {
            throw Fail(node, $"{Pattern} the Conv is 1x1 with one group per filter and the Gather takes w channels per filter, w dividing the {inputChannels} input channels");
        }

        int width = (int)w[1];
        int rpwGroups = inputChannels / width;
        var candidates = new List<double>();
        const string Key = "overlap=";
        int at = hint.IndexOf(Key, StringComparison.Ordinal);
        if (at >= 0 && double.TryParse(hint[(at + Key.Length)..].Split(' ', ';', ',')[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double noted))
        {
            candidates.Add(noted);
        }

        if (outChannels > 1)
        {
            long step = ((indices[width] - indices[0]) % inputChannels + inputChannels) % inputChannels;
            candidates.Add(1 - ((double)step / width));
        }

        candidates.Add(0);
        foreach (double overlap in candidates.Where(o => o >= 0 && o < 1))
        {
            int[] starts = RollingWindows.Starts(inputChannels, outChannels, rpwGroups, overlap);
            bool same = true;
            for (int c = 0; c < outChannels && same; c++)
            {
                for (int i = 0; i < width && same; i++)
                {
                    same = indices[((long)c * width) + i] == (starts[c] + i) % inputChannels;
                }
            }

            if (same)
            {
                bool bias = node.Input.Count > 2 && node.Input[2].Length > 0;
                Emit(node, new RollingPointwiseConvolution(outChannels, rpwGroups, overlap, bias), [x]);
                return;
            }
        }

        throw Fail(node, $"{Pattern} the Gather's indices are RPW's windows (filter c reads channels floor(c (1 - o) w) mod C_in onward); these are not, for any overlap noted or implied");
    }

    /// <summary>
    /// LayerNormalization (opset 17) as <see cref="LayerNorm"/> where it normalizes the channels alone: axis 1 with
    /// every later axis of size 1 (a head after global pooling), with a scale and a shift of one value per channel.
    /// </summary>
    private void LayerNormalization(NodeProto node)
    {
        int x = In(node, 0);
        FeatureShape shape = _shapes[x];
        long axis = Int(node, "axis", -1);
        if (_opset < 17 || (axis < 0 ? axis + _rank + 2 : axis) != 1 || shape.Height * shape.Width != 1)
        {
            throw Fail(node, $"InfoField reads LayerNormalization (opset 17) over the channels alone: axis 1 on a C x 1 x 1 tensor (this one has axis {axis} on a {shape} tensor at opset {_opset}); the channels-last form (Transpose, LayerNormalization over the last axis, Transpose) is not read yet");
        }

        if (node.Input.Count < 3 || node.Input[2].Length == 0 || Constant(node, 1).Dims.Aggregate(1L, (a, b) => a * b) != shape.Channels || Constant(node, 2).Dims.Aggregate(1L, (a, b) => a * b) != shape.Channels)
        {
            throw Fail(node, $"InfoField reads LayerNormalization with a scale and a shift of one value per channel ({shape.Channels})");
        }

        Single(node, new LayerNorm(Float(node, "epsilon", 1e-5)));
    }

    private void Pool(NodeProto node)
    {
        var (x, extra) = InPadded(node, 0);
        long[] kernelShape = Ints(node, "kernel_shape") ?? throw Fail(node, "has no kernel_shape");
        if (kernelShape.Length != _rank)
        {
            throw Fail(node, $"pools over {kernelShape.Length} axes; the network is {_rank}-D");
        }

        if (Ints(node, "dilations") is { } dilations && dilations.Any(d => d != 1))
        {
            throw Fail(node, "dilated pooling is not supported");
        }

        Pair kernel = _rank == 2 ? new Pair(Narrow(node, "kernel_shape", kernelShape[0]), Narrow(node, "kernel_shape", kernelShape[1])) : new Pair(1, Narrow(node, "kernel_shape", kernelShape[0]));
        Pair stride = Axes(node, "strides", 1);
        Pair padding = Padding(node, _shapes[x], kernel, stride, Pair.Square(1));
        padding = new Pair(padding.H + extra.H, padding.W + extra.W);
        PoolKind kind = node.OpType == "MaxPool" ? PoolKind.Max : PoolKind.Average;
        Emit(node, new Pooling(kind, kernel, stride, padding, Int(node, "ceil_mode", 0) != 0), [x]);
    }

    private void ReduceMean(NodeProto node)
    {
        int x = In(node, 0);
        long[] axes = (_opset >= 18 && node.Input.Count > 1 && node.Input[1].Length > 0 ? Integers(Constant(node, 1), node.Input[1]) : Ints(node, "axes"))
            ?? throw Fail(node, "reduces over every axis; InfoField reads ReduceMean over the spatial axes only");
        var normalized = axes.Select(a => a < 0 ? a + _rank + 2 : a).Order().ToArray();
        long[] spatial = _rank == 2 ? [2, 3] : [2];
        if (!normalized.SequenceEqual(spatial))
        {
            throw Fail(node, $"reduces over axes [{string.Join(", ", axes)}]; InfoField reads ReduceMean over the spatial axes ({string.Join(", ", spatial)}) as global average pooling");
        }

        int pooled = Add(node, new AdaptivePooling(PoolKind.Average, Pair.Square(1)), [x]);
        if (Int(node, "keepdims", 1) == 0)
        {
            pooled = Add(node, new Flatten(), [pooled]);
        }

        _tensors[Output(node)] = pooled;
    }

    /// <summary>
    /// The inputs of a concat, with a leading run that an earlier concat already joined replaced by that concat's
    /// output (concatenation is associative): DenseNet's layers each concatenate every feature map before them, which
    /// becomes the previous concatenation plus the new features, so that each dense layer is a region of its own.
    /// </summary>
    private int[] Nested(int[] inputs)
    {
        for (int n = _concats.Count - 1; n >= 0; n--)
        {
            var (tensor, earlier) = _concats[n];
            if (earlier.Length < inputs.Length && inputs.AsSpan(0, earlier.Length).SequenceEqual(earlier))
            {
                return [tensor, .. inputs[earlier.Length..]];
            }
        }

        return inputs;
    }

    private void Clip(NodeProto node)
    {
        double min, max;
        if (_opset < 11)
        {
            min = Float(node, "min", double.NegativeInfinity);
            max = Float(node, "max", double.PositiveInfinity);
        }
        else
        {
            min = node.Input.Count > 1 && node.Input[1].Length > 0 ? Scalar(node, 1) : double.NegativeInfinity;
            max = node.Input.Count > 2 && node.Input[2].Length > 0 ? Scalar(node, 2) : double.PositiveInfinity;
        }

        ActivationKind kind = (min, max) switch
        {
            (0, 6) => ActivationKind.Relu6,
            (0, double.PositiveInfinity) => ActivationKind.Relu,
            _ => throw Fail(node, $"clips to [{min}, {max}]; InfoField reads Clip(0, 6) as ReLU6 and Clip(0) as ReLU"),
        };
        Single(node, new Activation(kind));
    }

    private void Mul(NodeProto node)
    {
        if (ZeroFactor(node) is int other)
        {
            // x * 0, as PyTorch exports x.mul(0.) (NAS-Bench-201's none edge): zeros of x's shape.
            Emit(node, new Zero(), [In(node, other)]);
            return;
        }

        RequireTensors(node, "multiplies by a constant; InfoField reads Mul of two tensors (a gate, or x times sigmoid(x) or hard-sigmoid(x))");
        int a = In(node, 0), b = In(node, 1);
        if (Fuse(node, a, b) || Fuse(node, b, a))
        {
            return;
        }

        Emit(node, new Multiply(), [a, b]);
    }

    /// <summary>The input that a Mul multiplies by a scalar constant 0 (the other input), or null for any other Mul.</summary>
    private int? ZeroFactor(NodeProto node)
    {
        if (node.Input.Count != 2)
        {
            return null;
        }

        for (int constant = 0; constant < 2; constant++)
        {
            int other = 1 - constant;
            if (_constants.ContainsKey(node.Input[constant]) && !_constants.ContainsKey(node.Input[other])
                && Reals(Constant(node, constant), node.Input[constant]) is [0.0])
            {
                return other;
            }
        }

        return null;
    }

    /// <summary>x * sigmoid(x) as SiLU, x * hardsigmoid(x) as hard-swish, when the gate feeds only this Mul.</summary>
    private bool Fuse(NodeProto node, int x, int gate)
    {
        if (gate == 0 || _nodes[gate - 1] is not { Op: Activation { Kind: ActivationKind.Sigmoid or ActivationKind.Hardsigmoid } activation, Inputs: [int source] } producer
            || source != x || _consumers.GetValueOrDefault(node.Input[gate == In(node, 0) ? 0 : 1]) != 1)
        {
            return false;
        }

        var kind = activation.Kind == ActivationKind.Sigmoid ? ActivationKind.Silu : ActivationKind.Hardswish;
        _nodes[gate - 1] = producer with { Op = new Activation(kind) };
        _tensors[Output(node)] = gate;
        return true;
    }

    private void AddNode(NodeProto node)
    {
        bool constantA = _constants.ContainsKey(node.Input[0]), constantB = _constants.ContainsKey(node.Input[1]);
        if (constantA || constantB)
        {
            int x = In(node, constantA ? 1 : 0);
            if (x > 0 && _nodes[x - 1] is { Op: Linear { Bias: false } linear } producer && _consumers.GetValueOrDefault(node.Input[constantA ? 1 : 0]) == 1)
            {
                _nodes[x - 1] = producer with { Op = linear with { Bias = true } };
                _tensors[Output(node)] = x;
                return;
            }

            throw Fail(node, "adds a constant; InfoField reads Add of two tensors (a residual connection) or the bias after a MatMul");
        }

        Emit(node, new Add(), [In(node, 0), In(node, 1)]);
    }

    private void Split(NodeProto node)
    {
        int x = In(node, 0);
        RequireChannelAxis(node, Int(node, "axis", 0));
        int channels = _shapes[x].Channels;
        long[] sizes = _opset < 13
            ? Ints(node, "split") ?? Equal(node, channels)
            : node.Input.Count > 1 && node.Input[1].Length > 0 ? Integers(Constant(node, 1), node.Input[1]) : Equal(node, channels);
        if (sizes.Length != node.Output.Count || sizes.Sum() != channels || sizes.Any(s => s < 1))
        {
            throw Fail(node, $"splits {channels} channels into [{string.Join(", ", sizes)}] for {node.Output.Count} outputs");
        }

        int start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            _tensors[node.Output[i]] = Add(node, new ChannelSlice(start, (int)sizes[i]), [x]);
            start += (int)sizes[i];
        }
    }

    private long[] Equal(NodeProto node, int channels)
    {
        int parts = node.Output.Count;
        return channels % parts == 0 ? [.. Enumerable.Repeat((long)(channels / parts), parts)] : throw Fail(node, $"splits {channels} channels into {parts} parts, which do not divide them");
    }

    private void Slice(NodeProto node)
    {
        int x = In(node, 0);
        long[] starts, ends, axes;
        long[]? steps = null;
        if (_opset < 10)
        {
            starts = Ints(node, "starts") ?? throw Fail(node, "has no starts");
            ends = Ints(node, "ends") ?? throw Fail(node, "has no ends");
            axes = Ints(node, "axes") ?? [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        }
        else
        {
            starts = Integers(Constant(node, 1), node.Input[1]);
            ends = Integers(Constant(node, 2), node.Input[2]);
            axes = node.Input.Count > 3 && node.Input[3].Length > 0 ? Integers(Constant(node, 3), node.Input[3]) : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = node.Input.Count > 4 && node.Input[4].Length > 0 ? Integers(Constant(node, 4), node.Input[4]) : null;
        }

        if (axes.Length != 1 || starts.Length != 1 || ends.Length != 1 || (steps is not null && (steps.Length != 1 || steps[0] != 1)))
        {
            throw Fail(node, "InfoField reads Slice of a range of channels with step 1 only");
        }

        RequireChannelAxis(node, axes[0]);
        long channels = _shapes[x].Channels;
        long start = Math.Clamp(starts[0] < 0 ? starts[0] + channels : starts[0], 0, channels);
        long end = Math.Clamp(ends[0] < 0 ? ends[0] + channels : ends[0], 0, channels);
        if (end <= start)
        {
            throw Fail(node, $"takes no channel (from {starts[0]} to {ends[0]} of {channels})");
        }

        Emit(node, new ChannelSlice((int)start, (int)(end - start)), [x]);
    }

    private void Reshape(NodeProto node)
    {
        string data = node.Input[0];
        long[] target = Integers(Constant(node, 1), node.Input[1]);
        if (_views.TryGetValue(data, out var view))
        {
            FeatureShape original = _shapes[view.Tensor];
            long[] resolvedView = Resolve(node, target, [1, original.Channels, original.Height, original.Width]);
            if (!view.Transposed || !resolvedView.SequenceEqual([1L, original.Channels, original.Height, original.Width]))
            {
                throw Fail(node, "InfoField reads a reshape of grouped channels only as the end of a channel shuffle (Reshape to N x g x C/g x H x W, Transpose(0, 2, 1, 3, 4), Reshape to N x C x H x W)");
            }

            Emit(node, new ChannelShuffle(view.Groups), [view.Tensor]);
            return;
        }

        int x = In(node, 0);
        FeatureShape shape = _shapes[x];
        long[] dims = _rank == 2 ? [1, shape.Channels, shape.Height, shape.Width] : [1, shape.Channels, shape.Width];
        long[] resolved = Resolve(node, target, dims);
        if (resolved.Length == 2 && resolved[1] == shape.Volume)
        {
            Single(node, new Flatten());
        }
        else if (resolved.SequenceEqual(dims))
        {
            Alias(node, x);
        }
        else if (_rank == 2 && resolved.Length == 5 && resolved[1] * resolved[2] == shape.Channels && resolved[3] == shape.Height && resolved[4] == shape.Width)
        {
            _views[Output(node)] = (x, (int)resolved[1], false);
        }
        else
        {
            throw Fail(node, $"reshapes a {shape} tensor to [{string.Join(", ", target)}]; InfoField reads Reshape to N x features before the classifier and the reshapes of a channel shuffle");
        }
    }

    private long[] Resolve(NodeProto node, long[] target, long[] dims)
    {
        var resolved = new long[target.Length];
        long known = 1;
        int free = -1;
        for (int i = 0; i < target.Length; i++)
        {
            resolved[i] = target[i] == 0 && i < dims.Length ? dims[i] : target[i];
            if (resolved[i] == -1)
            {
                free = free < 0 ? i : throw Fail(node, "has more than one -1 in its shape");
            }
            else if (resolved[i] < 1)
            {
                throw Fail(node, $"has the dimension {target[i]} in its shape");
            }
            else
            {
                known *= resolved[i];
            }
        }

        long volume = dims.Aggregate(1L, (a, b) => a * b);
        if (free >= 0)
        {
            resolved[free] = volume % known == 0 ? volume / known : throw Fail(node, $"cannot reshape {volume} values to [{string.Join(", ", target)}]");
        }

        return resolved;
    }

    private void Transpose(NodeProto node)
    {
        if (!_views.TryGetValue(node.Input[0], out var view) || view.Transposed || !(Ints(node, "perm") ?? []).SequenceEqual([0L, 2, 1, 3, 4]))
        {
            throw Fail(node, "InfoField reads Transpose only inside a channel shuffle (Reshape to N x g x C/g x H x W, Transpose(0, 2, 1, 3, 4), Reshape back)");
        }

        _views[Output(node)] = view with { Transposed = true };
    }

    private void Pad(NodeProto node)
    {
        int x = In(node, 0);
        string mode = Text(node, "mode", "constant");
        long[] amounts = _opset < 11 ? Ints(node, "pads") ?? throw Fail(node, "has no pads") : Integers(Constant(node, 1), node.Input[1]);
        double value = _opset < 11 ? Float(node, "value", 0) : node.Input.Count > 2 && node.Input[2].Length > 0 ? Scalar(node, 2) : 0;
        int axes = _rank + 2;
        if (mode != "constant" || value != 0 || amounts.Length != 2 * axes || (_opset >= 18 && node.Input.Count > 3 && node.Input[3].Length > 0))
        {
            throw Fail(node, "InfoField reads Pad with zeros on all axes (mode constant, value 0), folded into the Conv or pooling after it");
        }

        if (amounts[0] != 0 || amounts[1] != 0 || amounts[axes] != 0 || amounts[axes + 1] != 0)
        {
            throw Fail(node, "pads the batch or channel axis; InfoField folds only spatial zero padding into the Conv or pooling after it");
        }

        _pads[Output(node)] = (x, SymmetricPadding(node, [.. amounts[2..axes]], [.. amounts[(axes + 2)..]]));
    }

    private void Gemm(NodeProto node)
    {
        int x = In(node, 0);
        long[] b = Dims(node, 1);
        if (Int(node, "transA", 0) != 0 || b.Length != 2)
        {
            throw Fail(node, "InfoField reads Gemm as a linear layer: A not transposed, B a 2-D initializer");
        }

        long inFeatures = Int(node, "transB", 0) != 0 ? b[1] : b[0];
        long outFeatures = Int(node, "transB", 0) != 0 ? b[0] : b[1];
        Linear(node, x, inFeatures, outFeatures, node.Input.Count > 2 && node.Input[2].Length > 0);
    }

    private void MatMul(NodeProto node)
    {
        int x = In(node, 0);
        long[] b = Dims(node, 1);
        if (b.Length != 2)
        {
            throw Fail(node, "InfoField reads MatMul as a linear layer: its second input a 2-D initializer");
        }

        Linear(node, x, b[0], b[1], false);
    }

    private void Linear(NodeProto node, int x, long inFeatures, long outFeatures, bool bias)
    {
        FeatureShape input = _shapes[x];
        if (!input.IsFlat || input.Channels != inFeatures)
        {
            throw Fail(node, $"reads a {input} tensor but its weight takes {inFeatures} features; InfoField reads {node.OpType} as a linear layer on flat features (put a Flatten before it)");
        }

        Emit(node, new Linear(Narrow(node, "weight", outFeatures), bias), [x]);
    }

    private Pair Padding(NodeProto node, FeatureShape input, Pair kernel, Pair stride, Pair dilation)
    {
        string autoPad = Text(node, "auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "NOTSET" or "":
                long[] amounts = Ints(node, "pads") ?? new long[2 * _rank];
                if (amounts.Length != 2 * _rank)
                {
                    throw Fail(node, $"has {amounts.Length} pads for {_rank} spatial axes");
                }

                return SymmetricPadding(node, amounts[.._rank], amounts[_rank..]);
            case "VALID":
                return Pair.Square(0);
            case "SAME_UPPER" or "SAME_LOWER":
                int Same(int size, int k, int s, int d)
                {
                    long total = Math.Max(((((long)size + s - 1) / s) - 1) * s + ((long)(k - 1) * d) + 1 - size, 0);
                    return total % 2 == 0 ? (int)(total / 2) : throw Fail(node, $"auto_pad {autoPad} pads {total} pixels along an axis, unequally on its two sides; InfoField pads both sides equally (export with explicit symmetric pads)");
                }

                return new Pair(_rank == 2 ? Same(input.Height, kernel.H, stride.H, dilation.H) : 0, Same(input.Width, kernel.W, stride.W, dilation.W));
            default:
                throw Fail(node, $"has auto_pad '{autoPad}'; expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
        }
    }

    private Pair SymmetricPadding(NodeProto node, long[] begin, long[] end)
    {
        if (!begin.SequenceEqual(end))
        {
            throw Fail(node, $"pads asymmetrically (begin [{string.Join(", ", begin)}], end [{string.Join(", ", end)}]); InfoField pads both sides of an axis equally (export with symmetric padding)");
        }

        return _rank == 2 ? new Pair(Narrow(node, "pads", begin[0]), Narrow(node, "pads", begin[1])) : new Pair(0, Narrow(node, "pads", begin[0]));
    }

    private Pair Axes(NodeProto node, string name, int fallback)
    {
        long[]? values = Ints(node, name);
        if (values is null)
        {
            return Pair.Square(fallback);
        }

        if (values.Length != _rank)
        {
            throw Fail(node, $"has {values.Length} {name} for {_rank} spatial axes");
        }

        return _rank == 2 ? new Pair(Narrow(node, name, values[0]), Narrow(node, name, values[1])) : new Pair(1, Narrow(node, name, values[0]));
    }

    private void RequireChannelAxis(NodeProto node, long axis)
    {
        if ((axis < 0 ? axis + _rank + 2 : axis) != 1)
        {
            throw Fail(node, $"works on axis {axis}; InfoField reads {node.OpType} on the channel axis (1) only");
        }
    }

    private void RequireTensors(NodeProto node, string rule)
    {
        if (node.Input.Count != 2 || node.Input.Any(_constants.ContainsKey))
        {
            throw Fail(node, rule);
        }
    }

    private double Scalar(NodeProto node, int index)
    {
        double[] values = Reals(Constant(node, index), node.Input[index]);
        return values.Length == 1 ? values[0] : throw Fail(node, $"input '{node.Input[index]}' should be one number, not {values.Length}");
    }

    private TensorProto Constant(NodeProto node, int index) =>
        index < node.Input.Count && _constants.TryGetValue(node.Input[index], out TensorProto? value)
            ? value
            : throw Fail(node, $"input {index} must be an initializer or a Constant (InfoField reads static graphs: export with constant folding and a fixed input size)");

    private long[] Dims(NodeProto node, int index) => [.. Constant(node, index).Dims];

    private int In(NodeProto node, int index)
    {
        string name = node.Input[index];
        if (_tensors.TryGetValue(name, out int tensor))
        {
            return tensor;
        }

        if (_pads.ContainsKey(name))
        {
            throw Fail(node, $"reads the output of a Pad; InfoField folds Pad only into the Conv, MaxPool or AveragePool after it");
        }

        if (_views.ContainsKey(name))
        {
            throw Fail(node, "reads grouped channels of a Reshape; InfoField reads that only inside a channel shuffle (Reshape, Transpose(0, 2, 1, 3, 4), Reshape)");
        }

        throw _constants.ContainsKey(name)
            ? Fail(node, $"input '{name}' is a constant where InfoField expects a tensor computed from the network's input")
            : Fail(node, $"reads '{name}', which no earlier node makes");
    }

    private (int Tensor, Pair Padding) InPadded(NodeProto node, int index) =>
        _pads.TryGetValue(node.Input[index], out var padded) ? padded : (In(node, index), Pair.Square(0));

    private static string Output(NodeProto node) => node.Output[0];

    /// <summary>The dims [N, C, H, W] (or [N, C, L]) of a tensor the nodes have made, with N = 1; null for other names.</summary>
    private long[]? ShapeOf(string name)
    {
        if (!_tensors.TryGetValue(name, out int tensor))
        {
            return null;
        }

        FeatureShape shape = _shapes[tensor];
        return _rank == 2 ? [1, shape.Channels, shape.Height, shape.Width] : [1, shape.Channels, shape.Width];
    }

    private void Alias(NodeProto node, int tensor) => _tensors[Output(node)] = tensor;

    private void Single(NodeProto node, Op op) => Emit(node, op, [In(node, 0)]);

    private void Emit(NodeProto node, Op op, int[] inputs) => _tensors[Output(node)] = Add(node, op, inputs);

    private int Add(NodeProto node, Op op, int[] inputs)
    {
        Checked<FeatureShape> read = op is MergeOp merge ? merge.TryOutputShape([.. inputs.Select(i => _shapes[i])]) : op.TryOutputShape(_shapes[inputs[0]]);
        FeatureShape shape = read.OrThrow(broken => Fail(node, $"read as '{op.Type}': {broken.Message}"));

        _nodes.Add(new FlatNode(op, inputs, Describe(node)));
        _shapes.Add(shape);
        return _nodes.Count;
    }

    private static int Narrow(NodeProto node, string what, long value) =>
        value is >= 0 and <= int.MaxValue ? (int)value : throw Fail(node, $"{what} {value} is out of range");

    private static string Describe(NodeProto node) => $"node '{node.Name}' ({node.OpType})";

    private static OnnxReadException Fail(NodeProto node, string what) => new($"{Describe(node)}: {what}");

    /// <summary>The graph of the nodes the output depends on, renumbered.</summary>
    private FlatGraph Prune(int output)
    {
        var needed = new bool[_nodes.Count + 1];
        needed[output] = true;
        for (int t = output; t >= 1; t--)
        {
            if (needed[t])
            {
                foreach (int input in _nodes[t - 1].Inputs)
                {
                    needed[input] = true;
                }
            }
        }

        var index = new int[_nodes.Count + 1];
        var kept = new List<FlatNode>();
        var keptShapes = new List<FeatureShape> { _shapes[0] };
        for (int t = 1; t <= output; t++)
        {
            if (needed[t])
            {
                FlatNode node = _nodes[t - 1];
                kept.Add(node with { Inputs = [.. node.Inputs.Select(i => index[i])] });
                keptShapes.Add(_shapes[t]);
                index[t] = kept.Count;
            }
        }

        return new FlatGraph(_shapes[0], _rank, kept, keptShapes);
    }
}
