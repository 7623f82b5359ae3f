using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Kernels;
using InfoField.Onnx;
using InfoField.Organizer;

namespace InfoField.Torch.Tests;

/// <summary>
/// Imported ConvNeXt networks (tests/fixtures/onnx) through the organizer and the decomposer, written as ONNX: ONNX
/// Runtime computes each as TorchSharp does (same input and output shapes, same values), and the written file reads
/// back as the same layers (layer norm over channels, pointwise convolutions, GELU, layer scale).
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class ConvNextExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("infofield-convnext-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_authors_style_convnext_optimized_and_decomposed_runs_in_onnx_runtime_and_reads_back()
    {
        Network imported = OnnxImport.Load(Repository.OnnxFixture("convnext_variant"));
        Network optimized = StageOrganizer.Optimize(imported).After;
        Network decomposed = Decomposer.Decompose(imported, ReplacementBlock.DwRpw, new BlockSettings(2, 0.5)).After;

        Assert.True(CostModel.Of(decomposed).Total.Parameters < CostModel.Of(imported).Total.Parameters, "the decomposer replaced the downsampling convolution");
        foreach (Network network in new[] { imported, optimized, decomposed })
        {
            string path = OnnxRuntimeComparison.ExportAndCompare(network, _folder);
            Network read = OnnxImport.Load(path);

            Assert.Equal(CostModel.Of(network).Total, CostModel.Of(read).Total);
            Assert.Equal(network.Stages.SelectMany(stage => stage.Units).Select(unit => unit.Ops), read.Stages.SelectMany(stage => stage.Units).Select(unit => unit.Ops));
        }
    }

    [Fact]
    public void Convnext_tiny_optimized_runs_in_onnx_runtime_with_the_same_input_and_output_shapes()
    {
        Network imported = OnnxImport.Load(Repository.OnnxFixture("convnext_tiny_opset17"));
        Network optimized = StageOrganizer.Optimize(imported).After;

        Assert.True(optimized.Units.Count() < imported.Units.Count(), "at 64 x 64 the later stages see their whole input: the organizer removes units");
        string path = OnnxRuntimeComparison.ExportAndCompare(optimized, _folder);
        Network read = OnnxImport.Load(path);
        Assert.Equal(imported.Input, read.Input);
        Assert.Equal(imported.Layout.Output, read.Layout.Output);
        Assert.Equal(CostModel.Of(optimized).Total, CostModel.Of(read).Total);
    }
}
