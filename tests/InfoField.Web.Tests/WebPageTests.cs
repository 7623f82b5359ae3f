using System.Globalization;
using InfoField.Files;
using InfoField.Onnx;
using InfoField.Reporting;
using InfoField.Spec;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace InfoField.Web.Tests;

/// <summary>The published site in headless Chromium: every committed ONNX fixture, the zoo picker, hostile files.</summary>
[Collection(SiteCollection.Name)]
public sealed class WebPageTests(PublishedSite site, ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("infofield-web-files").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [BrowserFact]
    public void Every_committed_onnx_fixture_opens_through_the_file_input_with_the_numbers_and_the_json_of_analyze()
    {
        using var browser = new Browser();
        browser.Open(site.Address);
        Assert.Contains("never leaves this machine", browser.Text("privacy"));

        foreach (string path in Repository.OnnxFixtures)
        {
            string model = Path.GetFileNameWithoutExtension(path);
            LoadedNetwork loaded = Expected.Onnx(path);
            AnalysisDocument expected = Expected.Analysis(loaded);

            browser.ChooseFile(path);

            Assert.Null(browser.WaitForAnalysis(model));
            Assert.Equal(expected.Params.ToString(CultureInfo.InvariantCulture), browser.Text("params"));
            Assert.Equal(expected.Macs.ToString(CultureInfo.InvariantCulture), browser.Text("macs"));
            Assert.Equal(expected.Stages.Count.ToString(CultureInfo.InvariantCulture), browser.Text("stage-count"));
            Assert.Equal(Expected.AnalysisJson(loaded), browser.Download("analysis-json"));
            output.WriteLine($"{model}: {browser.Text("params")} parameters, {browser.Text("macs")} MACs, {browser.Text("stage-count")} stages, {browser.Text("status")}");
        }

        Assert.Empty(browser.ConsoleProblems());
    }

    [BrowserFact]
    public void A_zoo_model_opens_through_the_picker_with_its_dataset_and_width()
    {
        using var browser = new Browser();
        browser.Open(site.Address);
        LoadedNetwork loaded = Expected.Zoo("resnet18", "imagenet", 0.5);

        Pick(browser, "zoo-model", "resnet18");
        Pick(browser, "zoo-dataset", "imagenet");
        IWebElement width = browser.Hook("zoo-width");
        width.Clear();
        width.SendKeys("0.5");
        browser.Hook("zoo-open").Click();

        Assert.Null(browser.WaitForAnalysis("resnet18"));
        Assert.Equal(Expected.Analysis(loaded).Params.ToString(CultureInfo.InvariantCulture), browser.Text("params"));
        Assert.Equal(Expected.Analysis(loaded).Macs.ToString(CultureInfo.InvariantCulture), browser.Text("macs"));
        Assert.Equal(Expected.AnalysisJson(loaded), browser.Download("analysis-json"));
        Assert.Contains("--dataset imagenet --width 0.5 --json", browser.Driver.FindElement(By.Id("downloads-list")).Text);
    }

    [BrowserFact]
    public void A_file_dropped_on_the_drop_zone_opens_as_a_chosen_one_does()
    {
        LoadedNetwork loaded = Expected.Zoo("vgg11", "cifar100", 0.5);
        string spec = NetworkSpec.Serialize(loaded.Network);
        using var browser = new Browser();
        browser.Open(site.Address);

        ((IJavaScriptExecutor)browser.Driver).ExecuteScript(
            "var files = new DataTransfer(); files.items.add(new File([arguments[0]], 'dropped.json', { type: 'application/json' }));" +
            "document.querySelector('.drop').dispatchEvent(new DragEvent('drop', { dataTransfer: files, bubbles: true, cancelable: true }));",
            spec);

        Assert.Null(browser.WaitForAnalysis("vgg11"));
        LoadedNetwork asFile = NetworkSource.FromFile(loaded.Network, "spec", "dropped.json");
        Assert.Equal(Expected.AnalysisJson(asFile), browser.Download("analysis-json"));
        Assert.Contains("infofield analyze dropped.json --json", browser.Driver.FindElement(By.Id("downloads-list")).Text);
    }

    [BrowserFact]
    public void A_hostile_file_gives_the_command_lines_one_line_error_and_leaves_the_page_working()
    {
        string good = Repository.OnnxFixtures.Single(path => path.EndsWith("resnet18.onnx", StringComparison.Ordinal));
        byte[] resnet = File.ReadAllBytes(good);
        var random = new Random(25);
        byte[] noise = new byte[4096];
        random.NextBytes(noise);
        var hostile = new (string Name, byte[] Bytes)[]
        {
            ("hostile.onnx", noise),
            ("truncated.onnx", resnet[..(resnet.Length / 2)]),
            ("broken.json", "{\"name\": \"broken\", \"input\": [3, 32, 32], \"stages\": [{\"units\": [{\"name\": \"u\", \"ops\": [{\"type\": \"conv\", \"out\": 0, \"kernel\": 3}]}]}]}"u8.ToArray()),
            ("notjson.json", "\u0007 not json\n{"u8.ToArray()),
            ("huge.json", new byte[(int)BoundedFile.MaxSpecBytes + 1]),
        };

        using var browser = new Browser();
        browser.Open(site.Address);
        browser.ChooseFile(good);
        Assert.Null(browser.WaitForAnalysis("resnet18"));
        string parameters = browser.Text("params");

        foreach (var (name, bytes) in hostile)
        {
            string path = Path.Combine(_directory, name);
            File.WriteAllBytes(path, bytes);
            string expected = CommandLineError(name, bytes);

            browser.ChooseFile(path);

            string error = browser.WaitForError();
            output.WriteLine(error);
            Assert.Equal(expected, error);
            Assert.DoesNotContain('\n', error);
            Assert.StartsWith(name + ": ", error, StringComparison.Ordinal);
            Assert.Equal(parameters, browser.Text("params"));
            Assert.Contains("Still showing resnet18", browser.Text("status"));
        }

        browser.ChooseFile(Repository.OnnxFixtures.Single(path => path.EndsWith("vgg16.onnx", StringComparison.Ordinal)));
        Assert.Null(browser.WaitForAnalysis("vgg16"));
        Assert.Empty(browser.Hooks("error"));
        Assert.Empty(browser.ConsoleProblems());
    }

    /// <summary>The message <c>infofield analyze NAME</c> gives for a file of <paramref name="bytes"/> called <paramref name="name"/>.</summary>
    private static string CommandLineError(string name, byte[] bytes)
    {
        if (bytes.Length > BoundedFile.MaxSpecBytes && !OnnxImport.IsOnnxPath(name))
        {
            string folder = Directory.CreateTempSubdirectory("infofield-cli-check").FullName;
            try
            {
                File.WriteAllBytes(Path.Combine(folder, name), bytes);
                string message = Assert.ThrowsAny<InfoFieldException>(() => NetworkSource.Spec(Path.Combine(folder, name))).Message;
                return message.Replace(Path.Combine(folder, name), name, StringComparison.Ordinal);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        return OnnxImport.IsOnnxPath(name)
            ? Assert.ThrowsAny<InfoFieldException>(() => OnnxImport.Read(bytes, Path.GetFileNameWithoutExtension(name), name)).Message
            : Assert.ThrowsAny<InfoFieldException>(() => NetworkSpec.Parse(System.Text.Encoding.UTF8.GetString(bytes), name, Path.GetFileNameWithoutExtension(name))).Message;
    }

    internal static void Pick(Browser browser, string testId, string value) =>
        browser.Hook(testId).FindElement(By.CssSelector($"option[value='{value}']")).Click();
}
