using System.CommandLine;
using System.Globalization;
using System.Text;
using InfoField.Architecture;
using InfoField.Kernels;
using InfoField.Reporting;
using InfoField.Spec;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield rule</c>: the Rule of Kernel Replacement for a block, or the table for blocks A-F.</summary>
internal static class RuleCommand
{
    public static Command Create(CliConsole console)
    {
        var block = new Argument<string?>("block") { Description = "A, B, C, D, E or F (the paper's blocks), or a spec file whose single stage is the block.", Arity = ArgumentArity.ZeroOrOne };
        var channels = new Option<int?>("--channels", "-c") { Description = "C: channels in and out of the block (paper blocks)." };
        var groups = new Option<int>("--groups", "-g") { Description = "g for GC, GPW, shuffle, interlace and RPW.", DefaultValueFactory = _ => 2 };
        var overlap = new Option<double>("--overlap", "-o") { Description = "o for RPW, in [0, 1).", DefaultValueFactory = _ => 0.5 };
        var against = new Option<int?>("--against") { Description = "Compare with 1 or 2 standard 3x3 convolutions (k units of the block against k convolutions); both when left out." };
        var table = new Option<bool>("--table") { Description = "Print the verdicts for A-F over a grid of C, g and o." };
        var json = new Option<bool>("--json") { Description = "Write JSON instead of text." };
        var command = new Command("rule", "Decide from the Information Field alone whether a block may replace one or two standard convolutions (quality: same IF; compactness: removing any kernel lowers it).")
        {
            block, channels, groups, overlap, against, table, json,
        };
        command.SetAction(parsed => console.Guard(() =>
        {
            if (parsed.GetValue(table))
            {
                IReadOnlyList<RuleTableRow> rows = RuleTable.Build();
                if (parsed.GetValue(json))
                {
                    console.WriteJson(rows.Select(RuleTableRowDocument.From).ToList());
                }
                else
                {
                    console.Out.Write(RenderTable(rows));
                }

                return ExitCodes.Success;
            }

            string name = parsed.GetValue(block) ?? throw new InfoFieldException("give a block (A-F or a spec file), or --table");
            int? k = parsed.GetValue(against);
            if (k is not null and not (1 or 2))
            {
                throw new InfoFieldException($"--against must be 1 or 2 (got {k})");
            }

            var verdicts = new List<RuleVerdict>();
            foreach (int convs in k is int one ? [one] : new[] { 1, 2 })
            {
                verdicts.Add(Check(name, parsed.GetValue(channels), new BlockSettings(parsed.GetValue(groups), parsed.GetValue(overlap)), convs));
            }

            if (parsed.GetValue(json))
            {
                console.WriteJson(verdicts.Select(RuleVerdictDocument.From).ToList());
            }
            else
            {
                console.Out.Write(string.Join(Environment.NewLine, verdicts.Select(Render)));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static RuleVerdict Check(string name, int? channels, BlockSettings settings, int convs)
    {
        if (Enum.TryParse(name, ignoreCase: true, out FactorizedBlock block) && name.Length == 1)
        {
            int c = channels ?? throw new InfoFieldException("--channels is required for the paper's blocks");
            if (c < 1)
            {
                throw new InfoFieldException($"--channels must be at least 1 (got {c})");
            }

            if (block is not (FactorizedBlock.A or FactorizedBlock.B) && (settings.Groups < 1 || c % settings.Groups != 0))
            {
                throw new InfoFieldException($"--groups {settings.Groups} must divide --channels {c}");
            }

            if (block == FactorizedBlock.F && !(settings.Overlap >= 0 && settings.Overlap < 1))
            {
                throw new InfoFieldException($"--overlap {settings.Overlap} is outside [0, 1)");
            }

            return KernelReplacementRule.Check(block, c, settings, convs);
        }

        if (!ModelArgument.IsFile(name))
        {
            throw new InfoFieldException($"unknown block '{name}': expected A, B, C, D, E, F or a spec file (*.json)");
        }

        Network spec = NetworkSpec.Load(name);
        if (spec.Stages.Count != 1)
        {
            throw new InfoFieldException($"{name}: a block spec has one stage holding the block's units (it has {spec.Stages.Count})");
        }

        if (spec.Stages[0].Units.FirstOrDefault(unit => !unit.Graph.IsChain) is { } branched)
        {
            throw new InfoFieldException($"{name}: unit '{branched.Name}' branches; the rule checks a block that is a chain of kernels, whose removals are well defined");
        }

        var ops = spec.Stages[0].Units.SelectMany(unit => unit.Ops).ToList();
        return KernelReplacementRule.Check(spec.Name, ops, spec.Input.Channels, spec.Layout.Stages[0].Output.Channels, convs);
    }

    private static string Render(RuleVerdict verdict)
    {
        var text = new StringBuilder();
        string convs = verdict.StandardConvs == 1 ? "one standard 3x3 convolution" : "two standard 3x3 convolutions";
        text.AppendLine(CultureInfo.InvariantCulture, $"{verdict.Block} against {convs}: {verdict.Input.Channels} -> {verdict.OutChannels} channels, test input {verdict.Input}");
        var rows = new List<string[]> { new[] { "", "IF^h x IF^w x IF^c = IF", "" } };
        rows.Add(["standard", verdict.Standard.ToString(), ""]);
        rows.Add(["block", verdict.Field.ToString(), verdict.Quality ? "same IF: quality holds" : "different IF: quality fails"]);
        foreach (KernelRemoval removal in verdict.Removals)
        {
            string effect = removal.Field is null ? $"invalid ({removal.Invalid})" : removal.Field.ToString();
            rows.Add([$"without {removal.Kernel} (op {removal.Index})", effect, removal.Lowers ? "lower" : "not lower: this kernel is redundant"]);
        }

        FieldTable.AppendTable(text, rows, [false, false, false]);
        string verdictText = verdict.Satisfied
            ? $"satisfied: {verdict.Block} may replace {convs}"
            : $"not satisfied: {(verdict.Quality ? "" : "quality fails")}{(!verdict.Quality && !verdict.Compact ? " and " : "")}{(verdict.Compact ? "" : "compactness fails")}";
        text.AppendLine(CultureInfo.InvariantCulture, $"  {verdictText} (block MACs on the test input: {Format.Macs(verdict.Macs)})");
        return text.ToString();
    }

    private static string RenderTable(IReadOnlyList<RuleTableRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("Rule of Kernel Replacement for the paper's blocks (k units of a block against k standard 3x3 convolutions, C channels in and out).");
        text.AppendLine("yes: quality and compactness hold; no (quality): the block sees a different IF; no (compact): some kernel can be removed without lowering the IF.");
        text.AppendLine();
        var table = new List<string[]> { new[] { "block", "C", "g", "o", "against 1", "IF", "against 2", "IF" } };
        foreach (RuleTableRow row in rows)
        {
            bool grouped = row.Block is not (FactorizedBlock.A or FactorizedBlock.B);
            table.Add(
            [
                row.Block.ToString(),
                row.Channels.ToString(CultureInfo.InvariantCulture),
                grouped ? row.Settings.Groups.ToString(CultureInfo.InvariantCulture) : "-",
                row.Block == FactorizedBlock.F ? row.Settings.Overlap.ToString(CultureInfo.InvariantCulture) : "-",
                Cell(row.AgainstOne),
                $"{row.AgainstOne.Field.If}/{row.AgainstOne.Standard.If}",
                Cell(row.AgainstTwo),
                $"{row.AgainstTwo.Field.If}/{row.AgainstTwo.Standard.If}",
            ]);
        }

        FieldTable.AppendTable(text, table, [false, true, true, true, false, true, false, true]);
        return text.ToString();
    }

    private static string Cell(RuleVerdict verdict) =>
        verdict.Satisfied ? "yes" : !verdict.Quality && !verdict.Compact ? "no (both)" : !verdict.Quality ? "no (quality)" : "no (compact)";
}
