using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;

namespace InfoField.Web.Host.Tests;

/// <summary>The static server of a published site: files only, with their types, precompressed when accepted.</summary>
public sealed class StaticSiteTests : IAsyncLifetime
{
    private readonly string _site = Directory.CreateTempSubdirectory("infofield-site").FullName;
    private WebApplication? _app;
    private readonly HttpClient _client = new(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None });

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_site, "index.html"), "<!DOCTYPE html><title>site</title>");
        Directory.CreateDirectory(Path.Combine(_site, "_framework"));
        byte[] wasm = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 42, 42, 42, 42];
        File.WriteAllBytes(Path.Combine(_site, "_framework", "app.wasm"), wasm);
        File.WriteAllBytes(Path.Combine(_site, "_framework", "app.wasm.br"), Compress(wasm, stream => new BrotliStream(stream, CompressionLevel.Optimal)));
        File.WriteAllBytes(Path.Combine(_site, "_framework", "app.wasm.gz"), Compress(wasm, stream => new GZipStream(stream, CompressionLevel.Optimal)));
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(_site)!, "secret.txt"), "outside the site");
        _app = StaticSite.Create(_site, 0);
        await _app.StartAsync();
        _client.BaseAddress = StaticSite.Address(_app);
    }

    public async Task DisposeAsync()
    {
        await _app!.StopAsync();
        await _app.DisposeAsync();
        _client.Dispose();
        Directory.Delete(_site, recursive: true);
    }

    [Fact]
    public async Task The_root_is_the_index_page_and_listens_on_loopback_only()
    {
        using HttpResponseMessage response = await _client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>site</title>", await response.Content.ReadAsStringAsync());
        Assert.Equal("127.0.0.1", _client.BaseAddress!.Host);
    }

    [Theory]
    [InlineData("br", "br")]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("", null)]
    [InlineData("br;q=0, identity", null)]
    public async Task A_file_comes_precompressed_when_the_browser_accepts_the_encoding(string accept, string? encoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "_framework/app.wasm");
        if (accept.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", accept);
        }

        using HttpResponseMessage response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/wasm", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(encoding, response.Content.Headers.ContentEncoding.SingleOrDefault());
        string file = Path.Combine(_site, "_framework", "app.wasm" + encoding switch { "br" => ".br", "gzip" => ".gz", _ => "" });
        Assert.Equal(File.ReadAllBytes(file), await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
    }

    [Theory]
    [InlineData("/missing.js")]
    [InlineData("/_framework")]
    [InlineData("/../secret.txt")]
    [InlineData("/%2e%2e/secret.txt")]
    [InlineData("/_framework/app.wasm.br.unknown")]
    public async Task Anything_but_a_file_of_the_site_is_not_found(string path)
    {
        using HttpResponseMessage response = await _client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("outside the site", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Only_get_and_head_are_answered()
    {
        using HttpResponseMessage post = await _client.PostAsync(new Uri("/index.html", UriKind.Relative), new StringContent("x"));
        using var head = new HttpRequestMessage(HttpMethod.Head, "index.html");
        using HttpResponseMessage headResponse = await _client.SendAsync(head);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, headResponse.StatusCode);
        Assert.Empty(await headResponse.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public void A_folder_that_is_not_a_published_site_is_refused_in_one_line()
    {
        string empty = Directory.CreateTempSubdirectory("infofield-empty").FullName;
        try
        {
            var missing = Assert.Throws<ArgumentException>(() => StaticSite.FindRoot(Path.Combine(empty, "nothing")));
            var bare = Assert.Throws<ArgumentException>(() => StaticSite.FindRoot(empty));

            Assert.Contains("no such folder; publish the site first: dotnet publish src/InfoField.Web", missing.Message);
            Assert.Contains("holds no index.html", bare.Message);
            Assert.Equal(_site, StaticSite.FindRoot(_site));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void The_published_folder_or_its_wwwroot_is_served()
    {
        string published = Directory.CreateTempSubdirectory("infofield-published").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(published, "wwwroot"));
            File.WriteAllText(Path.Combine(published, "wwwroot", "index.html"), "<!DOCTYPE html>");

            Assert.Equal(Path.Combine(published, "wwwroot"), StaticSite.FindRoot(published));
        }
        finally
        {
            Directory.Delete(published, recursive: true);
        }
    }

    [Fact]
    public void The_command_serves_a_folder_and_refuses_a_bad_command_line_in_one_line()
    {
        string program = Path.Combine(AppContext.BaseDirectory, "InfoField.Web.Host.dll");
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var (code, _, error) = Run(program, "--nonsense");
        Assert.Equal(2, code);
        Assert.Equal("infofield-web: error: unexpected argument '--nonsense'; usage: <published folder> [--port N] (N from 0 to 65535)", error.Trim());
        (code, _, error) = Run(program, Path.Combine(_site, "missing"));
        Assert.Equal(1, code);
        Assert.StartsWith("infofield-web: error: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));

        using Process server = Start(program, _site, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            string line = server.StandardOutput.ReadLine() ?? "";
            Assert.Equal($"serving {_site} at http://127.0.0.1:{port}/ (Ctrl+C stops)", line);
        }
        finally
        {
            server.Kill();
            server.WaitForExit();
        }
    }

    private static (int Code, string Output, string Error) Run(string program, params string[] arguments)
    {
        using Process process = Start(program, arguments);
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error);
    }

    private static Process Start(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(program);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("cannot start the host");
    }

    private static byte[] Compress(byte[] data, Func<Stream, Stream> compressor)
    {
        using var buffer = new MemoryStream();
        using (Stream stream = compressor(buffer))
        {
            stream.Write(data);
        }

        return buffer.ToArray();
    }
}
