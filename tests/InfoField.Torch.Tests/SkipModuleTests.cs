using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Onnx;
using InfoField.Spec;
using InfoField.Torch.Building;
using InfoField.Torch.Data;
using InfoField.Torch.Tests.Fields;
using InfoField.Torch.Tests.Training;
using InfoField.Torch.Training;
using InfoField.Training;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace InfoField.Torch.Tests;

/// <summary>
/// Networks whose units read earlier units' outputs (skips) as TorchSharp modules: forward keeps the tensors later units
/// read, the ONNX export wires them the same way (ONNX Runtime computes what TorchSharp does), and a single-output U-Net
/// shaped classifier trains, checkpoints and evaluates.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class SkipModuleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("infofield-skips-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A two-level U-Net with batch norm and ReLU, and a classifier head when <paramref name="classes"/> is given.</summary>
    internal static Network SmallUNet(int channels = 1, int size = 16, int? classes = null)
    {
        static OpGraph Up(int outChannels) => new(
        [
            new GraphNode(new TransposedConvolution(outChannels, Pair.Square(2), Pair.Square(2), Pair.Square(0), Pair.Square(0), Pair.Square(1), Bias: true), [0]),
            new GraphNode(new Concat(), [OpGraph.SkipTensor(0), 1]),
            new GraphNode(Ops.Conv(outChannels, 3, padding: 1), [2]),
            new GraphNode(Ops.BatchNorm(), [3]),
            new GraphNode(Ops.Relu(), [4]),
        ]);
        Unit Double(string name, int outChannels) => new(name, [Ops.Conv(outChannels, 3, padding: 1), Ops.BatchNorm(), Ops.Relu(), Ops.Conv(outChannels, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()]);
        return new Network(
            "small-unet",
            new FeatureShape(channels, size, size),
            [
                new Stage([Double("enc-8", 8)]),
                new Stage([Ops.MaxPool(2)], [Double("enc-16", 16)]),
                new Stage([Ops.MaxPool(2)], [Double("bottom-32", 32)]),
                new Stage([new Unit("up-16", Up(16)) { Skips = [new UnitReference(1, 0)] }]),
                new Stage([new Unit("up-8", Up(8)) { Skips = [new UnitReference(0, 0)] }]),
            ],
            classes is int count ? [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(count)] : [Ops.Conv(3, 1, bias: true)]);
    }

    [Fact]
    public void Forward_reads_the_skips_and_gives_the_main_output_of_every_output()
    {
        Network network = SmallUNet().WithOutputs([new NetworkOutput("aux", 2, 0, [Ops.Conv(2, 1)])]);
        using var scope = NewDisposeScope();
        manual_seed(5);
        using NetworkModule module = ModuleBuilder.Build(network);
        module.eval();
        Tensor x = randn(2, 1, 16, 16);

        using (no_grad())
        {
            Tensor main = module.forward(x);
            Tensor[] all = module.ForwardOutputs(x);

            Assert.Equal([2L, 3, 16, 16], main.shape);
            Assert.Equal([2L, 2, 4, 4], all[1].shape);
            Assert.True(main.allclose(all[0]));

            // The skip matters: zeroing the encoder's first map changes the output (it is read, not only kept).
            var stage0 = (TorchSharp.Modules.Sequential)module.Stages.children().First();
            using Tensor before = module.forward(x);
            foreach (var parameter in stage0.parameters())
            {
                parameter.zero_();
            }

            Assert.False(before.allclose(module.forward(x)));
        }
    }

    [Fact]
    public void The_onnx_export_of_networks_with_skips_runs_in_onnx_runtime_as_torchsharp_does_and_reads_back()
    {
        // Seed 5 and the U-Net made 3-D (a concatenation across a depth, height and width downsampling, a 2x2x2
        // transposed convolution up) are volumes.
        Network[] networks = [SmallUNet().WithOutputs([new NetworkOutput("aux", 3, 0, [])]), VolumeConversion.Of(SmallUNet(size: 8)).WithName("small-unet-3d"), .. Enumerable.Range(1, 8).Select(SkipNetworks.Generate)];
        foreach (Network full in networks)
        {
            OnnxRuntimeComparison.ExportAndCompare(full, _folder);

            // Read back without further outputs: the import groups ops into units its own way, and a further output must
            // read the output of one of its units.
            Network network = full.WithOutputs([]).WithName(full.Name + "-main");
            Network back = OnnxImport.Load(OnnxRuntimeComparison.ExportAndCompare(network, _folder));

            // The same costs and the same fields of every output in the input frame (the import may group ops into units
            // otherwise, as it reads any graph: a resize that opens a decoder level joins the unit before it).
            Assert.Equal(CostModel.Of(network).Total, CostModel.Of(back).Total);
            Assert.Contains(back.Units, unit => unit.Skips.Count > 0);
            Assert.True(
                OutputFields.Of(network).Select(field => (field.Literal, field.Shape)).SequenceEqual(OutputFields.Of(back).Select(field => (field.Literal, field.Shape))),
                $"{network.Name}: {Describe(network)} read back as {Describe(back)}");
        }
    }

    [Fact]
    public void A_3d_unets_spec_is_format_4_with_a_rank_3_input_and_reads_back_the_same()
    {
        Network unet = VolumeConversion.Of(SmallUNet(size: 8)).WithOutputs([new NetworkOutput("aux", 2, 0, [Ops.Conv(2, 1)])]);

        string spec = NetworkSpec.Serialize(unet);
        Network back = NetworkSpec.Parse(spec);

        Assert.Contains($"\"format\": \"{NetworkSpec.FormatV4}\"", spec, StringComparison.Ordinal);
        using (var document = System.Text.Json.JsonDocument.Parse(spec))
        {
            Assert.Equal([1, 8, 8, 8], document.RootElement.GetProperty("input").EnumerateArray().Select(value => value.GetInt32()));
        }

        Assert.Equal(unet, back);
        Assert.Equal(3, back.SpatialRank);
        Assert.Equal([new UnitReference(1, 0)], back.Stages[3].Units[0].Skips);
        Assert.Equal(Pair.Of3d(2, 2, 2), ((TransposedConvolution)back.Stages[4].Units[0].Graph.Nodes[0].Op).Stride);
        Assert.Equal(CostModel.Of(unet).Total, CostModel.Of(back).Total);
        Assert.Equal(
            OutputFields.Of(unet).Select(field => (field.Name, field.Shape, field.Literal, field.Local, field.ReceptiveFieldH, field.ReceptiveFieldD)),
            OutputFields.Of(back).Select(field => (field.Name, field.Shape, field.Literal, field.Local, field.ReceptiveFieldH, field.ReceptiveFieldD)));
        Assert.Equal(spec, NetworkSpec.Serialize(back));
    }

    [Fact]
    public void An_output_that_reads_another_continues_its_tensor_in_torchsharp_and_onnx_and_reads_back_reading_it()
    {
        // An FPN's extra level: 'level' is a 3x3 on the bottom unit, 'pool' a kernel-1 stride-2 max pooling of 'level'.
        var level = new NetworkOutput("level", 2, 0, [Ops.Conv(4, 3, padding: 1)]);
        Network network = SmallUNet().WithOutputs([level, NetworkOutput.Continuing("pool", level, [Ops.MaxPool(1, 2)])]).WithName("fpn-levels");
        using var scope = NewDisposeScope();
        manual_seed(5);
        using NetworkModule module = ModuleBuilder.Build(network);
        module.eval();

        // The 3x3 both outputs read is one module: the module's parameters are the cost model's, counted once.
        Assert.Equal(CostModel.Of(network).Total.Parameters, module.parameters().Sum(parameter => parameter.numel()));
        using (no_grad())
        {
            Tensor[] all = module.ForwardOutputs(randn(2, 1, 16, 16));

            Assert.Equal([2L, 4, 2, 2], all[2].shape);
            Assert.True(all[2].allclose(all[1][TensorIndex.Ellipsis, TensorIndex.Slice(step: 2), TensorIndex.Slice(step: 2)], rtol: 0, atol: 0));
        }

        Network back = OnnxImport.Load(OnnxRuntimeComparison.ExportAndCompare(network, _folder));

        Assert.Equal(CostModel.Of(network).Total, CostModel.Of(back).Total);
        Assert.Equal([("level", null), ("pool", "level")], back.Outputs.Select(output => (output.Name, output.Reads)));
        Assert.Equal(
            OutputFields.Of(network).Select(field => (field.Name, field.Literal, field.Shape, field.Reads)),
            OutputFields.Of(back).Select(field => (field.Name, field.Literal, field.Shape, field.Reads)));
    }

    private static string Describe(Network network) =>
        string.Join(" | ", network.Stages.Select(stage => string.Join(", ", stage.Units.Select(unit => $"{unit.Name} {string.Join(" ", unit.Skips)}"))));

    [Fact]
    public void A_single_output_unet_classifier_trains_checkpoints_and_evaluates()
    {
        using var temp = new TempFolder();
        TrainingData data = Datasets.Load("mnist", new DataOptions(TestFiles.WriteMnist(temp["data"], 128, 32)));
        Network network = SmallUNet(channels: 1, size: 32, classes: 10);
        var job = new TrainingJob(new LoadedNetwork(network, "spec", null, 1.0, "unet.json"), new TrainingSettings(Epochs: 2, BatchSize: 16, LearningRate: 0.05, Seed: 3), temp["run"], Threads: 2, TensorBoard: false);

        TrainingResult result = Trainer.Train(job, data);

        Assert.Equal(2, result.Epochs);
        Assert.True(double.IsFinite(result.TrainLoss) && double.IsFinite(result.TestLoss), $"losses {result.TrainLoss}, {result.TestLoss}");
        (CheckpointInfo info, NetworkModule model) = Checkpoint.LoadModel(Path.Combine(temp["run"], Checkpoint.FileName));
        using (model)
        {
            Assert.Equal(network, info.Network());
            Assert.Equal(result.TestAccuracy, Trainer.Evaluate(model, data.Test, info.Normalization).Accuracy);
        }
    }
}
