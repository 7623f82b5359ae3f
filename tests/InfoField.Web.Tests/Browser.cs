using System.Diagnostics;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace InfoField.Web.Tests;

/// <summary>Headless Chromium on the published site, with a fresh profile and its own download folder.</summary>
public sealed class Browser : IDisposable
{
    private readonly string _profile = Directory.CreateTempSubdirectory("infofield-web-chromium").FullName;

    public Browser(int width = 1200, int height = 1600)
    {
        Downloads = Directory.CreateTempSubdirectory("infofield-web-downloads").FullName;
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(BrowserFactAttribute.ChromeDriver)!, Path.GetFileName(BrowserFactAttribute.ChromeDriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = BrowserFactAttribute.Chromium };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--window-size={width},{height}", $"--user-data-dir={_profile}");
        options.AddUserProfilePreference("download.default_directory", Downloads);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
        Driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(60);
    }

    public ChromeDriver Driver { get; }

    /// <summary>Where the browser saves downloads.</summary>
    public string Downloads { get; }

    /// <summary>Opens the site and waits until the app has rendered its file input; returns how long that took.</summary>
    public TimeSpan Open(Uri site)
    {
        var clock = Stopwatch.StartNew();
        Driver.Navigate().GoToUrl(site);
        Wait("the app to start", () => Driver.FindElements(By.CssSelector("[data-testid=model-file]")).Count > 0, TimeSpan.FromSeconds(60));
        return clock.Elapsed;
    }

    public IWebElement Hook(string testId) => Driver.FindElement(By.CssSelector($"[data-testid='{testId}']"));

    public IReadOnlyList<IWebElement> Hooks(string testId) => Driver.FindElements(By.CssSelector($"[data-testid='{testId}']"));

    public string Text(string testId) => Hook(testId).Text;

    /// <summary>The element's text exactly as the page wrote it (Text gives it as rendered, with runs of spaces collapsed).</summary>
    public string Content(string testId) => Hook(testId).GetDomProperty("textContent") ?? "";

    /// <summary>Hands <paramref name="path"/> to the file input, as choosing it in the file dialog does.</summary>
    public void ChooseFile(string path) => Hook("model-file").SendKeys(path);

    /// <summary>Waits until the page says it analysed <paramref name="model"/> or shows an error; returns the error line or null.</summary>
    public string? WaitForAnalysis(string model, TimeSpan? timeout = null)
    {
        string? error = null;
        Wait($"the analysis of {model}", () =>
        {
            error = Hooks("error").FirstOrDefault()?.Text;
            return error is not null || Text("status").StartsWith($"Analysed {model} in ", StringComparison.Ordinal);
        }, timeout ?? TimeSpan.FromSeconds(120));
        return error;
    }

    /// <summary>Waits until the page shows an error line and returns it.</summary>
    public string WaitForError()
    {
        Wait("the error line", () => Hooks("error").Count > 0, TimeSpan.FromSeconds(60));
        return Content("error");
    }

    /// <summary>Clicks the download link <paramref name="testId"/> once it is ready and returns the downloaded file's text.</summary>
    public string Download(string testId)
    {
        foreach (string old in Directory.GetFiles(Downloads))
        {
            File.Delete(old);
        }

        Wait($"the link {testId}", () => Hook(testId).GetAttribute("href")?.StartsWith("blob:", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(60));
        IWebElement link = Hook(testId);
        string name = link.GetAttribute("download") ?? throw new InvalidOperationException($"{testId} is not a download link");
        ((IJavaScriptExecutor)Driver).ExecuteScript("arguments[0].scrollIntoView({block: 'center'});", link);
        link.Click();
        string path = Path.Combine(Downloads, name);
        Wait($"the download of {name}", () => File.Exists(path) && !Directory.GetFiles(Downloads, "*.crdownload").Any(), TimeSpan.FromSeconds(60));
        return File.ReadAllText(path);
    }

    /// <summary>Browser console messages at warning level or above.</summary>
    public IReadOnlyList<string> ConsoleProblems() =>
        [.. Driver.Manage().Logs.GetLog(LogType.Browser).Where(entry => entry.Level >= LogLevel.Warning).Select(entry => entry.Message)];

    public static void Wait(string what, Func<bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (done())
                {
                    return;
                }
            }
            catch (Exception error) when (error is StaleElementReferenceException or NoSuchElementException)
            {
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
            }

            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        foreach (string folder in new[] { _profile, Downloads })
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
