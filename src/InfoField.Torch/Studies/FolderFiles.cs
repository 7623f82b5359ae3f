using System.Runtime.InteropServices;
using InfoField.Files;
using Microsoft.Win32.SafeHandles;

namespace InfoField.Torch.Studies;

/// <summary>
/// Opens files inside a results folder without ever following a symbolic link or blocking on a FIFO, because a results
/// folder is shared (between users, on clusters) and nothing in it may make InfoField read or write outside it. On Linux
/// the file is opened with <c>O_NOFOLLOW | O_NONBLOCK</c> and its type checked on the open descriptor (<c>fstat</c>),
/// so a link or FIFO swapped in between a check and the open is refused too; elsewhere the type is checked before a
/// plain open.
/// </summary>
internal static partial class FolderFiles
{
    /// <summary>Why a file in a results folder cannot be used: it is a link, not a regular file, or cannot be opened.</summary>
    internal sealed class UnusableException(string path, string why) : IOException($"{path}: {why}")
    {
        public string Why { get; } = why;
    }

    /// <summary>
    /// Opens (creating it when absent) the claim file at <paramref name="path"/> inside the results folder
    /// <paramref name="root"/> and takes an exclusive, non-blocking lock
    /// on it; null when another process holds the lock. Throws <see cref="UnusableException"/> when the entry is a
    /// symbolic link, a FIFO, device, socket or directory, or cannot be opened (a missing folder, no permission).
    /// </summary>
    public static FileStream? TryLock(string root, string path)
    {
        if (Native.Available)
        {
            SafeFileHandle handle = Native.Open(root, path, create: true, write: true);
            if (!Native.TryLockExclusive(handle, out int errno))
            {
                handle.Dispose();
                return errno == Native.WouldBlock ? null : throw new UnusableException(path, $"cannot lock it ({Native.Describe(errno)})");
            }

            return new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
        }

        RequireRegularOrAbsent(path);
        try
        {
            // FileShare.None takes flock(LOCK_EX | LOCK_NB) on Unix and a share lock on Windows.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception error) when (error is DirectoryNotFoundException or UnauthorizedAccessException or PathTooLongException)
        {
            throw new UnusableException(path, $"cannot open it ({error.Message})");
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// The bytes of the regular file at <paramref name="path"/> inside the results folder <paramref name="root"/>, at most <paramref name="maxBytes"/>; throws
    /// <see cref="UnusableException"/> when it is a link, not a regular file, too large or unreadable, and
    /// <see cref="FileNotFoundException"/> when it does not exist.
    /// </summary>
    public static byte[] ReadRegular(string root, string path, long maxBytes)
    {
        FileStream stream;
        if (Native.Available)
        {
            stream = new FileStream(Native.Open(root, path, create: false, write: false), FileAccess.Read, bufferSize: 0);
        }
        else
        {
            RequireRegularOrAbsent(path);
            try
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            }
            catch (Exception error) when (error is UnauthorizedAccessException or PathTooLongException)
            {
                throw new UnusableException(path, $"cannot open it ({error.Message})");
            }
        }

        using (stream)
        {
            long length = stream.Length;
            if (length > maxBytes)
            {
                throw new UnusableException(path, FormattableString.Invariant($"larger than {maxBytes:N0} bytes ({length:N0}), the limit for this file"));
            }

            var bytes = new byte[length];
            int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            return read == bytes.Length && stream.ReadByte() < 0
                ? bytes
                : throw new UnusableException(path, "changed while it was read");
        }
    }

    /// <summary>
    /// Makes <paramref name="path"/> free for a new regular file: removes a symbolic link, FIFO, device node or socket
    /// there (only the entry: a link's target is untouched), and renames a folder aside to
    /// <c>&lt;name&gt;.unusable-&lt;32 hex digits&gt;</c> (a rename never follows anything inside it, where deleting a
    /// tree others can write to might); true when something was moved or removed. A regular file is left in place.
    /// </summary>
    public static bool RemoveUnusable(string path)
    {
        try
        {
            switch (BoundedFile.KindOf(path))
            {
                case FileKind.SymbolicLink:
                case FileKind.Special:
                    File.Delete(path);
                    return true;
                case FileKind.Directory:
                    Directory.Move(path, $"{path}.unusable-{Guid.NewGuid():N}");
                    return true;
                default:
                    return false;
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UnusableException(path, $"cannot remove it ({error.Message})");
        }
    }

    /// <summary>
    /// Makes the folder <paramref name="path"/> exist as a real folder: created when absent; a symbolic link, file or
    /// special file in its place is removed first when <paramref name="replace"/>, else refused. True when something was replaced.
    /// </summary>
    public static bool RequireFolder(string path, bool replace)
    {
        FileKind kind = BoundedFile.KindOf(path);
        bool replaced = false;
        if (kind is not (FileKind.Directory or FileKind.Absent))
        {
            if (!replace)
            {
                throw new UnusableException(path, $"is {Describe(kind)}, not a folder; InfoField never follows links inside a results folder, remove it");
            }

            try
            {
                File.Delete(path);
                replaced = true;
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new UnusableException(path, $"cannot remove it ({error.Message})");
            }
        }

        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UnusableException(path, $"cannot create the folder ({error.Message})");
        }

        // Created by someone else meanwhile as something other than a folder: refuse rather than write into it.
        FileKind now = BoundedFile.KindOf(path);
        return now == FileKind.Directory
            ? replaced
            : throw new UnusableException(path, $"is {Describe(now)}, not a folder; InfoField never follows links inside a results folder, remove it");
    }

    /// <summary>What a path that is not a regular file is, in words.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Directory => "a folder",
        FileKind.Special => "a device, FIFO or socket",
        FileKind.Absent => "missing",
        _ => "a regular file",
    };

    private static void RequireRegularOrAbsent(string path)
    {
        FileKind kind = BoundedFile.KindOf(path);
        if (kind is not (FileKind.Regular or FileKind.Absent))
        {
            throw new UnusableException(path, $"is {Describe(kind)}, not a regular file; InfoField never follows links inside a results folder");
        }
    }

    /// <summary>open/fstat/flock from the C library (Linux on x64 and Arm64).</summary>
    private static partial class Native
    {
        public const int WouldBlock = 11;

        private const int NoSuchFile = 2;
        private const int Loop = 40;
        private const int NotDirectory = 20;
        private const int IsDirectory = 21;
        private const int ReadOnly = 0;
        private const int ReadWrite = 2;
        private const int Create = 0x40;
        private const int NoControllingTerminal = 0x100;
        private const int NonBlocking = 0x800;
        private const int CloseOnExec = 0x80000;
        private const int LockExclusive = 2;
        private const int LockNonBlocking = 4;
        private const int TypeMask = 0xF000;
        private const int RegularType = 0x8000;
        private const int DirectoryType = 0x4000;

        private static readonly bool X64 = RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64;

        /// <summary>Whether the native calls are used: Linux on x64 or Arm64 with a C library that has them.</summary>
        public static readonly bool Available = OperatingSystem.IsLinux()
            && RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.Arm64
            && Probe();

        private static int NoFollow => X64 ? 0x20000 : 0x8000;

        private static int Directory => X64 ? 0x10000 : 0x4000;

        private static int ModeOffset => X64 ? 24 : 16;

        /// <summary>
        /// Opens <paramref name="path"/>, which lies inside the folder <paramref name="root"/> (whose own path may hold
        /// links: the user chose it), walking every component below <paramref name="root"/> with <c>O_NOFOLLOW</c>
        /// (folders with <c>O_DIRECTORY</c> too), so no link inside the folder is followed, not even one swapped in while
        /// the path is walked. The file must be a regular file.
        /// </summary>
        public static SafeFileHandle Open(string root, string path, bool create, bool write)
        {
            string relative = Path.GetRelativePath(root, path);
            string[] parts = relative.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            if (Path.IsPathRooted(relative) || parts.Length == 0 || parts.Any(part => part is "." or ".."))
            {
                throw new ArgumentException($"{path} is not inside {root}", nameof(path));
            }

            int folder = OpenFile(root, ReadOnly | Directory | CloseOnExec, 0);
            if (folder < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new UnusableException(root, $"cannot open the results folder ({Describe(errno)})");
            }

            try
            {
                for (int i = 0; i < parts.Length - 1; i++)
                {
                    int next = OpenAt(folder, parts[i], ReadOnly | Directory | NoFollow | CloseOnExec, 0);
                    if (next < 0)
                    {
                        int errno = Marshal.GetLastPInvokeError();
                        string inner = Path.Join(root, Path.Join(parts[..(i + 1)]));
                        throw errno == NoSuchFile && !create
                            ? new FileNotFoundException($"{path}: no such file", path)
                            : new UnusableException(inner, errno is Loop or NotDirectory
                                ? "is a symbolic link or not a folder; InfoField never follows links inside a results folder"
                                : $"cannot open it ({Describe(errno)})");
                    }

                    _ = CloseFile(folder);
                    folder = next;
                }

                int flags = (write ? ReadWrite : ReadOnly) | (create ? Create : 0) | NoFollow | NonBlocking | CloseOnExec | NoControllingTerminal;
                int descriptor = OpenAt(folder, parts[^1], flags, 0x1B6 /* 0666, less the umask */);
                if (descriptor < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == NoSuchFile && !create)
                    {
                        throw new FileNotFoundException($"{path}: no such file", path);
                    }

                    throw new UnusableException(path, errno switch
                    {
                        Loop => "is a symbolic link; InfoField never follows links inside a results folder",
                        IsDirectory => "is a folder, not a regular file",
                        _ => $"cannot open it ({Describe(errno)})",
                    });
                }

                var handle = new SafeFileHandle(descriptor, ownsHandle: true);
                var status = new byte[256];
                if (FileStatus(descriptor, status) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    handle.Dispose();
                    throw new UnusableException(path, $"cannot inspect it ({Describe(errno)})");
                }

                int type = BitConverter.ToInt32(status, ModeOffset) & TypeMask;
                if (type != RegularType)
                {
                    handle.Dispose();
                    throw new UnusableException(path, $"is {(type == DirectoryType ? "a folder" : "a device, FIFO or socket")}, not a regular file");
                }

                return handle;
            }
            finally
            {
                _ = CloseFile(folder);
            }
        }

        public static bool TryLockExclusive(SafeFileHandle handle, out int errno)
        {
            int result = FileLock((int)handle.DangerousGetHandle(), LockExclusive | LockNonBlocking);
            errno = result == 0 ? 0 : Marshal.GetLastPInvokeError();
            return result == 0;
        }

        public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

        private static bool Probe()
        {
            try
            {
                // fstat is exported by glibc 2.33 and later; older C libraries leave the managed fallback.
                _ = FileStatus(-1, new byte[256]);
                _ = FileLock(-1, 0);
                return true;
            }
            catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }

        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int OpenFile(string path, int flags, int mode);

        [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int OpenAt(int folder, string name, int flags, int mode);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        private static partial int CloseFile(int descriptor);

        [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
        private static partial int FileStatus(int descriptor, [Out] byte[] status);

        [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
        private static partial int FileLock(int descriptor, int operation);
    }
}
