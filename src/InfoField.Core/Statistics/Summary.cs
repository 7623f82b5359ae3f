namespace InfoField.Statistics;

/// <summary>Mean, median, spread and rank correlation of study and benchmark results.</summary>
public static class Summary
{
    /// <summary>The arithmetic mean; NaN for no values.</summary>
    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>The median (the mean of the two middle values for an even count); NaN for no values.</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The sample standard deviation (divisor n - 1); NaN for fewer than two values.</summary>
    public static double SampleStandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return double.NaN;
        }

        double mean = Mean(values);
        double squares = values.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(squares / (values.Count - 1));
    }

    /// <summary>
    /// Ranks from 1, ties sharing the mean of the ranks they span (so <c>[0, 0, 5]</c> ranks as <c>[1.5, 1.5, 3]</c>).
    /// </summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        int[] order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            double rank = ((start + 1) + (end + 1)) / 2.0;
            for (int i = start; i <= end; i++)
            {
                ranks[order[i]] = rank;
            }

            start = end + 1;
        }

        return ranks;
    }

    /// <summary>The Pearson correlation; NaN when either side is constant or there are fewer than two pairs.</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"correlation needs pairs: {x.Count} x values but {y.Count} y values", nameof(y));
        }

        if (x.Count < 2)
        {
            return double.NaN;
        }

        double mx = Mean(x), my = Mean(y);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>
    /// Spearman's rank correlation: the Pearson correlation of the ranks, ties given their mean rank; NaN when
    /// either side is constant or there are fewer than two pairs.
    /// </summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(Ranks(x), Ranks(y));

    /// <summary>
    /// The one-sided permutation p-value of a positive association: the share of pairings of <paramref name="y"/> with
    /// <paramref name="x"/> whose <paramref name="statistic"/> is at least the observed one. Exact (every permutation)
    /// for up to 8 pairs; otherwise a Monte Carlo estimate from <paramref name="samples"/> seeded random permutations,
    /// (hits + 1) / (samples + 1). NaN when the statistic is undefined.
    /// </summary>
    public static double PermutationPValue(IReadOnlyList<double> x, IReadOnlyList<double> y, Func<IReadOnlyList<double>, IReadOnlyList<double>, double> statistic, int samples = 100_000, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        double observed = statistic(x, y);
        if (double.IsNaN(observed))
        {
            return double.NaN;
        }

        double tolerance = 1e-12 * Math.Max(1, Math.Abs(observed));
        var order = Enumerable.Range(0, y.Count).ToArray();
        var shuffled = new double[y.Count];
        double Permuted()
        {
            for (int i = 0; i < order.Length; i++)
            {
                shuffled[i] = y[order[i]];
            }

            return statistic(x, shuffled);
        }

        if (y.Count <= 8)
        {
            long hits = 0, total = 0;
            foreach (int[] permutation in Permutations(order.Length))
            {
                permutation.CopyTo(order, 0);
                total++;
                hits += Permuted() >= observed - tolerance ? 1 : 0;
            }

            return (double)hits / total;
        }

        var random = new Random(seed);
        long count = 0;
        for (int s = 0; s < samples; s++)
        {
            random.Shuffle(order);
            count += Permuted() >= observed - tolerance ? 1 : 0;
        }

        return (count + 1.0) / (samples + 1.0);
    }

    /// <summary>Every permutation of 0..n-1 (Heap's algorithm), each as a fresh array.</summary>
    private static IEnumerable<int[]> Permutations(int n)
    {
        int[] items = Enumerable.Range(0, n).ToArray();
        int[] c = new int[n];
        yield return (int[])items.Clone();
        int i = 0;
        while (i < n)
        {
            if (c[i] < i)
            {
                int j = i % 2 == 0 ? 0 : c[i];
                (items[j], items[i]) = (items[i], items[j]);
                yield return (int[])items.Clone();
                c[i]++;
                i = 0;
            }
            else
            {
                c[i] = 0;
                i++;
            }
        }
    }
}
