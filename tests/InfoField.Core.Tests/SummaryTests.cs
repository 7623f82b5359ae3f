using InfoField.Statistics;

namespace InfoField.Core.Tests;

public class SummaryTests
{
    [Fact]
    public void Mean_and_sample_standard_deviation()
    {
        double[] values = [2, 4, 4, 4, 5, 5, 7, 9];

        Assert.Equal(5.0, Summary.Mean(values), 12);
        Assert.Equal(Math.Sqrt(32.0 / 7.0), Summary.SampleStandardDeviation(values), 12);
        Assert.True(double.IsNaN(Summary.SampleStandardDeviation([1.0])));
        Assert.True(double.IsNaN(Summary.Mean([])));
    }

    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        Assert.Equal(4.0, Summary.Median([9.0, 4.0, 1.0]));
        Assert.Equal(4.5, Summary.Median([9.0, 4.0, 1.0, 5.0]));
        Assert.True(double.IsNaN(Summary.Median([])));
    }

    [Fact]
    public void Ties_share_their_mean_rank()
    {
        Assert.Equal([3.0, 1.5, 1.5, 4.0], Summary.Ranks([5.0, 0.0, 0.0, 7.0]));
    }

    [Fact]
    public void Spearman_of_the_papers_table_2_is_0_975()
    {
        // dIF and accuracy change of Variants 1-5 as the paper prints them: the two zero gains tie.
        double[] deltaIf = [1.73, 1.60, 0.29, 0.0, 0.0];
        double[] deltaAccuracy = [0.88, 0.78, 0.07, -0.10, -0.27];

        Assert.Equal(9.5 / Math.Sqrt(95), Summary.Spearman(deltaIf, deltaAccuracy), 12);
    }

    [Fact]
    public void Spearman_is_plus_or_minus_one_for_monotone_pairs_and_nan_for_a_constant_side()
    {
        double[] x = [1, 2, 3, 4];

        Assert.Equal(1.0, Summary.Spearman(x, [10.0, 20, 25, 1000]), 12);
        Assert.Equal(-1.0, Summary.Spearman(x, [4.0, 3, 2, 1]), 12);
        Assert.True(double.IsNaN(Summary.Spearman(x, [1.0, 1, 1, 1])));
        Assert.Throws<ArgumentException>(() => Summary.Spearman(x, [1.0]));
    }
}
