using System.Diagnostics;
using InfoField.Web.Host;
using Microsoft.AspNetCore.Builder;

namespace InfoField.Web.Tests;

/// <summary>
/// The published web app, served by InfoField.Web.Host on a free loopback port: the folder named by
/// INFOFIELD_WEB_SITE, or else <c>dotnet publish src/InfoField.Web -c Release</c> into the test's folder, once per run
/// and only when a browser test asks for it.
/// </summary>
public sealed class PublishedSite : IDisposable
{
    private readonly Lazy<(WebApplication App, Uri Address, string Folder)> _site = new(Start);

    /// <summary>The site's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address => _site.Value.Address;

    /// <summary>The published site's folder (the one holding index.html).</summary>
    public string Folder => _site.Value.Folder;

    public void Dispose()
    {
        if (_site.IsValueCreated)
        {
            _site.Value.App.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)_site.Value.App).Dispose();
        }
    }

    private static (WebApplication, Uri, string) Start()
    {
        string folder = Environment.GetEnvironmentVariable("INFOFIELD_WEB_SITE") is { Length: > 0 } given ? given : Publish();
        WebApplication app = StaticSite.Create(folder, 0);
        app.StartAsync().GetAwaiter().GetResult();
        return (app, StaticSite.Address(app), StaticSite.FindRoot(folder));
    }

    private static string Publish()
    {
        string output = Path.Combine(AppContext.BaseDirectory, "published-site");
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        string project = Path.Combine(Repository.Root, "src", "InfoField.Web", "InfoField.Web.csproj");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "publish", project, "-c", "Release", "-o", output, "--nologo", "-v", "q" })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet publish");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(20)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet publish src/InfoField.Web did not finish in 20 minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish src/InfoField.Web failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }

        return output;
    }
}

[CollectionDefinition(Name)]
public sealed class SiteCollection : ICollectionFixture<PublishedSite>
{
    public const string Name = "published site";
}
