using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using InfoField.Cli.Commands;

namespace InfoField.Cli;

/// <summary>The <c>infofield</c> command: parses, calls the library, prints. Exit codes: 0 success, 1 error, 2 usage, 3 an incomplete study (<c>--report</c>).</summary>
public static class CliApp
{
    /// <summary>The commands, in the order the help lists them.</summary>
    private static readonly Func<CliConsole, Command>[] Commands =
    [
        ModelsCommand.Create,
        AnalyzeCommand.Create,
        OptimizeCommand.Create,
        ReproduceCommand.Create,
        RuleCommand.Create,
        DecomposeCommand.Create,
        ReportCommand.Create,
        ExportCommand.Create,
        BenchCommand.Create,
        TrainCommand.Create,
        EvalCommand.Create,
        StudyCommand.CreateStudy,
        StudyCommand.CreateCompare,
    ];

    /// <summary>Runs the command line <paramref name="args"/>, writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, null);

    /// <summary>
    /// Runs the command line with <paramref name="rawOutput"/> the byte stream under <paramref name="output"/> (the
    /// process's standard output), for commands that write a lot (<c>analyze --batch</c>).
    /// </summary>
    internal static int Run(string[] args, TextWriter output, TextWriter error, Stream? rawOutput)
    {
        var root = new RootCommand("InfoField: measure how much of its input each layer of a CNN sees (the Information Field), and reorganize networks where it says layers are wasted.");
        var console = new CliConsole(output, error) { RawOut = rawOutput };
        foreach (Func<CliConsole, Command> create in Commands)
        {
            root.Subcommands.Add(create(console));
        }

        OptionChecks.AddTo(root);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line: the errors (usage dumps collapsed), then where the usage is.
            string command = parsed.CommandResult.Command.Name == root.Name ? "infofield" : $"infofield {parsed.CommandResult.Command.Name}";
            // One error: a command line of thousands of stray arguments gives thousands of errors. The first that names
            // something typed ('frobnicate' rather than "Required command was not provided"), else the first.
            ParseError first = parsed.Errors.FirstOrDefault(e => args.Any(arg => arg.Length > 0 && e.Message.Contains($"'{arg}'", StringComparison.Ordinal))) ?? parsed.Errors[0];
            string message = System.Text.RegularExpressions.Regex.Replace(first.Message.TrimEnd('.'), @"\s*[\r\n]+\s*", " ");
            string more = parsed.Errors.Count == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $"; {parsed.Errors.Count - 1:N0} more error(s)");
            error.WriteLine($"infofield: {InfoFieldException.OneLine(message)}{more} (see '{command} --help')");
            return ExitCodes.Usage;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }
}

/// <summary>Checks every option value the same way in every command, before any command runs.</summary>
internal static class OptionChecks
{
    /// <summary>The most threads an option may ask for: the machine's processors (at least 4).</summary>
    public static int MaxThreads => ThreadLimit.Max;

    /// <summary>
    /// Adds to every option of <paramref name="command"/> and its subcommands: numbers in the invariant culture only
    /// (no thousands separators, so "1,5" is refused rather than read as 15), finite and within the type's range;
    /// thread counts bounded by the machine; no empty strings.
    /// </summary>
    public static void AddTo(Command command)
    {
        foreach (Option option in command.Options)
        {
            Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if (type == typeof(double))
            {
                option.Validators.Add(result => Check(result, option, "a number such as 0.5 (with a decimal point, no thousands separators)", static token =>
                    double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)));
                option.Validators.Add(result => Check(result, option, "a number that a double holds (this one underflows to 0; write 0 or a larger value)", static token =>
                    !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !InfoField.Spec.NumberText.Underflows(token, value)));
                if (option.Name == "--overlap")
                {
                    // Overlaps are used exactly as written (decimal window arithmetic), so more digits than a double keeps are refused.
                    option.Validators.Add(result => Check(result, option, "an overlap with at most 17 significant digits", static token =>
                        !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value)
                        || (decimal.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal written) && InfoField.Architecture.RollingWindows.ExactDecimal(value) == written)));
                    option.Validators.Add(result => Check(result, option, "an overlap whose digits fit the 28 decimal places of the window arithmetic (write 0 or a value with fewer decimal places)", static token =>
                        !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value >= 1 || InfoField.Architecture.RollingWindows.IsExact(value)));
                }
            }
            else if (type == typeof(int) || type == typeof(long))
            {
                option.Validators.Add(result => Check(result, option, "a whole number, without separators", static token =>
                    long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)));
                if (option.Name == "--channels")
                {
                    option.Validators.Add(result => Check(result, option, string.Create(CultureInfo.InvariantCulture, $"a channel count from 1 to {InfoField.Architecture.Limits.MaxChannels:N0}"), static token =>
                        !int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int channels) || channels is >= 1 and <= InfoField.Architecture.Limits.MaxChannels));
                }

                if (option.Name == "--threads")
                {
                    option.Validators.Add(result => Check(result, option, string.Create(CultureInfo.InvariantCulture, $"a thread count of at most {MaxThreads} (this machine's processors), or 0 for one per processor"), static token =>
                        !int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int threads) || threads <= MaxThreads));
                }
            }
            else if (type == typeof(string) || type == typeof(string[]))
            {
                option.Validators.Add(result => Check(result, option, "a non-empty value", static token => !string.IsNullOrWhiteSpace(token)));
            }
        }

        foreach (Command subcommand in command.Subcommands)
        {
            AddTo(subcommand);
        }
    }

    private static void Check(OptionResult result, Option option, string expected, Func<string, bool> valid)
    {
        foreach (Token token in result.Tokens)
        {
            if (!valid(token.Value))
            {
                result.AddError($"{option.Name}: expected {expected}, got '{InfoFieldException.OneLine(token.Value)}'");
                return;
            }
        }
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

    /// <summary>
    /// The command did its work, and the study it reports on is not complete: <c>--report</c> found planned runs without
    /// a result (the report of the finished ones is printed; its <c>missing</c> says how many).
    /// </summary>
    public const int Incomplete = 3;

    /// <summary>A bug in InfoField.</summary>
    public const int Internal = 70;
}
