using InfoField.Architecture;
using InfoField.Core.Tests;
using InfoField.Field;
using InfoField.Spec;

namespace InfoField.Reporting.Tests;

/// <summary>
/// `analyze` never refuses a valid network because of its organizer preview: on 300 seeded valid multi-stage branched
/// networks (splits, slices, channel-changing concats, gates, residual adds, classifiers without a linear layer;
/// <c>BranchedNetworks</c>, shared with InfoField.Core.Tests) read from their spec files, the analysis, its verdicts
/// and its JSON document are built, for the analysis settings drawn per seed. Before the organizer checked its edits,
/// 49 of the first 500 of these networks were refused with an error about the user's file.
/// </summary>
public class AnalyzeBranchedNetworksTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 300)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Analyze_accepts_every_valid_branched_network(int seed)
    {
        Network network = NetworkSpec.Parse(NetworkSpec.Serialize(BranchedNetworks.Generate(seed)), $"branched-{seed}.json");
        var loaded = new LoadedNetwork(network, "spec", null, 1.0, $"branched-{seed}.json");
        var random = new Random(seed);
        var options = new FieldOptions(new[] { 3.0, 1.0, 10.0 }[random.Next(3)], random.Next(2) == 0 ? CoordinateFrame.Input : CoordinateFrame.Output);
        double theta = new[] { 0, 0.05, 0.5 }[random.Next(3)];
        options = options with { FieldKind = random.Next(2) == 0 ? FieldKind.Local : FieldKind.Literal };

        NetworkAnalysis analysis = NetworkAnalysis.Of(loaded, options, theta);
        AnalysisDocument document = analysis.Document(loaded);

        Assert.Equal(network.Stages.Count, document.Stages.Count);
        Assert.NotNull(document.Verdicts);
        Assert.Equal(options.FieldKind.ToString().ToLowerInvariant(), document.Field);
        Assert.Equal(document.Field, document.Verdicts.Field);
        Assert.Equal(document.Verdicts.GlobalContext.Count > 0 ? 4 : 3, document.Verdicts.Sentences.Count);
        foreach (UnitDocument unit in document.Stages.SelectMany(stage => stage.Units))
        {
            UnitFactorsDocument used = options.FieldKind == FieldKind.Local ? unit.Local : unit.Literal;
            Assert.Equal((used.IfH, used.IfW, used.IfC, used.If, used.DeltaIf), (unit.IfH, unit.IfW, unit.IfC, unit.If, unit.DeltaIf));
        }
    }
}
