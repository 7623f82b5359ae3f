using InfoField.Architecture;
using InfoField.Field;
using InfoField.Zoo;

namespace InfoField.Organizer;

/// <summary>The organizer's result for one network at each alpha.</summary>
/// <param name="Model">The zoo model.</param>
/// <param name="Dataset">The dataset it was built for.</param>
/// <param name="Before">Units per stage before optimizing.</param>
/// <param name="After">Units per stage after optimizing, per alpha (in the order of <see cref="AlphaSensitivity.Alphas"/>).</param>
/// <param name="SameAsReference">Per alpha, whether the optimized network equals the one at the reference alpha (every unit, not only the counts).</param>
public sealed record AlphaSensitivityRow(string Model, string Dataset, ValueList<int> Before, ValueList<ValueList<int>> After, ValueList<bool> SameAsReference)
{
    /// <summary>True when some alpha gives another architecture than the reference.</summary>
    public bool Differs => SameAsReference.Any(same => !same);
}

/// <summary>
/// Does alpha change the organizer's decisions? The paper says it "makes no substantial difference" (section 3.2); this
/// runs the organizer (default settings otherwise) on every zoo model and dataset at several alphas and compares each
/// result with the one at the reference alpha (3). Static: nothing is trained.
/// </summary>
/// <param name="Alphas">The alphas compared, the reference among them.</param>
/// <param name="Reference">The reference alpha.</param>
/// <param name="Rows">One row per model and dataset.</param>
/// <param name="Skipped">Models and datasets that have no definition ("model on dataset: why").</param>
/// <param name="FieldKind">The field whose gains the organizer compared.</param>
public sealed record AlphaSensitivity(ValueList<double> Alphas, double Reference, ValueList<AlphaSensitivityRow> Rows, ValueList<string> Skipped, FieldKind FieldKind = FieldKind.Local)
{
    /// <summary>The alphas the paper's claim is tested on.</summary>
    public static ValueList<double> DefaultAlphas { get; } = [0.5, 1, 2, 3, 5, 10];

    /// <summary>How many architectures at <see cref="Alphas"/>[<paramref name="index"/>] differ from the reference.</summary>
    public int Differing(int index) => Rows.Count(row => !row.SameAsReference[index]);

    /// <summary>Runs the comparison on every zoo model and dataset.</summary>
    public static AlphaSensitivity OfZoo(IReadOnlyList<double>? alphas = null, double reference = 3, OrganizerOptions? options = null)
    {
        var networks = new List<(string, string, Network)>();
        var skipped = new List<string>();
        foreach (ZooEntry entry in ModelZoo.Entries)
        {
            foreach (DatasetInfo dataset in DatasetInfo.All)
            {
                if (entry.Unsupported(dataset) is { } why)
                {
                    skipped.Add($"{entry.Name} on {dataset.Name}: {why.Message}");
                }
                else
                {
                    networks.Add((entry.Name, dataset.Name, entry.Build(new ZooRequest(dataset))));
                }
            }
        }

        return Of(networks, alphas ?? DefaultAlphas, reference, options) with { Skipped = skipped.ToValueList() };
    }

    /// <summary>Runs the comparison on <paramref name="networks"/>.</summary>
    public static AlphaSensitivity Of(IEnumerable<(string Model, string Dataset, Network Network)> networks, IReadOnlyList<double> alphas, double reference = 3, OrganizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(alphas);
        if (!alphas.Contains(reference))
        {
            throw new ArgumentException($"the alphas must include the reference alpha {reference}", nameof(alphas));
        }

        options ??= OrganizerOptions.Default;
        var rows = new List<AlphaSensitivityRow>();
        foreach (var (model, dataset, network) in networks)
        {
            var results = alphas.Select(alpha => StageOrganizer.Optimize(network, options with { Alpha = alpha }).After).ToList();
            Network atReference = results[alphas.ToList().IndexOf(reference)];
            rows.Add(new AlphaSensitivityRow(
                model,
                dataset,
                StageUnits.Of(network),
                results.Select(StageUnits.Of).ToValueList(),
                results.Select(after => after == atReference).ToValueList()));
        }

        return new AlphaSensitivity(alphas.ToValueList(), reference, rows.ToValueList(), [], options.FieldKind);
    }
}
