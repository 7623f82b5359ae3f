using System.Runtime.CompilerServices;
using System.Runtime.Versioning;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace InfoField.Files;

/// <summary>
/// The two calls of the file helpers that .NET has no API for, on Linux, through Tmds.LibC's bindings (its own
/// <c>struct stat</c> layout and flag values per architecture): a path's file type without opening it, and fsync of a
/// directory. Callers call these only on Linux and treat a missing binding (another C library, an architecture the
/// package has no assembly for) as "cannot tell", which <see cref="IsUnavailable"/> recognizes.
/// </summary>
[SupportedOSPlatform("linux")]
internal static unsafe class LinuxFiles
{
    /// <summary>Whether <paramref name="path"/> (a final symbolic link followed) is a regular file; null when stat fails.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool? IsRegular(string path)
    {
        byte[] name = NullTerminated(path);
        stat status;
        fixed (byte* pointer = name)
        {
            if (stat(pointer, &status) != 0)
            {
                return null;
            }
        }

        return (status.st_mode & S_IFMT) == S_IFREG;
    }

    /// <summary>fsync on the directory <paramref name="directory"/>, so that a rename in it survives a crash; failures are ignored.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FlushDirectory(string directory)
    {
        byte[] name = NullTerminated(directory);
        int descriptor;
        fixed (byte* pointer = name)
        {
            descriptor = open(pointer, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        }

        if (descriptor >= 0)
        {
            _ = fsync(descriptor);
            _ = close(descriptor);
        }
    }

    /// <summary>True for the errors of a binding that cannot be loaded here.</summary>
    public static bool IsUnavailable(Exception error) =>
        error is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeLoadException
            || (error is FileNotFoundException { FileName: string missing } && missing.StartsWith("Tmds.LibC", StringComparison.Ordinal))
            || (error is FileLoadException { FileName: string unloadable } && unloadable.StartsWith("Tmds.LibC", StringComparison.Ordinal));

    private static byte[] NullTerminated(string path)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }
}
