using System.Text.Json;
using Deque.AxeCore.Commons;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;
using Xunit.Abstractions;

namespace InfoField.Web.Tests;

/// <summary>The page with the keyboard alone, and axe-core's accessibility rules on each of its states.</summary>
[Collection(SiteCollection.Name)]
public sealed class AccessibilityTests(PublishedSite site, ITestOutputHelper output)
{
    [BrowserFact]
    public void Axe_finds_no_serious_or_critical_violations_in_any_state_of_the_page()
    {
        using var browser = new Browser(1200, 1800);
        browser.Open(site.Address);
        var violations = new List<string>(Axe(browser, "the empty page"));

        browser.ChooseFile(Repository.OnnxFixtures.Single(path => path.EndsWith("googlenet.onnx", StringComparison.Ordinal)));
        Assert.Null(browser.WaitForAnalysis("googlenet"));
        browser.Hook("unit-3-1").Click();
        browser.Hook("dec-run").Click();
        Browser.Wait("the decomposition", () => browser.Hooks("decomposition").Count > 0, TimeSpan.FromSeconds(30));
        Browser.Wait("the download links", () => browser.Hook("decomposed-spec").GetAttribute("href") is not null, TimeSpan.FromSeconds(30));
        violations.AddRange(Axe(browser, "googlenet with a unit selected and a decomposition"));

        string hostile = Path.Combine(Directory.CreateTempSubdirectory("infofield-axe").FullName, "hostile.onnx");
        File.WriteAllBytes(hostile, [1, 2, 3, 4]);
        browser.ChooseFile(hostile);
        browser.WaitForError();
        violations.AddRange(Axe(browser, "an error shown"));

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [BrowserFact]
    public void Everything_works_from_the_keyboard_alone()
    {
        using var browser = new Browser(1200, 1800);
        browser.Open(site.Address);

        TabTo(browser, "model-file");
        TabTo(browser, "zoo-model");
        Press(browser, Keys.ArrowDown);
        string model = browser.Hook("zoo-model").GetAttribute("value")!;
        Assert.NotEqual("vgg16", model);
        TabTo(browser, "zoo-open");
        Press(browser, Keys.Enter);
        Assert.Null(browser.WaitForAnalysis(model));

        TabTo(browser, "analysis-json");
        TabTo(browser, "set-theta");
        SelectAll(browser);
        Press(browser, "0.1");
        TabTo(browser, "set-apply");
        Press(browser, Keys.Enter);
        Browser.Wait("theta 0.1", () => browser.Driver.FindElement(By.Id("section-summary")).Text.Contains("theta 0.1", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        TabTo(browser, "unit-1-1");
        Press(browser, Keys.Enter);
        Browser.Wait("the unit's detail", () => browser.Hooks("unit-detail").Count > 0, TimeSpan.FromSeconds(20));
        Assert.Equal("unit-detail", browser.Driver.SwitchTo().ActiveElement().GetAttribute("data-testid"));
        TabTo(browser, "reach-channel");
        SelectAll(browser);
        Press(browser, "2" + Keys.Tab);
        Browser.Wait("the reach of channel 2", () => browser.Text("reach-text").Contains("output channel 2 (", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        TabTo(browser, "dec-run");
        Press(browser, Keys.Enter);
        Browser.Wait("the decomposition", () => browser.Hooks("decomposition").Count > 0, TimeSpan.FromSeconds(30));
        TabTo(browser, "open-decomposed");
        Press(browser, Keys.Enter);
        Assert.Null(browser.WaitForAnalysis($"{model}-dw-rpw-g2-o0.5"));
    }

    /// <summary>Presses Tab until the element <paramref name="testId"/> has the focus (at most 200 times).</summary>
    private static void TabTo(Browser browser, string testId)
    {
        for (int i = 0; i < 200; i++)
        {
            if (browser.Driver.SwitchTo().ActiveElement().GetAttribute("data-testid") == testId)
            {
                return;
            }

            Press(browser, Keys.Tab);
        }

        Assert.Fail($"{testId} cannot be reached with the Tab key");
    }

    private static void SelectAll(Browser browser) => new Actions(browser.Driver).KeyDown(Keys.Control).SendKeys("a").KeyUp(Keys.Control).Perform();

    private static void Press(Browser browser, string keys) => new Actions(browser.Driver).SendKeys(keys).Perform();

    /// <summary>Runs axe-core (the Deque.AxeCore.Commons bundle) on the page; returns its serious and critical violations.</summary>
    private IEnumerable<string> Axe(Browser browser, string state)
    {
        var script = (IJavaScriptExecutor)browser.Driver;
        script.ExecuteScript(new BundledAxeScriptProvider().GetScript());
        string json = (string?)script.ExecuteAsyncScript(
            "var done = arguments[arguments.length - 1];" +
            "axe.run(document, { resultTypes: ['violations'] }).then(function (r) { done(JSON.stringify(r.violations)); }, function (e) { done('axe failed: ' + e); });") ?? "axe returned nothing";
        Assert.StartsWith("[", json, StringComparison.Ordinal);
        using JsonDocument document = JsonDocument.Parse(json);
        foreach (JsonElement violation in document.RootElement.EnumerateArray())
        {
            string impact = violation.GetProperty("impact").GetString() ?? "none";
            string line = $"{state}: {impact} {violation.GetProperty("id").GetString()}: {violation.GetProperty("help").GetString()} at "
                + string.Join("; ", violation.GetProperty("nodes").EnumerateArray().Take(3).Select(node => node.GetProperty("target").ToString()));
            output.WriteLine(line);
            if (impact is "serious" or "critical")
            {
                yield return line;
            }
        }
    }
}
