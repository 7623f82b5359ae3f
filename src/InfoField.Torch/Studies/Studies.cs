using InfoField.Field;
using InfoField.Kernels;
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
    /// <see cref="InformationField.Analyze"/> on the variant as trained. With <paramref name="kernels"/> other than 3, the
    /// variants <c>&lt;base&gt;-variantK-convN</c> insert an N x N conv instead (a 1x1 conv grows no spatial field),
    /// after the 3x3 variants. Networks are resolved by <paramref name="resolve"/>.
    /// </summary>
    public static IReadOnlyList<StudyNetwork> Insertion(string baseName, Func<string, LoadedNetwork> resolve, IReadOnlyList<int>? kernels = null)
    {
        RequireVariants(baseName);
        kernels ??= [3];
        var variants = new List<StudyNetwork>();
        foreach (int kernel in kernels)
        {
            for (int k = 1; ModelZoo.Find($"{baseName}-variant{k}") is not null; k++)
            {
                string name = kernel == 3 ? $"{baseName}-variant{k}" : $"{baseName}-variant{k}-conv{kernel}";
                if (ModelZoo.Find(name) is null)
                {
                    throw new ParameterException("kernels", kernel.ToString(System.Globalization.CultureInfo.InvariantCulture), $"the zoo has no {name}; the insertion variants come with 3x3, 1x1 and 5x5 convs");
                }

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
        }

        return [new StudyNetwork(baseName, resolve(baseName), null), .. variants];
    }

    /// <summary>
    /// The kernel-level study (the paper's Table 6): <paramref name="model"/> with every standard convolution but the
    /// first replaced one-for-one by each block of <paramref name="blocks"/> (the first row, <see cref="ReplacementBlock.None"/>,
    /// is the baseline).
    /// </summary>
    public static IReadOnlyList<StudyNetwork> Kernels(LoadedNetwork model, IReadOnlyList<(ReplacementBlock Block, BlockSettings Settings)> blocks)
    {
        var networks = new List<StudyNetwork>();
        foreach (var (block, settings) in blocks)
        {
            Decomposition decomposition = Decomposer.Decompose(model.Network, block, settings);
            networks.Add(new StudyNetwork(decomposition.Description, model with { Network = decomposition.After }, null));
        }

        return networks;
    }

    /// <summary>The blocks of the paper's Table 6 that the kernel study trains: baseline, DW+PW, DW+GPW-g2/4/8, DW+RPW-g2/4/8 with o = 0.5, and DW+RPW-g4 with o = 0.33.</summary>
    public static IReadOnlyList<(ReplacementBlock Block, BlockSettings Settings)> Table6Blocks { get; } =
    [
        (ReplacementBlock.None, new BlockSettings()),
        (ReplacementBlock.DwPw, new BlockSettings()),
        (ReplacementBlock.DwGpw, new BlockSettings(Groups: 2)),
        (ReplacementBlock.DwGpw, new BlockSettings(Groups: 4)),
        (ReplacementBlock.DwGpw, new BlockSettings(Groups: 8)),
        (ReplacementBlock.DwRpw, new BlockSettings(Groups: 2, Overlap: 0.5)),
        (ReplacementBlock.DwRpw, new BlockSettings(Groups: 4, Overlap: 0.5)),
        (ReplacementBlock.DwRpw, new BlockSettings(Groups: 8, Overlap: 0.5)),
        (ReplacementBlock.DwRpw, new BlockSettings(Groups: 4, Overlap: 0.33)),
    ];

    /// <summary>Throws, naming the option, unless the zoo has <c>&lt;base&gt;-variant1</c>.</summary>
    public static void RequireVariants(string baseName)
    {
        if (ModelZoo.Find($"{baseName}-variant1") is null)
        {
            throw new ParameterException("baseName", baseName, $"the zoo has no {baseName}-variant1, ...; the insertion study needs a base with variants (vgg11)");
        }
    }

    /// <summary>The most runs a study plans (seeds times networks): each is a training run, and its id is computed up front.</summary>
    public const int MaxRuns = 10_000;

    /// <summary>Every (network, seed) run: seeds 1 to <paramref name="seeds"/>, seed-major so early results cover every network.</summary>
    public static IReadOnlyList<PlannedRun> Runs(IReadOnlyList<StudyNetwork> networks, TrainingSettings settings, int seeds)
    {
        ArgumentNullException.ThrowIfNull(networks);
        if (seeds < 1)
        {
            throw new ParameterException("seeds", null, $"expected at least 1 (got {seeds})");
        }

        long runs = (long)seeds * Math.Max(1, networks.Count);
        if (runs > MaxRuns)
        {
            throw new ParameterException("seeds", seeds.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"a study plans at most {MaxRuns:N0} runs, and {seeds:N0} seeds of {networks.Count} network(s) are {runs:N0}"));
        }

        return [.. Enumerable.Range(1, seeds).SelectMany(seed => networks.Select(network => new PlannedRun(network.Label, network.Model, settings with { Seed = seed })))];
    }

    /// <summary>The insertion gains by row label.</summary>
    public static IReadOnlyDictionary<string, double> Gains(IReadOnlyList<StudyNetwork> networks) =>
        networks.Where(n => n.DeltaIf is not null).ToDictionary(n => n.Label, n => n.DeltaIf!.Value);
}
