using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using InfoField.Architecture;
using InfoField.Spec;
using InfoField.Torch.Building;
using Onnx;
using static TorchSharp.torch;
using ArchitectureInterlace = InfoField.Architecture.Interlace;

namespace InfoField.Torch.Onnx;

/// <summary>
/// Writes a network and the weights of its TorchSharp module (<see cref="ModuleBuilder"/>) as an ONNX model of the
/// default domain at opset <see cref="Opset"/>, for inference: batch norm keeps its running statistics, dropout is an
/// Identity. Every op becomes the standard operators a PyTorch export writes (docs/onnx.md, "ONNX out"); RPW, which
/// has no ONNX operator, becomes a Gather of the input channels in window order followed by a 1x1 Conv with
/// <c>group = C_out</c>, which computes exactly RPW. The batch dimension is symbolic (<c>N</c>).
/// </summary>
public static class OnnxExport
{
    /// <summary>The opset of the default ONNX domain written.</summary>
    public const int Opset = 17;

    /// <summary>The name of the graph's input.</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph's output.</summary>
    public const string OutputName = "output";

    /// <summary>Builds <paramref name="network"/>'s module (fresh weights from the current torch seed) and writes it to <paramref name="path"/> atomically.</summary>
    public static void Save(Network network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        using NetworkModule module = ModuleBuilder.Build(network);
        Save(module, path);
    }

    /// <summary>Writes <paramref name="module"/> (its architecture and current weights) to <paramref name="path"/> atomically.</summary>
    public static void Save(NetworkModule module, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = ToModel(module).ToByteArray();
        AtomicFile.Write(path, temporary => File.WriteAllBytes(temporary, bytes));
    }

    /// <summary>The ONNX model of <paramref name="module"/>: its architecture and its current weights.</summary>
    public static ModelProto ToModel(NetworkModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var writer = new GraphWriter(module);
        GraphProto graph = writer.Write();
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "infofield",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    /// <summary>Writes the nodes of one network, naming tensors <c>t0, t1, ...</c> and initializers after the module's state.</summary>
    private sealed class GraphWriter
    {
        private readonly NetworkModule module;
        private readonly Network network;
        private readonly Dictionary<string, Tensor> state;
        private readonly GraphProto graph = new();
        private int tensors;

        public GraphWriter(NetworkModule module)
        {
            this.module = module;
            network = module.Architecture;
            state = module.state_dict();
            graph.Name = network.Name;
        }

        public GraphProto Write()
        {
            FeatureShape input = network.Input;
            bool signal = network.SpatialRank == 1;
            graph.Input.Add(signal
                ? Value(InputName, "N", input.Channels, input.Width)
                : Value(InputName, "N", input.Channels, input.Height, input.Width));
            string current = InputName;
            if (signal)
            {
                current = Node("Unsqueeze", [current, Constant("unsqueeze_axes", [2])]);
            }

            for (int s = 0; s < network.Stages.Count; s++)
            {
                Stage stage = network.Stages[s];
                StageLayout layout = network.Layout.Stages[s];
                FeatureShape shape = layout.Input;
                int child = 0;
                foreach (Op entry in stage.Entry)
                {
                    current = Layer(entry, shape, current, $"stages.{s}.{child++}.");
                    shape = entry.OutputShape(shape);
                }

                for (int u = 0; u < stage.Units.Count; u++, child++)
                {
                    OpGraph unit = stage.Units[u].Graph;
                    string prefix = $"stages.{s}.{child}.";
                    current = unit.IsChain
                        ? Chain(unit.Ops, layout.Units[u].Input, current, prefix)
                        : Graph(unit, layout.Units[u].Input, current, prefix);
                }
            }

            current = Chain(network.Head, network.Layout.HeadInput, current, "head.");
            graph.Node.Add(new NodeProto { OpType = "Identity", Name = OutputName, Input = { current }, Output = { OutputName } });
            FeatureShape output = network.Layout.Output;
            graph.Output.Add(output.IsFlat ? Value(OutputName, "N", output.Channels) : Value(OutputName, "N", output.Channels, output.Height, output.Width));
            return graph;
        }

        private string Chain(IReadOnlyList<Op> ops, FeatureShape shape, string current, string prefix)
        {
            for (int i = 0; i < ops.Count; i++)
            {
                current = Layer(ops[i], shape, current, $"{prefix}{i}.");
                shape = ops[i].OutputShape(shape);
            }

            return current;
        }

        private string Graph(OpGraph unit, FeatureShape input, string current, string prefix)
        {
            FeatureShape[] shapes = unit.Shapes(input);
            var names = new string[unit.Count + 1];
            names[0] = current;
            for (int i = 0; i < unit.Count; i++)
            {
                GraphNode node = unit.Nodes[i];
                string[] reads = node.Inputs.Select(tensor => names[tensor]).ToArray();
                names[i + 1] = node.Op switch
                {
                    Add => Fold("Add", reads),
                    Multiply => Fold("Mul", reads),
                    Concat => Node("Concat", reads, Int("axis", 1)),
                    MergeOp other => throw new InfoFieldException($"{network.Name}: no ONNX form of the merge '{other.Type}'"),
                    _ => Layer(node.Op, shapes[node.Inputs[0]], reads[0], $"{prefix}nodes.{i}."),
                };
            }

            return names[^1];
        }

        private string Fold(string opType, string[] reads)
        {
            string total = Node(opType, [reads[0], reads[1]]);
            for (int k = 2; k < reads.Length; k++)
            {
                total = Node(opType, [total, reads[k]]);
            }

            return total;
        }

        /// <summary>Writes one single-input op reading <paramref name="x"/> of shape <paramref name="shape"/>; its weights are the state entries under <paramref name="prefix"/>.</summary>
        private string Layer(Op op, FeatureShape shape, string x, string prefix) => op switch
        {
            Convolution c => Conv(x, prefix, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups, c.Bias),
            DepthwiseConvolution d => Conv(x, prefix, d.Kernel, d.Stride, d.Padding, d.Dilation, shape.Channels, d.Bias),
            PointwiseConvolution p => Conv(x, prefix, new Pair(1, 1), p.Stride, new Pair(0, 0), new Pair(1, 1), p.Groups, p.Bias),
            RollingPointwiseConvolution r => Rolling(x, prefix, r, shape.Channels),
            ChannelShuffle s => Permute(x, shape, s.Groups, shape.Channels / s.Groups),
            ArchitectureInterlace i => Permute(x, shape, shape.Channels / i.Groups, i.Groups),
            ChannelSlice s => Slice(x, s.Start, s.Count),
            ChannelSplit s => Slice(x, s.AsSlice(shape.Channels).Start, s.AsSlice(shape.Channels).Count),
            Pooling p => Pool(x, p),
            AdaptivePooling a => Adaptive(x, a, shape),
            BatchNorm b => Node("BatchNormalization", [x, Weight(prefix + "weight"), Weight(prefix + "bias"), Weight(prefix + "running_mean"), Weight(prefix + "running_var")], Float("epsilon", b.Eps)),
            Activation a => Activate(x, a.Kind),
            Dropout => Node("Identity", [x]),
            Flatten => Node("Flatten", [x], Int("axis", 1)),
            Softmax => Node("Softmax", [x], Int("axis", 1)),
            Linear l => Node("Gemm", l.Bias ? [x, Weight(prefix + "weight"), Weight(prefix + "bias")] : [x, Weight(prefix + "weight")], Int("transB", 1)),
            _ => throw new InfoFieldException($"{network.Name}: no ONNX form of the op '{op.Type}' ({op.GetType().Name})"),
        };

        private string Conv(string x, string prefix, Pair kernel, Pair stride, Pair padding, Pair dilation, int groups, bool bias) =>
            Node(
                "Conv",
                bias ? [x, Weight(prefix + "weight"), Weight(prefix + "bias")] : [x, Weight(prefix + "weight")],
                Ints("kernel_shape", kernel.H, kernel.W),
                Ints("strides", stride.H, stride.W),
                Ints("pads", padding.H, padding.W, padding.H, padding.W),
                Ints("dilations", dilation.H, dilation.W),
                Int("group", groups));

        /// <summary>RPW as Gather(input channels in window order) then a 1x1 Conv with one group per filter.</summary>
        private string Rolling(string x, string prefix, RollingPointwiseConvolution r, int inputChannels)
        {
            int width = inputChannels / r.Groups;
            int[] starts = RollingWindows.Starts(inputChannels, r.OutChannels, r.Groups, r.Overlap);
            long[] indices = new long[(long)r.OutChannels * width];
            for (int c = 0; c < r.OutChannels; c++)
            {
                for (int i = 0; i < width; i++)
                {
                    indices[(c * width) + i] = (starts[c] + i) % inputChannels;
                }
            }

            string windows = Node("Gather", [x, Constant(prefix + "windows", indices)], Int("axis", 1));
            graph.Node[^1].DocString = string.Create(CultureInfo.InvariantCulture, $"InfoField RPW windows: groups={r.Groups} overlap={r.Overlap:R}");
            using Tensor weight = state[prefix + "weight"].reshape(r.OutChannels, width, 1, 1);
            string weightName = Initializer(prefix + "weight", weight);
            return Node(
                "Conv",
                r.Bias ? [windows, weightName, Weight(prefix + "bias")] : [windows, weightName],
                Ints("kernel_shape", 1, 1),
                Int("group", r.OutChannels));
        }

        /// <summary>Reshape to (N, a, b, H, W), swap a and b, reshape back: a shuffle with a = g, an interlace with a = C / g.</summary>
        private string Permute(string x, FeatureShape shape, int a, int b)
        {
            string split = Node("Reshape", [x, Constant(NextName("shape"), [0, a, b, shape.Height, shape.Width])]);
            string swapped = Node("Transpose", [split], Ints("perm", 0, 2, 1, 3, 4));
            return Node("Reshape", [swapped, Constant(NextName("shape"), [0, shape.Channels, shape.Height, shape.Width])]);
        }

        private string Slice(string x, int start, int count) =>
            Node("Slice", [x, Constant(NextName("starts"), [start]), Constant(NextName("ends"), [start + count]), Constant(NextName("axes"), [1])]);

        private string Pool(string x, Pooling p)
        {
            var attributes = new List<AttributeProto>
            {
                Ints("kernel_shape", p.Kernel.H, p.Kernel.W),
                Ints("strides", p.Stride.H, p.Stride.W),
                Ints("pads", p.Padding.H, p.Padding.W, p.Padding.H, p.Padding.W),
                Int("ceil_mode", p.CeilMode ? 1 : 0),
            };
            if (p.Kind == PoolKind.Max)
            {
                return Node("MaxPool", [x], [.. attributes]);
            }

            attributes.Add(Int("count_include_pad", 1));
            return Node("AveragePool", [x], [.. attributes]);
        }

        /// <summary>Adaptive pooling to 1x1 as global pooling, to an output that divides the input as a plain pool.</summary>
        private string Adaptive(string x, AdaptivePooling a, FeatureShape shape)
        {
            bool max = a.Kind == PoolKind.Max;
            if (a.Output.H == 1 && a.Output.W == 1)
            {
                return Node(max ? "GlobalMaxPool" : "GlobalAveragePool", [x]);
            }

            if (shape.Height % a.Output.H != 0 || shape.Width % a.Output.W != 0)
            {
                throw new InfoFieldException($"{network.Name}: adaptive pooling from {shape.Resolution} to {a.Output} has no ONNX form: the output must divide the input");
            }

            int kh = shape.Height / a.Output.H, kw = shape.Width / a.Output.W;
            return Node(max ? "MaxPool" : "AveragePool", [x], Ints("kernel_shape", kh, kw), Ints("strides", kh, kw));
        }

        private string Activate(string x, ActivationKind kind) => kind switch
        {
            ActivationKind.Relu => Node("Relu", [x]),
            ActivationKind.Relu6 => Node("Clip", [x, Scalar(NextName("min"), 0f), Scalar(NextName("max"), 6f)]),
            ActivationKind.LeakyRelu => Node("LeakyRelu", [x], Float("alpha", 0.01)),
            ActivationKind.Sigmoid => Node("Sigmoid", [x]),
            ActivationKind.Tanh => Node("Tanh", [x]),
            ActivationKind.Silu => Node("Mul", [x, Node("Sigmoid", [x])]),
            ActivationKind.Hardswish => Node("HardSwish", [x]),
            ActivationKind.Hardsigmoid => Node("HardSigmoid", [x], Float("alpha", 1.0 / 6), Float("beta", 0.5)),
            _ => throw new InfoFieldException($"{network.Name}: no ONNX form (at opset {Opset}) of the activation {kind}"),
        };

        private string Node(string opType, string[] inputs, params AttributeProto[] attributes)
        {
            string output = $"t{++tensors}";
            var node = new NodeProto { OpType = opType, Name = $"{opType}_{tensors}", Output = { output } };
            node.Input.AddRange(inputs);
            node.Attribute.AddRange(attributes);
            graph.Node.Add(node);
            return output;
        }

        private string NextName(string what) => $"{what}_{tensors + 1}";

        /// <summary>The state entry <paramref name="name"/> as a float initializer of the same name.</summary>
        private string Weight(string name) =>
            state.TryGetValue(name, out Tensor? value)
                ? Initializer(name, value)
                : throw new InvalidOperationException($"the module of '{module.Architecture.Name}' has no state entry '{name}'");

        private string Initializer(string name, Tensor value)
        {
            using Tensor flat = value.detach().cpu().to_type(ScalarType.Float32).contiguous();
            float[] data = flat.data<float>().ToArray();
            var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan())) };
            proto.Dims.AddRange(value.shape);
            graph.Initializer.Add(proto);
            return name;
        }

        private string Constant(string name, long[] values)
        {
            var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, Dims = { values.LongLength } };
            proto.Int64Data.AddRange(values);
            graph.Initializer.Add(proto);
            return name;
        }

        private string Scalar(string name, float value)
        {
            var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            proto.FloatData.Add(value);
            graph.Initializer.Add(proto);
            return name;
        }

        private static AttributeProto Int(string name, long value) =>
            new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

        private static AttributeProto Ints(string name, params long[] values)
        {
            var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            attribute.Ints.AddRange(values);
            return attribute;
        }

        private static AttributeProto Float(string name, double value) =>
            new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

        private static ValueInfoProto Value(string name, string batch, params int[] dims)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
            foreach (int dim in dims)
            {
                shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
            }

            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
            };
        }
    }
}
