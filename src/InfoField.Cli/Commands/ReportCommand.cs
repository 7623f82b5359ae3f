using System.CommandLine;
using InfoField.Files;
using InfoField.Kernels;
using InfoField.Reporting;
using InfoField.Reporting.Html;
using InfoField.Torch.Studies;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield report</c>: a self-contained HTML page (or SVG files, or the JSON it is drawn from) explaining a network.</summary>
internal static class ReportCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new CommonOptions();
        var organizer = new OrganizerCliOptions();
        var output = new Option<string>("--out", "-o") { Description = "The HTML file to write (with --format svg: a directory for the SVG files; with --format json: the JSON file).", Required = true };
        var links = new OutputTarget();
        var format = new Option<string>("--format") { Description = "html (default), svg (one file per chart) or json (the document the page is drawn from).", DefaultValueFactory = _ => "html" };
        format.AcceptOnlyFromAmong("html", "svg", "json");
        var blocks = new Option<string[]>("--block") { Description = "Also picture one of the paper's blocks (A-F); repeatable.", AllowMultipleArgumentsPerToken = true };
        var channels = new Option<int>("--channels", "-c") { Description = "Channels of the --block pictures.", DefaultValueFactory = _ => 32 };
        var groups = new Option<int>("--groups", "-g") { Description = "g of the --block pictures.", DefaultValueFactory = _ => 4 };
        var overlap = new Option<double>("--overlap") { Description = "o of the --block pictures (F).", DefaultValueFactory = _ => 0.5 };
        var results = new Option<string?>("--results") { Description = "A results folder of 'infofield study' or 'infofield compare': adds accuracy against parameters and MACs." };
        var command = new Command("report", "Write a self-contained HTML report of a network: field growth per stage, the organizer's run, channel connectivity of factorized blocks (and study results, when asked for).");
        options.AddModelOptions(command);
        organizer.AddTo(command);
        foreach (Option option in new Option[] { blocks, channels, groups, overlap, results, output, links.FollowLinks, format })
        {
            command.Options.Add(option);
        }

        command.SetAction(parsed => console.Guard(() =>
        {
            LoadedNetwork loaded = options.LoadNetwork(parsed);
            var (settings, preset) = organizer.Resolve(parsed, loaded);
            var requested = new List<ConnectivityDocument>();
            foreach (string name in parsed.GetValue(blocks) ?? [])
            {
                if (name.Length != 1 || !Enum.TryParse(name, ignoreCase: true, out FactorizedBlock block))
                {
                    throw new InfoFieldException($"--block '{name}': expected A, B, C, D, E or F");
                }

                var blockSettings = new BlockSettings(parsed.GetValue(groups), parsed.GetValue(overlap));
                try
                {
                    requested.Add(Connectivity.OfBlock(block, parsed.GetValue(channels), blockSettings));
                }
                catch (InfoFieldException error)
                {
                    throw new InfoFieldException($"--block {name} with --channels {parsed.GetValue(channels)} and --groups {blockSettings.Groups}: {error.Message}", error);
                }
            }

            string? resultsPath = parsed.GetValue(results);
            if (resultsPath is not null && !Directory.Exists(resultsPath))
            {
                throw new InfoFieldException($"--results {resultsPath}: folder not found");
            }

            IReadOnlyList<ResultPointDocument> points = resultsPath is null ? [] : StudyPoints.Read(new ResultsFolder(resultsPath));
            ReportDocument report = ReportBuilder.Build(loaded, settings, preset, requested, points, resultsPath);
            string path = links.Resolve(parsed, parsed.GetRequiredValue(output))!;
            switch (parsed.GetValue(format))
            {
                case "svg":
                    IReadOnlyList<Chart> charts = HtmlReport.ChartsOf(report);
                    WriteCharts(path, charts);
                    console.Out.WriteLine($"wrote {charts.Count} SVG charts to {Printable.Text(path)}");
                    break;
                case "json":
                    AtomicFile.WriteAllText(path, DocumentJson.Serialize(report));
                    console.Out.WriteLine($"wrote {Printable.Text(path)}");
                    break;
                default:
                    AtomicFile.WriteAllText(path, HtmlReport.Render(report, "infofield " + string.Join(' ', parsed.Tokens.Select(token => token.Value))));
                    console.Out.WriteLine($"wrote {Printable.Text(path)}");
                    break;
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Writes each chart to <paramref name="directory"/> as <c>&lt;id&gt;.svg</c>, creating the directory.</summary>
    internal static void WriteCharts(string directory, IReadOnlyList<Chart> charts)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InfoFieldException($"{directory}: cannot create the directory for the SVG files: {error.Message}", error);
        }

        foreach (Chart chart in charts)
        {
            AtomicFile.WriteAllText(Path.Combine(directory, chart.Id + ".svg"), "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + chart.Svg + "\n");
        }
    }
}
