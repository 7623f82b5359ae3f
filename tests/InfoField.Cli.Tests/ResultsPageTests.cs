using System.Globalization;
using System.Text.Json;

namespace InfoField.Cli.Tests;

/// <summary>
/// Result pages that quote a command's output are checked against the command itself, so a change of the engine or
/// the zoo shows up here as a failing test naming the page, not as a page that silently drifts.
/// </summary>
public class ResultsPageTests
{
    private const string Begin = "<!-- begin: infofield study alpha -->";
    private const string End = "<!-- end: infofield study alpha -->";

    [Fact]
    public void The_alpha_page_shows_exactly_what_study_alpha_prints()
    {
        string page = Read("docs", "results", "alpha-sensitivity.md");
        CliRun run = CliRun.Of("study", "alpha");
        Assert.Equal(0, run.ExitCode);

        int begin = page.IndexOf(Begin, StringComparison.Ordinal), end = page.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"docs/results/alpha-sensitivity.md has no block between {Begin} and {End}");
        string block = page[(begin + Begin.Length)..end].Trim('\n');
        string expected = "```\n" + run.Output + "```";
        if (block != expected)
        {
            string[] shown = block.Split('\n'), printed = expected.Split('\n');
            int line = Enumerable.Range(0, Math.Min(shown.Length, printed.Length)).FirstOrDefault(i => shown[i] != printed[i], Math.Min(shown.Length, printed.Length));
            Assert.Fail($"docs/results/alpha-sensitivity.md no longer shows what `infofield study alpha` prints (line {line + 1} of the block: page \"{At(shown, line)}\", command \"{At(printed, line)}\"). Paste the command's output between the markers and update the numbers the page and the READMEs quote.\n{run.Output}");
        }
    }

    [Fact]
    public void The_alpha_totals_quoted_in_the_pages_are_the_commands()
    {
        JsonElement study = CliRun.Of("study", "alpha", "--json").Json();
        double[] alphas = [.. study.GetProperty("alphas").EnumerateArray().Select(a => a.GetDouble())];
        int[] differing = [.. study.GetProperty("differing").EnumerateArray().Select(d => d.GetInt32())];
        JsonElement[] rows = [.. study.GetProperty("rows").EnumerateArray()];
        double reference = study.GetProperty("reference").GetDouble();
        var others = Enumerable.Range(0, alphas.Length).Where(i => alphas[i] != reference).ToList();
        int low = others.MinBy(i => differing[i]), high = others.MaxBy(i => differing[i]);
        string total = rows.Length.ToString(CultureInfo.InvariantCulture);
        string range = $"{differing[low]} to {differing[high]} of {total}";
        string page = string.Join(' ', Read("docs", "results", "alpha-sensitivity.md").Split('\n').Select(line => line.Trim()));

        Assert.Contains($"{differing[low]} (alpha {A(alphas[low])}) to {differing[high]} (alpha {A(alphas[high])}) of the {total} networks", page, StringComparison.Ordinal);
        Assert.Contains($"({total} networks,", page, StringComparison.Ordinal);
        Assert.Contains(range, Read("README.md").Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains($"Yes: {range} zoo networks", Read("docs", "results", "README.md"), StringComparison.Ordinal);

        // The page lists the models that keep their architecture at every alpha on every dataset.
        var changing = rows.Where(row => row.GetProperty("sameAsReference").EnumerateArray().Any(same => !same.GetBoolean())).Select(Model).ToHashSet();
        string never = string.Join(", ", rows.Select(Model).Distinct().Where(model => !changing.Contains(model)).Order(StringComparer.Ordinal));
        Assert.Contains($"every dataset: {never}.", page, StringComparison.Ordinal);
    }

    private static string Model(JsonElement row) => row.GetProperty("model").GetString()!;

    private static string A(double alpha) => alpha.ToString(CultureInfo.InvariantCulture);

    private static string At(string[] lines, int index) => index < lines.Length ? lines[index] : "(end)";

    private static string Read(params string[] path)
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "InfoField.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        Assert.NotNull(directory);
        return File.ReadAllText(Path.Combine([directory, .. path])).ReplaceLineEndings("\n");
    }
}
