using InfoField.Torch.Data;

namespace InfoField.Torch.Tests;

/// <summary>
/// A test that needs Debian's Fashion-MNIST package (<c>/usr/share/datasets/fashion-mnist</c>). Where it is not installed
/// the test is reported as skipped, saying how to install it; with INFOFIELD_REQUIRE_DATASETS=1 (set by .ci/run, which
/// installs it) it runs and fails instead, so CI never skips it silently.
/// </summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    /// <summary>The environment variable that makes the data set required.</summary>
    public const string Required = "INFOFIELD_REQUIRE_DATASETS";

    public FashionMnistFactAttribute()
    {
        if (!Directory.Exists(Datasets.DebianFashionMnist) && Environment.GetEnvironmentVariable(Required) != "1")
        {
            Skip = $"needs Debian's Fashion-MNIST in {Datasets.DebianFashionMnist}: apt-get install dataset-fashion-mnist (.ci/run installs it and sets {Required}=1)";
        }
    }
}
