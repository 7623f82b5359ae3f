using Google.Protobuf;
using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Spec;
using Onnx;
using static InfoField.Onnx.Tests.OnnxModels;

namespace InfoField.Onnx.Tests;

/// <summary>
/// Hostile ONNX files (docs/guarantees.md): each class the issue-21 campaign found, as a reproducer, and a seeded fuzz
/// (mutations of every committed fixture, and generated hostile graphs) that would have found them. Every file either
/// imports to a network with consistent numbers or fails with one line naming the node and what was expected, within
/// a bounded allocation (measured on the test's own thread, so other tests running in parallel do not count).
/// </summary>
public class HostileOnnxTests
{
    /// <summary>What one import (with its analysis) may allocate on the test's thread: the campaign's cases took 2.5 to 4.9 GB.</summary>
    private const long AllocationBound = 256L << 20;

    private const long Max = long.MaxValue, Min = long.MinValue;

    [Fact]
    public void A_split_with_no_outputs_is_refused()
    {
        ModelProto model = Small();
        model.Graph.Node.Add(Node("Split", "split", ["conv_out"], [], Int("axis", 1)));

        Assert.Equal("m.onnx: node 'split' (Split): has no output; Split makes 1 or more", model.Error());
    }

    [Fact]
    public void Split_sizes_whose_sum_wraps_are_refused()
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Integers("sizes", Max, Max, 6));
        model.Then(Node("Split", "split", ["conv_out", "sizes"], ["a", "b", "c"], Int("axis", 1)));

        Assert.Equal(
            "m.onnx: node 'split' (Split): splits 4 channels into [9223372036854775807, 9223372036854775807, 6] for 3 outputs; expected 3 positive sizes adding up to 4",
            model.Error());
    }

    [Fact]
    public void A_reshape_whose_target_overflows_is_refused()
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Integers("target", 1, 1L << 32, 1L << 32, -1));
        model.Then(Node("Reshape", "reshape", ["conv_out", "target"], ["y"]));

        Assert.Equal("m.onnx: node 'reshape' (Reshape): cannot reshape 256 values to [1, 4294967296, 4294967296, -1]", model.Error());
    }

    [Theory]
    [InlineData("Div", Min, -1, "computes -9223372036854775808 / -1, which overflows 64-bit integers")]
    [InlineData("Div", 7, 0, "divides 7 by zero")]
    [InlineData("Mul", Max, 2, "computes 9223372036854775807 * 2, which overflows 64-bit integers")]
    [InlineData("Add", Max, 1, "computes 9223372036854775807 + 1, which overflows 64-bit integers")]
    [InlineData("Sub", Min, 1, "computes -9223372036854775808 - 1, which overflows 64-bit integers")]
    public void Shape_arithmetic_that_overflows_is_refused(string op, long a, long b, string expected)
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Integers("a", a));
        model.Graph.Initializer.Add(Integers("b", b));
        model.Graph.Node.Add(Node(op, "arith", ["a", "b"], ["c"]));

        Assert.Equal($"m.onnx: node 'arith' ({op}): {expected}", model.Error());
    }

    [Fact]
    public void A_gather_then_conv_whose_weight_is_not_4d_is_refused()
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Integers("windows", 0, 1, 1, 2, 2, 3));
        model.Graph.Initializer.Add(Weight("rw", 3, 2, 1));
        model.Graph.Node.Add(Node("Gather", "gather", ["conv_out", "windows"], ["gathered"], Int("axis", 1)));
        model.Then(Node("Conv", "rpw", ["gathered", "rw"], ["y"], Int("group", 3)));

        Assert.Equal("m.onnx: node 'rpw' (Conv): its weight has 3 dims [3, 2, 1]; expected 4", model.Error());
    }

    [Fact]
    public void Weight_dims_that_would_wrap_are_refused()
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Weight("w2", 4, Min + 2, 3, 3));
        model.Then(Node("Conv", "conv2", ["conv_out", "w2"], ["y"], Int("group", 2), Ints("pads", 1, 1, 1, 1)));

        Assert.Equal("m.onnx: 'w2' has the dimension -9223372036854775806; dims are sizes, at least 0", model.Error());
    }

    [Fact]
    public void Chained_concats_of_a_constant_are_refused_within_a_small_allocation()
    {
        // The campaign's 1.5 KB file: 30 concats each doubling a constant passed 4.9 GB.
        ModelProto model = Small();
        model.Graph.Initializer.Add(Integers("c0", [.. Enumerable.Range(0, 16).Select(i => (long)i)]));
        for (int i = 0; i < 30; i++)
        {
            model.Graph.Node.Add(Node("Concat", $"double{i}", [$"c{i}", $"c{i}"], [$"c{i + 1}"], Int("axis", 0)));
        }

        string error = Bounded(() => model.Error());
        Assert.Equal("m.onnx: node 'double12' (Concat): concatenates constants of more than 65,536 values; InfoField folds shape arithmetic of at most that many", error);
    }

    [Fact]
    public void Chained_unsqueezes_are_refused_within_a_small_allocation()
    {
        // The campaign's 20,000 chained Unsqueeze copied a growing shape list at every step: 2.57 GB.
        ModelProto model = Small(opset: 11);
        model.Graph.Initializer.Add(new TensorProto { Name = "u0", DataType = (int)TensorProto.Types.DataType.Int64, Int64Data = { 5 } });
        for (int i = 0; i < 20_000; i++)
        {
            model.Graph.Node.Add(Node("Unsqueeze", $"u{i}", [$"u{i}"], [$"u{i + 1}"], Ints("axes", 0)));
        }

        string error = Bounded(() => model.Error());
        Assert.Equal("m.onnx: node 'u8' (Unsqueeze): unsqueezes a constant of 8 dims by 1; InfoField folds shape arithmetic of at most 8 dims", error);
    }

    [Fact]
    public void Batch_norm_parameters_of_another_length_than_the_channels_are_refused()
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Weight("scale", 3));
        model.Graph.Initializer.Add(Weight("shift", 4));
        model.Graph.Initializer.Add(Weight("mean", 4));
        model.Graph.Initializer.Add(Weight("var", 4));
        model.Then(Node("BatchNormalization", "bn", ["conv_out", "scale", "shift", "mean", "var"], ["y"]));

        Assert.Equal("m.onnx: node 'bn' (BatchNormalization): its scale 'scale' has dims [3]; expected [4], one per channel", model.Error());
    }

    [Fact]
    public void A_conv_bias_of_another_length_than_the_filters_is_refused()
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Weight("b", 5));
        model.Graph.Node[0].Input.Add("b");

        Assert.Equal("m.onnx: node 'conv' (Conv): its bias 'b' has dims [5]; expected [4], one per channel", model.Error());
    }

    [Fact]
    public void A_value_made_twice_is_refused_naming_both_nodes()
    {
        ModelProto model = Small();
        model.Graph.Node.Add(Node("Relu", "first", ["conv_out"], ["y"]));
        model.Graph.Node.Add(Node("Sigmoid", "second", ["conv_out"], ["y"]));
        model.Graph.Output[0].Name = "y";

        Assert.Equal("m.onnx: node 'second' (Sigmoid): its output 'y' is also made by node 'first' (Relu); every value must be made once", model.Error());
    }

    [Fact]
    public void A_node_output_named_as_the_graph_input_is_refused()
    {
        ModelProto model = Small().Then(Node("Relu", "relu", ["conv_out"], ["x"]));

        Assert.Equal("m.onnx: node 'relu' (Relu): its output 'x' is also made by the graph input 'x'; every value must be made once", model.Error());
    }

    [Fact]
    public void A_length_prefix_past_the_end_of_the_file_is_refused()
    {
        byte[] bytes = Small().ToByteArray();
        byte[] lying = [.. bytes, 0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F];  // field 9 (a string), 2^32 - 1 bytes long

        var error = Assert.Throws<InfoFieldException>(() => OnnxImport.Read(lying, "m", "m.onnx"));
        Assert.StartsWith("m.onnx: not an ONNX model, or a truncated one (the protobuf cannot be read: a field of 4294967295 bytes runs past the end of its message)", error.Message);
    }

    [Fact]
    public void A_graph_with_more_layers_than_a_network_may_have_is_refused()
    {
        ModelProto model = Small();
        for (int i = 0; i <= Limits.MaxOps; i++)
        {
            model.Then(Node("Relu", $"r{i}", [model.Graph.Output[0].Name], [$"r{i}"]));
        }

        Assert.Equal($"m.onnx: node 'r{Limits.MaxOps - 1}' (Relu): the graph has more than 65,536 layers, the limit of a network", Bounded(() => model.Error()));
    }

    [Fact]
    public void A_constant_too_large_to_read_is_refused_before_it_is_read()
    {
        ModelProto model = Small();
        var target = new TensorProto { Name = "target", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 1L << 40 } };
        model.Graph.Initializer.Add(target);
        model.Then(Node("Reshape", "reshape", ["conv_out", "target"], ["y"]));

        Assert.Equal("m.onnx: node 'reshape' (Reshape): 'target' has dims [1099511627776] (1,099,511,627,776 values); InfoField reads at most 8 values here", model.Error());
    }

    /// <summary>Each of the importer's own limits (<see cref="OnnxLimits"/>), one past it, in a file written byte by byte.</summary>
    [Theory]
    [InlineData("nodes", "the model has more than 262,144 nodes, the limit")]
    [InlineData("initializers", "the model has more than 1,048,576 initializers, the limit")]
    [InlineData("name", "a node's name is 65,537 bytes long, more than the limit of 65,536")]
    [InlineData("ints", "the model has more than 65,536 ints of an attribute, the limit")]
    [InlineData("dims", "a tensor has more than 64 dims")]
    public void Past_each_limit_of_the_file_a_model_is_refused_in_one_line(string limit, string expected)
    {
        var graph = new MemoryStream();
        switch (limit)
        {
            case "nodes":
                for (int i = 0; i <= OnnxLimits.MaxNodes; i++)
                {
                    graph.Write([0x0A, 0x06, 0x22, 0x04, (byte)'R', (byte)'e', (byte)'l', (byte)'u']);  // node { op_type: "Relu" }
                }

                break;
            case "initializers":
                for (int i = 0; i <= OnnxLimits.MaxValues; i++)
                {
                    graph.Write([0x2A, 0x00]);  // initializer { }
                }

                break;
            case "name":
                Field(graph, 0x0A, Field(new MemoryStream(), 0x1A, new byte[OnnxLimits.MaxStringBytes + 1]).ToArray());  // node { name: 65,537 bytes }
                break;
            case "ints":
                var packed = new MemoryStream();
                for (int i = 0; i <= OnnxLimits.MaxListValues; i++)
                {
                    packed.WriteByte(1);
                }

                Field(graph, 0x0A, Field(new MemoryStream(), 0x2A, Field(new MemoryStream(), 0x42, packed.ToArray()).ToArray()).ToArray());  // node { attribute { ints: [...] } }
                break;
            default:
                Field(graph, 0x2A, Field(new MemoryStream(), 0x0A, [.. Enumerable.Repeat((byte)1, OnnxLimits.MaxRank + 1)]).ToArray());  // initializer { dims: 65 ones, packed }
                break;
        }

        byte[] model = [0x08, 0x08, 0x42, 0x02, 0x10, 0x0D, .. Field(new MemoryStream(), 0x3A, graph.ToArray()).ToArray()];  // ir_version 8, opset 13, graph
        var error = Bounded(() => Assert.Throws<InfoFieldException>(() => OnnxImport.Read(model, "m", "m.onnx")));
        Assert.Equal($"m.onnx: {expected}", error.Message);
    }

    [Fact]
    public void Folded_constants_past_their_total_for_a_graph_are_refused()
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Integers("half", [.. Enumerable.Range(0, OnnxLimits.MaxFoldedValues / 2).Select(i => (long)i)]));
        for (int i = 0; i <= OnnxLimits.MaxFoldedTotal / OnnxLimits.MaxFoldedValues; i++)
        {
            model.Graph.Node.Add(Node("Concat", $"k{i}", ["half", "half"], [$"k{i}"], Int("axis", 0)));
        }

        Assert.Equal(
            "m.onnx: node 'k64' (Concat): folding it brings the graph's folded constants past 4,194,304 values, the limit for shape arithmetic",
            Bounded(() => model.Error()));
    }

    private static MemoryStream Field(MemoryStream stream, byte tag, byte[] payload)
    {
        stream.WriteByte(tag);
        for (ulong rest = (ulong)payload.Length; ; rest >>= 7)
        {
            stream.WriteByte((byte)(rest < 0x80 ? rest : rest | 0x80));
            if (rest < 0x80)
            {
                break;
            }
        }

        stream.Write(payload);
        return stream;
    }

    [Fact]
    public void A_constant_whose_values_do_not_match_its_dims_is_refused()
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(new TensorProto { Name = "target", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 2 }, Int64Data = { 1, 256, 7 } });
        model.Then(Node("Reshape", "reshape", ["conv_out", "target"], ["y"]));

        Assert.Equal("m.onnx: node 'reshape' (Reshape): 'target' has dims [2] (2 values) but holds more values", model.Error());
    }

    /// <summary>
    /// Every committed fixture, mutated 1 to 3 times per trial at the level of the graph (inputs and outputs dropped or
    /// renamed, values made twice, attributes, dims and integer constants set to extremes, op types swapped for other
    /// read ones, nodes removed, opsets changed), 40 trials each, plus 1,200 generated hostile graphs: each imports to
    /// consistent numbers or fails in one line, within <see cref="AllocationBound"/>.
    /// </summary>
    [Fact]
    public void Fuzz_hostile_onnx_imports_consistently_or_fails_in_one_line()
    {
        int seed = TestSeed.Value(20261207);
        var random = new Random(seed);
        int accepted = 0, refused = 0;
        foreach (string fixture in Fixtures)
        {
            byte[] original = File.ReadAllBytes(Fixture(fixture));
            for (int trial = 0; trial < 40; trial++)
            {
                ModelProto model = ModelProto.Parser.ParseFrom(original);
                int mutations = 1 + random.Next(3);
                var applied = new List<string>();
                for (int m = 0; m < mutations; m++)
                {
                    applied.Add(Mutate(model, random));
                }

                _ = Check(model.ToByteArray(), $"seed {seed}, {fixture} trial {trial} ({string.Join("; ", applied)})") ? accepted++ : refused++;
            }
        }

        for (int trial = 0; trial < 1200; trial++)
        {
            var (model, description) = Generated(random);
            _ = Check(model.ToByteArray(), $"seed {seed}, generated {trial}: {description}") ? accepted++ : refused++;
        }

        Assert.True(accepted >= 100 && refused >= 500, $"seed {seed}: {accepted} accepted, {refused} refused: the fuzz should exercise both");
    }

    /// <summary>Byte-level damage to every fixture: truncations and flipped bytes.</summary>
    [Fact]
    public void Fuzz_damaged_bytes_of_every_fixture_fail_in_one_line_or_import_consistently()
    {
        int seed = TestSeed.Value(11);
        var random = new Random(seed);
        foreach (string fixture in Fixtures)
        {
            byte[] original = File.ReadAllBytes(Fixture(fixture));
            for (int trial = 0; trial < 60; trial++)
            {
                byte[] damaged = trial < 15 ? original[..random.Next(1, original.Length)] : (byte[])original.Clone();
                for (int flip = 0; trial >= 15 && flip < 1 + random.Next(6); flip++)
                {
                    damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
                }

                Check(damaged, $"seed {seed}, {fixture} damaged {trial}");
            }
        }
    }

    /// <summary>Imports <paramref name="bytes"/>: true when accepted (with consistent numbers), false when refused in one line; anything else fails the test.</summary>
    private static bool Check(byte[] bytes, string what)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool accepted;
        try
        {
            Network network = OnnxImport.Read(bytes, "fuzz", "fuzz.onnx");
            CheckConsistent(network, what);
            accepted = true;
        }
        catch (InfoFieldException error)
        {
            Assert.False(error.Message.Contains('\n') || error.Message.Contains('\r') || string.IsNullOrWhiteSpace(error.Message), $"{what}: {error.Message}");
            Assert.StartsWith("fuzz.onnx: ", error.Message);
            accepted = false;
        }
        catch (Exception error)
        {
            Assert.Fail($"{what}: {error.GetType().Name}: {error.Message}\n{error.StackTrace}");
            throw;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBound, $"{what}: allocated {allocated:N0} bytes");
        return accepted;
    }

    private static void CheckConsistent(Network network, string what)
    {
        NetworkCost cost = CostModel.Of(network);
        Assert.True(cost.Total.Parameters >= 0 && cost.Total.Macs >= 0, what);
        Assert.Equal(cost.Total, Cost.Sum(cost.Stages) + cost.Head + Cost.Sum(cost.Outputs)); // further outputs' heads count too
        Assert.Equal(network, NetworkSpec.Parse(NetworkSpec.Serialize(network)));
        NetworkField field = InformationField.Analyze(network, FieldOptions.Default);
        foreach (UnitField unit in field.Stages.SelectMany(stage => stage.Units))
        {
            // IF^c is 0 when an output channel depends on nothing (a zero op, or windows lying in the zero padding).
            Assert.True(unit.IfH >= 1 && unit.IfW >= 1 && unit.IfC >= 0, $"{what}: {unit.Name}: IF {unit.IfH}x{unit.IfW}x{unit.IfC}");
            Assert.Equal((long)unit.IfH * unit.IfW * (network.SpatialRank == 3 ? unit.IfD : 1) * unit.IfC, unit.If);
            Assert.True(unit.DeltaIf is null || (unit.DeltaIf >= 0 && double.IsFinite(unit.DeltaIf.Value)), $"{what}: {unit.Name}: dIF {unit.DeltaIf}");
        }
    }

    private static T Bounded<T>(Func<T> work)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        T result = work();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBound, $"allocated {allocated:N0} bytes");
        return result;
    }

    private static readonly long[] Extremes = [0, -1, 1, 2, 3, 7, 64, 65536, 65537, int.MaxValue, 1L << 32, Max, Min, Min + 2, -65536];

    private static readonly string[] OpTypes = [.. OnnxReaderSet.Default.Entries.Select(e => e.OpType).Distinct(), "Einsum", "Loop", ""];

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>One random mutation of <paramref name="model"/>; returns what it did.</summary>
    private static string Mutate(ModelProto model, Random random)
    {
        GraphProto graph = model.Graph;
        NodeProto? node = graph.Node.Count > 0 ? Pick(random, graph.Node) : null;
        switch (random.Next(15))
        {
            case 0 when node is { Input.Count: > 0 }:
                node.Input.RemoveAt(random.Next(node.Input.Count));
                return $"dropped an input of {node.Name}";
            case 1 when node is { Output.Count: > 0 }:
                if (random.Next(2) == 0)
                {
                    node.Output.Clear();
                }
                else
                {
                    node.Output.RemoveAt(node.Output.Count - 1);
                }

                return $"dropped outputs of {node.Name}";
            case 2 when node is { Output.Count: > 0 }:
                NodeProto other = Pick(random, graph.Node);
                if (other.Output.Count > 0)
                {
                    other.Output[0] = node.Output[0];
                }

                return $"{other.Name} makes {node.Name}'s output";
            case 3 when node is { Attribute.Count: > 0 }:
                AttributeProto attribute = Pick(random, node.Attribute);
                attribute.I = Pick(random, Extremes);
                if (attribute.Ints.Count > 0)
                {
                    attribute.Ints[random.Next(attribute.Ints.Count)] = Pick(random, Extremes);
                }

                return $"{node.Name}.{attribute.Name} set to an extreme";
            case 4 when graph.Initializer.Count > 0:
                TensorProto tensor = Pick(random, graph.Initializer);
                if (tensor.Dims.Count > 0)
                {
                    tensor.Dims[random.Next(tensor.Dims.Count)] = Pick(random, Extremes);
                }
                else
                {
                    tensor.Dims.Add(Pick(random, Extremes));
                }

                return $"a dim of {tensor.Name} set to an extreme";
            case 5 when node is not null:
                string type = Pick(random, OpTypes);
                node.OpType = type;
                return $"{node.Name} became {type}";
            case 6:
                var integers = graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Int64).ToList();
                if (integers.Count == 0)
                {
                    return "no integer initializer";
                }

                TensorProto constant = Pick(random, integers);
                long[] values = [.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => Pick(random, Extremes))];
                constant.RawData = ByteString.Empty;
                constant.Int64Data.Clear();
                constant.Int64Data.Add(values);
                if (random.Next(2) == 0)
                {
                    constant.Dims.Clear();
                    constant.Dims.Add(values.Length);
                }

                return $"{constant.Name} set to [{string.Join(", ", values)}]";
            case 7 when node is { Input.Count: > 1 }:
                (node.Input[0], node.Input[1]) = (node.Input[1], node.Input[0]);
                return $"swapped inputs of {node.Name}";
            case 8 when node is not null:
                graph.Node.Remove(node);
                return $"removed {node.Name}";
            case 9 when graph.Input.Count > 0 && graph.Input[0].Type?.TensorType?.Shape?.Dim.Count > 0:
                var dims = graph.Input[0].Type.TensorType.Shape.Dim;
                dims[random.Next(dims.Count)].DimValue = Pick(random, Extremes);
                return "the input's shape set to an extreme";
            case 10 when node is { Input.Count: > 0 }:
                node.Input[random.Next(node.Input.Count)] = "nowhere";
                return $"{node.Name} reads a missing value";
            case 11:
                model.OpsetImport[0].Version = random.Next(7, 21);
                return $"opset {model.OpsetImport[0].Version}";
            case 12 when node is not null:
                var copy = node.Clone();
                copy.Name += "_again";
                graph.Node.Insert(random.Next(graph.Node.Count + 1), copy);
                return $"duplicated {node.Name}";
            case 13 when graph.Initializer.Count > 0:
                TensorProto raw = Pick(random, graph.Initializer);
                raw.RawData = ByteString.CopyFrom([.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => (byte)random.Next(256))]);
                return $"random raw data in {raw.Name}";
            default:
                if (node is null)
                {
                    return "nothing";
                }

                node.Attribute.Add(Ints(Pick(random, ["pads", "strides", "dilations", "kernel_shape", "perm", "axes", "split"]), [.. Enumerable.Range(0, random.Next(0, 9)).Select(_ => Pick(random, Extremes))]));
                return $"an ints attribute added to {node.Name}";
        }
    }

    /// <summary>A generated graph: a random input, then random nodes of the read op types with hostile attributes and constants.</summary>
    private static (ModelProto Model, string Description) Generated(Random random)
    {
        long opset = random.Next(9, 19);
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        long[] input = random.Next(10) == 0 ? [1, Pick(random, Extremes), Pick(random, Extremes), Pick(random, Extremes)] : [1, random.Next(1, 9), random.Next(1, 17), random.Next(1, 17)];
        model.Graph.Input.Add(Value("x", input));
        var values = new List<string> { "x" };
        var ops = new List<string>();
        int count = random.Next(1, 9);
        for (int i = 0; i < count; i++)
        {
            string op = Pick(random, OpTypes);
            string output = $"t{i}";
            string a = values[^1], b = Pick(random, values);
            NodeProto node = op switch
            {
                "Conv" => Node(op, $"n{i}", [a, Param(model, random, $"w{i}", 4)], [output], Ints("pads", Small4(random)), Int("group", Pick(random, new long[] { 1, 1, 1, 2, 4, Max }))),
                "Gemm" or "MatMul" => Node(op, $"n{i}", [a, Param(model, random, $"w{i}", 2)], [output], Int("transB", random.Next(2))),
                "BatchNormalization" => Node(op, $"n{i}", [a, Param(model, random, $"s{i}", 1), Param(model, random, $"b{i}", 1), Param(model, random, $"m{i}", 1), Param(model, random, $"v{i}", 1)], [output]),
                "Reshape" or "Pad" or "Split" or "Squeeze" or "Unsqueeze" or "Gather" or "Tile" => Node(op, $"n{i}", [a, IntegerInput(model, random, $"c{i}")], [output], Int("axis", random.Next(-2, 3))),
                "Slice" => Node(op, $"n{i}", [a, IntegerInput(model, random, $"s{i}"), IntegerInput(model, random, $"e{i}"), IntegerInput(model, random, $"a{i}")], [output]),
                "Add" or "Mul" or "Concat" or "Sub" or "Div" => Node(op, $"n{i}", [a, random.Next(3) == 0 ? IntegerInput(model, random, $"k{i}") : b], [output], Int("axis", random.Next(-1, 2))),
                "Constant" => Node(op, $"n{i}", [], [output], Ints("value_ints", Small4(random))),
                "MaxPool" or "AveragePool" => Node(op, $"n{i}", [a], [output], Ints("kernel_shape", Small2(random)), Ints("strides", Small2(random)), Ints("pads", Small4(random)), Int("ceil_mode", random.Next(2))),
                _ => Node(op, $"n{i}", [a], [output], Int("axis", random.Next(-1, 2))),
            };
            model.Graph.Node.Add(node);
            values.Add(output);
            ops.Add(op);
        }

        model.Graph.Output.Add(Value(values[^1], 1));
        return (model, $"opset {opset}, input [{string.Join(", ", input)}], {string.Join(" ", ops)}");
    }

    private static long[] Small2(Random random) => [Pick(random, new long[] { 1, 2, 3, 0, -1, Max }), Pick(random, new long[] { 1, 2, 3, 0, -1, Max })];

    private static long[] Small4(Random random) => [.. Enumerable.Range(0, random.Next(10) == 0 ? random.Next(0, 7) : 4).Select(_ => Pick(random, new long[] { 0, 0, 1, 1, 2, 3, -1, Max, Min }))];

    /// <summary>A weight initializer of random dims (often sensible, sometimes extreme), or a graph input of that shape (an export without weights).</summary>
    private static string Param(ModelProto model, Random random, string name, int rank)
    {
        long[] dims = [.. Enumerable.Range(0, random.Next(5) == 0 ? random.Next(0, 6) : rank).Select(_ => random.Next(6) == 0 ? Pick(random, Extremes) : random.Next(1, 9))];
        if (random.Next(4) == 0 && dims.All(d => d >= 0))
        {
            model.Graph.Input.Add(Value(name, dims));
        }
        else
        {
            model.Graph.Initializer.Add(Weight(name, dims));
        }

        return name;
    }

    private static string IntegerInput(ModelProto model, Random random, string name)
    {
        long[] values = [.. Enumerable.Range(0, random.Next(0, 7)).Select(_ => random.Next(3) == 0 ? Pick(random, Extremes) : random.Next(-2, 17))];
        model.Graph.Initializer.Add(Integers(name, values));
        return name;
    }
}
