using InfoField.Reporting;

namespace InfoField.Cli;

/// <summary>Where commands write, and the one place that turns errors into messages instead of stack traces.</summary>
public sealed class CliConsole(TextWriter output, TextWriter error)
{
    /// <summary>The command-line flag of each library parameter that errors name (<see cref="ParameterException.Parameter"/>).</summary>
    private static readonly Dictionary<string, string> Flags = new()
    {
        ["dataset"] = "--dataset",
        ["width"] = "--width",
        ["input"] = "--input",
        ["alpha"] = "--alpha",
        ["epochs"] = "--epochs",
        ["batchSize"] = "--batch-size",
        ["lr"] = "--lr",
        ["schedule"] = "--schedule",
        ["standardConvs"] = "--against",
        ["batch"] = "--batch",
        ["repeats"] = "--repeats",
        ["warmup"] = "--warmup",
        ["threads"] = "--threads",
        ["outputDirectory"] = "--out",
        ["dataDirectory"] = "--data-dir",
        ["baseName"] = "--base",
        ["seeds"] = "--seeds",
        ["device"] = "--device",
        ["groups"] = "--groups",
        ["overlap"] = "--overlap",
    };

    /// <summary>Standard output: nothing but printable text and line breaks gets through (<see cref="PrintableWriter"/>).</summary>
    public TextWriter Out { get; } = new PrintableWriter(output);

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>
    /// Standard output as bytes, for output too large to go through <see cref="Out"/> line by line (<c>analyze
    /// --batch</c>); null when <see cref="Out"/> is not the process's standard output (tests), which is then used.
    /// </summary>
    public Stream? RawOut { get; init; }

    /// <summary>Writes <paramref name="document"/> as indented JSON (<see cref="DocumentJson.Serialize{T}"/>).</summary>
    public void WriteJson<T>(T document) => Out.Write(DocumentJson.Serialize(document));

    /// <summary>Runs a command body, reporting user errors in one line (exit 1) and bugs without a stack trace (exit 70).</summary>
    public int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (InfoField.Torch.DeviceUnavailableException failure) when (failure.Parameter == "device")
        {
            Error.WriteLine($"infofield: error: {InfoFieldException.OneLine(Commands.DeviceOption.Message(failure))}");
            return ExitCodes.Error;
        }
        catch (ParameterException failure) when (Flags.TryGetValue(failure.Parameter, out string? flag))
        {
            Error.WriteLine($"infofield: error: {failure.Render(flag)}");
            return ExitCodes.Error;
        }
        catch (InfoFieldException failure)
        {
            Error.WriteLine($"infofield: error: {failure.Message}");
            return ExitCodes.Error;
        }
        catch (Exception failure) when (Environment.GetEnvironmentVariable("INFOFIELD_DEBUG") != "1")
        {
            Error.WriteLine($"infofield: internal error: {failure.GetType().Name}: {InfoFieldException.OneLine(failure.Message)} (a bug in InfoField; run with INFOFIELD_DEBUG=1 to see where it happened)");
            return ExitCodes.Internal;
        }
    }
}
