using System.CommandLine;
using InfoField.Cli.Commands;

namespace InfoField.Cli;

/// <summary>The <c>infofield</c> command: parses, calls the library, prints. Exit codes: 0 success, 1 error, 2 usage.</summary>
public static class CliApp
{
    /// <summary>Runs the command line <paramref name="args"/>, writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("InfoField: measure how much of its input each layer of a CNN sees (the Information Field), and reorganize networks where it says layers are wasted.");
        var console = new CliConsole(output, error);
        root.Subcommands.Add(ModelsCommand.Create(console));
        root.Subcommands.Add(AnalyzeCommand.Create(console));
        root.Subcommands.Add(OptimizeCommand.Create(console));
        root.Subcommands.Add(ReproduceCommand.Create(console));
        root.Subcommands.Add(RuleCommand.Create(console));
        root.Subcommands.Add(DecomposeCommand.Create(console));
        root.Subcommands.Add(ReportCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(TrainCommand.Create(console));
        root.Subcommands.Add(EvalCommand.Create(console));
        root.Subcommands.Add(StudyCommand.CreateStudy(console));
        root.Subcommands.Add(StudyCommand.CreateCompare(console));

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                error.WriteLine($"infofield: {parseError.Message}");
            }

            error.WriteLine($"Run 'infofield {string.Join(' ', parsed.CommandResult.Command.Name == root.Name ? [] : new[] { parsed.CommandResult.Command.Name })} --help' for usage.".Replace("  ", " ", StringComparison.Ordinal));
            return ExitCodes.Usage;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }
}

/// <summary>The process exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>The input was wrong (unknown model, invalid spec, unwritable file, ...).</summary>
    public const int Error = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>A bug in InfoField.</summary>
    public const int Internal = 70;
}
