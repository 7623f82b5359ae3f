namespace InfoField.Cli.Tests;

/// <summary>
/// A test that needs Debian's Chromium and ChromeDriver. Where they are not installed it is reported as skipped, with how
/// to install them; with INFOFIELD_REQUIRE_BROWSER=1 (set by .ci/run, which installs them) it runs and fails instead.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";
    public const string ChromeDriver = "/usr/bin/chromedriver";

    public BrowserFactAttribute()
    {
        bool installed = File.Exists(Chromium) && File.Exists(ChromeDriver);
        if (!installed && Environment.GetEnvironmentVariable("INFOFIELD_REQUIRE_BROWSER") != "1")
        {
            Skip = "needs Chromium and ChromeDriver: apt-get install chromium chromium-driver (.ci/run installs them)";
        }
    }
}
