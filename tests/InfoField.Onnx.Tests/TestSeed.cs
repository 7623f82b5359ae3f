using System.Globalization;

namespace InfoField.Onnx.Tests;

/// <summary>
/// The seed of a randomized test: fixed, so every run repeats the same cases, and settable with INFOFIELD_TEST_SEED to
/// explore others or repeat a failure (tests print the seed they used).
/// </summary>
internal static class TestSeed
{
    /// <summary>INFOFIELD_TEST_SEED when set to an integer, else <paramref name="fixedSeed"/>.</summary>
    public static int Value(int fixedSeed) =>
        int.TryParse(Environment.GetEnvironmentVariable("INFOFIELD_TEST_SEED"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed) ? seed : fixedSeed;
}
