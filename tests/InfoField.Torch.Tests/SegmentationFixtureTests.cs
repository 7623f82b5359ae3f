using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Kernels;
using InfoField.Onnx;
using InfoField.Organizer;

namespace InfoField.Torch.Tests;

/// <summary>
/// optimize and decompose on torchvision's segmentation fixtures (issue 23): the organizer refuses, saying why; the
/// decomposer's network is written as ONNX that ONNX Runtime runs as TorchSharp does, with the input and output shapes
/// of the original, and reads back with the same counts.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class SegmentationFixtureTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("infofield-segmentation-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("deeplabv3_mobilenet_v3_large_opset11", 4, "raises the resolution")] // the ASPP's three dilated 3x3 convolutions and the head's 3x3
    [InlineData("lraspp_mobilenet_v3_large_opset17", 0, "(a skip across stages")] // only 1x1 and depthwise kernels after its first convolution; its low-level branch is a skip
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_levels_opset13", 1, "the network has further outputs")] // FPN levels 0 and 1: the 3x3 of level 0 (that of level 1 is in its output's head)
    [InlineData("ssdlite320_mobilenet_v3_large_backbone_opset11", 0, "the network has further outputs")] // depthwise and 1x1 after a stem whose 3x3 is kept
    public void The_organizer_refuses_and_the_decomposed_network_runs_in_onnx_runtime(string fixture, int replaced, string reason)
    {
        Network network = OnnxImport.Load(Repository.OnnxFixture(fixture));

        OrganizerResult organized = StageOrganizer.Optimize(network);
        Decomposition decomposed = Decomposer.Decompose(network, ReplacementBlock.DwPw);

        Assert.Equal(network, organized.After);
        Assert.Contains(reason, Assert.Single(organized.Steps).Reason, StringComparison.Ordinal);
        Assert.Equal(replaced, decomposed.ReplacedCount);
        Assert.Equal((network.Input, network.Output), (decomposed.After.Input, decomposed.After.Output));
        string path = OnnxRuntimeComparison.ExportAndCompare(decomposed.After, _folder);
        Network back = OnnxImport.Load(path);
        Assert.Equal(CostModel.Of(decomposed.After).Total, CostModel.Of(back).Total);
        Assert.Equal((network.Input, network.Output), (back.Input, back.Output));
        Assert.Equal(network.Outputs.Select(output => output.Name), back.Outputs.Select(output => output.Name));
        Assert.Equal(network.Layout.Outputs.AsEnumerable(), back.Layout.Outputs);
    }

    /// <summary>
    /// torchvision's FPN backbone as it builds it, with output 'pool' reading output 'level1': the organizer refuses
    /// naming the first further output; the decomposer replaces level 0's 3x3 and keeps both outputs (level1's 3x3 is in
    /// its head, computed once for 'pool' too); ONNX Runtime runs the written file with the three outputs' shapes, and it
    /// reads back with 'pool' reading 'level1' and the same counts.
    /// </summary>
    [Fact]
    public void The_fpn_backbones_pooled_level_is_kept_by_the_decomposer_and_written_reading_level1()
    {
        Network network = OnnxImport.Load(Repository.OnnxFixture("fasterrcnn_mobilenet_v3_large_fpn_backbone_opset13"));

        OrganizerResult organized = StageOrganizer.Optimize(network);
        Decomposition decomposed = Decomposer.Decompose(network, ReplacementBlock.DwPw);

        Assert.Equal(network, organized.After);
        Assert.Contains("further outputs (output 'level1' reads stage 5, unit 5)", Assert.Single(organized.Steps).Reason, StringComparison.Ordinal);
        Assert.Equal(1, decomposed.ReplacedCount);
        Assert.Equal(network.Outputs, decomposed.After.Outputs);
        Assert.Equal(network.Layout.Outputs.AsEnumerable(), decomposed.After.Layout.Outputs);
        string path = OnnxRuntimeComparison.ExportAndCompare(decomposed.After, _folder);
        Network back = OnnxImport.Load(path);
        Assert.Equal(CostModel.Of(decomposed.After).Total, CostModel.Of(back).Total);
        Assert.Equal([("level1", null), ("pool", "level1")], back.Outputs.Select(output => (output.Name, output.Reads)));
        Assert.Equal((network.Input, network.Output), (back.Input, back.Output));
        Assert.Equal(network.Layout.Outputs.AsEnumerable(), back.Layout.Outputs);
    }

    /// <summary>
    /// With an auxiliary head (a further output read from layer3): the organizer refuses naming it; the decomposer
    /// replaces the body's 3x3 convolutions and keeps the head as it is (it is an output, not a unit); ONNX Runtime runs
    /// the written file with both outputs' shapes, and it reads back with the same outputs and counts.
    /// </summary>
    [Theory]
    [InlineData("fcn_resnet50_aux_opset11", 17)] // 16 bottlenecks' 3x3 and the FCN head's 3x3 (the stem's 7x7 is kept)
    [InlineData("deeplabv3_resnet50_aux_opset17", 20)] // the same 16, the ASPP's three dilated 3x3 and the DeepLab head's 3x3
    public void An_auxiliary_head_is_kept_by_the_decomposer_and_written_as_a_second_output(string fixture, int replaced)
    {
        Network network = OnnxImport.Load(Repository.OnnxFixture(fixture));

        OrganizerResult organized = StageOrganizer.Optimize(network);
        Decomposition decomposed = Decomposer.Decompose(network, ReplacementBlock.DwPw);

        Assert.Equal(network, organized.After);
        Assert.Contains("further outputs (output 'aux' reads stage 3, unit 10)", Assert.Single(organized.Steps).Reason, StringComparison.Ordinal);
        Assert.Equal(replaced, decomposed.ReplacedCount);
        Assert.Equal(network.Outputs, decomposed.After.Outputs);
        Assert.Equal((network.Input, network.Output), (decomposed.After.Input, decomposed.After.Output));
        Assert.Equal(network.Layout.Outputs.AsEnumerable(), decomposed.After.Layout.Outputs);
        string path = OnnxRuntimeComparison.ExportAndCompare(decomposed.After, _folder);
        Network back = OnnxImport.Load(path);
        Assert.Equal(CostModel.Of(decomposed.After).Total, CostModel.Of(back).Total);
        Assert.Equal(network.Outputs.Select(output => (output.Name, output.Stage, output.Unit)), back.Outputs.Select(output => (output.Name, output.Stage, output.Unit)));
        Assert.Equal((network.Input, network.Output), (back.Input, back.Output));
        Assert.Equal(network.Layout.Outputs.AsEnumerable(), back.Layout.Outputs);
    }
}
