using System.Runtime.InteropServices;

namespace InfoField.Torch.Training;

/// <summary>What <see cref="NativeHeap.KeepFreedMemory"/> did.</summary>
/// <param name="Applied">True when the C library took the settings (Linux with glibc); false elsewhere, where nothing changed.</param>
/// <param name="MmapThreshold">Blocks from this many bytes up are still mapped and unmapped on their own (0 when not applied).</param>
public sealed record NativeHeapSettings(bool Applied, long MmapThreshold);

/// <summary>
/// Stops glibc's allocator from handing freed tensor memory back to the kernel after every step. By default glibc
/// maps blocks of 128 KiB and more on their own, unmaps them when they are freed and trims the heap top above 128 KiB,
/// so a training step or benchmark round that frees and reallocates its activations makes the kernel zero the same
/// pages again, every step (the issue measured more than half a benchmark's wall time in system time). This raises
/// the mapping threshold as far as glibc allows, turns trimming off in practice, and pads heap growth, which is what
/// <c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c> and <c>MALLOC_TOP_PAD_</c> do when a user sets them.
/// The memory a process keeps is its high-water mark, which it reaches again on the next step anyway.
/// </summary>
public static partial class NativeHeap
{
    private const int TrimThresholdParameter = -1;
    private const int TopPadParameter = -2;
    private const int MmapThresholdParameter = -3;

    /// <summary>The environment variable that, set to <c>default</c>, leaves glibc's own settings (to measure the difference).</summary>
    public const string OptOutVariable = "INFOFIELD_NATIVE_HEAP";

    /// <summary>Heap trimming starts above this much free memory at the top (1 GiB).</summary>
    public const int TrimThreshold = 1 << 30;

    /// <summary>Each heap growth asks the kernel for this much more than needed (256 MiB of address space, touched only when used).</summary>
    public const int TopPad = 256 << 20;

    /// <summary>
    /// Applies the settings when the process runs on glibc (a no-op returning <c>Applied: false</c> elsewhere, or when
    /// <see cref="OptOutVariable"/> is <c>default</c>). Calling it again changes nothing. It is a choice for the whole
    /// process, which glibc offers no way to undo, so library calls (training, evaluation, the benchmarks) never make it:
    /// an application calls it once at start, as the command line does (Program.cs); a library user who trains gets the
    /// same speed by calling it first.
    /// </summary>
    public static NativeHeapSettings KeepFreedMemory()
    {
        if (Environment.GetEnvironmentVariable(OptOutVariable) == "default" || !OperatingSystem.IsLinux() || !IsGlibc())
        {
            return new NativeHeapSettings(false, 0);
        }

        // glibc refuses a mapping threshold above half its largest heap (32 MiB on 64-bit systems before 2.39); take the largest it accepts.
        long threshold = 0;
        foreach (int candidate in new[] { 1 << 30, 256 << 20, 32 << 20, 16 << 20 })
        {
            if (Mallopt(MmapThresholdParameter, candidate) == 1)
            {
                threshold = candidate;
                break;
            }
        }

        bool applied = Mallopt(TrimThresholdParameter, TrimThreshold) == 1 & Mallopt(TopPadParameter, TopPad) == 1;
        return new NativeHeapSettings(applied && threshold > 0, threshold);
    }

    private static bool IsGlibc()
    {
        try
        {
            return GnuLibcVersion() != IntPtr.Zero;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);

    [LibraryImport("libc.so.6", EntryPoint = "gnu_get_libc_version")]
    private static partial IntPtr GnuLibcVersion();
}
