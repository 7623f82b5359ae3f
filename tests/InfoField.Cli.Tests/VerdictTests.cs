using System.Text.Json;
using InfoField.Torch.Tests.Training;

namespace InfoField.Cli.Tests;

public class VerdictTests
{
    public static TheoryData<string, string[]> ZooVerdicts => new()
    {
        {
            "vgg16",
            [
                "3 of 13 units are saturated (dIF 0), adding nothing to what their stage sees: stage 4 unit 3, stage 5 units 2-3; stages 4 and 5 already see their whole input (stage 4 from unit 2 of 3, stage 5 from unit 1 of 3).",
                "Every unit sees all of its stage's input channels.",
                "The stage-level organizer (optimize) would move 5 units (from stages 3, 4 and 5 to stages 1 and 2; units per stage 2,2,3,3,3 to 5,4,2,1,1), changing parameters by -65.4% (14,728,266 to 5,101,194) and MACs by +18.1% (313.2M to 369.8M).",
            ]
        },
        {
            "mobilenet",
            [
                "3 of 14 units are saturated (dIF 0), adding nothing to what their stage sees: stage 4 units 4-6; stages 4 and 5 already see their whole input (stage 4 from unit 3 of 6, stage 5 from unit 2 of 2).",
                "Every unit sees all of its stage's input channels.",
                "The stage-level organizer (optimize) would move 5 units (from stages 4 and 5 to stages 1, 2 and 3; units per stage 1,2,2,6,2 to 3,4,3,2,1), changing parameters by -62.9% (3,217,226 to 1,194,954) and MACs by +3.4% (46.4M to 47.9M).",
            ]
        },
        {
            "resnet50",
            [
                "1 of 17 units is saturated (dIF 0), adding nothing to what their stage sees: stage 3 unit 6; stages 3 and 4 already see their whole input (stage 3 from unit 5 of 6, stage 4 from unit 3 of 3).",
                "Every unit sees all of its stage's input channels.",
                "The stage-level organizer (optimize) would move 3 units (from stages 3 and 4 to stages 1 and 2; units per stage 3,4,6,3 to 5,5,4,2), changing parameters by -26.7% (23,520,842 to 17,244,746) and MACs by 0% (1.30G to 1.30G).",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(ZooVerdicts))]
    public void Analyze_ends_with_verdicts_in_text_and_json(string model, string[] sentences)
    {
        CliRun text = CliRun.Of("analyze", model);
        JsonElement json = CliRun.Of("analyze", model, "--json").Json().GetProperty("verdicts");

        Assert.Equal(0, text.ExitCode);
        Assert.EndsWith("What this means:\n" + string.Concat(sentences.Select(s => $"- {s}\n")), text.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(sentences, json.GetProperty("sentences").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public void The_json_lists_the_facts_behind_the_sentences()
    {
        JsonElement verdicts = CliRun.Of("analyze", "vgg16", "--json").Json().GetProperty("verdicts");

        Assert.Equal(0, verdicts.GetProperty("theta").GetDouble());
        Assert.Equal([(4, 3), (5, 2), (5, 3)], verdicts.GetProperty("saturated").EnumerateArray().Select(s => (s.GetProperty("stage").GetInt32(), s.GetProperty("unit").GetInt32())));
        Assert.All(verdicts.GetProperty("saturated").EnumerateArray(), s => Assert.Equal(0, s.GetProperty("deltaIf").GetDouble()));
        Assert.Equal([(4, 2), (5, 1)], verdicts.GetProperty("covered").EnumerateArray().Select(c => (c.GetProperty("stage").GetInt32(), c.GetProperty("fromUnit").GetInt32())));
        Assert.Equal(0, verdicts.GetProperty("partialChannels").GetArrayLength());
        JsonElement organizer = verdicts.GetProperty("organizer");
        Assert.Equal(5, organizer.GetProperty("moves").GetInt32());
        Assert.Equal(0, organizer.GetProperty("removals").GetInt32());
        Assert.Equal(5_101_194, organizer.GetProperty("paramsAfter").GetInt64());
        Assert.Equal([5, 4, 2, 1, 1], organizer.GetProperty("after").EnumerateArray().Select(v => v.GetInt32()));
    }

    [Fact]
    public void Theta_widens_saturation_and_grouped_layers_show_unseen_channels()
    {
        using var temp = new TempFolder();
        string spec = temp["grouped.json"];
        File.WriteAllText(spec, """
            { "name": "grouped", "input": [3, 16, 16],
              "stages": [
                { "units": [ { "name": "conv3-16", "ops": [ { "type": "conv", "out": 16, "kernel": 3, "padding": 1 }, { "type": "relu" } ] } ] },
                { "entry": [ { "type": "maxpool", "kernel": 2 } ],
                  "units": [
                    { "name": "gpw-16", "ops": [ { "type": "gpw", "out": 16, "groups": 4 }, { "type": "relu" } ] },
                    { "name": "dw3-16", "ops": [ { "type": "dw", "kernel": 3, "padding": 1 }, { "type": "relu" } ] } ] } ],
              "head": [ { "type": "globalavgpool" }, { "type": "flatten" }, { "type": "linear", "out": 10 } ] }
            """);

        JsonElement verdicts = CliRun.Of("analyze", spec, "--json").Json().GetProperty("verdicts");
        string[] sentences = [.. verdicts.GetProperty("sentences").EnumerateArray().Select(s => s.GetString()!)];
        Assert.Equal("2 unit(s) have output channels that never see part of their stage's input channels: stage 2 unit 1 (gpw-16: 4 of 16), stage 2 unit 2 (dw3-16: 4 of 16).", sentences[1]);
        Assert.Equal([4, 4], verdicts.GetProperty("partialChannels").EnumerateArray().Select(p => p.GetProperty("ifC").GetInt32()));

        JsonElement vgg16 = CliRun.Of("analyze", "vgg16", "--theta", "0.2", "--json").Json().GetProperty("verdicts");
        Assert.Equal([(4, 2), (4, 3), (5, 2), (5, 3)], vgg16.GetProperty("saturated").EnumerateArray().Select(s => (s.GetProperty("stage").GetInt32(), s.GetProperty("unit").GetInt32())));
        Assert.StartsWith("4 of 13 units are saturated (dIF 0 or below theta = 0.2), adding little or nothing", vgg16.GetProperty("sentences")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_verdicts_head_the_html_report()
    {
        using var temp = new TempFolder();
        string html = temp["vgg16.html"];

        Assert.Equal(0, CliRun.Of("report", "vgg16", "-o", html).ExitCode);

        string page = File.ReadAllText(html);
        int verdicts = page.IndexOf("<section id=\"section-verdicts\">", StringComparison.Ordinal);
        Assert.True(verdicts > 0 && verdicts < page.IndexOf("<section id=\"section-summary\">", StringComparison.Ordinal), "the verdicts come before the summary");
        foreach (string sentence in (string[])ZooVerdicts.Select(row => row[1]).First())
        {
            Assert.Contains($"<li>{System.Net.WebUtility.HtmlEncode(sentence)}</li>", page, StringComparison.Ordinal);
        }
    }
}
