using System.Text.Json;
using InfoField.Kernels;
using InfoField.Spec;

namespace InfoField.Reporting;

/// <summary>The JSON contract of <c>infofield decompose --json</c> (schema <c>infofield-decomposition/1</c>).</summary>
/// <param name="Schema">Always <c>infofield-decomposition/1</c>.</param>
/// <param name="Model">The name of the network decomposed.</param>
/// <param name="Dataset">The dataset of a zoo model, or null.</param>
/// <param name="Block">The block asked for (<c>none</c>, <c>dw-pw</c>, ...) or <c>rule</c>.</param>
/// <param name="Description">The block or mode, in words.</param>
/// <param name="Groups">g.</param>
/// <param name="Overlap">o.</param>
/// <param name="Optimized">Whether the organizer ran first.</param>
/// <param name="Params">Parameters after.</param>
/// <param name="Macs">MACs after.</param>
/// <param name="Before">Parameters and MACs before.</param>
/// <param name="Replaced">How many standard convolutions were replaced.</param>
/// <param name="Replacements">Every standard convolution considered.</param>
/// <param name="Architecture">The decomposed network as a spec document.</param>
/// <param name="Out">Where the network was written, or null.</param>
public sealed record DecompositionDocument(
    string Schema,
    string Model,
    string? Dataset,
    string Block,
    string Description,
    int Groups,
    double Overlap,
    bool Optimized,
    long Params,
    long Macs,
    CostDocument Before,
    int Replaced,
    IReadOnlyList<ReplacementDocument> Replacements,
    JsonElement Architecture,
    string? Out)
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-decomposition/1";

    /// <summary>
    /// The document of <paramref name="result"/>: the network decomposed was named <paramref name="model"/> (of
    /// <paramref name="dataset"/> for a zoo model), with block <paramref name="block"/> (or <c>rule</c>) and
    /// <paramref name="settings"/>, after the organizer when <paramref name="optimized"/>; written to <paramref name="written"/> if not null.
    /// </summary>
    public static DecompositionDocument From(Decomposition result, string model, string? dataset, string block, BlockSettings settings, bool optimized, string? written)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(settings);
        using JsonDocument architecture = JsonDocument.Parse(NetworkSpec.Serialize(result.After));
        return new(
            SchemaName,
            model,
            dataset,
            block,
            result.Description,
            settings.Groups,
            settings.Overlap,
            optimized,
            result.AfterCost.Parameters,
            result.AfterCost.Macs,
            new CostDocument(result.BeforeCost.Parameters, result.BeforeCost.Macs),
            result.ReplacedCount,
            result.Replacements.Select(r => new ReplacementDocument(r.Location, r.Unit, r.From, r.To, r.Reason, r.Convolutions, r.Before.Parameters, r.After.Parameters, r.Before.Macs, r.After.Macs)).ToList(),
            architecture.RootElement.Clone(),
            written);
    }
}

/// <summary>One standard convolution considered in <see cref="DecompositionDocument"/>.</summary>
/// <param name="Location">Where it is (stage and unit).</param>
/// <param name="Unit">The unit's name.</param>
/// <param name="From">The convolution.</param>
/// <param name="To">What replaced it, or null when kept.</param>
/// <param name="Reason">Why.</param>
/// <param name="Convolutions">How many standard convolutions the replacement covers.</param>
/// <param name="ParamsBefore">Parameters before.</param>
/// <param name="ParamsAfter">Parameters after.</param>
/// <param name="MacsBefore">MACs before.</param>
/// <param name="MacsAfter">MACs after.</param>
public sealed record ReplacementDocument(
    string Location,
    string Unit,
    string From,
    string? To,
    string Reason,
    int Convolutions,
    long ParamsBefore,
    long ParamsAfter,
    long MacsBefore,
    long MacsAfter);
