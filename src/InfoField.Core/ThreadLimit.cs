using System.Globalization;

namespace InfoField;

/// <summary>How many threads a computation may ask for: no more than the machine has processors (at least 4).</summary>
public static class ThreadLimit
{
    /// <summary>The most threads accepted: the processor count, or 4 on smaller machines.</summary>
    public static int Max => Math.Max(Environment.ProcessorCount, 4);

    /// <summary>Returns <paramref name="threads"/> (0 means one per processor) or throws naming <paramref name="parameter"/>.</summary>
    public static int Check(int threads, string parameter = "threads") =>
        threads >= 0 && threads <= Max
            ? threads
            : throw new ParameterException(parameter, null, string.Create(CultureInfo.InvariantCulture, $"expected 0 (one per processor) to {Max} threads, this machine's processors (got {threads})"));
}
