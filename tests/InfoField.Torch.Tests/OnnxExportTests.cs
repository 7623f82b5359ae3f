using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Kernels;
using InfoField.Onnx;
using InfoField.Organizer;
using InfoField.Torch.Building;
using InfoField.Torch.Onnx;
using InfoField.Zoo;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace InfoField.Torch.Tests;

/// <summary>
/// Exported ONNX models run in ONNX Runtime and give what the TorchSharp module gives on the same input in eval mode,
/// and read back through the importer as the same architecture.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class OnnxExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("infofield-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("vgg16", "cifar10", 0.125)]
    [InlineData("resnet18", "cifar10", 0.25)]
    [InlineData("mobilenetv3-large", "imagenet", 0.25)] // gates and hard swish
    [InlineData("convnext-tiny", "imagenet", 0.25)] // layer norm, GELU, layer scale
    public void A_small_zoo_network_runs_in_onnx_runtime_and_reads_back(string model, string dataset, double width)
    {
        Network network = ModelZoo.Create(model, dataset, width);
        string path = ExportAndCompare(network);
        AssertSameArchitecture(network, OnnxImport.Load(path));
    }

    [Fact]
    public void A_vgg_decomposed_into_depthwise_and_rolling_pointwise_computes_exactly_rpw()
    {
        Network vgg = ModelZoo.Create("vgg11", "cifar10", 0.125);
        Network network = Decomposer.Decompose(vgg, ReplacementBlock.DwRpw, new BlockSettings(4, 0.5)).After;
        Assert.Contains(network.Stages.SelectMany(stage => stage.Units).SelectMany(unit => unit.Graph), op => op is RollingPointwiseConvolution);
        string path = ExportAndCompare(network);
        Network reread = OnnxImport.Load(path);

        // The importer cuts units at every convolution of a chain, so a dw-rpw block reads back as two units; the
        // layers, parameters and MACs are the same.
        Assert.Equal(CostModel.Of(network).Total.Parameters, CostModel.Of(reread).Total.Parameters);
        Assert.Equal(CostModel.Of(network).Total.Macs, CostModel.Of(reread).Total.Macs);
        Assert.Equal(Rolling(network), Rolling(reread));
    }

    [Fact]
    public void Rolling_pointwise_layers_with_overlaps_that_give_fractional_steps_read_back_as_the_same_layers()
    {
        var input = new FeatureShape(12, 4, 4);
        var network = new Network(
            "rpw-overlaps",
            input,
            [new Stage([new Unit("a", [Ops.RollingPointwise(10, 3, 0.33, bias: true), Ops.Relu()]), new Unit("b", [Ops.RollingPointwise(14, 2, 0.6666666666666666)])])],
            [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(3)]);
        string path = ExportAndCompare(network);
        Assert.Equal(Rolling(network), Rolling(OnnxImport.Load(path)));
    }

    [Fact]
    public void A_branched_unit_with_split_concat_shuffle_interlace_and_gate_runs_in_onnx_runtime()
    {
        var input = new FeatureShape(8, 8, 8);
        OpGraph shuffleUnit = OpGraph.Parallel(new Concat(), [Ops.Split(0, 2)], [Ops.Split(1, 2), Ops.Pointwise(4), Ops.BatchNorm(), Ops.Silu()])
            .Then(Ops.Shuffle(2));
        OpGraph gated = new([
            new GraphNode(Ops.Depthwise(3), [0]),
            new GraphNode(Ops.Relu6(), [1]),
            new GraphNode(Ops.GlobalAvgPool(), [2]),
            new GraphNode(Ops.Pointwise(8, bias: true), [3]),
            new GraphNode(Ops.HardSigmoid(), [4]),
            new GraphNode(new Multiply(), [2, 5]),
            new GraphNode(Ops.Slice(2, 4), [6]),
            new GraphNode(Ops.Slice(0, 2), [6]),
            new GraphNode(Ops.Slice(6, 2), [6]),
            new GraphNode(new Concat(), [7, 8, 9]),
            new GraphNode(Ops.Interlace(2), [10]),
            new GraphNode(Ops.HardSwish(), [11]),
            new GraphNode(new Add(), [0, 12]),
        ]);
        var network = new Network(
            "branched",
            input,
            [new Stage([new Unit("shuffle", shuffleUnit), new Unit("gated", gated)]), new Stage([Ops.AvgPool(2)], [new Unit("conv", [Ops.Conv(8, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()])])],
            [Ops.AdaptiveAvgPool(2), Ops.Flatten(), Ops.Dropout(), Ops.Linear(5), Ops.Softmax()]);
        string path = ExportAndCompare(network);
        Assert.Equal(CostModel.Of(network).Total.Parameters, CostModel.Of(OnnxImport.Load(path)).Total.Parameters);
    }

    [Fact]
    public void Zero_ops_and_dead_branches_run_in_onnx_runtime()
    {
        // A NAS-Bench-201-like unit: zero edges (one strided, read back at its stride), and a conv whose output nothing reads.
        var input = new FeatureShape(4, 8, 8);
        OpGraph cell = new([
            new GraphNode(Ops.Conv(4, 3, padding: 1), [0]),
            new GraphNode(new Zero(), [1]),
            new GraphNode(Ops.Relu(), [0]),
            new GraphNode(Ops.Conv(4, 1), [0]),
            new GraphNode(new Add(), [2, 3]),
        ]);
        OpGraph strided = new([
            new GraphNode(new Zero(null, new Pair(2, 2)), [0]),
            new GraphNode(Ops.Pointwise(4, stride: 2), [0]),
            new GraphNode(new Add(), [1, 2]),
        ]);
        var network = new Network(
            "zero-and-dead",
            input,
            [new Stage([new Unit("cell", cell)]), new Stage([new Unit("strided", strided)])],
            [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(3)]);

        Assert.Equal([3], cell.DeadNodes);
        ExportAndCompare(network);
    }

    [Fact]
    public void A_1d_network_written_by_infofield_runs_in_onnx_runtime_and_reads_back_as_the_same_network()
    {
        // Written 1-D throughout (N x C x L, kernels of one axis), as PyTorch writes Conv1d, so the importer reads it.
        var input = new FeatureShape(2, 1, 64);
        OpGraph block = OpGraph.Residual([new DepthwiseConvolution(Pair.Line(5), Pair.Line(1), Pair.Line(4, 0), Pair.Line(2)), Ops.BatchNorm(), Ops.Relu(), Ops.Pointwise(16), Ops.BatchNorm()]);
        OpGraph gated = OpGraph.Parallel(Ops.Multiply(), OpGraph.Identity, [Ops.GlobalAvgPool(), Ops.Pointwise(16, bias: true), Ops.Sigmoid()]);
        var network = new Network(
            "signal",
            input,
            [
                new Stage([new Unit("stem", [new Convolution(16, Pair.Line(7), Pair.Line(2), Pair.Line(3, 0), Pair.Line(1)), Ops.BatchNorm(), Ops.Relu()])]),
                new Stage([Ops.MaxPool(2) with { Kernel = Pair.Line(3), Stride = Pair.Line(2), Padding = Pair.Line(1, 0) }], [new Unit("block", block.Then(Ops.Relu())), new Unit("shuffle", [Ops.Pointwise(16, groups: 4), Ops.Shuffle(4)]), new Unit("gated", gated)]),
                new Stage([new Unit("down", [new Convolution(32, Pair.Line(3), Pair.Line(2), Pair.Line(1, 0), Pair.Line(1), Groups: 2, Bias: true), Ops.Relu()])]),
            ],
            [new AdaptivePooling(PoolKind.Average, Pair.Line(2)), Ops.Flatten(), Ops.Linear(4)],
            spatialRank: 1);

        string path = ExportAndCompare(network);
        Network read = OnnxImport.Load(path);

        // The importer cuts units at every convolution of a chain; the layers, costs, stages and fields are the same.
        Assert.Equal(1, read.SpatialRank);
        Assert.Equal(network.Input, read.Input);
        Assert.Equal(network.Output, read.Output);
        Assert.Equal(CostModel.Of(network).Total, CostModel.Of(read).Total);
        Assert.Equal(network.Stages.Count, read.Stages.Count);
        Assert.Equal(
            InformationField.Analyze(network).Stages.Select(stage => stage.Units[^1].If),
            InformationField.Analyze(read).Stages.Select(stage => stage.Units[^1].If));
    }

    [Fact]
    public void An_optimized_vgg16_round_trips_with_its_optimized_stages()
    {
        Network vgg = ModelZoo.Create("vgg16", "cifar10", 0.125);
        Network optimized = StageOrganizer.Optimize(vgg).After;
        Assert.NotEqual(vgg.Stages.Select(stage => stage.Units.Count), optimized.Stages.Select(stage => stage.Units.Count));
        string path = ExportAndCompare(optimized);
        AssertSameArchitecture(optimized, OnnxImport.Load(path));
    }

    [Fact]
    public void An_op_kind_registered_from_outside_exports_with_its_onnx_form()
    {
        // A user's op kind: its record (Core), its module (ModuleSet) and its ONNX form (OnnxExportSet), one line each.
        var network = new Network(
            "negated",
            new FeatureShape(4, 6, 6),
            [new Stage([new Unit("u", [Ops.Conv(8, 3, padding: 1), new Negate(), Ops.Relu()])])],
            [Ops.AdaptiveAvgPool(1), Ops.Flatten(), Ops.Linear(3)]);
        ModuleSet modules = ModuleSet.Default.With<Negate>((_, _) => new NegateModule());
        OnnxExportSet forms = OnnxExportSet.Default.With<Negate>((_, writer) => writer.Node("Neg", [writer.Input]));

        ExportAndCompare(network, modules, forms);
        using NetworkModule module = ModuleBuilder.Build(network, modules);
        var missing = Assert.Throws<UnregisteredOpException>(() => OnnxExport.ToModel(module));

        Assert.Equal("negated: no ONNX form for the op 'negate' (Negate); register one with OnnxExportSet.With", missing.Message);
    }

    [Fact]
    public void A_network_with_further_outputs_computes_and_writes_every_output()
    {
        // A small segmentation network: its main output back at the input's resolution, an auxiliary head on stage 1.
        var network = new Network(
            "two-heads",
            new FeatureShape(3, 16, 16),
            [
                new Stage([new Unit("a", [Ops.Conv(8, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()])]),
                new Stage([new Unit("b", [Ops.Conv(8, 3, stride: 2, padding: 1), Ops.Relu()]), new Unit("c", [Ops.Conv(8, 3, padding: 1), Ops.Relu()])]),
            ],
            [Ops.Conv(4, 1, bias: true), Resize.Linear(2)])
            .WithOutputs([new NetworkOutput("aux", 0, 0, [Ops.Conv(4, 1, bias: true)]), new NetworkOutput("mid", 1, 0, [])]);
        using NetworkModule module = ModuleBuilder.Build(network);
        using var scope = NewDisposeScope();

        Tensor[] outputs = module.ForwardOutputs(randn(2, 3, 16, 16));

        Assert.Equal(CostModel.Of(network).Total.Parameters, module.parameters().Sum(parameter => parameter.numel()));
        Assert.Equal([[2, 4, 16, 16], [2, 4, 16, 16], [2, 8, 8, 8]], outputs.Select(output => output.shape));
        string path = ExportAndCompare(network);

        // Read back: the main head's 1x1 conv and resize become units (the importer's head starts at a flatten or
        // linear), so the outputs read the same units and the counts are the same.
        Network back = OnnxImport.Load(path);
        Assert.Equal([("aux", 0, 0, 1), ("mid", 1, 0, 0)], back.Outputs.Select(output => (output.Name, output.Stage, output.Unit, output.Head.Count)));
        Assert.Equal(CostModel.Of(network).Total, CostModel.Of(back).Total);
        Assert.Equal(network.Layout.Outputs.ToArray(), back.Layout.Outputs.ToArray());
        Assert.Equal(network.Output, back.Output);

        // Training takes classifiers with one output: refused with one line naming the outputs.
        var refused = Assert.Throws<InfoFieldException>(() => InfoField.Torch.Training.ModelBinding.Check(network, new InfoField.Torch.Data.DataIdentity("cifar10", "cifar10", network.Input, 10), "two-heads"));
        Assert.StartsWith("two-heads: has 3 outputs ('out' and 'aux', ...); training and evaluation take a classifier with one output", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Exports a freshly initialized module (batch norm statistics drawn at random), runs it in both and compares; returns the file.</summary>
    private string ExportAndCompare(Network network, ModuleSet? modules = null, OnnxExportSet? forms = null) =>
        OnnxRuntimeComparison.ExportAndCompare(network, _folder, modules, forms);

    private sealed record Negate : ElementwiseOp
    {
        public override string Type => "negate";
    }

    private sealed class NegateModule() : nn.Module<Tensor, Tensor>("negate")
    {
        public override Tensor forward(Tensor input) => input.neg();
    }

    private static List<RollingPointwiseConvolution> Rolling(Network network) =>
        [.. network.Stages.SelectMany(stage => stage.Units).SelectMany(unit => unit.Graph).OfType<RollingPointwiseConvolution>()];

    private static void AssertSameArchitecture(Network expected, Network actual)
    {
        Assert.Equal(CostModel.Of(expected).Total.Parameters, CostModel.Of(actual).Total.Parameters);
        Assert.Equal(CostModel.Of(expected).Total.Macs, CostModel.Of(actual).Total.Macs);
        Assert.Equal(expected.Stages.Select(stage => stage.Units.Count), actual.Stages.Select(stage => stage.Units.Count));
    }
}
