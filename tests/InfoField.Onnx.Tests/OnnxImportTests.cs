using System.Globalization;
using Google.Protobuf;
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Reporting;
using InfoField.Zoo;
using Onnx;
using static InfoField.Onnx.Tests.OnnxModels;

namespace InfoField.Onnx.Tests;

/// <summary>
/// The ONNX importer against torchvision's own exports (tests/fixtures/onnx, written by tools/onnx/export_fixtures.py
/// with weights stripped): the strict equalities with the zoo, parameter counts against PyTorch's, and the errors.
/// </summary>
public sealed class OnnxImportTests : IDisposable
{
    private readonly List<string> _folders = [];

    /// <summary>Deletes the folders the test wrote to.</summary>
    public void Dispose()
    {
        foreach (string folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static TheoryData<string, string> StrictPairs => new()
    {
        { "resnet18", "resnet18" },
        { "resnet50", "resnet50" },
        { "vgg16", "vgg16" },
        { "mobilenet_v2", "mobilenetv2" },
        { "googlenet", "googlenet" },
        { "efficientnet_b0", "efficientnet-b0" },
        { "shufflenet_v2_x1_0", "shufflenetv2" },
    };

    [Theory]
    [MemberData(nameof(StrictPairs))]
    public void A_torchvision_export_analyses_as_the_zoo_model_of_the_same_name(string fixture, string zoo)
    {
        AnalysisDocument imported = Analyze(OnnxImport.LoadNetwork(Fixture(fixture)));
        AnalysisDocument reference = Analyze(NetworkSource.Zoo(zoo, DatasetInfo.Find("imagenet")));

        Assert.Equal("onnx", imported.Source);
        Assert.Equal(reference.Input, imported.Input);
        Assert.Equal(reference.Params, imported.Params);
        Assert.Equal(reference.Macs, imported.Macs);
        Assert.Equal(reference.Head, imported.Head);
        Assert.Equal(reference.Stages.Count, imported.Stages.Count);
        for (int s = 0; s < reference.Stages.Count; s++)
        {
            StageDocument want = reference.Stages[s], got = imported.Stages[s];
            Assert.Equal(want.InputShape, got.InputShape);
            Assert.Equal(want.OutputShape, got.OutputShape);
            Assert.Equal(want.OpensWithStridedUnit, got.OpensWithStridedUnit);
            Assert.Equal((want.Params, want.Macs), (got.Params, got.Macs));
            Assert.Equal(want.Units.Count, got.Units.Count);
            for (int u = 0; u < want.Units.Count; u++)
            {
                UnitDocument a = want.Units[u], b = got.Units[u];
                string where = $"{fixture} stage {s + 1} unit {u + 1} ({a.Name} vs {b.Name})";
                Assert.True(
                    a.OutputShape.SequenceEqual(b.OutputShape) && a.Role == b.Role && a.Params == b.Params && a.Macs == b.Macs
                    && a.IfH == b.IfH && a.IfW == b.IfW && a.IfC == b.IfC && a.If == b.If && a.DeltaIf == b.DeltaIf
                    && a.ReceptiveField.SequenceEqual(b.ReceptiveField),
                    where);
            }
        }
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    [InlineData("vgg16")]
    [InlineData("mobilenet_v2")]
    [InlineData("googlenet")]
    [InlineData("densenet121")]
    [InlineData("shufflenet_v2_x1_0")]
    [InlineData("efficientnet_b0")]
    [InlineData("handmade")]
    [InlineData("signal1d")]
    [InlineData("squeezenet1_0")]
    [InlineData("regnet_y_400mf")]
    [InlineData("efficientnet_b1")]
    [InlineData("fcn_resnet50_opset11")]
    [InlineData("fcn_resnet50_opset13")]
    [InlineData("fcn_resnet50_opset17")]
    [InlineData("convnext_tiny_opset11")]
    [InlineData("convnext_tiny_opset13")]
    [InlineData("convnext_tiny_opset17")]
    [InlineData("convnext_variant")]
    [InlineData("deeplabv3_mobilenet_v3_large_opset11")]
    [InlineData("deeplabv3_mobilenet_v3_large_opset13")]
    [InlineData("deeplabv3_mobilenet_v3_large_opset17")]
    [InlineData("deeplabv3_resnet50_opset11")]
    [InlineData("deeplabv3_resnet50_opset13")]
    [InlineData("deeplabv3_resnet50_opset17")]
    [InlineData("lraspp_mobilenet_v3_large_opset11")]
    [InlineData("lraspp_mobilenet_v3_large_opset13")]
    [InlineData("lraspp_mobilenet_v3_large_opset17")]
    [InlineData("r3d_18_opset11")]
    [InlineData("r3d_18_opset13")]
    [InlineData("r3d_18_opset17")]
    [InlineData("mc3_18_opset11")]
    [InlineData("mc3_18_opset13")]
    [InlineData("mc3_18_opset17")]
    [InlineData("r2plus1d_18_opset11")]
    [InlineData("r2plus1d_18_opset13")]
    [InlineData("r2plus1d_18_opset17")]
    [InlineData("fcn_resnet50_aux_opset11")]
    [InlineData("fcn_resnet50_aux_opset13")]
    [InlineData("fcn_resnet50_aux_opset17")]
    [InlineData("deeplabv3_resnet50_aux_opset11")]
    [InlineData("deeplabv3_resnet50_aux_opset13")]
    [InlineData("deeplabv3_resnet50_aux_opset17")]
    [InlineData("deeplabv3_mobilenet_v3_large_aux_opset11")]
    [InlineData("deeplabv3_mobilenet_v3_large_aux_opset13")]
    [InlineData("deeplabv3_mobilenet_v3_large_aux_opset17")]
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_levels_opset11")]
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_levels_opset13")]
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_levels_opset17")]
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_backbone_opset11")]
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_backbone_opset13")]
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_backbone_opset17")]
    [InlineData("ssdlite320_mobilenet_v3_large_backbone_opset11")]
    [InlineData("ssdlite320_mobilenet_v3_large_backbone_opset13")]
    [InlineData("ssdlite320_mobilenet_v3_large_backbone_opset17")]
    public void Parameters_equal_what_pytorch_counts(string fixture)
    {
        Network network = OnnxImport.Load(Fixture(fixture));

        Assert.Equal(TorchParameters(fixture), Total(network));
    }

    /// <summary>
    /// SSDLite's backbone takes its six maps along one trunk, each computed from the one before: the deepest (the file's
    /// last, 'out5') is the main output and the others are further outputs read from the units that end at them (the
    /// first in the middle of an inverted residual block, after its expansion), with empty heads, in file order.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(17)]
    public void A_backbone_whose_maps_lie_along_one_trunk_reads_its_deepest_map_as_the_main_output(int opset)
    {
        Network network = OnnxImport.Load(Fixture($"ssdlite320_mobilenet_v3_large_backbone_opset{opset}"));

        Assert.Equal(new FeatureShape(128, 1, 1), network.Output);
        Assert.Equal(["output", "out1", "out2", "out3", "out4"], network.Outputs.Select(output => output.Name));
        Assert.All(network.Outputs, output => Assert.Empty(output.Head));
        Assert.Equal(
            new[] { new FeatureShape(672, 8, 8), new FeatureShape(480, 4, 4), new FeatureShape(512, 2, 2), new FeatureShape(256, 1, 1), new FeatureShape(256, 1, 1) },
            network.Layout.Outputs.AsEnumerable());
        Unit first = network.Stages[network.Outputs[0].Stage].Units[network.Outputs[0].Unit];
        Assert.Equal(["pw", "bn", "hardswish"], first.Ops.Select(op => op.Type)); // the expansion, ended where the map is read
    }

    /// <summary>
    /// The fixtures whose multiply-accumulates the export script counted with forward hooks on PyTorch's Conv2d,
    /// ConvTranspose2d and Linear (macs.txt): the import gives exactly those.
    /// </summary>
    [Fact]
    public void Macs_equal_what_forward_hooks_count_in_pytorch()
    {
        var counted = File.ReadLines(Path.Combine(FixtureDirectory, "macs.txt"))
            .Where(line => !line.StartsWith('#') && line.Length > 0)
            .Select(line => line.Split(' '))
            .ToList();

        Assert.NotEmpty(counted);
        Assert.All(counted, row => Assert.Equal(long.Parse(row[1], CultureInfo.InvariantCulture), Costs.CostModel.Of(OnnxImport.Load(Fixture(row[0]))).Total.Macs));
    }

    /// <summary>
    /// torchvision's backbone with FPN of fasterrcnn_mobilenet_v3_large_fpn as it builds it: the network of the fixture
    /// without its LastLevelMaxPool, output 'level1' read from the top level's inner 1x1 through its 3x3, and output
    /// 'pool', a max pooling (kernel 1, stride 2) of 'level1', read as an output that reads 'level1' (the 3x3 counted
    /// once: the pooling adds neither parameters nor MACs), at opsets 11, 13 and 17.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(17)]
    public void The_fpn_backbone_reads_as_its_levels_with_an_output_that_reads_level1(int opset)
    {
        Network network = OnnxImport.Load(Fixture($"fasterrcnn_mobilenet_v3_large_fpn_backbone_opset{opset}"));
        Network levels = OnnxImport.Load(Fixture($"fasterrcnn_mobilenet_v3_large_fpn_levels_opset{opset}"));

        Assert.Equal(levels.Stages, network.Stages);
        Assert.Equal(levels.Head, network.Head);
        Assert.Equal([levels.Outputs[0], NetworkOutput.Continuing("pool", levels.Outputs[0], [Ops.MaxPool(1, 2)])], network.Outputs);
        Assert.Equal(("level1", 4, 4), (network.Outputs[1].Reads, network.Outputs[1].Stage, network.Outputs[1].Unit));
        Assert.Equal(new[] { new FeatureShape(256, 4, 4), new FeatureShape(256, 2, 2) }, network.Layout.Outputs.AsEnumerable());
        Assert.Equal(Costs.CostModel.Of(levels).Total, Costs.CostModel.Of(network).Total);
        Assert.Equal(new Costs.Cost(0, 0), Costs.CostModel.Of(network).Outputs[1]);
        var fields = OutputFields.Of(network);
        Assert.Equal(("pool", "level1", 64.0, 1531L, true), (fields[2].Name, fields[2].Reads, fields[2].StrideH, fields[2].ReceptiveFieldH, fields[2].Covers(FieldKind.Literal)));
    }

    /// <summary>
    /// torchvision's video ResNets (N x C x D x H x W clips, Conv3d, BatchNorm3d, 3-D pooling) read as 3-D networks, the
    /// same at opsets 11, 13 and 17: R3D-18's 3x3x3 convolutions, MC3-18's 1x3x3 after its first stage (which keep the
    /// 8 frames), R(2+1)D-18's 1x3x3 spatial and 3x1x1 temporal halves.
    /// </summary>
    [Theory]
    [InlineData("r3d_18", 3, 3, 1)]
    [InlineData("mc3_18", 1, 3, 8)]
    [InlineData("r2plus1d_18", 3, 1, 1)]
    public void A_video_network_reads_as_a_3d_network_at_opsets_11_13_and_17(string model, int lastDepth, int lastHeight, int frames)
    {
        Network[] networks = [.. new[] { 11, 13, 17 }.Select(opset => OnnxImport.Load(Fixture($"{model}_opset{opset}")))];

        Assert.All(networks, network => Assert.Equal(networks[0].Stages, network.Stages));
        Network network = networks[0];
        Assert.Equal(3, network.SpatialRank);
        Assert.Equal(FeatureShape.Volume3d(3, 8, 56, 56), network.Input);
        Assert.Equal(new FeatureShape(400, 1, 1), network.Layout.Output);
        Assert.Equal(4, network.Stages.Count);
        Assert.Equal(FeatureShape.Volume3d(512, frames, 4, 4), network.Layout.HeadInput);
        var kernels = network.Stages[^1].Units[^1].Ops.OfType<Convolution>().Select(conv => conv.Kernel).ToList();
        Assert.Contains(kernels, kernel => kernel.D == lastDepth && kernel.H == lastHeight);
        NetworkField field = InformationField.Analyze(network);
        Assert.All(field.Stages.SelectMany(stage => stage.Units), unit => Assert.Equal((long)unit.IfD * unit.IfH * unit.IfW * unit.IfC, unit.If));
        Assert.True(field.Stages[0].Units[^1].IfD > 1);
    }

    [Fact]
    public void A_segmentation_network_ending_in_a_resize_reads_the_same_at_opsets_11_13_and_17()
    {
        // FCN (ResNet-50, dilated): Resize with roi and scales inputs and sizes from Shape, Slice and Concat (opset 11),
        // with empty optional inputs (13, 17); half_pixel linear coordinates, as PyTorch writes align_corners=False.
        Network[] networks = [.. new[] { 11, 13, 17 }.Select(opset => OnnxImport.Load(Fixture($"fcn_resnet50_opset{opset}")))];

        Assert.All(networks, network => Assert.Equal(networks[0].Stages, network.Stages));
        Unit last = networks[0].Stages[^1].Units[^1];
        Assert.Equal(new Resize(ResizeMode.Linear, null, new Pair(128, 128), ResizeCoordinates.HalfPixel), last.Ops[^1]);
        Assert.Equal(new FeatureShape(21, 128, 128), networks[0].Layout.Output);
    }

    [Fact]
    public void An_inference_export_folds_batch_norm_into_biases_fewer_parameters_the_same_field()
    {
        Network kept = OnnxImport.Load(Fixture("resnet18"));
        Network folded = OnnxImport.Load(Fixture("resnet18_folded"));

        long batchNormChannels = kept.Stages.Zip(kept.Layout.Stages)
            .SelectMany(stage => stage.First.Units.Zip(stage.Second.Units))
            .Sum(unit => unit.First.Graph.Nodes.Where(node => node.Op is BatchNorm).Sum(node => (long)unit.Second.Tensors[node.Inputs[0]].Channels));
        Assert.Equal(4800, batchNormChannels);
        Assert.Empty(folded.Units.SelectMany(unit => unit.Ops).OfType<BatchNorm>());
        Assert.All(folded.Units.SelectMany(unit => unit.Ops).OfType<Architecture.Convolution>(), conv => Assert.True(conv.Bias));
        Assert.Equal(Total(kept) - batchNormChannels, Total(folded));
        NetworkField a = InformationField.Analyze(kept, FieldOptions.Default), b = InformationField.Analyze(folded, FieldOptions.Default);
        Assert.Equal(
            a.Stages.SelectMany(stage => stage.Units).Select(unit => (unit.If, unit.DeltaIf)),
            b.Stages.SelectMany(stage => stage.Units).Select(unit => (unit.If, unit.DeltaIf)));
    }

    [Fact]
    public void Multi_node_layers_are_read_as_the_layer_they_are()
    {
        Network network = OnnxImport.Load(Fixture("handmade"));
        var ops = network.Units.SelectMany(unit => unit.Ops).ToList();
        var kinds = ops.OfType<Activation>().Select(a => a.Kind).ToHashSet();

        Assert.Subset(kinds, new HashSet<ActivationKind> { ActivationKind.Relu6, ActivationKind.LeakyRelu, ActivationKind.Silu, ActivationKind.Hardswish, ActivationKind.Hardsigmoid, ActivationKind.Relu });
        Assert.Contains(new ChannelShuffle(4), ops);
        Assert.Equal([new ChannelSlice(0, 16), new ChannelSlice(16, 16)], ops.OfType<ChannelSlice>());
        Assert.Contains(ops, op => op is Architecture.Convolution { Kernel: { H: 1, W: 3 } });
        Assert.Contains(ops, op => op is Architecture.Convolution { Kernel: { H: 3, W: 1 } });
        Assert.Contains(ops, op => op is Architecture.Convolution { Dilation: { H: 2, W: 2 }, Padding: { H: 2, W: 2 } });
        Assert.Contains(ops, op => op is Architecture.Convolution { Groups: 4 });
        Assert.Contains(ops, op => op is PointwiseConvolution { Groups: 4 });
        Assert.Contains(network.Units, unit => unit.Graph.Nodes[^1].Op is Multiply);
        Assert.Equal(new Softmax(), network.Head[^1]);
    }

    [Fact]
    public void A_one_dimensional_network_reads_as_signals()
    {
        Network network = OnnxImport.Load(Fixture("signal1d"));

        Assert.Equal(1, network.SpatialRank);
        Assert.Equal(new FeatureShape(2, 1, 128), network.Input);
        Assert.Contains(network.Units.SelectMany(unit => unit.Ops), op => op is Architecture.Convolution { Kernel: { H: 1, W: 5 }, Dilation: { H: 1, W: 2 }, Stride: { H: 1, W: 2 } });
        Assert.Contains(network.Units.SelectMany(unit => unit.Ops), op => op is DepthwiseConvolution);
    }

    [Fact]
    public void Batch_norm_keeps_its_eps()
    {
        Network network = OnnxImport.Load(Fixture("googlenet"));

        Assert.All(network.Units.SelectMany(unit => unit.Ops).OfType<BatchNorm>(), bn => Assert.Equal(1e-3, bn.Eps));
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_named_as_such()
    {
        string path = Temp("not-a-model.onnx", "{\"this\": \"is json\"}"u8.ToArray());

        var error = Assert.Throws<InfoFieldException>(() => OnnxImport.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("not an ONNX model", error.Message);
    }

    [Fact]
    public void A_truncated_model_is_named_as_such()
    {
        byte[] whole = File.ReadAllBytes(Fixture("resnet18"));
        string path = Temp("truncated.onnx", whole[..(whole.Length / 2)]);

        var error = Assert.Throws<InfoFieldException>(() => OnnxImport.Load(path));
        Assert.Contains("truncated", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void A_node_that_cannot_be_read_fails_with_one_line_naming_it_and_what_is_supported()
    {
        ModelProto model = Small();
        model.Graph.Node.Add(Node("Einsum", "weird_einsum", ["conv_out"], ["y"]));
        model.Graph.Output[0].Name = "y";

        var error = Assert.Throws<InfoFieldException>(() => OnnxImport.Read(model.ToByteArray(), "m", "m.onnx"));
        Assert.Equal(
            $"m.onnx: node 'weird_einsum' (Einsum): is not supported; InfoField reads {OnnxReaderSet.Default.Supported}",
            error.Message);
    }

    [Fact]
    public void Asymmetric_padding_is_refused_with_a_clear_line()
    {
        ModelProto model = Small(pads: [0, 0, 1, 1]);

        var error = Assert.Throws<InfoFieldException>(() => OnnxImport.Read(model.ToByteArray(), "m", "m.onnx"));
        Assert.Contains("node 'conv' (Conv): pads asymmetrically", error.Message);
    }

    [Theory]
    [InlineData("SAME_UPPER", 8, 1)]
    [InlineData("VALID", 6, 0)]
    public void Auto_pad_gives_the_padding_it_implies(string autoPad, int size, int padding)
    {
        ModelProto model = Small(autoPad: autoPad);

        Network network = OnnxImport.Read(model.ToByteArray(), "m", "m.onnx");
        var conv = Assert.IsType<Architecture.Convolution>(network.Units.Single().Ops[0]);
        Assert.Equal(Pair.Square(padding), conv.Padding);
        Assert.Equal(size, network.Layout.Stages[0].Output.Height);
    }

    [Fact]
    public void Weights_in_external_data_files_are_not_needed()
    {
        ModelProto model = Small();
        TensorProto weight = model.Graph.Initializer.Single(t => t.Name == "w");
        weight.DataLocation = TensorProto.Types.DataLocation.External;
        weight.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "missing-weights.bin" });

        Network network = OnnxImport.Read(model.ToByteArray(), "m", "m.onnx");
        Assert.Equal(4L * 3 * 3 * 3, Total(network));
    }

    [Theory]
    [InlineData("handmade")]
    [InlineData("shufflenet_v2_x1_0")]
    public void Damaged_models_fail_with_an_infofield_error_never_a_crash(string fixture)
    {
        byte[] original = File.ReadAllBytes(Fixture(fixture));
        int seed = TestSeed.Value(11);
        var random = new Random(seed);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] damaged = trial < 50 ? original[..random.Next(1, original.Length)] : (byte[])original.Clone();
            for (int flip = 0; trial >= 50 && flip < 4; flip++)
            {
                damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            }

            try
            {
                OnnxImport.Read(damaged, fixture, "damaged.onnx");
            }
            catch (InfoFieldException error)
            {
                Assert.False(error.Message.Contains('\n'), $"seed {seed}, trial {trial}: {error.Message}");
            }
        }
    }

    [Fact]
    public void A_pad_folds_into_the_conv_after_it()
    {
        ModelProto model = Small(pads: [0, 0, 0, 0]);
        model.Graph.Initializer.Add(Integers("pad_amounts", [0, 0, 2, 2, 0, 0, 2, 2]));
        model.Graph.Node.Insert(0, Node("Pad", "pad", ["x", "pad_amounts"], ["x_padded"]));
        model.Graph.Node[1].Input[0] = "x_padded";

        Network network = OnnxImport.Read(model.ToByteArray(), "m", "m.onnx");
        Assert.Equal(Pair.Square(2), Assert.IsType<Architecture.Convolution>(network.Units.Single().Ops[0]).Padding);
    }

    [Fact]
    public void A_clip_that_is_not_relu6_is_refused_naming_its_bounds()
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Real("low", -1));
        model.Graph.Initializer.Add(Real("high", 1));
        model.Graph.Node.Add(Node("Clip", "clip", ["conv_out", "low", "high"], ["y"]));
        model.Graph.Output[0].Name = "y";

        var error = Assert.Throws<InfoFieldException>(() => OnnxImport.Read(model.ToByteArray(), "m", "m.onnx"));
        Assert.Equal("m.onnx: node 'clip' (Clip): clips to [-1, 1]; InfoField reads Clip(0, 6) as ReLU6 and Clip(0) as ReLU", error.Message);
    }

    [Fact]
    public void A_gather_of_channel_windows_then_a_conv_with_a_group_per_filter_reads_as_rpw()
    {
        // RPW(4 -> 3, g = 2, o = 0.5): w = 2, windows start at 0, 1, 2.
        ModelProto model = RollingModel([0, 1, 1, 2, 2, 3]);

        Network network = OnnxImport.Read(model.ToByteArray(), "m", "m.onnx");

        Assert.Equal(new Architecture.RollingPointwiseConvolution(3, 2, 0.5), network.Units.Last().Ops.Single());
    }

    [Fact]
    public void A_gather_that_is_not_rpw_windows_is_refused_in_one_line()
    {
        ModelProto model = RollingModel([0, 1, 3, 2, 2, 3]);

        var error = Assert.Throws<InfoFieldException>(() => OnnxImport.Read(model.ToByteArray(), "m", "m.onnx"));
        Assert.StartsWith("m.onnx: node 'rpw' (Conv): Gather then Conv is read as a rolling pointwise convolution only when the Gather's indices are RPW's windows", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    /// <summary>SmallModel's conv, then a Gather of <paramref name="indices"/> and a 1x1 conv to 3 channels with 3 groups.</summary>
    private static ModelProto RollingModel(long[] indices)
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Integers("windows", indices));
        model.Graph.Initializer.Add(Weight("rw", 3, 2, 1, 1));
        var axis = new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 };
        var group = new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = 3 };
        NodeProto gather = Node("Gather", "gather", ["conv_out", "windows"], ["gathered"]);
        gather.Attribute.Add(axis);
        NodeProto conv = Node("Conv", "rpw", ["gathered", "rw"], ["y"]);
        conv.Attribute.Add(group);
        model.Graph.Node.Add(gather);
        model.Graph.Node.Add(conv);
        model.Graph.Output[0] = Value("y", 1, 3, 8, 8);
        return model;
    }

    [Fact]
    public void An_unsupported_opset_is_refused()
    {
        ModelProto model = Small();
        model.OpsetImport[0].Version = 8;

        var error = Assert.Throws<InfoFieldException>(() => OnnxImport.Read(model.ToByteArray(), "m", "m.onnx"));
        Assert.Contains("opset 8", error.Message);
    }

    private static long Total(Network network) => Costs.CostModel.Of(network).Total.Parameters;

    private static AnalysisDocument Analyze(LoadedNetwork loaded) =>
        AnalysisDocument.From(InformationField.Analyze(loaded.Network, FieldOptions.Default), loaded);

    private static long TorchParameters(string fixture) =>
        File.ReadLines(Path.Combine(FixtureDirectory, "params.txt"))
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split(' '))
            .Where(parts => parts[0] == fixture)
            .Select(parts => long.Parse(parts[1], CultureInfo.InvariantCulture))
            .Single();

    private string Temp(string name, byte[] bytes)
    {
        string directory = OnnxModels.TempFolder();
        _folders.Add(directory);
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
