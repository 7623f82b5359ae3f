namespace InfoField.Torch.Tests.Fields;

/// <summary>
/// Runs libtorch work on one intra-op thread and restores the count afterwards: the gradient checks' batches are small,
/// so one thread is many times faster than libtorch's pool (and leaves the cores to the tests running beside them).
/// </summary>
internal static class OneThread
{
    public static void Run(Action work)
    {
        int threads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(1);
        try
        {
            work();
        }
        finally
        {
            TorchSharp.torch.set_num_threads(threads);
        }
    }
}
