using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Zoo;
using Onnx;
using static InfoField.Onnx.Tests.OnnxModels;

namespace InfoField.Onnx.Tests;

/// <summary>
/// ConvNeXt as PyTorch exports it (issue 23): channels-last tokens, layer norm over the channels (a LayerNormalization
/// node at opset 17, arithmetic before), pointwise convolutions as MatMul on the tokens, GELU as Div/Erf/Add/Mul/Mul,
/// layer scale; read as the layers they are, with every constant of the patterns checked.
/// </summary>
public class ConvNextImportTests
{
    /// <summary>
    /// The zoo's <c>convnext-tiny</c> built at the fixture's 64 x 64 is torchvision's export: the same parameters and MACs,
    /// stages, units per stage and the field of every unit (the zoo opens each later stage with a unit of the layer norm
    /// and the 2x2 convolution, where the import, cutting units at convolutions, ends the stage before with that layer
    /// norm; a layer norm reads one position, so no field moves), and the same head.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(17)]
    public void The_zoo_convnext_tiny_analyses_as_torchvisions_export(int opset)
    {
        Network imported = OnnxImport.Load(Fixture($"convnext_tiny_opset{opset}"));
        Network zoo = ModelZoo.Create("convnext-tiny", new ZooRequest(DatasetInfo.ImageNet, InputOverride: imported.Input));

        Assert.Equal(CostModel.Of(imported).Total, CostModel.Of(zoo).Total);
        Assert.Equal(imported.Head, zoo.Head);
        Assert.Equal(imported.Stages.Select(stage => stage.Units.Count), zoo.Stages.Select(stage => stage.Units.Count));
        Assert.Equal(
            InformationField.Analyze(imported).Stages.SelectMany(stage => stage.Units).Select(unit => (unit.Literal, unit.Local, unit.DeltaIf, unit.ReceptiveFieldH)),
            InformationField.Analyze(zoo).Stages.SelectMany(stage => stage.Units).Select(unit => (unit.Literal, unit.Local, unit.DeltaIf, unit.ReceptiveFieldH)));
    }

    [Fact]
    public void Convnext_tiny_reads_the_same_at_opsets_11_13_and_17_with_its_block_as_the_layers_it_is()
    {
        Network[] networks = [.. new[] { 11, 13, 17 }.Select(opset => OnnxImport.Load(Fixture($"convnext_tiny_opset{opset}")))];

        Assert.All(networks, network => Assert.Equal(networks[0].Stages, network.Stages));
        Assert.All(networks, network => Assert.Equal(networks[0].Head, network.Head));
        Unit block = networks[0].Stages[0].Units[1];
        Op[] ops = [.. block.Ops];
        Assert.Equal(
            [Ops.Depthwise(7, padding: 3, bias: true), new LayerNorm(1e-6), Ops.Pointwise(384, bias: true), new Activation(ActivationKind.Gelu), Ops.Pointwise(96, bias: true), new LayerScale()],
            ops.Where(op => op is not MergeOp));
        Assert.Contains(block.Graph.Nodes, node => node.Op is Architecture.Add);
        Assert.Equal(new LayerNorm(1e-6), networks[0].Stages[0].Units[0].Ops[^1]);
    }

    [Fact]
    public void A_convnext_in_the_authors_code_style_reads_its_channels_first_layer_norms_and_channels_last_layer_scale()
    {
        Network network = OnnxImport.Load(Fixture("convnext_variant"));

        Assert.Equal([Ops.Conv(16, 4, stride: 4, bias: true), new LayerNorm(1e-6)], network.Stages[0].Units[0].Ops);
        Assert.Contains(new LayerScale(), network.Stages[0].Units[1].Ops);
        Assert.Contains(new Activation(ActivationKind.Gelu), network.Stages[0].Units[1].Ops);
        Assert.Equal(new LayerNorm(1e-6), network.Stages[^1].Units[^1].Ops[^1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("integer")]
    public void Layer_norm_and_gelu_as_arithmetic_read_on_channels_last_tokens(string change)
    {
        Network network = Block(change).Import();

        Assert.Equal([Ops.Conv(4, 3, padding: 1), new LayerNorm(1e-6), Ops.Pointwise(8, bias: true), new Activation(ActivationKind.Gelu), new LayerScale()], network.Units.SelectMany(unit => unit.Ops));
    }

    [Theory]
    [InlineData("exponent", "node 'pow' (Pow): raises a layer norm's centered value to 3; a layer norm squares it (exponent 2)")]
    [InlineData("epsilon", "node 'add_eps' (Add): adds to a layer norm's variance a value that is not one positive number (its epsilon)")]
    [InlineData("axes", "node 'mean2' (ReduceMean): reduces over axes [1]; a layer norm takes the mean of the squares over the channel axis (3), keeping the dims")]
    [InlineData("centered", "node 'div' (Div): divides by a layer norm's deviation something other than the centered value it was computed from")]
    [InlineData("sqrt2", "node 'gelu_div' (Div): divides a tensor by 1.5; InfoField reads Div of a tensor by a constant only as GELU's x / sqrt(2)")]
    [InlineData("half", "node 'gelu_half' (Mul): multiplies GELU's x (1 + erf(x / sqrt(2))) by a value other than the one number 0.5")]
    [InlineData("one", "node 'gelu_add' (Add): adds to GELU's Erf a value other than the one number 1")]
    [InlineData("shift", "node 'ln_scale' (Mul): reads the output of node 'div' (Div), which normalizes over the channels without a learned scale and shift")]
    [InlineData("bias", "node 'bias' (Add): adds a constant of dims [4] to the channels-last output of node 'fc' (MatMul); expected [8], its bias")]
    public void A_pattern_that_differs_in_one_constant_is_refused_naming_its_node(string change, string expected)
    {
        string error = Block(change).Error();

        Assert.StartsWith("m.onnx: " + expected, error);
    }

    /// <summary>
    /// Conv to 4 channels, Transpose to channels-last, layer norm as arithmetic (over the last axis), MatMul 4 to 8
    /// and its bias, GELU as arithmetic, Transpose back, Mul by a per-channel layer scale; <paramref name="change"/>
    /// breaks one piece (or, for "integer", writes the exponent as an integer constant, which reads the same).
    /// </summary>
    private static ModelProto Block(string change = "")
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(change == "integer" ? Integers("two", 2) : Real("two", change == "exponent" ? 3 : 2));
        model.Graph.Initializer.Add(change == "epsilon" ? Weight("eps", 4) : Real("eps", 1e-6f));
        model.Graph.Initializer.Add(Weight("gamma", 4));
        model.Graph.Initializer.Add(Weight("beta", 4));
        model.Graph.Initializer.Add(Weight("fc_w", 4, 8));
        model.Graph.Initializer.Add(Weight("fc_b", change == "bias" ? 4 : 8));
        model.Graph.Initializer.Add(Real("sqrt2", change == "sqrt2" ? 1.5f : 1.4142135f));
        model.Graph.Initializer.Add(Real("one", change == "one" ? 2 : 1));
        model.Graph.Initializer.Add(Real("half", change == "half" ? 0.25f : 0.5f));
        model.Graph.Initializer.Add(Weight("scale", 8, 1, 1));
        model.Then(Node("Transpose", "last", ["conv_out"], ["t"], Ints("perm", 0, 2, 3, 1)))
            .Then(Node("ReduceMean", "mean", ["t"], ["u"], Ints("axes", -1)))
            .Then(Node("Sub", "sub", ["t", "u"], ["d"]))
            .Then(Node("Pow", "pow", ["d", "two"], ["d2"]))
            .Then(Node("ReduceMean", "mean2", ["d2"], ["v"], Ints("axes", change == "axes" ? 1 : -1)))
            .Then(Node("Add", "add_eps", ["v", "eps"], ["ve"]))
            .Then(Node("Sqrt", "sqrt", ["ve"], ["s"]))
            .Then(Node("Div", "div", [change == "centered" ? "t" : "d", "s"], ["n"]));
        if (change == "shift")
        {
            model.Then(Node("Mul", "ln_scale", ["n", "n"], ["ln"]));
        }
        else
        {
            model.Then(Node("Mul", "ln_scale", ["n", "gamma"], ["nm"]))
                .Then(Node("Add", "ln_shift", ["beta", "nm"], ["ln"]));
        }

        return model.Then(Node("MatMul", "fc", ["ln", "fc_w"], ["h"]))
            .Then(Node("Add", "bias", ["fc_b", "h"], ["hb"]))
            .Then(Node("Div", "gelu_div", ["hb", "sqrt2"], ["g1"]))
            .Then(Node("Erf", "erf", ["g1"], ["g2"]))
            .Then(Node("Add", "gelu_add", ["g2", "one"], ["g3"]))
            .Then(Node("Mul", "gelu_mul", ["hb", "g3"], ["g4"]))
            .Then(Node("Mul", "gelu_half", ["g4", "half"], ["g5"]))
            .Then(Node("Transpose", "first", ["g5"], ["y"], Ints("perm", 0, 3, 1, 2)))
            .Then(Node("Mul", "layer_scale", ["scale", "y"], ["out"]));
    }
}
