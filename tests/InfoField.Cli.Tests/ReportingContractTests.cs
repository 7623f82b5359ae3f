using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Reporting;
using InfoField.Zoo;

namespace InfoField.Cli.Tests;

/// <summary>
/// The CLI prints the documents the Reporting library builds, byte for byte, so that any other host (a web app) that
/// calls the library produces exactly the CLI's JSON.
/// </summary>
public class ReportingContractTests
{
    [Theory]
    [InlineData("vgg16", "cifar10")]
    [InlineData("resnet50", "imagenet")]
    public void Analyze_json_is_the_library_document(string model, string dataset)
    {
        LoadedNetwork loaded = NetworkSource.Zoo(model, DatasetInfo.Find(dataset));

        string expected = DocumentJson.Serialize(NetworkAnalysis.Of(loaded).Document(loaded));

        Assert.Equal(expected, CliRun.Of("analyze", model, "--dataset", dataset, "--json").Output);
    }

    [Fact]
    public void Optimize_rule_decompose_reproduce_and_models_json_are_the_library_documents()
    {
        LoadedNetwork vgg = NetworkSource.Zoo("vgg16");
        var settings = new BlockSettings(2, 0.5);
        Decomposition decomposition = Decomposer.Decompose(vgg.Network, ReplacementBlock.DwPw, settings);

        Assert.Equal(DocumentJson.Serialize(OptimizationDocument.From(StageOrganizer.Optimize(vgg.Network), vgg, null, null)), CliRun.Of("optimize", "vgg16", "--json").Output);
        Assert.Equal(DocumentJson.Serialize(new[] { RuleVerdictDocument.From(KernelReplacementRule.Check(FactorizedBlock.C, 64, settings, 2)) }), CliRun.Of("rule", "C", "-c", "64", "--against", "2", "--json").Output);
        Assert.Equal(DocumentJson.Serialize(DecompositionDocument.From(decomposition, "vgg16", "cifar10", "dw-pw", settings, optimized: false, written: null)), CliRun.Of("decompose", "vgg16", "--block", "dw-pw", "--json").Output);
        Assert.Equal(DocumentJson.Serialize(ReproductionDocument.From(Reproduction.Run())), CliRun.Of("reproduce", "--json").Output);
        Assert.Equal(DocumentJson.Serialize(ModelsDocument.Of(new ZooRequest(DatasetInfo.Cifar10))), CliRun.Of("models", "--json").Output);
    }
}
