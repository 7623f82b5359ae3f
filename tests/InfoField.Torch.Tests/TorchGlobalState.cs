namespace InfoField.Torch.Tests;

/// <summary>
/// Tests that seed libtorch's global generator and depend on what it draws (initialization, dropout, random inputs):
/// the generator and the thread count are process-wide, so these run alone, after the parallel tests, never beside
/// other tests that build modules (which draw from the same generator).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalState
{
    public const string Name = "libtorch global state";
}
