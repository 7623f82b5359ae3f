using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace InfoField.Cli.Tests;

public sealed class ReportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("infofield-report").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [BrowserFact]
    public void Reports_render_in_headless_chromium_with_their_charts_and_no_console_errors()
    {
        string vgg16 = Path.Combine(_directory, "vgg16.html");
        string rpwSpec = Path.Combine(_directory, "vgg16-dw-rpw.json");
        string rpw = Path.Combine(_directory, "dw-rpw.html");
        Assert.Equal(0, CliRun.Of("report", "vgg16", "-o", vgg16).ExitCode);
        Assert.Equal(0, CliRun.Of("decompose", "vgg16", "--optimized", "--block", "dw-rpw", "--groups", "4", "--overlap", "0.5", "--width", "0.25", "--out", rpwSpec).ExitCode);
        Assert.Equal(0, CliRun.Of("report", rpwSpec, "--block", "E", "-o", rpw).ExitCode);

        using ChromeDriver browser = StartChromium();
        string screenshots = Path.Combine(AppContext.BaseDirectory, "report-screenshots");
        Directory.CreateDirectory(screenshots);

        Inspect(browser, vgg16, ["stage-1-field", "stage-5-field", "organizer"], Path.Combine(screenshots, "vgg16.png"));
        Assert.Contains("saturated", browser.FindElement(By.Id("stage-5")).Text);
        Assert.Equal(1 + 6, browser.FindElements(By.CssSelector("#organizer-steps tr")).Count);
        Assert.NotEmpty(browser.FindElements(By.CssSelector("#stage-5-field .saturated")));

        Inspect(browser, rpw, ["stage-1-field", "organizer", "connectivity-1", "connectivity-2"], Path.Combine(screenshots, "dw-rpw.png"));
        Assert.Contains("rpw", browser.FindElement(By.Id("section-connectivity")).Text);

        string resnet = Path.Combine(_directory, "resnet50.html");
        Assert.Equal(0, CliRun.Of("report", "resnet50", "--dataset", "imagenet", "-o", resnet).ExitCode);
        Inspect(browser, resnet, ["stage-2-unit-1-graph", "stage-2-unit-2-graph"], Path.Combine(screenshots, "resnet50.png"));
        Assert.Single(browser.FindElements(By.CssSelector("#stage-2-unit-2-graph .merge")));
        Assert.Equal(11, browser.FindElements(By.CssSelector("#stage-2-unit-2-graph .edge")).Count);
    }

    [Fact]
    public void The_page_is_self_contained_and_drawn_from_the_json_document()
    {
        string html = Path.Combine(_directory, "vgg16.html");
        string json = Path.Combine(_directory, "vgg16.json");

        Assert.Equal(0, CliRun.Of("report", "vgg16", "-o", html).ExitCode);
        Assert.Equal(0, CliRun.Of("report", "vgg16", "--format", "json", "-o", json).ExitCode);

        string page = File.ReadAllText(html);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(json));
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.Contains("@media print", page);
        Assert.Equal("infofield-report/1", document.RootElement.GetProperty("schema").GetString());
        Assert.Equal(14_728_266, document.RootElement.GetProperty("analysis").GetProperty("params").GetInt64());
        Assert.Equal([5, 4, 2, 1, 1], document.RootElement.GetProperty("optimization").GetProperty("after").GetProperty("stageUnits").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Contains("14,728,266", page);
        Assert.Contains("5,101,194", page);
    }

    [Fact]
    public void Svg_format_writes_one_standalone_file_per_chart()
    {
        string folder = Path.Combine(_directory, "charts");

        CliRun run = CliRun.Of("report", "mobilenet", "--format", "svg", "-o", folder);

        Assert.Equal(0, run.ExitCode);
        var files = Directory.GetFiles(folder).Select(Path.GetFileName).Order().ToList();
        Assert.Contains("organizer.svg", files);
        Assert.Contains("stage-1-field.svg", files);
        Assert.Contains("connectivity-1.svg", files);
        foreach (string file in Directory.GetFiles(folder))
        {
            string svg = File.ReadAllText(file);
            Assert.StartsWith("<?xml", svg);
            Assert.Contains("xmlns=\"http://www.w3.org/2000/svg\"", svg);
            System.Xml.Linq.XDocument.Parse(svg);
        }
    }

    [Fact]
    public void Branched_units_are_drawn_as_graphs_once_per_structure()
    {
        string folder = Path.Combine(_directory, "resnet18");

        CliRun run = CliRun.Of("report", "resnet18", "--dataset", "imagenet", "--format", "svg", "-o", folder);

        Assert.Equal(0, run.ExitCode);
        var graphs = Directory.GetFiles(folder, "*-graph.svg").Select(Path.GetFileName).Order().ToList();
        // Basic blocks come in two structures: identity shortcut (stage 2, unit 1) and projection shortcut (stage 3, unit 1).
        Assert.Equal(["stage-2-unit-1-graph.svg", "stage-3-unit-1-graph.svg"], graphs);
        string identity = File.ReadAllText(Path.Combine(folder, "stage-2-unit-1-graph.svg"));
        System.Xml.Linq.XDocument.Parse(identity);
        Assert.Contains(">add<", identity, StringComparison.Ordinal);
        Assert.Contains("t6 = add(t5, in)", identity, StringComparison.Ordinal);
        Assert.DoesNotContain("-graph", string.Join(",", Directory.GetFiles(Path.Combine(_directory), "*.svg")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nosuch-model", "unknown model 'nosuch-model'")]
    [InlineData("vgg16", "cannot write")]
    public void Bad_input_gives_a_clear_error_and_writes_nothing(string model, string message)
    {
        string target = model == "vgg16" ? Path.Combine(_directory, "missing-folder", "report.html") : Path.Combine(_directory, "report.html");

        CliRun run = CliRun.Of("report", model, "-o", target);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Empty(Directory.GetFiles(_directory, "*", SearchOption.AllDirectories));
    }

    private static ChromeDriver StartChromium()
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(BrowserFactAttribute.ChromeDriver)!, Path.GetFileName(BrowserFactAttribute.ChromeDriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = BrowserFactAttribute.Chromium };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--window-size=1100,2400", $"--user-data-dir={Directory.CreateTempSubdirectory("infofield-chromium").FullName}");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static void Inspect(ChromeDriver browser, string page, string[] charts, string screenshot)
    {
        browser.Navigate().GoToUrl(new Uri(page).AbsoluteUri);

        foreach (string chart in charts)
        {
            IWebElement svg = browser.FindElement(By.Id(chart));
            Assert.Equal("svg", svg.TagName);
            Assert.True(svg.Displayed, $"{chart} is not displayed");
            Assert.True(svg.Size.Width > 200 && svg.Size.Height > 100, $"{chart} is {svg.Size}");
            Assert.NotEmpty(svg.FindElements(By.CssSelector("rect")));
        }

        var errors = browser.Manage().Logs.GetLog(LogType.Browser).Where(entry => entry.Level >= LogLevel.Warning).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(entry => entry.Message)));

        Screenshot shot = browser.GetScreenshot();
        shot.SaveAsFile(screenshot);
        PngImage image = PngImage.Decode(File.ReadAllBytes(screenshot));
        Assert.True(image.Width >= 1000 && image.Height >= 1000, $"screenshot is {image.Width}x{image.Height}");
        Assert.True(image.InkFraction() > 0.05, $"screenshot is nearly blank: {image.InkFraction():P1} of its pixels are not white");
        Assert.True(image.ProminentColours() >= 4, $"screenshot has {image.ProminentColours()} prominent colours");
    }
}
