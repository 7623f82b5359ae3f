using System.Globalization;
using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Reporting;
using InfoField.Reporting.Html;
using InfoField.Spec;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace InfoField.Web.Tests;

/// <summary>What only the page does: select a unit, change the settings, run the organizer and the decomposer.</summary>
[Collection(SiteCollection.Name)]
public sealed class InteractionTests(PublishedSite site, ITestOutputHelper output)
{
    [BrowserFact]
    public void A_selected_unit_shows_its_ops_fields_and_what_one_output_neuron_reaches()
    {
        string path = Repository.OnnxFixtures.Single(file => file.EndsWith("resnet50.onnx", StringComparison.Ordinal));
        LoadedNetwork loaded = Expected.Onnx(path);
        UnitDocument unit = Expected.Analysis(loaded).Stages[1].Units[1];
        using var browser = new Browser(1200, 1800);
        browser.Open(site.Address);
        browser.ChooseFile(path);
        Assert.Null(browser.WaitForAnalysis("resnet50"));

        browser.Hook("unit-2-2").Click();

        IWebElement detail = browser.Hook("unit-detail");
        Assert.Contains($"Stage 2, unit 2: {unit.Name}", detail.Text);
        Assert.Equal(unit.Ops.Count, detail.FindElements(By.CssSelector("table tbody tr")).Count);
        Assert.Equal(unit.Ops.Count, detail.FindElements(By.CssSelector("svg .op, svg .merge")).Count);
        NeuronReach reach = NeuronReach.Of(loaded.Network, 2, 2);
        Assert.Equal((unit.IfH, unit.IfW, unit.IfC), (reach.IfH, reach.IfW, reach.Coverage.Minimum()));
        Assert.Contains($"reaches a window of {reach.IfH} x {reach.IfW} of the stage's {reach.Frame.Height} x {reach.Frame.Width} positions and {reach.Coverage.Count(0)} of its {reach.Frame.Channels} channels", browser.Text("reach-text"));

        // The neuron of an op inside the unit: the first convolution's output, output channel 3.
        WebPageTests.Pick(browser, "reach-tensor", "1");
        IWebElement channel = browser.Hook("reach-channel");
        channel.Clear();
        channel.SendKeys("3" + Keys.Tab);
        NeuronReach first = NeuronReach.Of(loaded.Network, 2, 2, 1);
        Browser.Wait("the op's reach", () => browser.Text("reach-text").Contains($"output channel 3 (", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Contains($"reaches a window of {first.IfH} x {first.IfW} of the stage's", browser.Text("reach-text"));
        Assert.Contains($"{first.Coverage.Count(2)} of its {first.Frame.Channels} channels", browser.Text("reach-text"));

        ((IJavaScriptExecutor)browser.Driver).ExecuteScript("document.activeElement.blur(); document.getElementById('unit-detail').scrollIntoView({block: 'start'});");
        Save(browser, "web-unit.png");

        // Another unit of the same stage: its detail replaces the first and takes the focus.
        browser.Hook("unit-2-3").Click();
        Browser.Wait("unit 3's detail", () => browser.Text("unit-detail").Contains("Stage 2, unit 3: ", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Single(browser.Hooks("unit-detail"));
        Assert.Equal("unit-detail", browser.Driver.SwitchTo().ActiveElement().GetAttribute("data-testid"));
        Assert.Contains("output channel 1 (", browser.Text("reach-text"));
        Assert.Empty(browser.ConsoleProblems());
    }

    [BrowserFact]
    public void The_report_downloads_equal_what_infofield_report_writes_and_settings_change_them_as_the_options_do()
    {
        string path = Repository.OnnxFixtures.Single(file => file.EndsWith("mobilenet_v2.onnx", StringComparison.Ordinal));
        LoadedNetwork loaded = Expected.Onnx(path);
        using var browser = new Browser(1200, 1800);
        browser.Open(site.Address);
        browser.ChooseFile(path);
        Assert.Null(browser.WaitForAnalysis("mobilenet_v2"));
        Save(browser, "web-overview.png");

        ReportDocument report = ReportBuilder.Build(loaded, OrganizerOptions.Default, null, [], [], null);
        foreach (Chart chart in HtmlReport.ChartsOf(report))
        {
            IWebElement svg = browser.Driver.FindElement(By.Id(chart.Id));
            Assert.Equal("svg", svg.TagName);
            Assert.NotEmpty(svg.FindElements(By.CssSelector("rect")));
        }

        Assert.Equal(HtmlReport.ChartsOf(report).Count, browser.Driver.FindElements(By.CssSelector("#app svg.chart")).Count);
        Assert.Equal(report.Analysis.Verdicts!.Sentences, browser.Hook("verdicts").FindElements(By.TagName("li")).Select(item => item.Text));
        Assert.Equal(HtmlReport.Render(report, "infofield report mobilenet_v2.onnx -o mobilenet_v2.report.html"), browser.Download("report-html"));
        Assert.Equal(DocumentJson.Serialize(report), browser.Download("report-json"));
        Assert.Equal(NetworkSpec.Serialize(loaded.Network), browser.Download("spec-json"));

        SetText(browser, "set-alpha", "2");
        SetText(browser, "set-theta", "0.05");
        WebPageTests.Pick(browser, "set-policy", "saturated");
        browser.Hook("set-apply").Click();
        Assert.Null(browser.WaitForAnalysis("mobilenet_v2"));
        var options = new OrganizerOptions(CoordinateFrame.Input, OrganizerPolicy.Saturated, 0.05, 2);
        Assert.Equal(Expected.AnalysisJson(loaded, options.Field, options.Theta), browser.Download("analysis-json"));
        Assert.Contains("infofield analyze mobilenet_v2.onnx --alpha 2 --theta 0.05 --json", browser.Driver.FindElement(By.Id("downloads-list")).Text);
        Assert.Equal(DocumentJson.Serialize(ReportBuilder.Build(loaded, options, null, [], [], null)), browser.Download("report-json"));

        SetText(browser, "set-alpha", "-1");
        browser.Hook("set-apply").Click();
        Assert.Equal("alpha: must be a finite number greater than 0 (got -1)", browser.WaitForError());
        Assert.Empty(browser.ConsoleProblems());
    }

    [BrowserFact]
    public void Every_outputs_field_is_shown_and_a_classifier_shows_none()
    {
        string path = Repository.OnnxFixtures.Single(file => file.EndsWith("fcn_resnet50_aux_opset11.onnx", StringComparison.Ordinal));
        AnalysisDocument expected = Expected.Analysis(Expected.Onnx(path));
        using var browser = new Browser(1200, 1800);
        browser.Open(site.Address);
        browser.ChooseFile(path);
        Assert.Null(browser.WaitForAnalysis("fcn_resnet50_aux_opset11"));

        // out and aux, each as analyze's text says it and as the report's outputs table gives it, cell by cell.
        IWebElement section = browser.Driver.FindElement(By.Id("section-outputs"));
        Assert.Equal(OutputDocument.Title(expected.Input), section.FindElement(By.TagName("h3")).Text);
        Assert.Equal(expected.Outputs.Select(o => o.Describe(expected.Input)), browser.Hook("outputs").FindElements(By.TagName("li")).Select(item => item.Text));
        ReportTable table = ReportTables.Outputs(expected.Outputs, expected.Input);
        Assert.Equal(table.Header.Select(cell => cell.Text), section.FindElements(By.CssSelector("thead th")).Select(cell => cell.Text));
        Assert.Equal(
            table.Rows.Select(row => string.Join('|', row.Cells.Select(cell => cell.Text))),
            section.FindElements(By.CssSelector("tbody tr")).Select(row => string.Join('|', row.FindElements(By.CssSelector("th, td")).Select(cell => cell.Text))));
        Assert.Equal(["out", "aux"], expected.Outputs.Select(o => o.Name));
        Assert.Equal("aux|stage 3, unit 10|21x128x128|1x1|128x128 of 128x128|128x128|3 of 3|291x291|yes", string.Join('|', table.Rows[1].Cells.Select(cell => cell.Text)));

        // A classifier (one vector output, no further ones) shows no outputs section, as its report has none.
        browser.ChooseFile(Repository.OnnxFixtures.Single(file => file.EndsWith("resnet18.onnx", StringComparison.Ordinal)));
        Assert.Null(browser.WaitForAnalysis("resnet18"));
        Assert.Empty(browser.Driver.FindElements(By.Id("section-outputs")));
        Assert.Empty(browser.Hooks("outputs"));
        Assert.Empty(browser.ConsoleProblems());
    }

    [BrowserFact]
    public void A_3d_networks_page_shows_the_depth_factor_wherever_the_height_and_width_are_shown()
    {
        LoadedNetwork loaded = Expected.Zoo("r3d-18", "kinetics400");
        AnalysisDocument expected = Expected.Analysis(loaded);
        using var browser = new Browser(1200, 1800);
        browser.Open(site.Address);
        WebPageTests.Pick(browser, "zoo-model", "r3d-18");
        WebPageTests.Pick(browser, "zoo-dataset", "kinetics400");
        browser.Hook("zoo-open").Click();
        Assert.Null(browser.WaitForAnalysis("r3d-18", TimeSpan.FromSeconds(300)));

        // Every stage's units table as the report's, IF^d leading the factors, and its chart with IF^d against d0.
        foreach (StageDocument stage in expected.Stages)
        {
            ReportTable table = ReportTables.Units(stage, expected.Field);
            IWebElement section = browser.Driver.FindElement(By.CssSelector($"table:has([data-testid='unit-{stage.Index}-1'])"));
            Assert.Equal(table.Header.Select(cell => cell.Text), section.FindElements(By.CssSelector("thead th")).Select(cell => cell.Text));
            Assert.Equal(
                table.Rows.Select(row => string.Join('|', row.Cells.Select(cell => cell.Text))),
                section.FindElements(By.CssSelector("tbody tr")).Select(row => string.Join('|', row.FindElements(By.CssSelector("th, td")).Select(cell => cell.Text))));
            Assert.Contains($"spatial field IF^d, IF^h = IF^w", browser.Driver.FindElement(By.Id($"stage-{stage.Index}-field")).GetDomProperty("textContent"), StringComparison.Ordinal);
        }

        Assert.Equal("IF^d x IF^h x IF^w x IF^c", ReportTables.Units(expected.Stages[1], expected.Field).Header[2].Text);

        // A selected unit: its ops' factors and the window one output neuron reaches, frames included.
        UnitDocument unit = expected.Stages[1].Units[0];
        browser.Hook("unit-2-1").Click();
        IWebElement detail = browser.Hook("unit-detail");
        ReportTable ops = ReportTables.Ops(unit, expected.Field);
        Assert.Equal(ops.Rows.Select(row => row.Cells[2].Text), detail.FindElements(By.CssSelector("table tbody tr")).Select(row => row.FindElements(By.CssSelector("th, td"))[2].Text));
        NeuronReach reach = NeuronReach.Of(loaded.Network, 2, 1);
        Assert.Equal((unit.IfD, unit.IfH, unit.IfW), (reach.IfD, reach.IfH, reach.IfW));
        Assert.Contains($"reaches a window of {reach.IfD} x {reach.IfH} x {reach.IfW} of the stage's {reach.Frame.Depth} x {reach.Frame.Height} x {reach.Frame.Width} positions", browser.Text("reach-text"));
        Assert.Empty(browser.ConsoleProblems());
    }

    [BrowserFact]
    public void The_organizer_and_the_decomposer_run_with_the_commands_options_and_their_results_open_and_download()
    {
        using var browser = new Browser(1200, 1800);
        browser.Open(site.Address);
        WebPageTests.Pick(browser, "zoo-model", "vgg19");
        browser.Hook("zoo-open").Click();
        Assert.Null(browser.WaitForAnalysis("vgg19"));

        // The paper preset on VGG19 / CIFAR-10 (saturated policy, theta 0.05) reorganizes it to 6,4,3,2,1.
        browser.Hook("set-preset").Click();
        browser.Hook("set-apply").Click();
        Assert.Null(browser.WaitForAnalysis("vgg19"));
        LoadedNetwork vgg19 = Expected.Zoo("vgg19");
        PresetChoice preset = PaperRows.Preset("vgg19", vgg19.Dataset!);
        OrganizerResult run = StageOrganizer.Optimize(vgg19.Network, preset.Options);
        string table = browser.Driver.FindElement(By.CssSelector("#section-organizer table.before-after")).Text;
        Assert.Contains($"after 6,4,3,2,1 {run.AfterCost.Parameters.ToString("N0", CultureInfo.InvariantCulture)}", table);
        Network organized = NetworkSpec.Parse(browser.Download("organized-spec"), "organized.json", "organized");
        Assert.Equal(run.AfterCost, CostModel.Of(organized).Total);
        browser.Hook("open-organized").Click();
        Assert.Null(browser.WaitForAnalysis("vgg19-opt"));
        Assert.Equal(run.AfterCost.Parameters.ToString(CultureInfo.InvariantCulture), browser.Text("params"));

        // The decomposer on the organized network: DW+RPW, g 4, o 0.5.
        WebPageTests.Pick(browser, "dec-block", "dw-rpw");
        SetText(browser, "dec-groups", "4");
        SetText(browser, "dec-overlap", "0.5");
        browser.Hook("dec-run").Click();
        Decomposition expected = Decomposer.Decompose(organized.WithName("vgg19-opt"), ReplacementBlock.DwRpw, new BlockSettings(4, 0.5));
        Browser.Wait("the decomposition", () => browser.Hooks("decomposition").Count > 0, TimeSpan.FromSeconds(30));
        Assert.Contains($"{expected.ReplacedCount} standard convolutions replaced", browser.Text("decomposition"));
        Assert.Contains($"after {Format.Count(expected.AfterCost.Parameters)} {Format.Macs(expected.AfterCost.Macs)}", browser.Text("decomposition"));
        Assert.Equal(NetworkSpec.Serialize(expected.After), browser.Download("decomposed-spec"));
        browser.Hook("open-decomposed").Click();
        Assert.Null(browser.WaitForAnalysis(expected.After.Name));
        Assert.Equal(expected.AfterCost.Parameters.ToString(CultureInfo.InvariantCulture), browser.Text("params"));

        SetText(browser, "dec-groups", "0");
        browser.Hook("dec-run").Click();
        Assert.Equal("groups 0: must be at least 1", browser.WaitForError());
        Assert.Empty(browser.ConsoleProblems());
    }

    internal static void SetText(Browser browser, string testId, string text)
    {
        IWebElement field = browser.Hook(testId);
        field.Clear();
        field.SendKeys(text + Keys.Tab);
    }

    private void Save(Browser browser, string name)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "web-screenshots");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, name);
        browser.Driver.GetScreenshot().SaveAsFile(file);
        output.WriteLine($"screenshot: {file}");
    }
}
