using System.CommandLine;
using System.Globalization;
using InfoField.Field;
using InfoField.Files;
using InfoField.Organizer;
using InfoField.Reporting;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield analyze</c>: the Information Field report of a network, per stage and unit.</summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new CommonOptions();
        var theta = new Option<double>("--theta") { Description = "Threshold theta of the verdicts: a unit is saturated when its dIF is 0 or below theta; the organizer's outlook uses it too.", DefaultValueFactory = _ => OrganizerOptions.Default.Theta };
        var command = new Command("analyze", "Report the Information Field of every unit: spatial field, channel coverage, IF, its gain dIF, receptive field, parameters and MACs; then what it means: saturated units, covered stages, unseen channels, and what optimize would change.");
        options.AddModelOptions(command);
        command.Options.Add(options.Alpha);
        command.Options.Add(options.Frame);
        command.Options.Add(options.Field);
        command.Options.Add(theta);
        command.Options.Add(options.Json);
        var detail = new Option<bool?>("--detail") { Description = "Whether to give the field at every op inside each unit (which branch of a block saturates): false by default for the table, true for --json and --batch (false leaves each unit's ops list empty: smaller documents, a faster batch).", HelpName = "true|false" };
        command.Options.Add(detail);
        var batch = new Option<string?>("--batch") { Description = "Analyse every spec of a JSON Lines file (one spec per line; - reads standard input) instead of one model: one line of JSON out per line in, in order, each the document of --json, or {\"line\": N, \"error\": \"...\"} for a line that fails; the other lines go on. Exit code 1 when a line failed.", HelpName = "specs.jsonl" };
        command.Options.Add(batch);
        var outlook = new Option<bool?>("--outlook") { Description = "Whether the verdicts say what the stage-level organizer would change (it runs the organizer: several analyses per network): true by default for one model, false for --batch.", HelpName = "true|false" };
        command.Options.Add(outlook);
        options.Model.Arity = ArgumentArity.ZeroOrOne;
        command.Validators.Add(result =>
        {
            bool hasModel = result.GetResult(options.Model) is { Tokens.Count: > 0 };
            bool hasBatch = result.GetResult(batch) is not null;
            if (hasModel == hasBatch)
            {
                result.AddError(hasModel ? "give a model or --batch, not both" : "give a model (or --batch with a JSON Lines file of specs)");
            }
            else if (hasBatch && (result.GetResult(options.Dataset) is not null || result.GetResult(options.Width) is not null))
            {
                result.AddError("--batch reads specs: --dataset and --width do not apply");
            }
        });
        command.SetAction(parsed => console.Guard(() =>
        {
            if (parsed.GetValue(batch) is string specs)
            {
                return Batch(console, specs, options.FieldOptions(parsed) with { OpFields = parsed.GetValue(detail) ?? true }, options, parsed, parsed.GetValue(theta), parsed.GetValue(outlook) ?? false);
            }

            LoadedNetwork loaded = options.LoadNetwork(parsed);
            bool json = parsed.GetValue(options.Json);
            bool ops = parsed.GetValue(detail) ?? json;
            NetworkAnalysis analysis = NetworkAnalysis.Of(loaded, options.FieldOptions(parsed) with { OpFields = json ? ops : true }, parsed.GetValue(theta), parsed.GetValue(outlook) ?? true);
            if (json)
            {
                console.WriteJson(analysis.Document(loaded));
            }
            else
            {
                console.Out.Write(FieldTable.Render(analysis.Field, loaded.Dataset?.DisplayName, ops));
                console.Out.WriteLine();
                if (analysis.RenderOutputs() is { Length: > 0 } outputs)
                {
                    console.Out.Write(outputs);
                    console.Out.WriteLine();
                }

                console.Out.Write(analysis.Verdicts.Render());
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary><c>--batch</c>: every line of <paramref name="path"/> analysed, one JSON line out per line in.</summary>
    private static int Batch(CliConsole console, string path, FieldOptions fieldOptions, CommonOptions options, ParseResult parsed, double theta, bool outlook)
    {
        string? input = parsed.GetValue(options.Input);
        InputShape? shape = input is null ? null : ModelArgument.ParseInput(input);
        BatchSummary summary;
        using (Stream specs = OpenSpecs(path))
        {
            string source = path == "-" ? "stdin" : path;
            summary = console.RawOut is { } raw
                ? AnalysisBatch.Write(specs, source, raw, fieldOptions, theta, shape, outlook)
                : AnalysisBatch.Write(specs, source, console.Out, fieldOptions, theta, shape, outlook);
        }

        if (summary.Failed == 0)
        {
            return ExitCodes.Success;
        }

        string lines = string.Join(", ", summary.FirstFailures.Select(line => line.ToString(CultureInfo.InvariantCulture)));
        console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"infofield: error: {path}: {summary.Failed:N0} of {summary.Lines:N0} lines failed (line{(summary.Failed == 1 ? "" : "s")} {lines}{(summary.Failed > summary.FirstFailures.Count ? ", ..." : "")}); their output lines say why"));
        return ExitCodes.Error;
    }

    private static Stream OpenSpecs(string path) =>
        path == "-" ? Console.OpenStandardInput() : BoundedFile.OpenRegular(path, "JSON Lines file of specs");
}
