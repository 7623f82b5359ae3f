using System.Globalization;
using System.Text;

namespace InfoField.Files;

/// <summary>What a path names, as far as reading and writing InfoField's files is concerned.</summary>
public enum FileKind
{
    /// <summary>Nothing exists at the path.</summary>
    Absent,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (not followed).</summary>
    SymbolicLink,

    /// <summary>A device node, FIFO or socket: reading it may never end or block forever.</summary>
    Special,
}

/// <summary>
/// Reads input files with a size cap, and only when they are regular files, so that <c>/dev/zero</c>, a FIFO named
/// <c>x.json</c> or a huge file gives a one-line error instead of filling memory or blocking forever.
/// </summary>
public static class BoundedFile
{
    /// <summary>The largest spec file read: 4 MiB (the zoo's largest spec is under 100 KiB).</summary>
    public const long MaxSpecBytes = 4L << 20;

    /// <summary>What <paramref name="path"/> names, without following a final symbolic link.</summary>
    public static FileKind KindOf(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return FileKind.SymbolicLink;
        }

        if (Directory.Exists(path))
        {
            return FileKind.Directory;
        }

        if (!info.Exists)
        {
            return FileKind.Absent;
        }

        return IsRegular(path) == false ? FileKind.Special : FileKind.Regular;
    }

    /// <summary>
    /// The largest ONNX model read: <see cref="Array.MaxLength"/> bytes, just under 2 GiB, which is also protobuf's
    /// own limit for one message (larger models keep their weights in external data files, which are never read).
    /// </summary>
    public static readonly long MaxOnnxBytes = Array.MaxLength;

    /// <summary>
    /// The text of the regular file at <paramref name="path"/> (symbolic links to one are followed), at most
    /// <paramref name="maxBytes"/> long; errors name the path and say what <paramref name="what"/> was expected.
    /// </summary>
    public static string ReadAllText(string path, long maxBytes, string what) => Text(ReadAllBytes(path, maxBytes, what));

    /// <summary><paramref name="bytes"/> read as a text file is: UTF-8, a leading byte-order mark dropped.</summary>
    public static string Text(byte[] bytes) => new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');

    /// <summary>
    /// The bytes of a file called <paramref name="name"/> read from <paramref name="stream"/> (a file chosen in a browser,
    /// say), at most <paramref name="maxBytes"/>: refused before it is opened when its <paramref name="size"/> is larger,
    /// and when the stream turns out longer; errors name the file as <see cref="ReadAllBytes(string, long, string)"/> does.
    /// </summary>
    public static async Task<byte[]> ReadAllBytesAsync(string name, long size, Func<long, Stream> stream, long maxBytes, string what, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (size > maxBytes)
        {
            throw TooLarge(name, maxBytes, what);
        }

        try
        {
            await using Stream content = stream(maxBytes);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(chunk, cancel).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw TooLarge(name, maxBytes, what);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or OutOfMemoryException)
        {
            throw new InfoFieldException($"{name}: cannot read the {what}: {error.Message}", error);
        }
    }

    /// <summary>
    /// The bytes of the regular file at <paramref name="path"/> (symbolic links to one are followed), at most
    /// <paramref name="maxBytes"/> long; errors name the path and say what <paramref name="what"/> was expected.
    /// </summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        try
        {
            using FileStream stream = OpenRegular(path, what);
            if (stream.Length > maxBytes)
            {
                throw TooLarge(path, maxBytes, what);
            }

            var buffer = new MemoryStream((int)stream.Length);
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw TooLarge(path, maxBytes, what);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InfoFieldException($"{path}: cannot read the {what}: {error.Message}", error);
        }
    }

    /// <summary>
    /// Opens the regular file at <paramref name="path"/> for reading (symbolic links to one are followed, relative
    /// targets against the link's directory); a directory, device, FIFO, socket, missing file or link loop is refused
    /// without being opened, with an error naming the path and the <paramref name="what"/> expected. For readers that
    /// check a header before reading the rest.
    /// </summary>
    public static FileStream OpenRegular(string path, string what)
    {
        string target = Resolve(path);
        FileKind kind = KindOf(target);
        if (kind != FileKind.Regular)
        {
            throw new InfoFieldException(kind switch
            {
                FileKind.Absent => $"{path}: cannot read the {what}: no such file",
                FileKind.Directory => $"{path}: is a directory, not a {what}",
                _ => $"{path}: is not a regular file (a device, FIFO or socket); expected a {what}",
            });
        }

        try
        {
            return new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InfoFieldException($"{path}: cannot read the {what}: {error.Message}", error);
        }
    }

    private static InfoFieldException TooLarge(string path, long maxBytes, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{path}: larger than {maxBytes:N0} bytes, the limit for a {what}"));

    private static string Resolve(string path)
    {
        try
        {
            return KindOf(path) == FileKind.SymbolicLink ? SymbolicLinks.FinalTarget(path) : path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    /// <summary>Whether <c>stat(path)</c> says a regular file, on Linux; null elsewhere or when it cannot tell.</summary>
    private static bool? IsRegular(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return LinuxFiles.IsRegular(path);
        }
        catch (Exception error) when (LinuxFiles.IsUnavailable(error))
        {
            return null;
        }
    }
}
