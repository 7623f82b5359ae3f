using System.CommandLine;
using System.Globalization;
using System.Text;
using InfoField.Architecture;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Reporting;
using InfoField.Reporting.Html;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield decompose</c>: replace standard convolutions by factorized blocks.</summary>
internal static class DecomposeCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new CommonOptions();
        var optimized = new Option<bool>("--optimized") { Description = "Apply the stage-level organizer (default settings) first." };
        var block = new Option<string?>("--block", "-b") { Description = "none, dw-pw, dw-gpw, dw-shuffle-gpw or dw-rpw: replaces every standard conv but the first, one for one." };
        block.AcceptOnlyFromAmong([.. Decomposer.Blocks.Keys]);
        var groups = new Option<int>("--groups", "-g") { Description = "g for GPW, shuffle and RPW.", DefaultValueFactory = _ => 2 };
        var overlap = new Option<double>("--overlap", "-o") { Description = "o for RPW, in [0, 1).", DefaultValueFactory = _ => 0.5 };
        var rule = new Option<bool>("--rule") { Description = "Instead of --block: replace runs of standard convs by the cheapest blocks A-F that satisfy the Rule of Kernel Replacement." };
        var output = new Option<string?>("--out") { Description = "Write the decomposed network: a spec file, or an ONNX model (freshly initialized weights, seed 0) for a name ending in .onnx." };
        var links = new OutputTarget();
        var command = new Command("decompose", "Replace standard convolutions by factorized blocks (the paper's kernel-level decomposer) and report parameters and MACs.");
        options.AddModelOptions(command);
        foreach (Option option in new Option[] { optimized, block, groups, overlap, rule, output, links.FollowLinks, options.Json })
        {
            command.Options.Add(option);
        }

        command.SetAction(parsed => console.Guard(() =>
        {
            string? blockName = parsed.GetValue(block);
            bool byRule = parsed.GetValue(rule);
            if (byRule == (blockName is not null))
            {
                throw new InfoFieldException(byRule ? "--rule chooses the blocks itself; leave out --block" : "give --block (none, dw-pw, dw-gpw, dw-shuffle-gpw, dw-rpw) or --rule");
            }

            BlockSettings settings = new BlockSettings(parsed.GetValue(groups), parsed.GetValue(overlap)).Validated();

            LoadedNetwork loaded = options.LoadNetwork(parsed);
            Network network = parsed.GetValue(optimized) ? StageOrganizer.Optimize(loaded.Network).After.WithName($"{loaded.Network.Name}-opt") : loaded.Network;
            Decomposition result = byRule ? Decomposer.DecomposeByRule(network, settings) : Decomposer.Decompose(network, Decomposer.Blocks[blockName!], settings);
            string? path = links.Resolve(parsed, parsed.GetValue(output));
            if (path is not null)
            {
                NetworkOutput.Save(result.After, path);
            }

            var document = DecompositionDocument.From(result, network.Name, loaded.Dataset?.Name, byRule ? "rule" : blockName!, settings, parsed.GetValue(optimized), path);
            if (parsed.GetValue(options.Json))
            {
                console.WriteJson(document);
            }
            else
            {
                console.Out.Write(Render(document, loaded.Dataset?.DisplayName));
                if (path is not null)
                {
                    console.Out.WriteLine($"wrote {Printable.Text(path)}");
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Render(DecompositionDocument result, string? dataset)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Decomposer: {Printable.Text(result.Model)}{(dataset is null ? "" : $" on {dataset}")}, {result.Description}");
        text.AppendLine();
        FieldTable.AppendTable(text, ReportTables.Replacements(result));
        text.AppendLine();
        FieldTable.AppendTable(text, ReportTables.DecompositionSummary(result));
        text.AppendLine(CultureInfo.InvariantCulture, $"  {result.Replaced} standard convolutions replaced");
        return text.ToString();
    }
}
