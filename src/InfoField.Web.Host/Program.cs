using System.Globalization;
using InfoField.Web.Host;

// dotnet run --project src/InfoField.Web.Host -- <published folder> [--port N]
string? folder = null;
int port = 5080;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--port" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value is >= 0 and <= 65535)
    {
        port = value;
        i++;
    }
    else if (!args[i].StartsWith('-') && folder is null)
    {
        folder = args[i];
    }
    else
    {
        Console.Error.WriteLine($"infofield-web: error: unexpected argument '{args[i]}'; usage: <published folder> [--port N] (N from 0 to 65535)");
        return 2;
    }
}

if (folder is null)
{
    Console.Error.WriteLine("infofield-web: error: give the published site's folder, e.g. artifacts/web (dotnet publish src/InfoField.Web -c Release -o artifacts/web)");
    return 2;
}

try
{
    await using var app = StaticSite.Create(folder, port);
    await app.StartAsync();
    Console.WriteLine($"serving {StaticSite.FindRoot(folder)} at {StaticSite.Address(app)} (Ctrl+C stops)");
    await app.WaitForShutdownAsync();
    return 0;
}
catch (ArgumentException error)
{
    Console.Error.WriteLine($"infofield-web: error: {error.Message.Split(" (Parameter")[0]}");
    return 1;
}
catch (IOException error)
{
    Console.Error.WriteLine($"infofield-web: error: cannot listen on port {port}: {error.Message}");
    return 1;
}
