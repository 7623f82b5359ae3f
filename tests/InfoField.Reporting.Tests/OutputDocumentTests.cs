using System.Text.Json.Nodes;
using InfoField.Architecture;
using InfoField.Organizer;
using InfoField.Reporting.Html;
using InfoField.Zoo;

namespace InfoField.Reporting.Tests;

/// <summary>The outputs of a network with an auxiliary head in analyze's JSON, its text and the HTML report.</summary>
public class OutputDocumentTests
{
    // 1 x 16 x 16; out: back at 16 x 16 after a stride-2 stage; aux: a 1x1 conv on the first unit.
    private static LoadedNetwork Segmenter() => new(
        new Network(
                "segmenter",
                new FeatureShape(1, 16, 16),
                [new Stage([new Unit("a", [Ops.Conv(4, 3, padding: 1)])]), new Stage([new Unit("b", [Ops.Conv(4, 3, stride: 2, padding: 1)])])],
                [Resize.Nearest(2)])
            .WithOutputs([new NetworkOutput("aux", 0, 0, [Ops.Conv(2, 1)])]),
        "spec",
        null,
        1.0,
        "segmenter.json");

    [Fact]
    public void Analyze_reports_every_output_in_the_frame_of_the_input()
    {
        LoadedNetwork loaded = Segmenter();
        NetworkAnalysis analysis = NetworkAnalysis.Of(loaded);

        JsonNode json = JsonNode.Parse(DocumentJson.Serialize(analysis.Document(loaded)))!;
        JsonArray outputs = json["outputs"]!.AsArray();

        Assert.Equal(["out", "aux"], outputs.Select(output => output!["name"]!.GetValue<string>()));
        Assert.Equal((2, 1, 1.0, 5, 5, false), (outputs[0]!["stage"]!.GetValue<int>(), outputs[0]!["unit"]!.GetValue<int>(), outputs[0]!["strideH"]!.GetValue<double>(), outputs[0]!["ifH"]!.GetValue<int>(), outputs[0]!["ifHInterior"]!.GetValue<int>(), outputs[0]!["covers"]!.GetValue<bool>()));
        Assert.Equal((1, 1, 3), (outputs[1]!["stage"]!.GetValue<int>(), outputs[1]!["unit"]!.GetValue<int>(), outputs[1]!["ifW"]!.GetValue<int>()));
        Assert.Equal(
            "- aux (stage 1, unit 1; 2 x 16 x 16, output stride 1 x 1): one neuron sees up to 3 x 3 of 16 x 16 input pixels (3 x 3 guaranteed away from the borders; receptive field 3 x 3 px without borders) and 1 of 1 channels; its field does not cover the input",
            analysis.RenderOutputs().Split('\n')[2]);
    }

    [Fact]
    public void A_classifier_reports_no_outputs_and_the_html_report_lists_them_when_there_are()
    {
        LoadedNetwork vgg = NetworkSource.Zoo("vgg11", DatasetInfo.Cifar10, 0.125);

        Assert.Empty(NetworkAnalysis.Of(vgg, outlook: false).Document(vgg).Outputs);
        Assert.Equal("", NetworkAnalysis.Of(vgg, outlook: false).RenderOutputs());
        string page = HtmlReport.Render(ReportBuilder.Build(Segmenter(), OrganizerOptions.Default, null, [], [], null));
        Assert.Contains("<section id=\"section-outputs\"><h2>Outputs (fields in the frame of the 1 x 16 x 16 input)</h2><ul><li>out (stage 2, unit 1;", page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_outputs_table_gives_each_fact_of_an_outputs_sentence_a_column_in_the_html_report_too()
    {
        LoadedNetwork loaded = Segmenter();
        AnalysisDocument analysis = NetworkAnalysis.Of(loaded).Document(loaded);

        ReportTable table = ReportTables.Outputs(analysis.Outputs, analysis.Input);
        string page = HtmlReport.Render(ReportBuilder.Build(loaded, OrganizerOptions.Default, null, [], [], null));

        Assert.Equal(
            ["output", "reads", "map", "output stride", "best-placed span", "interior minimum", "channels", "RF (px)", "covers the input"],
            table.Header.Select(cell => cell.Text));
        Assert.Equal(["out|stage 2, unit 1|4x16x16|1x1|5x5 of 16x16|5x5|1 of 1|5x5|no", "aux|stage 1, unit 1|2x16x16|1x1|3x3 of 16x16|3x3|1 of 1|3x3|no"], table.Rows.Select(row => string.Join('|', row.Cells.Select(cell => cell.Text))));
        Assert.Contains("</ul><table id=\"outputs-table\"><tr><th>output</th>", page, StringComparison.Ordinal);
        Assert.Contains("<td>aux</td><td>stage 1, unit 1</td><td class=\"num\">2x16x16</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_that_reads_another_says_so_in_the_json_the_text_and_the_table()
    {
        LoadedNetwork segmenter = Segmenter();
        NetworkOutput aux = segmenter.Network.Outputs[0];
        LoadedNetwork loaded = segmenter with { Network = segmenter.Network.WithOutputs([aux, NetworkOutput.Continuing("pool", aux, [Ops.MaxPool(3, 2, padding: 1)])]) };
        NetworkAnalysis analysis = NetworkAnalysis.Of(loaded);
        AnalysisDocument document = analysis.Document(loaded);

        JsonArray outputs = JsonNode.Parse(DocumentJson.Serialize(document))!["outputs"]!.AsArray();
        ReportTable table = ReportTables.Outputs(document.Outputs, document.Input);

        // The pooling of stride 2 over aux's map (3 x 3 of the input) reads 3 of its rows: 5 input rows.
        Assert.Equal(("aux", 1, 1, 5), (outputs[2]!["reads"]!.GetValue<string>(), outputs[2]!["stage"]!.GetValue<int>(), outputs[2]!["unit"]!.GetValue<int>(), outputs[2]!["ifH"]!.GetValue<int>()));
        Assert.False(outputs[1]!.AsObject().ContainsKey("reads"));
        Assert.StartsWith("- pool (output 'aux', stage 1, unit 1; 2 x 8 x 8, output stride 2 x 2): one neuron sees up to 5 x 5", analysis.RenderOutputs().Split('\n')[3], StringComparison.Ordinal);
        Assert.Equal("pool|output 'aux', stage 1, unit 1|2x8x8|2x2|5x5 of 16x16|5x5|1 of 1|5x5|no", string.Join('|', table.Rows[2].Cells.Select(cell => cell.Text)));
    }
}
