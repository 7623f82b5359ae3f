using System.Globalization;
using InfoField.Torch.Studies;

namespace InfoField.Cli.Commands;

/// <summary>
/// Reads <c>--shard K/N</c>, or <c>--shard N</c> with K from the scheduler: <c>SLURM_ARRAY_TASK_ID</c> (Slurm job
/// arrays) or <c>JOB_COMPLETION_INDEX</c> (Kubernetes Indexed Jobs), in that order.
/// </summary>
internal static class ShardOption
{
    /// <summary>The environment variables that name a process's slice, in the order they are read.</summary>
    public static readonly string[] IndexVariables = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

    /// <summary>The slice <paramref name="text"/> names, or null without the option; <paramref name="environment"/> reads a variable.</summary>
    public static StudyShard? Parse(string? text, Func<string, string?> environment) =>
        text is null ? null : Parse(text, environment, required: true);

    /// <summary>
    /// For commands that train nothing (<c>--plan</c>, <c>--report</c>): the slice <paramref name="text"/> names when it
    /// names one (K/N, or N with K from the scheduler), else null; a malformed value is refused as by <see cref="Parse(string?, Func{string, string?})"/>.
    /// </summary>
    public static StudyShard? TryParse(string? text, Func<string, string?> environment) =>
        text is null ? null : Parse(text, environment, required: false);

    /// <summary>N, the number of slices, of <c>--shard K/N</c> or <c>--shard N</c>; null without the option.</summary>
    public static int? Count(string? text) => text is null ? null : Split(text).Count;

    private static (string[] Parts, int Count) Split(string text)
    {
        string[] parts = text.Split('/');
        return parts.Length > 2 || !int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1
            ? throw new InfoFieldException($"--shard {text}: expected K/N (slice K, from 0, of N) or N (K from {string.Join(" or ", IndexVariables)}), with N at least 1")
            : (parts, count);
    }

    private static StudyShard? Parse(string text, Func<string, string?> environment, bool required)
    {
        (string[] parts, int count) = Split(text);

        if (parts.Length == 2)
        {
            return int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < count
                ? new StudyShard(index, count)
                : throw new InfoFieldException($"--shard {text}: expected K from 0 to {count - 1} before the '/'");
        }

        foreach (string variable in IndexVariables)
        {
            string? value = environment(variable);
            if (!string.IsNullOrEmpty(value))
            {
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < count
                    ? new StudyShard(index, count)
                    : throw new InfoFieldException($"--shard {text}: {variable} is '{value}', expected a slice index from 0 to {count - 1} (Slurm: --array=0-{count - 1})");
            }
        }

        return required
            ? throw new InfoFieldException($"--shard {text}: no slice index; give --shard K/{count}, or run under a scheduler that sets {string.Join(" or ", IndexVariables)}")
            : null;
    }
}
