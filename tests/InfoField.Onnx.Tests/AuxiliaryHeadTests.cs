using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using static InfoField.Onnx.Tests.OnnxModels;

namespace InfoField.Onnx.Tests;

/// <summary>
/// torchvision's FCN and DeepLabV3 on ResNet-50 built with <c>aux_loss=True</c> (tests/fixtures/onnx/*_aux_opset*,
/// issue 23): the ONNX file has two outputs, the model's "out" and "aux". The auxiliary head (FCNHead: 3x3 conv, batch
/// norm, ReLU, 1x1 conv to the 21 classes, then a bilinear resize to the input size) reads layer3's output and is
/// imported as a further output of the same network the fixture without it gives. Parameters and MACs against PyTorch:
/// <see cref="OnnxImportTests"/>; the fields stated here are checked against gradients by InfoField.Torch.Tests'
/// OnnxFixtureFieldTests (INFOFIELD_FIXTURE_GRADIENTS=1).
/// </summary>
public class AuxiliaryHeadTests
{
    // The model, the opset, the unit the head reads (stage, unit, from 0) and the head's inner channels: ResNet-50's
    // layer3 (1024 channels, stage 3 unit 10), MobileNetV3-Large's first stride-8 block (40 channels, stage 3 unit 1);
    // FCNHead's inner channels are a quarter of its input's.
    public static TheoryData<string, int, int, int, int> Fixtures => new()
    {
        { "fcn_resnet50", 11, 2, 9, 256 },
        { "fcn_resnet50", 13, 2, 9, 256 },
        { "fcn_resnet50", 17, 2, 9, 256 },
        { "deeplabv3_resnet50", 11, 2, 9, 256 },
        { "deeplabv3_resnet50", 13, 2, 9, 256 },
        { "deeplabv3_resnet50", 17, 2, 9, 256 },
        { "deeplabv3_mobilenet_v3_large", 11, 2, 0, 10 },
        { "deeplabv3_mobilenet_v3_large", 13, 2, 0, 10 },
        { "deeplabv3_mobilenet_v3_large", 17, 2, 0, 10 },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_auxiliary_head_is_a_further_output_of_the_network_without_it(string model, int opset, int stage, int unit, int inner)
    {
        Network withAux = OnnxImport.Load(Fixture($"{model}_aux_opset{opset}"));
        Network without = OnnxImport.Load(Fixture($"{model}_opset{opset}"));

        Assert.Equal(without.Stages, withAux.Stages);
        Assert.Equal(without.Head, withAux.Head);
        NetworkOutput aux = Assert.Single(withAux.Outputs);
        Assert.Equal(("aux", stage, unit), (aux.Name, aux.Stage, aux.Unit));
        Assert.Equal(
            [
                Ops.Conv(inner, 3, padding: 1),
                Ops.BatchNorm(),
                Ops.Relu(),
                Ops.Pointwise(21, bias: true),
                new Resize(ResizeMode.Linear, null, new Pair(128, 128), ResizeCoordinates.HalfPixel),
            ],
            aux.Head);
        Assert.Equal(new FeatureShape(21, 128, 128), Assert.Single(withAux.Layout.Outputs));

        // The head's weights: (4 x inner) x inner x 3 x 3, batch norm's scale and shift, inner x 21 and 21 biases.
        NetworkCost cost = CostModel.Of(withAux);
        Assert.Equal((4L * inner * inner * 9) + (2 * inner) + (inner * 21) + 21, Assert.Single(cost.Outputs).Parameters);
        Assert.Equal(CostModel.Of(without).Total.Parameters + Assert.Single(cost.Outputs).Parameters, cost.Total.Parameters);
    }

    /// <summary>
    /// Both outputs, at the input's resolution, see the whole 128 x 128 input and its 3 channels from every neuron (border
    /// or interior); what tells them apart is the receptive field without borders: the auxiliary head's (291 pixels,
    /// read after layer3) is smaller than the main output's (FCN 451; DeepLabV3, whose ASPP has dilations up to 36, 1027).
    /// </summary>
    [Theory]
    [InlineData("fcn_resnet50_aux_opset11", 451)]
    [InlineData("fcn_resnet50_aux_opset17", 451)]
    [InlineData("deeplabv3_resnet50_aux_opset11", 1027)]
    [InlineData("deeplabv3_resnet50_aux_opset13", 1027)]
    public void Both_outputs_fields_are_reported_in_the_frame_of_the_input(string fixture, int mainReceptiveField)
    {
        var fields = OutputFields.Of(OnnxImport.Load(Fixture(fixture)));

        Assert.Equal(["out", "aux"], fields.Select(field => field.Name));
        Assert.Equal([(3, 0), (2, 9)], fields.Select(field => (field.Stage, field.Unit)));
        Assert.All(fields, field =>
        {
            Assert.Equal((new FeatureShape(21, 128, 128), false, 1.0, 1.0), (field.Shape, field.Vector, field.StrideH, field.StrideW));
            foreach (FieldKind kind in new[] { FieldKind.Local, FieldKind.Literal })
            {
                FieldFactors factors = field.Factors(kind);
                Assert.Equal((128, 128, 128, 128, 128, 128, 3), (factors.IfH, factors.IfHMin, factors.IfHInterior, factors.IfW, factors.IfWMin, factors.IfWInterior, factors.IfC));
                Assert.True(field.Covers(kind));
            }
        });
        Assert.Equal((mainReceptiveField, mainReceptiveField), (fields[0].ReceptiveFieldH, fields[0].ReceptiveFieldW));
        Assert.Equal((291L, 291L), (fields[1].ReceptiveFieldH, fields[1].ReceptiveFieldW));
    }

    /// <summary>
    /// DeepLabV3 on MobileNetV3-Large: its auxiliary head reads the first stride-8 block, a squeeze-and-excitation
    /// block, so literally every aux neuron sees the whole input through the gate's global pooling, while through
    /// windows (the local field, the default) one sees at most 59 x 59 of the 128 x 128 pixels: the head does not cover
    /// the input. Checked against gradients by InfoField.Torch.Tests' OnnxFixtureFieldTests (literal and local).
    /// </summary>
    [Fact]
    public void MobileNetV3s_auxiliary_head_covers_the_input_only_through_its_gates_global_pooling()
    {
        var fields = OutputFields.Of(OnnxImport.Load(Fixture("deeplabv3_mobilenet_v3_large_aux_opset11")));

        OutputField aux = fields[1];
        Assert.Equal(("aux", 2, 0, new FeatureShape(21, 128, 128)), (aux.Name, aux.Stage, aux.Unit, aux.Shape));
        Assert.Equal((59, 59, 59, 59, 3), (aux.Local.IfH, aux.Local.IfHMin, aux.Local.IfHInterior, aux.Local.IfW, aux.Local.IfC));
        Assert.False(aux.Covers(FieldKind.Local));
        Assert.Equal((128, 128), (aux.Literal.IfH, aux.Literal.IfHInterior));
        Assert.True(aux.Covers(FieldKind.Literal));
        Assert.Equal((179L, 179L), (aux.ReceptiveFieldH, aux.ReceptiveFieldW));
        Assert.True(fields[0].Covers(FieldKind.Local));
    }
}
