using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace InfoField.Web.Host;

/// <summary>
/// A static file server for a published InfoField.Web site, bound to the loopback address: it serves the folder's files
/// and nothing else (no directory listings, no fallback page, no server code), each with its content type, and the
/// <c>.br</c> or <c>.gz</c> file the publish step wrote beside it when the browser accepts that encoding.
/// </summary>
public static class StaticSite
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = CreateContentTypes();

    /// <summary>
    /// The site folder to serve from <paramref name="folder"/>: the folder itself when it holds <c>index.html</c>, or its
    /// <c>wwwroot</c> (the folder <c>dotnet publish -o</c> writes). Throws <see cref="ArgumentException"/> with one line
    /// saying what was expected.
    /// </summary>
    public static string FindRoot(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new ArgumentException($"{folder}: no such folder; publish the site first: dotnet publish src/InfoField.Web -c Release -o artifacts/web", nameof(folder));
        }

        foreach (string candidate in new[] { full, Path.Combine(full, "wwwroot") })
        {
            if (File.Exists(Path.Combine(candidate, "index.html")))
            {
                return candidate;
            }
        }

        throw new ArgumentException($"{folder}: holds no index.html (nor wwwroot/index.html); expected the folder of a published InfoField.Web site", nameof(folder));
    }

    /// <summary>A server for the site at <paramref name="root"/> on <c>http://127.0.0.1:<paramref name="port"/></c> (0 picks a free port).</summary>
    public static WebApplication Create(string root, int port)
    {
        string site = FindRoot(root);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = site, WebRootPath = site });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        WebApplication app = builder.Build();
        var files = new PhysicalFileProvider(site);
        app.Run(context => Serve(context, files));
        return app;
    }

    /// <summary>The address a started server listens on, e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public static Uri Address(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new Uri(app.Urls.First().TrimEnd('/') + "/");
    }

    private static async Task Serve(HttpContext context, PhysicalFileProvider files)
    {
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        string path = request.Path.Value is null or "/" ? "/index.html" : request.Path.Value;
        IFileInfo file = files.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory || !ContentTypes.TryGetContentType(path, out string? contentType))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        IList<StringWithQualityHeaderValue> accepted = request.GetTypedHeaders().AcceptEncoding;
        foreach (var (encoding, suffix) in new[] { ("br", ".br"), ("gzip", ".gz") })
        {
            IFileInfo compressed = files.GetFileInfo(path + suffix);
            if (compressed.Exists && Accepts(accepted, encoding))
            {
                response.Headers.ContentEncoding = encoding;
                file = compressed;
                break;
            }
        }

        response.Headers.Vary = HeaderNames.AcceptEncoding;
        response.Headers.CacheControl = "no-cache";
        response.ContentType = contentType;
        response.ContentLength = file.Length;
        if (HttpMethods.IsGet(request.Method))
        {
            await response.SendFileAsync(file, context.RequestAborted);
        }
    }

    /// <summary>Whether the Accept-Encoding header names <paramref name="encoding"/> (or *) with a quality above 0.</summary>
    private static bool Accepts(IList<StringWithQualityHeaderValue> accepted, string encoding) =>
        accepted.Any(value => (value.Value.Equals(encoding, StringComparison.OrdinalIgnoreCase) || value.Value.Equals("*", StringComparison.Ordinal)) && value.Quality is not 0)
        && !accepted.Any(value => value.Value.Equals(encoding, StringComparison.OrdinalIgnoreCase) && value.Quality is 0);

    private static FileExtensionContentTypeProvider CreateContentTypes()
    {
        var provider = new FileExtensionContentTypeProvider();
        provider.Mappings[".wasm"] = "application/wasm";
        provider.Mappings[".dat"] = "application/octet-stream";
        provider.Mappings[".blat"] = "application/octet-stream";
        provider.Mappings[".pdb"] = "application/octet-stream";
        provider.Mappings[".json"] = "application/json";
        provider.Mappings[".webmanifest"] = "application/manifest+json";
        return provider;
    }
}
