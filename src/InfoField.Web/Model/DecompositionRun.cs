using System.Globalization;
using InfoField.Architecture;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Reporting;
using InfoField.Reporting.Html;

namespace InfoField.Web.Model;

// TEMPORARY (web branch): the block names, the option checks and the tables move to the libraries, and the CLI uses them.
public sealed record DecompositionRun(Decomposition Decomposition)
{
    public static IReadOnlyList<string> Blocks { get; } = ["none", "dw-pw", "dw-gpw", "dw-shuffle-gpw", "dw-rpw"];

    private static readonly Dictionary<string, ReplacementBlock> ByName = new()
    {
        ["none"] = ReplacementBlock.None,
        ["dw-pw"] = ReplacementBlock.DwPw,
        ["dw-gpw"] = ReplacementBlock.DwGpw,
        ["dw-shuffle-gpw"] = ReplacementBlock.DwShuffleGpw,
        ["dw-rpw"] = ReplacementBlock.DwRpw,
    };

    public static DecompositionRun Of(Network network, string block, string groups, string overlap, bool optimized)
    {
        var settings = new BlockSettings(PageSettings.Count("groups", groups), PageSettings.Number("overlap", overlap));
        if (settings.Groups < 1)
        {
            throw new InfoFieldException($"groups must be at least 1 (got {settings.Groups})");
        }

        if (!(settings.Overlap >= 0 && settings.Overlap < 1))
        {
            throw new InfoFieldException($"overlap {settings.Overlap} is outside [0, 1)");
        }

        Network start = optimized ? StageOrganizer.Optimize(network).After.WithName($"{network.Name}-opt") : network;
        return new DecompositionRun(block == "rule" ? Decomposer.DecomposeByRule(start, settings) : Decomposer.Decompose(start, ByName[block], settings));
    }

    public ReportTable Summary()
    {
        double parameters = (double)Decomposition.AfterCost.Parameters / Decomposition.BeforeCost.Parameters;
        double macs = (double)Decomposition.AfterCost.Macs / Decomposition.BeforeCost.Macs;
        return new ReportTable(null, [ReportCell.Head(""), ReportCell.Head("params", true), ReportCell.Head("MACs", true)],
        [
            new ReportRow([new ReportCell("before"), ReportCell.Number(Format.Count(Decomposition.BeforeCost.Parameters)), ReportCell.Number(Format.Macs(Decomposition.BeforeCost.Macs))]),
            new ReportRow([new ReportCell("after"), ReportCell.Number(Format.Count(Decomposition.AfterCost.Parameters)), ReportCell.Number(Format.Macs(Decomposition.AfterCost.Macs))]),
            new ReportRow([new ReportCell("ratio"), ReportCell.Number(parameters.ToString("P1", CultureInfo.InvariantCulture)), ReportCell.Number(macs.ToString("P1", CultureInfo.InvariantCulture))]),
        ]);
    }

    public ReportTable Replacements() => new(null,
        [ReportCell.Head("where"), ReportCell.Head("unit"), ReportCell.Head("standard"), ReportCell.Head("replaced by"), ReportCell.Head("params", true), ReportCell.Head("MACs", true), ReportCell.Head("why")],
        Decomposition.Replacements.Select(r => new ReportRow(
        [
            new ReportCell(r.Location),
            new ReportCell(r.Unit),
            new ReportCell(r.From),
            new ReportCell(r.To ?? "(kept)"),
            ReportCell.Number($"{Format.Count(r.Before.Parameters)} -> {Format.Count(r.After.Parameters)}"),
            ReportCell.Number($"{Format.Macs(r.Before.Macs)} -> {Format.Macs(r.After.Macs)}"),
            new ReportCell(r.Reason),
        ])).ToList());
}
