using System.CommandLine;
using System.Globalization;
using System.Text;
using InfoField.Architecture;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Reporting;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield decompose</c>: replace standard convolutions by factorized blocks.</summary>
internal static class DecomposeCommand
{
    private static readonly Dictionary<string, ReplacementBlock> Blocks = new()
    {
        ["none"] = ReplacementBlock.None,
        ["dw-pw"] = ReplacementBlock.DwPw,
        ["dw-gpw"] = ReplacementBlock.DwGpw,
        ["dw-shuffle-gpw"] = ReplacementBlock.DwShuffleGpw,
        ["dw-rpw"] = ReplacementBlock.DwRpw,
    };

    public static Command Create(CliConsole console)
    {
        var options = new CommonOptions();
        var optimized = new Option<bool>("--optimized") { Description = "Apply the stage-level organizer (default settings) first." };
        var block = new Option<string?>("--block", "-b") { Description = "none, dw-pw, dw-gpw, dw-shuffle-gpw or dw-rpw: replaces every standard conv but the first, one for one." };
        block.AcceptOnlyFromAmong([.. Blocks.Keys]);
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

            var settings = new BlockSettings(parsed.GetValue(groups), parsed.GetValue(overlap));
            if (settings.Groups < 1)
            {
                throw new InfoFieldException($"--groups must be at least 1 (got {settings.Groups})");
            }

            if (!(settings.Overlap >= 0 && settings.Overlap < 1))
            {
                throw new InfoFieldException($"--overlap {settings.Overlap} is outside [0, 1)");
            }

            LoadedNetwork loaded = options.LoadNetwork(parsed);
            Network network = parsed.GetValue(optimized) ? StageOrganizer.Optimize(loaded.Network).After.WithName($"{loaded.Network.Name}-opt") : loaded.Network;
            Decomposition result = byRule ? Decomposer.DecomposeByRule(network, settings) : Decomposer.Decompose(network, Blocks[blockName!], settings);
            string? path = links.Resolve(parsed, parsed.GetValue(output));
            if (path is not null)
            {
                NetworkOutput.Save(result.After, path);
            }

            if (parsed.GetValue(options.Json))
            {
                console.WriteJson(DecompositionDocument.From(result, network.Name, loaded.Dataset?.Name, byRule ? "rule" : blockName!, settings, parsed.GetValue(optimized), path));
            }
            else
            {
                console.Out.Write(Render(result, loaded.Dataset?.DisplayName));
                if (path is not null)
                {
                    console.Out.WriteLine($"wrote {path}");
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Render(Decomposition result, string? dataset)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Decomposer: {result.Before.Name}{(dataset is null ? "" : $" on {dataset}")}, {result.Description}");
        text.AppendLine();
        var rows = new List<string[]> { new[] { "where", "unit", "standard", "replaced by", "params", "MACs", "why" } };
        foreach (Replacement r in result.Replacements)
        {
            rows.Add(
            [
                r.Location,
                r.Unit,
                r.From,
                r.To ?? "(kept)",
                $"{Format.Count(r.Before.Parameters)} -> {Format.Count(r.After.Parameters)}",
                $"{Format.Macs(r.Before.Macs)} -> {Format.Macs(r.After.Macs)}",
                r.Reason,
            ]);
        }

        FieldTable.AppendTable(text, rows, [false, false, false, false, true, true, false]);
        text.AppendLine();
        double parameters = (double)result.AfterCost.Parameters / result.BeforeCost.Parameters;
        double macs = (double)result.AfterCost.Macs / result.BeforeCost.Macs;
        var summary = new List<string[]>
        {
            new[] { "", "params", "MACs" },
            new[] { "before", Format.Count(result.BeforeCost.Parameters), Format.Macs(result.BeforeCost.Macs) },
            new[] { "after", Format.Count(result.AfterCost.Parameters), Format.Macs(result.AfterCost.Macs) },
            new[] { "ratio", parameters.ToString("P1", CultureInfo.InvariantCulture), macs.ToString("P1", CultureInfo.InvariantCulture) },
        };
        FieldTable.AppendTable(text, summary, [false, true, true]);
        text.AppendLine(CultureInfo.InvariantCulture, $"  {result.ReplacedCount} standard convolutions replaced");
        return text.ToString();
    }
}
