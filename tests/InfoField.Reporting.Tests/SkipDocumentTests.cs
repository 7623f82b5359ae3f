using System.Text.Json.Nodes;
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Organizer;
using InfoField.Reporting.Html;

namespace InfoField.Reporting.Tests;

/// <summary>A unit that reads an earlier unit's output (a skip) in analyze's JSON, its text table and the HTML report.</summary>
public class SkipDocumentTests
{
    // 1 x 8 x 8 -> a (8 x 8) | pool -> b (4 x 4) | c: up x2, concat with a's output, conv3 (8 x 8).
    private static LoadedNetwork UNet() => new(
        new Network(
            "unet",
            new FeatureShape(1, 8, 8),
            [
                new Stage([new Unit("a", [Ops.Conv(4, 3, padding: 1)])]),
                new Stage([Ops.MaxPool(2)], [new Unit("b", [Ops.Conv(8, 3, padding: 1)])]),
                new Stage([new Unit("c", new OpGraph([new GraphNode(Resize.Nearest(2), [0]), new GraphNode(new Concat(), [1, OpGraph.SkipTensor(0)]), new GraphNode(Ops.Conv(4, 3, padding: 1), [2])])) { Skips = [new UnitReference(0, 0)] }]),
            ],
            [Ops.Conv(2, 1)]),
        "spec",
        null,
        1.0,
        "unet.json");

    [Fact]
    public void Analyze_writes_the_skips_a_unit_reads_and_says_what_they_add()
    {
        LoadedNetwork loaded = UNet();
        NetworkAnalysis analysis = NetworkAnalysis.Of(loaded);

        JsonNode json = JsonNode.Parse(DocumentJson.Serialize(analysis.Document(loaded)))!;
        JsonNode decoder = json["stages"]![2]!["units"]![0]!;
        string text = FieldTable.Render(InformationField.Analyze(loaded.Network), detail: true);

        Assert.Equal("[{\"stage\":1,\"unit\":1}]", decoder["skips"]!.ToJsonString());
        Assert.Equal([1, -1], decoder["ops"]![1]!["inputs"]!.AsArray().Select(input => input!.GetValue<int>()));
        Assert.Null(json["stages"]![0]!["units"]![0]!["skips"]);
        Assert.Contains("t2 = concat(t1, skip0)", text, StringComparison.Ordinal);
        Assert.Contains("skips: stage 3 unit 1 (c) reads skip0 = stage 1 unit 1; a skip from an earlier stage adds nothing to this stage's field", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_skip_from_the_same_stage_is_said_to_bring_its_field()
    {
        // 1 x 8 x 8 -> a -> b -> c = a's output + b's output (an FPN's lateral at the deeper level's resolution).
        var network = new Network(
            "fpn",
            new FeatureShape(1, 8, 8),
            [
                new Stage([
                    new Unit("a", [Ops.Conv(4, 3, padding: 1)]),
                    new Unit("b", [Ops.Conv(4, 3, padding: 1)]),
                    new Unit("c", new OpGraph([new GraphNode(Ops.Add(), [0, OpGraph.SkipTensor(0)])])) { Skips = [new UnitReference(0, 0)] },
                ]),
            ],
            [Ops.Conv(2, 1)]);

        string text = FieldTable.Render(InformationField.Analyze(network), detail: true);

        Assert.Contains("skips: stage 1 unit 3 (c) reads skip0 = stage 1 unit 1; a skip from this stage brings the field of the unit it reads, and each output's", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_html_report_draws_a_unit_that_reads_a_skip()
    {
        string page = HtmlReport.Render(ReportBuilder.Build(UNet(), OrganizerOptions.Default, null, [], [], null));

        Assert.Contains("t2 = concat(t1, skip0)", page, StringComparison.Ordinal);
        Assert.Contains("a U-Net&#39;s or an FPN&#39;s", page, StringComparison.Ordinal);
    }
}
