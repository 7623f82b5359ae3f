using System.Text.RegularExpressions;

namespace InfoField.Files;

/// <summary>
/// Writes files so that readers never see a partial file: the text goes to a temporary name beside the target
/// (<c>.&lt;name&gt;.&lt;32 hex digits&gt;.tmp</c>), is flushed to disk, then renamed over the target, and the directory
/// is flushed. Only a regular file or a new name is replaced: a directory, symbolic link, device node, FIFO or
/// read-only file is refused. Temporaries of this naming older than <see cref="StaleAfter"/> (left by a killed writer)
/// are removed.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>How old a temporary of ours must be before it counts as left by a killed writer.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically; throws <see cref="InfoFieldException"/> naming the path on failure.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, temporary => File.WriteAllText(temporary, text));

    /// <summary>Runs <paramref name="write"/> on a temporary file beside <paramref name="path"/>, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        string full = RequireWritableTarget(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        string name = Path.GetFileName(full);
        RemoveStaleTemporaries(directory, name);
        string temporary = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            write(temporary);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite))
            {
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
            FlushDirectory(directory);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InfoFieldException($"{path}: cannot write: {error.Message}", error);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>
    /// The path a write through <paramref name="path"/> reaches when the caller asked to follow symbolic links: the
    /// final target of a link (which must then be a regular file or absent, like any target), else the path itself.
    /// </summary>
    public static string ThroughLinks(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            return BoundedFile.KindOf(Path.GetFullPath(path)) == FileKind.SymbolicLink
                ? SymbolicLinks.FinalTarget(path)
                : path;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InfoFieldException($"{path}: cannot follow the symbolic link: {error.Message}", error);
        }
    }

    /// <summary>
    /// Checks that <paramref name="path"/> can be replaced by a new file (a regular, writable file or a new name in an
    /// existing directory) and returns its full path; the error names the path and what is wrong.
    /// </summary>
    public static string RequireWritableTarget(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InfoFieldException("the output path is empty; expected a file name");
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception error) when (error is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new InfoFieldException($"{path}: not a valid file path ({error.Message})", error);
        }

        string directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new InfoFieldException($"{path}: cannot write: the directory '{directory}' does not exist");
        }

        switch (BoundedFile.KindOf(full))
        {
            case FileKind.Directory:
                throw new InfoFieldException($"{path}: is a directory; expected a file name");
            case FileKind.SymbolicLink:
                throw new InfoFieldException($"{path}: is a symbolic link; name the file itself, or ask to write through the link (a link itself is never replaced)");
            case FileKind.Special:
                throw new InfoFieldException($"{path}: is a device, FIFO or socket, not a regular file; refusing to replace it");
            case FileKind.Regular when IsReadOnly(full):
                throw new InfoFieldException($"{path}: is read-only; refusing to replace it");
        }

        return full;
    }

    private static bool IsReadOnly(string full)
    {
        if ((File.GetAttributes(full) & FileAttributes.ReadOnly) != 0)
        {
            return true;
        }

        return !OperatingSystem.IsWindows()
            && (File.GetUnixFileMode(full) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0;
    }

    [GeneratedRegex("^\\.(?<name>.+)\\.[0-9a-f]{32}\\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryName();

    /// <summary>Deletes temporaries of <paramref name="name"/> (our naming only) older than <see cref="StaleAfter"/>.</summary>
    private static void RemoveStaleTemporaries(string directory, string name)
    {
        try
        {
            foreach (string candidate in Directory.EnumerateFiles(directory, $".{name}.*.tmp"))
            {
                Match match = TemporaryName().Match(Path.GetFileName(candidate));
                if (match.Success && match.Groups["name"].Value == name
                    && DateTime.UtcNow - File.GetLastWriteTimeUtc(candidate) > StaleAfter
                    && BoundedFile.KindOf(candidate) == FileKind.Regular)
                {
                    File.Delete(candidate);
                }
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Cleaning up is a courtesy; the write itself reports real problems.
        }
    }

    /// <summary>fsync on the directory, so the rename survives a crash (Linux; a no-op elsewhere).</summary>
    private static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            LinuxFiles.FlushDirectory(directory);
        }
        catch (Exception error) when (LinuxFiles.IsUnavailable(error))
        {
            // Without the C library's bindings there is nothing to flush with.
        }
    }
}
