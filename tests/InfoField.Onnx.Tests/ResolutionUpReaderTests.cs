using Google.Protobuf;
using InfoField.Architecture;
using Onnx;
using static InfoField.Onnx.Tests.OnnxModels;

namespace InfoField.Onnx.Tests;

/// <summary>
/// The readers of the ops that raise the resolution (Resize, Upsample, ConvTranspose) on small hand-built models: what
/// they read, and the one line that refuses what they do not. The conformance test (InfoField.Torch.Tests) reads back
/// every form InfoField's export writes; the FCN fixtures, what PyTorch writes.
/// </summary>
public class ResolutionUpReaderTests
{
    [Fact]
    public void Resize_by_scales_reads_whole_number_factors_and_fractions_that_give_whole_positions_as_sizes()
    {
        Assert.Equal(Resize.Nearest(2), Last(Resizing("nearest", "asymmetric", "floor", 2f)));
        Assert.Equal(Resize.Linear(new Pair(3, 3), alignCorners: true), Last(Resizing("linear", "align_corners", null, 3f)));
        Assert.Equal(new Resize(ResizeMode.Linear, null, new Pair(12, 12), ResizeCoordinates.HalfPixel), Last(Resizing("linear", "half_pixel", null, 1.5f)));
        Assert.Equal(new Resize(ResizeMode.Linear, null, new Pair(4, 4), ResizeCoordinates.HalfPixel), Last(Resizing("linear", "pytorch_half_pixel", null, 0.5f)));
    }

    [Fact]
    public void Upsample_of_opset_9_reads_as_a_nearest_resize()
    {
        ModelProto model = Small(opset: 9);
        model.Graph.Initializer.Add(Reals("scales", 1, 1, 2, 2));
        model.Then(Node("Upsample", "up", ["conv_out", "scales"], ["up_out"], Text("mode", "nearest")));

        Assert.Equal(Resize.Nearest(2), Last(model));
    }

    [Fact]
    public void Resize_modes_the_engine_does_not_compute_are_refused_naming_them()
    {
        Assert.Contains("round_prefer_floor", Resizing("nearest", "asymmetric", null, 2f).Error(), StringComparison.Ordinal);
        Assert.Contains("cubic", Resizing("cubic", "half_pixel", null, 2f).Error(), StringComparison.Ordinal);
        Assert.Contains("tf_half_pixel_for_nn", Resizing("nearest", "tf_half_pixel_for_nn", "floor", 2f).Error(), StringComparison.Ordinal);
        Assert.Contains("1.3", Resizing("linear", "half_pixel", null, 1.3f).Error(), StringComparison.Ordinal);
        Assert.Contains("coordinates", Resizing("linear", "asymmetric", null, 2f).Error(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConvTranspose_reads_a_smaller_end_padding_as_output_padding_and_refuses_output_shape()
    {
        ModelProto model = Transposing(Ints("pads", 1, 1, 0, 1), Ints("strides", 2, 2));
        Assert.Equal(new TransposedConvolution(6, 3, 2, 1, new Pair(1, 0), 1, Groups: 2), Last(model));

        Assert.Contains("output_shape", Transposing(Ints("output_shape", 15, 15)).Error(), StringComparison.Ordinal);
        Assert.Contains("at the end", Transposing(Ints("pads", 0, 0, 1, 1)).Error(), StringComparison.Ordinal);
    }

    private static ModelProto Resizing(string mode, string coordinates, string? nearest, float scale)
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Reals("scales", 1, 1, scale, scale));
        NodeProto node = Node("Resize", "resize", ["conv_out", "", "scales"], ["resized"], Text("mode", mode), Text("coordinate_transformation_mode", coordinates));
        if (nearest is not null)
        {
            node.Attribute.Add(Text("nearest_mode", nearest));
        }

        return model.Then(node);
    }

    private static ModelProto Transposing(params AttributeProto[] attributes)
    {
        ModelProto model = Small();
        model.Graph.Initializer.Add(Weight("wt", 4, 3, 3, 3));
        return model.Then(Node("ConvTranspose", "up", ["conv_out", "wt"], ["up_out"], [Int("group", 2), .. attributes]));
    }

    private static Op Last(ModelProto model) => model.Import().Stages[^1].Units[^1].Ops[^1];

    private static TensorProto Reals(string name, params float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(values.Length);
        tensor.FloatData.Add(values);
        return tensor;
    }

    private static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
}
