using InfoField.Architecture;
using Onnx;
using static InfoField.Onnx.Tests.OnnxModels;

namespace InfoField.Onnx.Tests;

/// <summary>The import table: lookup by (domain, op type, since-version), the message derived from it, readers of your own.</summary>
public class ReaderTableTests
{
    [Fact]
    public void The_supported_list_is_the_table()
    {
        OnnxReaderSet table = OnnxReaderSet.Default;
        string[] listed = table.Supported.Split(", ");

        Assert.Equal(table.Entries.Select(e => e.OpType).Distinct().Order(StringComparer.Ordinal), listed);
        Assert.Contains("Conv", listed);
        Assert.Contains("BatchNormalization", listed);
    }

    [Fact]
    public void Every_reader_file_registers_itself_and_no_two_read_the_same_operator_version()
    {
        // A built-in operator is registered by its own reader file: every file of the Readers folder that declares a
        // static All list of entries is collected, and nothing else needs editing.
        string[] declaring = [.. Directory.GetFiles(Path.Combine(Root, "src", "InfoField.Onnx", "Readers"), "*.cs")
            .Where(file => File.ReadAllText(file).Contains("public static IEnumerable<OnnxReader> All =>", StringComparison.Ordinal))
            .Select(file => Path.GetFileNameWithoutExtension(file)!)
            .Order(StringComparer.Ordinal)];
        Assert.True(declaring.Length >= 13, string.Join(", ", declaring));
        Assert.Equal(declaring, Readers.DefaultReaders.Families.Select(family => family.Type.Name).Order(StringComparer.Ordinal));

        var keys = Readers.DefaultReaders.Families.SelectMany(family => family.Entries).Select(e => (e.Domain, e.OpType, e.SinceVersion)).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(keys.Count, OnnxReaderSet.Default.Entries.Count());
    }

    [Fact]
    public void An_entry_is_found_by_the_highest_since_version_at_most_the_models_opset()
    {
        OnnxReaderSet table = OnnxReaderSet.Default;

        Assert.Equal(1, table.Find("", "Slice", 9)!.SinceVersion);
        Assert.Equal(10, table.Find("", "Slice", 13)!.SinceVersion);
        Assert.Equal(11, table.Find("ai.onnx", "Pad", 17)!.SinceVersion);
        Assert.Equal(18, table.Find("", "Pad", 18)!.SinceVersion);
        Assert.Null(table.Find("", "HardSwish", 13));
        Assert.Null(table.Find("", "Einsum", 18));
    }

    [Fact]
    public void An_op_read_only_from_a_later_opset_says_so()
    {
        ModelProto model = Small().Then(Node("HardSwish", "hs", ["conv_out"], ["y"]));

        Assert.Equal("m.onnx: node 'hs' (HardSwish): is read from opset 14 of its domain on, and the model imports opset 13", model.Error());
    }

    [Fact]
    public void Every_entry_refuses_a_node_with_fewer_inputs_or_outputs_than_it_takes()
    {
        foreach (OnnxReader entry in OnnxReaderSet.Default.Entries)
        {
            long opset = Math.Clamp(entry.SinceVersion, OnnxReaderSet.MinOpset, OnnxReaderSet.MaxOpset);
            if (entry.MinInputs > 0)
            {
                string[] inputs = [.. Enumerable.Repeat("conv_out", entry.MinInputs - 1)];
                string error = Small(opset: opset).Then(Node(entry.OpType, "short", inputs, ["y"])).Error();
                Assert.StartsWith($"m.onnx: node 'short' ({entry.OpType}): has {(inputs.Length == 0 ? "no input" : inputs.Length == 1 ? "1 input" : $"{inputs.Length} inputs")}; {entry.OpType} takes ", error);
            }

            ModelProto model = Small(opset: opset);
            model.Graph.Node.Add(Node(entry.OpType, "mute", [.. Enumerable.Repeat("conv_out", entry.MinInputs)], []));
            Assert.StartsWith($"m.onnx: node 'mute' ({entry.OpType}): has no output; {entry.OpType} makes ", model.Error());
        }
    }

    [Fact]
    public void A_reader_of_your_own_reads_an_op_of_another_domain()
    {
        ModelProto model = Small();
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        model.Then(new NodeProto { OpType = "Gelu", Name = "gelu", Domain = "com.microsoft", Input = { "conv_out" }, Output = { "y" } });
        OnnxReaderSet readers = OnnxReaderSet.Default.With(new OnnxReader("Gelu", 1, node => node.Emit(new Activation(ActivationKind.Gelu))) { Domain = "com.microsoft" });

        Assert.StartsWith("m.onnx: node 'gelu' (com.microsoft::Gelu): is not supported; InfoField reads ", model.Error());
        Network network = model.Import(readers);

        Assert.Equal(new Activation(ActivationKind.Gelu), network.Units.Single().Ops[^1]);
        Assert.EndsWith(", com.microsoft::Gelu", readers.Supported);
    }

    [Fact]
    public void A_reader_of_your_own_declares_its_parameter_inputs_and_reads_their_dims()
    {
        // com.example::ChannelMix(x, weight[out, in]): a pointwise convolution written as one custom node.
        var mix = new OnnxReader("ChannelMix", 1, node =>
        {
            long[] weight = node.Dims(1);
            FlatTensor x = node.Tensor(0);
            if (weight.Length != 2 || weight[1] != node.Shape(x).Channels)
            {
                throw node.Fail($"its weight has dims [{string.Join(", ", weight)}]; expected [out, {node.Shape(x).Channels}]");
            }

            node.SetOutput(0, node.Add(new PointwiseConvolution((int)weight[0]), x));
        })
        { Domain = "com.example", MinInputs = 2, MaxInputs = 2, ParameterInputs = [1] };
        OnnxReaderSet readers = OnnxReaderSet.Default.With(mix);

        ModelProto model = Small();
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 3 });
        model.Graph.Input.Add(Value("mix_weight", 16, 4));
        model.Then(new NodeProto { OpType = "ChannelMix", Name = "mix", Domain = "com.example", Input = { "conv_out", "mix_weight" }, Output = { "y" } });

        Network network = model.Import(readers);
        Assert.Equal(new PointwiseConvolution(16), network.Units.Last().Ops[^1]);
        Assert.Equal((4L * 3 * 3 * 3) + (16 * 4), Costs.CostModel.Of(network).Total.Parameters);

        model.Graph.Input[1] = Value("mix_weight", 16, 5);
        Assert.Equal("m.onnx: node 'mix' (com.example::ChannelMix): its weight has dims [16, 5]; expected [out, 4]", model.Error(readers));
    }

    [Fact]
    public void Layer_normalization_over_the_channels_of_a_point_reads_as_layernorm_from_opset_17()
    {
        static ModelProto Normalized(long opset, long[] scale, long axis = 1, bool pooled = true)
        {
            ModelProto model = Small(opset: opset);
            model.Graph.Initializer.Add(Weight("gamma", scale));
            model.Graph.Initializer.Add(Weight("beta", 4));
            string input = "conv_out";
            if (pooled)
            {
                model.Then(Node("GlobalAveragePool", "pool", ["conv_out"], ["pooled"]));
                input = "pooled";
            }

            var epsilon = new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = 1e-6f };
            return model.Then(Node("LayerNormalization", "ln", [input, "gamma", "beta"], ["y"], Int("axis", axis), epsilon));
        }

        Network network = Normalized(17, [4, 1, 1]).Import();
        Op[] ops = [.. network.Stages.SelectMany(stage => stage.Entry.Concat(stage.Units.SelectMany(unit => unit.Graph.Ops))), .. network.Head];
        Assert.Single(ops, op => op == new LayerNorm(1e-6));
        Assert.Equal((4L * 3 * 3 * 3) + (2 * 4), Costs.CostModel.Of(network).Total.Parameters);
        Assert.Equal(network, Normalized(17, [4], axis: -3).Import());

        Assert.Equal("m.onnx: node 'ln' (LayerNormalization): is read from opset 17 of its domain on, and the model imports opset 13", Normalized(13, [4]).Error());
        Assert.StartsWith("m.onnx: node 'ln' (LayerNormalization): normalizes from axis 1 of a 4x8x8 tensor; InfoField reads LayerNormalization over the channels alone (the last axis after a Transpose that moves the channels last, or axis 1 of a C x 1 x 1 tensor)", Normalized(17, [4], pooled: false).Error());
        Assert.StartsWith("m.onnx: node 'ln' (LayerNormalization): normalizes from axis -1 of a 4x1x1 tensor;", Normalized(17, [4], axis: -1).Error());
        Assert.Equal("m.onnx: node 'ln' (LayerNormalization): InfoField reads LayerNormalization with a scale and a shift of one value per channel (4)", Normalized(17, [3]).Error());
        Assert.Equal("m.onnx: node 'ln' (LayerNormalization): InfoField reads LayerNormalization with a scale and a shift of one value per channel (4)", Normalized(17, [2, 2]).Error());
    }

    [Fact]
    public void A_tensor_times_a_scalar_zero_reads_as_the_zero_op()
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Real("nothing", 0));
        model.Then(Node("Mul", "none", ["nothing", "conv_out"], ["y"]));

        Op[] ops = [.. model.Import().Stages.SelectMany(stage => stage.Entry.Concat(stage.Units.SelectMany(unit => unit.Graph.Ops)))];
        Assert.Equal(new Zero(), ops[^1]);

        ModelProto two = Small();
        two.Graph.Initializer.Add(Real("two", 2));
        two.Then(Node("Mul", "twice", ["conv_out", "two"], ["y"]));
        Assert.StartsWith("m.onnx: node 'twice' (Mul): multiplies by a constant; InfoField reads Mul of two tensors", two.Error());
    }

    [Fact]
    public void A_node_of_a_domain_the_model_does_not_import_is_refused()
    {
        ModelProto model = Small().Then(new NodeProto { OpType = "Gelu", Name = "gelu", Domain = "com.microsoft", Input = { "conv_out" }, Output = { "y" } });

        Assert.Equal("m.onnx: node 'gelu' (com.microsoft::Gelu): its domain 'com.microsoft' is not among the opsets the model imports", model.Error());
    }

    [Fact]
    public void With_replaces_an_entry_of_the_same_key_and_keeps_the_others()
    {
        OnnxReaderSet readers = OnnxReaderSet.Default.With(new OnnxReader("Relu", 1, node => node.Emit(new Activation(ActivationKind.Relu6))));

        Assert.Equal(OnnxReaderSet.Default.Entries.Count(), readers.Entries.Count());
        Network network = Small().Then(Node("Relu", "relu", ["conv_out"], ["y"])).Import(readers);
        Assert.Equal(new Activation(ActivationKind.Relu6), network.Units.Single().Ops[^1]);
    }
}
