using InfoField.Architecture;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Reporting;

namespace InfoField.Web.Model;

/// <summary>
/// A run of the kernel-level decomposer from the page's form, as <c>infofield decompose</c> runs it: the same block
/// names (<see cref="Decomposer.Blocks"/>, or <c>rule</c>), checks (<see cref="BlockSettings.Validated"/>) and document.
/// </summary>
/// <param name="Decomposition">The result.</param>
/// <param name="Document">Its <c>decompose --json</c> document, which the page's tables show.</param>
public sealed record DecompositionRun(Decomposition Decomposition, DecompositionDocument Document)
{
    /// <summary>
    /// Decomposes <paramref name="loaded"/> with block <paramref name="block"/> (a name of <see cref="Decomposer.Blocks"/>
    /// or <c>rule</c>), groups and overlap as typed, after the organizer (default settings) when <paramref name="optimized"/>.
    /// </summary>
    public static DecompositionRun Of(LoadedNetwork loaded, string block, string groups, string overlap, bool optimized)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        BlockSettings settings = new BlockSettings(PageSettings.Count("groups", groups), PageSettings.Number("overlap", overlap)).Validated();
        Network network = optimized ? StageOrganizer.Optimize(loaded.Network).After.WithName($"{loaded.Network.Name}-opt") : loaded.Network;
        Decomposition result = block == "rule"
            ? Decomposer.DecomposeByRule(network, settings)
            : Decomposer.Decompose(network, Decomposer.Blocks.TryGetValue(block, out ReplacementBlock chosen) ? chosen : throw new ParameterException("block", $"'{block}'", $"expected {string.Join(", ", Decomposer.Blocks.Keys)} or rule"), settings);
        return new DecompositionRun(result, DecompositionDocument.From(result, network.Name, loaded.Dataset?.Name, block, settings, optimized, null));
    }
}
