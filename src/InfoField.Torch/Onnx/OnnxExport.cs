using Google.Protobuf;
using InfoField.Architecture;
using InfoField.Files;
using InfoField.Torch.Building;
using Onnx;

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

    /// <summary>
    /// The graph output of the further output <paramref name="name"/> (<see cref="Network.Outputs"/>): <c>output.</c>
    /// and its name, after the main output <see cref="OutputName"/>, in the network's order.
    /// </summary>
    public static string FurtherOutputName(string name) => $"{OutputName}.{name}";

    /// <summary>Builds <paramref name="network"/>'s module (fresh weights from the current torch seed) and writes it to <paramref name="path"/> atomically.</summary>
    public static void Save(Network network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        using NetworkModule module = ModuleBuilder.Build(network);
        Save(module, path);
    }

    /// <summary>Writes <paramref name="module"/> (its architecture and current weights) to <paramref name="path"/> atomically, with the op forms of <paramref name="forms"/> (default <see cref="OnnxExportSet.Default"/>).</summary>
    public static void Save(NetworkModule module, string path, OnnxExportSet? forms = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var borrowed = new List<TorchSharp.torch.Tensor>();
        try
        {
            ModelProto model = ToModel(module, forms, borrowed);
            Write(model, path);
        }
        finally
        {
            foreach (TorchSharp.torch.Tensor tensor in borrowed)
            {
                tensor.Dispose();
            }
        }
    }

    private static void Write(ModelProto model, string path) =>
        AtomicFile.Write(path, temporary =>
        {
            // Streamed through one 1 MiB buffer: the weights go from the model's buffers to the file without another
            // copy of the whole model (ToByteArray then a write took three times as long for a 500 MB model).
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
            using var coded = new CodedOutputStream(stream, 1 << 20, leaveOpen: true);
            model.WriteTo(coded);
            coded.Flush();
        });

    /// <summary>
    /// The ONNX model of <paramref name="module"/>: its architecture and its current weights, each op written by its form
    /// in <paramref name="forms"/> (default <see cref="OnnxExportSet.Default"/>; pass a set with op kinds of your own).
    /// </summary>
    public static ModelProto ToModel(NetworkModule module, OnnxExportSet? forms = null) => ToModel(module, forms, null);

    /// <summary>The model of <paramref name="module"/>; with <paramref name="borrowed"/>, its initializers wrap the module's memory (see <see cref="OnnxOpWriter"/>).</summary>
    private static ModelProto ToModel(NetworkModule module, OnnxExportSet? forms, List<TorchSharp.torch.Tensor>? borrowed)
    {
        ArgumentNullException.ThrowIfNull(module);
        var writer = new GraphWriter(module, forms ?? OnnxExportSet.Default, borrowed);
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
        private readonly Network _network;
        private readonly OnnxExportSet _forms;
        private readonly OnnxOpWriter _writer;
        private readonly GraphProto _graph = new();

        public GraphWriter(NetworkModule module, OnnxExportSet forms, List<TorchSharp.torch.Tensor>? borrowed)
        {
            _network = module.Architecture;
            _forms = forms;
            _writer = new OnnxOpWriter(_graph, module.state_dict(), _network.Name, _network.SpatialRank, borrowed);
            _graph.Name = _network.Name;
        }

        public GraphProto Write()
        {
            FeatureShape input = _network.Input;
            _graph.Input.Add(Value(InputName, "N", [input.Channels, .. _writer.Resolution(input)]));
            string current = InputName;
            var taps = new Dictionary<(int Stage, int Unit), string>();

            for (int s = 0; s < _network.Stages.Count; s++)
            {
                Stage stage = _network.Stages[s];
                StageLayout layout = _network.Layout.Stages[s];
                FeatureShape shape = layout.Input;
                int child = 0;
                foreach (Op entry in stage.Entry)
                {
                    current = Layer(entry, shape, current, $"stages.{s}.{child++}.");
                    shape = entry.OutputShape(shape);
                }

                for (int u = 0; u < stage.Units.Count; u++, child++)
                {
                    Unit unit = stage.Units[u];
                    string prefix = $"stages.{s}.{child}.";
                    current = unit.Graph.IsChain
                        ? Chain(unit.Ops, layout.Units[u].Input, current, prefix)
                        : Graph(unit.Graph, layout.Units[u], current, [.. unit.Skips.Select(skip => taps[(skip.Stage, skip.Unit)])], prefix);
                    taps[(s, u)] = current;
                }
            }

            current = Chain(_network.Head, _network.Layout.HeadInput, current, "head.");
            Output(OutputName, current, _network.Layout.Output, Flattens(_network.Head));
            var outputs = new string[_network.Outputs.Count];
            for (int i = 0; i < _network.Outputs.Count; i++)
            {
                NetworkOutput further = _network.Outputs[i];
                int read = _network.OutputRead(i);
                outputs[i] = Chain(further.Head, _network.OutputHeadInput(i), read >= 0 ? outputs[read] : taps[(further.Stage, further.Unit)], $"outputs.{i}.");
                Output(FurtherOutputName(further.Name), outputs[i], _network.Layout.Outputs[i], Flattens(further.Head));
            }

            return _graph;
        }

        /// <summary>
        /// True when a chain ends in features rather than a map (N x C): a flatten, linear or softmax in it; a map of
        /// 1 x 1 that no such op follows (a detector's deepest map, a global pooling) stays N x C x 1 x 1.
        /// </summary>
        private static bool Flattens(IReadOnlyList<Op> chain) => chain.Any(op => op.Role == OpRole.Head);

        private void Output(string name, string tensor, FeatureShape shape, bool flat)
        {
            _graph.Node.Add(new NodeProto { OpType = "Identity", Name = name, Input = { tensor }, Output = { name } });
            _graph.Output.Add(flat
                ? Value(name, "N", shape.Channels)
                : Value(name, "N", [shape.Channels, .. _writer.Resolution(shape)]));
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

        /// <summary>Writes a unit's graph laid out as <paramref name="layout"/>, reading <paramref name="current"/> and, as its skips, <paramref name="skips"/>.</summary>
        private string Graph(OpGraph unit, UnitLayout layout, string current, string[] skips, string prefix)
        {
            var names = new string[unit.Count + 1];
            names[0] = current;
            for (int i = 0; i < unit.Count; i++)
            {
                GraphNode node = unit.Nodes[i];
                names[i + 1] = _forms.Write(node.Op, _writer.At([.. node.Inputs.Select(tensor => tensor >= 0 ? names[tensor] : skips[-1 - tensor])], [.. node.Inputs.Select(layout.Tensor)], $"{prefix}nodes.{i}."));
            }

            return names[^1];
        }

        /// <summary>Writes one single-input op reading <paramref name="x"/> of shape <paramref name="shape"/>; its weights are the state entries under <paramref name="prefix"/>.</summary>
        private string Layer(Op op, FeatureShape shape, string x, string prefix) => _forms.Write(op, _writer.At([x], [shape], prefix));

        private static ValueInfoProto Value(string name, string batch, params long[] dims)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
            foreach (long dim in dims)
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
