using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Kernels;
using InfoField.Onnx;
using InfoField.Organizer;

namespace InfoField.Torch.Tests;

/// <summary>
/// optimize and decompose on torchvision's video fixtures (3-D networks, issue 23): the organizer's and the decomposer's
/// networks are written as ONNX that ONNX Runtime runs as TorchSharp does, with the input and output shapes of the
/// original (N x 3 x 8 x 56 x 56 clips, 400 classes), and read back with the same counts.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class VideoFixtureTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("infofield-video-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("r3d_18_opset11", 16)] // every 3x3x3 convolution after the stem
    [InlineData("r2plus1d_18_opset13", 16)] // every 1x3x3 spatial half after the stem (the 3x1x1 temporal halves are not k x k)
    public void The_organized_and_the_decomposed_networks_run_in_onnx_runtime_and_read_back(string fixture, int replaced)
    {
        Network network = OnnxImport.Load(Repository.OnnxFixture(fixture));

        OrganizerResult organized = StageOrganizer.Optimize(network);
        Decomposition decomposed = Decomposer.Decompose(network, ReplacementBlock.DwPw);

        Assert.NotEqual(network, organized.After);
        Assert.Equal(replaced, decomposed.ReplacedCount);
        foreach (Network after in new[] { organized.After, decomposed.After })
        {
            Assert.Equal(3, after.SpatialRank);
            Assert.Equal((network.Input, network.Output), (after.Input, after.Output));
            string path = OnnxRuntimeComparison.ExportAndCompare(after, _folder);
            Network back = OnnxImport.Load(path);
            Assert.Equal(CostModel.Of(after).Total, CostModel.Of(back).Total);
            Assert.Equal((network.Input, network.Output), (back.Input, back.Output));
        }
    }
}
