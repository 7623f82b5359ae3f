using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Kernels;
using InfoField.Onnx;
using InfoField.Organizer;
using InfoField.Torch.Building;
using InfoField.Zoo;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

/// <summary>
/// optimize and decompose on torchvision's video fixtures (3-D networks, issue 23): the organizer's and the decomposer's
/// networks are written as ONNX that ONNX Runtime runs as TorchSharp does, with the input and output shapes of the
/// original (N x 3 x 8 x 56 x 56 clips, 400 classes), and read back with the same counts. The zoo's r3d-18 is the
/// fixture's network, and builds, runs and exports (the zoo-wide module test leaves Kinetics-400 out: a forward pass of
/// its 3 x 16 x 112 x 112 clips is 40.7 GMACs per clip, too slow for the suite; the tests here use smaller clips).
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

    [Fact]
    public void The_zoos_r3d_18_has_the_counts_of_torchvisions_r3d_18_as_exported_to_onnx()
    {
        Network fixture = OnnxImport.Load(Repository.OnnxFixture("r3d_18_opset11"));
        Network zoo = ModelZoo.Create("r3d-18", new ZooRequest(DatasetInfo.Kinetics400, InputOverride: fixture.Input));

        Assert.Equal(FeatureShape.Volume3d(3, 8, 56, 56), zoo.Input);
        Assert.Equal(CostModel.Of(fixture).Total, CostModel.Of(zoo).Total); // 33,371,472 parameters, 5,180,637,184 MACs
        Assert.Equal(fixture.Stages.Select(stage => stage.Units.Count), zoo.Stages.Select(stage => stage.Units.Count));
        Assert.Equal(fixture.Layout.Stages.Select(stage => stage.Units[^1].Tensors[^1]), zoo.Layout.Stages.Select(stage => stage.Units[^1].Tensors[^1]));
    }

    [Fact]
    public void The_zoos_r3d_18_builds_with_its_parameters_and_classifies_clips()
    {
        Network r3d = ModelZoo.Create("r3d-18", new ZooRequest(DatasetInfo.Kinetics400, InputOverride: FeatureShape.Volume3d(3, 4, 32, 32)));
        using var scope = NewDisposeScope();
        using NetworkModule module = ModuleBuilder.Build(r3d);
        module.eval();
        using var noGrad = no_grad();

        Tensor output = module.forward(randn([2, 3, 4, 32, 32]));

        Assert.Equal(33_371_472, module.parameters().Sum(p => p.numel()));
        Assert.Equal(new long[] { 2, 400 }, output.shape);
    }

    [Fact]
    public void The_zoos_r3d_18_and_its_decomposition_run_in_onnx_runtime_and_read_back()
    {
        Network r3d = ModelZoo.Create("r3d-18", new ZooRequest(DatasetInfo.Kinetics400, 0.25, FeatureShape.Volume3d(3, 8, 32, 32)));
        Network decomposed = Decomposer.Decompose(r3d, ReplacementBlock.DwRpw, new BlockSettings(Groups: 2, Overlap: 0.5)).After;

        foreach (Network network in new[] { r3d, decomposed })
        {
            string path = OnnxRuntimeComparison.ExportAndCompare(network, _folder);
            Network back = OnnxImport.Load(path);
            Assert.Equal(CostModel.Of(network).Total, CostModel.Of(back).Total);
            Assert.Equal((3, network.Input, network.Output), (back.SpatialRank, back.Input, back.Output));
        }
    }
}
