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
    public static TheoryData<string, int> Fixtures => new()
    {
        { "fcn_resnet50", 11 },
        { "fcn_resnet50", 13 },
        { "fcn_resnet50", 17 },
        { "deeplabv3_resnet50", 11 },
        { "deeplabv3_resnet50", 13 },
        { "deeplabv3_resnet50", 17 },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_auxiliary_head_is_a_further_output_of_the_network_without_it(string model, int opset)
    {
        Network withAux = OnnxImport.Load(Fixture($"{model}_aux_opset{opset}"));
        Network without = OnnxImport.Load(Fixture($"{model}_opset{opset}"));

        Assert.Equal(without.Stages, withAux.Stages);
        Assert.Equal(without.Head, withAux.Head);
        NetworkOutput aux = Assert.Single(withAux.Outputs);
        Assert.Equal(("aux", 2, 9), (aux.Name, aux.Stage, aux.Unit)); // layer3's last block: stage 3, unit 10
        Assert.Equal(
            [
                Ops.Conv(256, 3, padding: 1),
                Ops.BatchNorm(),
                Ops.Relu(),
                Ops.Pointwise(21, bias: true),
                new Resize(ResizeMode.Linear, null, new Pair(128, 128), ResizeCoordinates.HalfPixel),
            ],
            aux.Head);
        Assert.Equal(new FeatureShape(21, 128, 128), Assert.Single(withAux.Layout.Outputs));

        // The head's weights: 1024 x 256 x 3 x 3, batch norm's scale and shift, 256 x 21 and 21 biases.
        NetworkCost cost = CostModel.Of(withAux);
        Assert.Equal((1024L * 256 * 9) + (2 * 256) + (256 * 21) + 21, Assert.Single(cost.Outputs).Parameters);
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
}
