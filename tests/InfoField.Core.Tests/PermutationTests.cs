using InfoField.Statistics;

namespace InfoField.Core.Tests;

public class PermutationTests
{
    [Fact]
    public void The_exact_p_value_counts_the_pairings_at_least_as_correlated()
    {
        // The committed insertion study: dIF 1.73, 1.60, 0.30, 0, 0 against +0.71, +0.34, -0.35, -0.92, -0.07 points.
        // Spearman is 0.82; of the 120 pairings, 8 reach it: p = 0.067 (docs/results/insertion-fashion-mnist.md).
        double[] gains = [1.73, 1.60, 0.30, 0.0, 0.0];
        double[] changes = [0.71, 0.34, -0.35, -0.92, -0.07];

        Assert.Equal(0.82, Summary.Spearman(gains, changes), 2);
        Assert.Equal(8.0 / 120, Summary.PermutationPValue(gains, changes, Summary.Spearman), 12);
    }

    [Fact]
    public void The_monte_carlo_p_value_is_seeded_and_near_the_truth()
    {
        double[] x = Enumerable.Range(0, 12).Select(i => (double)i).ToArray();
        double[] perfect = x.Select(v => (2 * v) + 1).ToArray();
        double[] reversed = x.Select(v => -v).ToArray();

        double p = Summary.PermutationPValue(x, perfect, Summary.Pearson, samples: 20_000, seed: 7);

        Assert.Equal(p, Summary.PermutationPValue(x, perfect, Summary.Pearson, samples: 20_000, seed: 7));
        Assert.InRange(p, 0, 2.0 / 20_001);
        Assert.Equal(1.0, Summary.PermutationPValue(x, reversed, Summary.Pearson, samples: 20_000), 3);
        Assert.True(double.IsNaN(Summary.PermutationPValue(x, x.Select(_ => 1.0).ToArray(), Summary.Pearson)));
    }
}
