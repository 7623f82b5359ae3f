namespace InfoField.Torch.Tests.Training;

/// <summary>
/// Tests that need bit-reproducible training: libtorch's global generator (initialization, dropout) and thread count
/// are process-wide, so these run alone, never beside other tests that build modules.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalState
{
    public const string Name = "libtorch global state";
}
