using System.Text.Json;
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Reporting.Html;

namespace InfoField.Reporting.Tests;

/// <summary>
/// The documents built by the Reporting library alone, as any host (the CLI, a web app) builds them; that the CLI
/// prints exactly these is tested in InfoField.Cli.Tests (ReportingContractTests).
/// </summary>
public class DocumentTests
{
    [Fact]
    public void The_analysis_document_carries_the_field_and_the_verdicts()
    {
        LoadedNetwork vgg = NetworkSource.Zoo("vgg16");

        AnalysisDocument document = NetworkAnalysis.Of(vgg).Document(vgg);

        Assert.Equal(AnalysisDocument.SchemaName, document.Schema);
        Assert.Equal(("vgg16", "zoo", "cifar10"), (document.Model, document.Source, document.Dataset));
        Assert.Equal(14_728_266, document.Params);
        Assert.Equal([2, 2, 3, 3, 3], document.Stages.Select(stage => stage.Units.Count));
        Assert.NotNull(document.Verdicts);
        Assert.Equal([(4, 3), (5, 2), (5, 3)], document.Verdicts.Saturated.Select(unit => (unit.Stage, unit.Unit)));
        Assert.Equal(5, document.Verdicts.Organizer!.Moves);
    }

    [Fact]
    public void Alpha_frame_and_theta_reach_the_document()
    {
        LoadedNetwork vgg = NetworkSource.Zoo("vgg16");

        NetworkAnalysis paper = NetworkAnalysis.Of(vgg);
        NetworkAnalysis other = NetworkAnalysis.Of(vgg, new FieldOptions(1.5, CoordinateFrame.Output), theta: 0.5);

        Assert.Equal((3.0, "input", 0.0), (paper.Document(vgg).Alpha, paper.Document(vgg).Frame, paper.Verdicts.Theta));
        Assert.Equal((1.5, "output", 0.5), (other.Document(vgg).Alpha, other.Document(vgg).Frame, other.Verdicts.Theta));
        Assert.True(other.Verdicts.Saturated.Count >= paper.Verdicts.Saturated.Count);
    }

    [Fact]
    public void Documents_are_written_with_inline_shapes_and_every_property()
    {
        LoadedNetwork vgg = NetworkSource.Zoo("vgg11");
        AnalysisDocument withoutVerdicts = AnalysisDocument.From(InformationField.Analyze(vgg.Network), vgg);

        string json = DocumentJson.Serialize(withoutVerdicts);

        Assert.Contains("\n  \"input\": [3, 32, 32],\n", json, StringComparison.Ordinal);
        Assert.Contains("\n  \"verdicts\": null,\n", json, StringComparison.Ordinal);
        Assert.Contains("\n  \"outputs\": []\n", json, StringComparison.Ordinal); // a classifier with one vector output
        Assert.EndsWith("}\n", json, StringComparison.Ordinal);
        Assert.Equal("infofield-analysis/1", JsonDocument.Parse(json).RootElement.GetProperty("schema").GetString());
    }

    [Fact]
    public void Rule_verdicts_list_the_field_and_each_removal()
    {
        RuleVerdict verdict = KernelReplacementRule.Check(FactorizedBlock.F, 64, new BlockSettings(2, 0.5), 1);

        RuleVerdictDocument document = RuleVerdictDocument.From(verdict);

        Assert.Equal([3, 3, 32], document.BlockField);
        Assert.Equal(288, document.BlockIf);
        Assert.Equal(["dw", "rpw"], document.Removals.Select(removal => removal.Kernel));
        Assert.Equal(RuleTable.Build().Count, RuleTable.Build().Select(RuleTableRowDocument.From).Count(row => row.AgainstOne.Against == 1 && row.AgainstTwo.Against == 2));
    }

    [Fact]
    public void The_decomposition_document_holds_the_decomposed_spec()
    {
        Decomposition result = Decomposer.Decompose(NetworkSource.Zoo("vgg11").Network, ReplacementBlock.DwPw, new BlockSettings());

        DecompositionDocument document = DecompositionDocument.From(result, "vgg11", "cifar10", "dw-pw", new BlockSettings(), optimized: false, written: null);

        Assert.Equal(result.ReplacedCount, document.Replaced);
        Assert.Equal(result.Replacements.Count, document.Replacements.Count);
        Assert.Equal(result.After, Spec.NetworkSpec.Parse(document.Architecture.GetRawText()));
        Assert.True(document.Params < document.Before.Params);
    }

    [Fact]
    public void The_html_report_is_one_self_contained_page()
    {
        LoadedNetwork vgg = NetworkSource.Zoo("vgg16");
        ReportDocument report = ReportBuilder.Build(vgg, OrganizerOptions.Default, null, [], [], null);

        string page = HtmlReport.Render(report);

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.Contains("14,728,266", page, StringComparison.Ordinal);
        Assert.NotEmpty(HtmlReport.ChartsOf(report));
        Assert.All(HtmlReport.ChartsOf(report), chart => Assert.Contains($"id=\"{chart.Id}\"", page, StringComparison.Ordinal));
    }

    [Fact]
    public void A_network_of_stem_units_only_is_reported_without_an_organizer_chart()
    {
        var network = new Network("stem-only", new FeatureShape(3, 8, 8), [new Stage([new Unit("stem", [Ops.Conv(8, 3, padding: 1)], UnitRole.Stem)])], [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(2)]);
        ReportDocument report = ReportBuilder.Build(new LoadedNetwork(network, "spec", null, 1.0, "stem-only.json"), OrganizerOptions.Default, null, [], [], null);

        string page = HtmlReport.Render(report);

        Assert.Empty(report.Optimization.Before.StageNumbers);
        Assert.DoesNotContain(HtmlReport.ChartsOf(report), chart => chart.Id == "organizer");
        Assert.Contains("stem-only", page, StringComparison.Ordinal);
    }
}
