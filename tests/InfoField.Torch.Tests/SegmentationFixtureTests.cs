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
    }
}
