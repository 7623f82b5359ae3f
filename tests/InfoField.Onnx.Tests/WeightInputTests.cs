using InfoField.Field;
using InfoField.Reporting;
using Onnx;
using static InfoField.Onnx.Tests.OnnxModels;

namespace InfoField.Onnx.Tests;

/// <summary>
/// Exports without weights (<c>torch.onnx.export(..., export_params=False)</c>): every weight, bias and batch-norm
/// statistic is a graph input, and the importer reads those inputs as the parameters they are (docs/onnx.md,
/// "Exports without weights").
/// </summary>
public class WeightInputTests
{
    [Theory]
    [InlineData("resnet50", "resnet50_noweights")]
    [InlineData("vgg16", "vgg16_noweights")]
    // ConvNeXt's layer norms' scales and shifts and its layer scales are Mul and Add operands, and each channels-last
    // linear layer's weight reaches its MatMul through a Transpose that nothing folds without the weight's values.
    [InlineData("convnext_tiny_opset13", "convnext_tiny_noweights")]
    public void An_export_without_weights_analyses_exactly_like_the_export_with_them(string fixture, string withoutWeights)
    {
        AnalysisDocument with = Analyze(Fixture(fixture));
        AnalysisDocument without = Analyze(Fixture(withoutWeights));

        Assert.Equal(with.Params, without.Params);
        Assert.Equal(with.Macs, without.Macs);
        Assert.Equal(with.Input, without.Input);
        Assert.Equal(with.Head, without.Head);
        Assert.Equal(with.Stages.Count, without.Stages.Count);
        for (int s = 0; s < with.Stages.Count; s++)
        {
            StageDocument a = with.Stages[s], b = without.Stages[s];
            Assert.Equal(a.InputShape, b.InputShape);
            Assert.Equal(a.OutputShape, b.OutputShape);
            Assert.Equal((a.Params, a.Macs), (b.Params, b.Macs));
            Assert.Equal(
                a.Units.Select(u => (u.Name, u.Role, u.Params, u.Macs, u.IfH, u.IfW, u.IfC, u.If, u.DeltaIf, string.Join("x", u.ReceptiveField))),
                b.Units.Select(u => (u.Name, u.Role, u.Params, u.Macs, u.IfH, u.IfW, u.IfC, u.If, u.DeltaIf, string.Join("x", u.ReceptiveField))));
        }
    }

    [Fact]
    public void The_fixtures_without_weights_hold_no_initializer_for_a_weight()
    {
        foreach (string fixture in new[] { "resnet50_noweights", "vgg16_noweights", "convnext_tiny_noweights" })
        {
            ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Fixture(fixture)));
            Assert.DoesNotContain(model.Graph.Initializer, tensor => tensor.DataType == (int)TensorProto.Types.DataType.Float && tensor.Dims.Count > 0);
            Assert.True(model.Graph.Input.Count > 10, $"{fixture}: {model.Graph.Input.Count} inputs");
        }
    }

    [Fact]
    public void A_weight_input_is_read_through_identity_nodes()
    {
        // torch shares equal parameters (a fresh model's batch-norm scales) through Identity nodes of one input.
        ModelProto model = WithoutWeights(Small());
        model.Graph.Node.Insert(0, Node("Identity", "share", ["w"], ["w_shared"]));
        model.Graph.Node[1].Input[1] = "w_shared";

        Assert.Equal(4L * 3 * 3 * 3, Costs.CostModel.Of(model.Import()).Total.Parameters);
    }

    [Fact]
    public void A_weight_input_without_a_fixed_shape_is_refused_naming_it()
    {
        ModelProto model = WithoutWeights(Small());
        model.Graph.Input[1] = Value("w", 4, 3, -1, 3);

        Assert.Equal(
            "m.onnx: the graph input 'w' feeds only weight inputs of nodes, so it is a weight, but its shape is [4, 3, N, 3]; a weight input needs a fixed shape",
            model.Error());
    }

    [Fact]
    public void A_second_input_that_gates_a_feature_map_is_refused_naming_it()
    {
        ModelProto model = Small();
        model.Graph.Input.Add(Value("y", 1, 4, 8, 8));
        model.Then(Node("Mul", "gate", ["conv_out", "y"], ["product"]));

        // Only a Mul reads 'y', in a slot that may hold a parameter (a layer scale), so 'y' reads as a weight and the Mul
        // that gates a feature map by it is refused naming it.
        Assert.Equal(
            "m.onnx: node 'gate' (Mul): multiplies by the graph input 'y', read as a weight because only parameter inputs read it; InfoField reads networks with one input (a second input that gates a feature map is not read)",
            model.Error());
    }

    [Fact]
    public void A_weight_input_whose_values_a_node_needs_is_refused_naming_it()
    {
        ModelProto model = Small();
        model.Graph.Input.Add(Value("target", 2));
        model.Graph.Initializer.Add(Weight("fc", 256, 10));
        model.Then(Node("Reshape", "flat", ["conv_out", "target"], ["flat_out"]));
        model.Then(Node("Gemm", "fc", ["flat_out", "fc"], ["y"]));

        Assert.StartsWith("m.onnx: the graph has 2 inputs", model.Error());
    }

    /// <summary><paramref name="model"/> with its initializers moved to graph inputs of the same shape (as export_params=False writes).</summary>
    private static ModelProto WithoutWeights(ModelProto model)
    {
        foreach (TensorProto initializer in model.Graph.Initializer)
        {
            model.Graph.Input.Add(Value(initializer.Name, [.. initializer.Dims]));
        }

        model.Graph.Initializer.Clear();
        return model;
    }

    private static AnalysisDocument Analyze(string path)
    {
        LoadedNetwork loaded = OnnxImport.LoadNetwork(path);
        return AnalysisDocument.From(InformationField.Analyze(loaded.Network, FieldOptions.Default), loaded);
    }
}
