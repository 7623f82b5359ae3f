using InfoField.Files;
using InfoField.Spec;

namespace InfoField.Core.Tests;

/// <summary>Links followed as the operating system follows them; JSON strings that are not text.</summary>
public class FileSafetyTests
{
    [Fact]
    public void A_relative_link_target_is_read_against_the_links_directory_and_loops_are_refused()
    {
        string root = Folder();
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "dir", "sub"));
            File.CreateSymbolicLink(Path.Combine(root, "dir", "lnk"), "target.json");
            File.CreateSymbolicLink(Path.Combine(root, "dir", "up"), "../up-target.json");
            File.CreateSymbolicLink(Path.Combine(root, "dir", "chain"), "sub/next");
            File.CreateSymbolicLink(Path.Combine(root, "dir", "sub", "next"), "../lnk");
            File.CreateSymbolicLink(Path.Combine(root, "loop"), "loop");
            File.CreateSymbolicLink(Path.Combine(root, "ping"), "pong");
            File.CreateSymbolicLink(Path.Combine(root, "pong"), "ping");

            Assert.Equal(Path.Combine(root, "dir", "target.json"), SymbolicLinks.FinalTarget(Path.Combine(root, "dir", "lnk")));
            Assert.Equal(Path.Combine(root, "up-target.json"), SymbolicLinks.FinalTarget(Path.Combine(root, "dir", "up")));
            Assert.Equal(Path.Combine(root, "dir", "target.json"), SymbolicLinks.FinalTarget(Path.Combine(root, "dir", "chain")));
            Assert.Contains("too many levels of symbolic links", Assert.Throws<InfoFieldException>(() => SymbolicLinks.FinalTarget(Path.Combine(root, "loop"))).Message, StringComparison.Ordinal);
            Assert.Contains("a loop", Assert.Throws<InfoFieldException>(() => SymbolicLinks.FinalTarget(Path.Combine(root, "ping"))).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// Seeded random trees of links (relative and absolute targets, links to folders on the way, "..", chains, loops,
    /// dangling ends), each path resolved by <see cref="SymbolicLinks.FinalTarget"/> and by the kernel itself: opening
    /// the path to write, creating what it names as a write through the link does, and reading back which file the
    /// descriptor holds (<c>/proc/self/fd</c>). They must agree, and a loop must be a loop for both.
    /// </summary>
    [Fact]
    public void Fuzz_link_trees_resolve_as_the_kernel_resolves_them()
    {
        Assert.True(OperatingSystem.IsLinux(), "compares with the Linux kernel's own resolution (/proc/self/fd)");
        int seed = HostileSpecTests.Seed(20261207);
        var random = new Random(seed);
        for (int round = 0; round < 20; round++)
        {
            string outer = Folder();
            string root = Path.Combine(outer, "root");
            try
            {
                string[] folders = ["", "a", Path.Combine("a", "b"), "c"];
                foreach (string folder in folders)
                {
                    Directory.CreateDirectory(Path.Combine(root, folder));
                }

                var names = Enumerable.Range(0, 10).Select(i => Path.Combine(folders[random.Next(folders.Length)], $"l{i}")).ToList();
                foreach (string name in names)
                {
                    string target = random.Next(6) switch
                    {
                        0 => Path.Combine(root, names[random.Next(names.Count)]),
                        1 => Path.GetRelativePath(Path.GetDirectoryName(Path.Combine(root, name))!, Path.Combine(root, names[random.Next(names.Count)])),
                        2 => Path.Combine("..", $"file{random.Next(3)}"),
                        3 => random.Next(2) == 0 ? "a" : Path.Combine("..", "a", "b"),
                        4 => Path.Combine(Path.GetFileName(names[random.Next(names.Count)]), "x.json"),
                        _ => $"new{random.Next(3)}.json",
                    };
                    File.CreateSymbolicLink(Path.Combine(root, name), target);
                }

                string tree = string.Join("\n", names.Select(n => $"{n} -> {new FileInfo(Path.Combine(root, n)).LinkTarget}"));
                foreach (string name in names)
                {
                    string path = Path.Combine(root, name);
                    string ours;
                    try
                    {
                        ours = SymbolicLinks.FinalTarget(path);
                    }
                    catch (InfoFieldException error)
                    {
                        ours = "loop: " + error.Message;
                    }

                    string kernel = KernelTarget(path);
                    bool agrees = kernel switch
                    {
                        "loop" => ours.StartsWith("loop: ", StringComparison.Ordinal),
                        "missing folder" => !ours.StartsWith("loop: ", StringComparison.Ordinal) && !Directory.Exists(Path.GetDirectoryName(ours)),
                        "folder" => Directory.Exists(ours),
                        _ => kernel == ours,
                    };
                    Assert.True(agrees, $"seed {seed}, round {round}: {path} resolves to {ours}, the kernel says {kernel}\n{tree}");
                }
            }
            finally
            {
                Directory.Delete(outer, recursive: true);
            }
        }
    }

    [Fact]
    public void Json_strings_must_be_text_whatever_the_reader()
    {
        byte[] invalidUtf8 = [.. "{\"a\": \""u8, 0xC3, 0x28, .. "\"}"u8];

        var escape = Assert.Throws<System.Text.Json.JsonException>(() => JsonText.RequireValidStrings("{\"a\": 1,\n  \"b\": [\"ok\", \"\\udc00\"]}"));
        var bytes = Assert.Throws<System.Text.Json.JsonException>(() => JsonText.RequireValidStrings(invalidUtf8));

        Assert.Equal("line 2, byte 15", JsonText.Where(escape));
        Assert.Contains("is not valid Unicode", bytes.Message, StringComparison.Ordinal);
        JsonText.RequireValidStrings("{\"a\": \"\\ud83d\\ude00\", \"\\\\ud800\": \"\\u001b\"}");
    }

    /// <summary>
    /// What the kernel makes of a write to <paramref name="path"/>: the full path of the file it opens (creating it when
    /// the links end at a new name), or why it cannot: a loop, a missing folder, a folder.
    /// </summary>
    private static string KernelTarget(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write);
            return new FileInfo($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}").LinkTarget!;
        }
        catch (Exception error) when (error is DirectoryNotFoundException or FileNotFoundException || error.Message.Contains("Not a directory", StringComparison.Ordinal))
        {
            return "missing folder";
        }
        catch (UnauthorizedAccessException)
        {
            return "folder";
        }
        catch (IOException error) when (error.Message.Contains("symbolic links", StringComparison.Ordinal))
        {
            return "loop";
        }
    }

    private static string Folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "infofield-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
