namespace InfoField.Files;

/// <summary>
/// Follows symbolic links the way the operating system does, in managed code: a relative link target is read against
/// the link's own directory (never the working directory or <c>/</c>), each directory on the way is resolved physically
/// (so <c>..</c> in a target leaves the directory the link really is in), and a chain longer than
/// <see cref="MaxHops"/> is a loop.
/// </summary>
public static class SymbolicLinks
{
    /// <summary>The most links followed for one path, as Linux's own limit (<c>ELOOP</c> after 40).</summary>
    public const int MaxHops = 40;

    /// <summary>
    /// The path <paramref name="path"/> finally names: every symbolic link in it, its last component included, replaced by
    /// its target. What it names need not exist (a link to a new file gives that file's path). Throws
    /// <see cref="InfoFieldException"/> naming <paramref name="path"/> for a loop.
    /// </summary>
    public static string FinalTarget(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int hops = 0;
        string current = Path.GetFullPath(path);
        while (true)
        {
            string directory = RealDirectory(Path.GetDirectoryName(current), path, ref hops);
            current = Path.Join(directory, Path.GetFileName(current));
            string? target = LinkTarget(current);
            if (target is null)
            {
                return current;
            }

            if (++hops > MaxHops)
            {
                throw Loop(path);
            }

            // Not normalized here: ".." in the target is resolved physically by RealDirectory on the next round.
            current = Path.IsPathRooted(target) ? target : Path.Join(directory, target);
        }
    }

    /// <summary>The target text of the symbolic link at <paramref name="path"/>, or null when it is not a link.</summary>
    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary><paramref name="directory"/> with every symbolic link among its components replaced, from the root down.</summary>
    private static string RealDirectory(string? directory, string path, ref int hops)
    {
        if (directory is null)
        {
            return Path.GetPathRoot(Path.GetFullPath(path)) ?? "/";
        }

        string root = Path.GetPathRoot(directory) ?? string.Empty;
        var pending = new Stack<string>(directory[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        string resolved = root;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? resolved;
                continue;
            }

            string next = Path.Join(resolved, part);
            string? target = LinkTarget(next);
            if (target is null)
            {
                resolved = next;
                continue;
            }

            if (++hops > MaxHops)
            {
                throw Loop(path);
            }

            // Continue from the target: an absolute one restarts at its root, a relative one at the link's directory.
            string absolute = Path.IsPathRooted(target) ? target : Path.Join(resolved, target);
            string targetRoot = Path.GetPathRoot(absolute) ?? root;
            foreach (string piece in absolute[targetRoot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(piece);
            }

            resolved = targetRoot;
        }

        return resolved;
    }

    private static InfoFieldException Loop(string path) =>
        new($"{path}: too many levels of symbolic links (more than {MaxHops}: a loop); expected a link that ends at a file");
}
