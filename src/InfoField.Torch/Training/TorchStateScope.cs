using static TorchSharp.torch;

namespace InfoField.Torch.Training;

/// <summary>
/// The process-wide libtorch state a library call changes while it works, put back when it ends: the intra-op thread
/// count (<c>set_num_threads</c>) and the state of the CPU's default random generator (seeded for initialization, and
/// for dropout every epoch). Training, the throughput benchmark and the RPW benchmark run inside one, so a library call
/// leaves the process as it found it; only applications (the command line) make lasting process-wide choices: the
/// thread count of a whole command, and glibc's heap settings (<see cref="NativeHeap.KeepFreedMemory"/>).
/// </summary>
/// <remarks>
/// CUDA's generators are the exception: TorchSharp 0.107 can seed them but cannot read or restore their state, so a run
/// on a CUDA device seeds them as it seeds the CPU's and leaves them seeded.
/// </remarks>
internal sealed class TorchStateScope : IDisposable
{
    private readonly int _threads;
    private Tensor? _generator;

    private TorchStateScope(int threads)
    {
        _threads = get_num_threads();
        _generator = random.get_rng_state().DetachFromDisposeScope();
        set_num_threads(threads);
    }

    /// <summary>Saves the thread count and the CPU generator's state, then sets <paramref name="threads"/> threads (at least 1).</summary>
    public static TorchStateScope Enter(int threads) => new(Math.Max(1, threads));

    /// <summary>Puts back the thread count and the generator's state found on entry.</summary>
    public void Dispose()
    {
        if (_generator is null)
        {
            return;
        }

        set_num_threads(_threads);
        random.set_rng_state(_generator);
        _generator.Dispose();
        _generator = null;
    }
}
