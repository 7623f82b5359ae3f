using InfoField.Field;
using InfoField.Training;
using InfoField.Zoo;

namespace InfoField.Torch.Studies;

/// <summary>A network in a study, with its insertion gain when it is a variant.</summary>
/// <param name="Label">The row's name.</param>
/// <param name="Model">The network.</param>
/// <param name="DeltaIf">The dIF of the inserted unit (variants only).</param>
public sealed record StudyNetwork(string Label, LoadedNetwork Model, double? DeltaIf);

/// <summary>The studies InfoField runs: which networks, which runs.</summary>
public static class StudyPlans
{
    /// <summary>
    /// The paper's case study (section 3.3, Table 2): the base and each zoo variant <c>&lt;base&gt;-variantK</c>, which
    /// inserts one conv as the last unit of stage K; its dIF is that unit's gain, computed by
    /// <see cref="InformationField.Analyze"/> on the variant as trained. Networks are resolved by <paramref name="resolve"/>.
    /// </summary>
    public static IReadOnlyList<StudyNetwork> Insertion(string baseName, Func<string, LoadedNetwork> resolve)
    {
        RequireVariants(baseName);
        var variants = new List<StudyNetwork>();
        for (int k = 1; ModelZoo.Find($"{baseName}-variant{k}") is not null; k++)
        {
            string name = $"{baseName}-variant{k}";
            LoadedNetwork variant = resolve(name);
            NetworkField field = InformationField.Analyze(variant.Network);
            if (k > field.Stages.Length)
            {
                throw new InfoFieldException($"{name}: expected an inserted unit in stage {k}, but the network has {field.Stages.Length} stages");
            }

            double gain = field.Stages[k - 1].Last.DeltaIf
                ?? throw new InfoFieldException($"{name}: stage {k} has a single unit, so it has no inserted unit with a gain");
            variants.Add(new StudyNetwork(name, variant, gain));
        }

        return [new StudyNetwork(baseName, resolve(baseName), null), .. variants];
    }

    /// <summary>Throws, naming the option, unless the zoo has <c>&lt;base&gt;-variant1</c>.</summary>
    public static void RequireVariants(string baseName)
    {
        if (ModelZoo.Find($"{baseName}-variant1") is null)
        {
            throw new ParameterException("baseName", baseName, $"the zoo has no {baseName}-variant1, ...; the insertion study needs a base with variants (vgg11)");
        }
    }

    /// <summary>Every (network, seed) run: seeds 1 to <paramref name="seeds"/>, seed-major so early results cover every network.</summary>
    public static IReadOnlyList<PlannedRun> Runs(IReadOnlyList<StudyNetwork> networks, TrainingSettings settings, int seeds)
    {
        if (seeds < 1)
        {
            throw new ParameterException("seeds", null, $"expected at least 1 (got {seeds})");
        }

        return [.. Enumerable.Range(1, seeds).SelectMany(seed => networks.Select(network => new PlannedRun(network.Label, network.Model, settings with { Seed = seed })))];
    }

    /// <summary>The insertion gains by row label.</summary>
    public static IReadOnlyDictionary<string, double> Gains(IReadOnlyList<StudyNetwork> networks) =>
        networks.Where(n => n.DeltaIf is not null).ToDictionary(n => n.Label, n => n.DeltaIf!.Value);
}
