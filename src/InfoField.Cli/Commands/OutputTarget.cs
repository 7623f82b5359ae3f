using System.CommandLine;
using InfoField.Files;

namespace InfoField.Cli.Commands;

/// <summary>
/// The <c>--follow-links</c> option of commands that write files: output targets must be regular files or new names
/// (the library refuses directories, devices and symbolic links); asked to, the command writes through a link to the
/// file it points to.
/// </summary>
internal sealed class OutputTarget
{
    public Option<bool> FollowLinks { get; } = new("--follow-links") { Description = "When the output names a symbolic link, write to the regular file it points to (links are refused otherwise)." };

    public void AddTo(Command command) => command.Options.Add(FollowLinks);

    /// <summary>The path to write: <paramref name="path"/>, or the final target of the link it names when asked to follow links.</summary>
    public string? Resolve(ParseResult parsed, string? path) =>
        path is not null && parsed.GetValue(FollowLinks) ? AtomicFile.ThroughLinks(path) : path;
}
