using System.Text.Json;

namespace InfoField.Cli.Tests;

/// <summary>Runs the infofield command in-process and captures what it prints.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = CliApp.Run(args, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public JsonElement Json()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}: {Error}");
        return JsonDocument.Parse(Output).RootElement;
    }
}
