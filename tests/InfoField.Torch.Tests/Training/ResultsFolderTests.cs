using System.Globalization;
using InfoField.Torch.Studies;

namespace InfoField.Torch.Tests.Training;

public class ResultsFolderTests
{
    private static void Claim(string folder, string id, string host, int pid) =>
        File.WriteAllText(Path.Combine(folder, "claims", id + ".claim"), string.Create(CultureInfo.InvariantCulture, $"{host} {pid} {DateTime.UtcNow:O}"));

    [Fact]
    public void A_claim_is_exclusive_while_its_owner_lives_and_taken_over_when_it_is_gone_or_silent()
    {
        using var temp = new TempFolder();
        var folder = new ResultsFolder(temp.Path);

        using (ResultsFolder.Claim? mine = folder.TryClaim("run-a"))
        {
            Assert.NotNull(mine);
            Assert.True(File.Exists(Path.Combine(temp.Path, "claims", "run-a.claim")));
        }

        Assert.False(File.Exists(Path.Combine(temp.Path, "claims", "run-a.claim")));

        // Process 1 (init) is alive on this host; a claim by it is respected.
        Claim(temp.Path, "run-b", Environment.MachineName, 1);
        Assert.Null(folder.TryClaim("run-b"));

        // Another machine's fresh claim is respected; once it has not been refreshed for six hours it is taken over.
        Claim(temp.Path, "run-c", "another-host", 4242);
        Assert.Null(folder.TryClaim("run-c"));
        File.SetLastWriteTimeUtc(Path.Combine(temp.Path, "claims", "run-c.claim"), DateTime.UtcNow - TimeSpan.FromHours(7));
        using (ResultsFolder.Claim? late = folder.TryClaim("run-c"))
        {
            Assert.NotNull(late);
        }

        // A claim whose process has ended on this host is taken over at once.
        Claim(temp.Path, "run-d", Environment.MachineName, int.MaxValue - 1);
        using ResultsFolder.Claim? orphan = folder.TryClaim("run-d");
        Assert.NotNull(orphan);
    }

    [Fact]
    public void A_corrupted_result_file_is_named()
    {
        using var temp = new TempFolder();
        var folder = new ResultsFolder(temp.Path);
        File.WriteAllText(folder.ResultPath("0123456789abcdef"), "{\"schema\": ");

        var error = Assert.Throws<Data.DataException>(() => folder.Read("0123456789abcdef"));

        Assert.StartsWith($"{folder.ResultPath("0123456789abcdef")}: corrupted result file", error.Message, StringComparison.Ordinal);
        Assert.Null(folder.Read("fedcba9876543210"));
    }

    [Fact]
    public void Reading_results_leaves_the_folder_as_it_is()
    {
        using var temp = new TempFolder();
        string missing = Path.Combine(temp.Path, "not-yet");
        var folder = new ResultsFolder(missing);

        Assert.Empty(folder.ReadAll());
        Assert.Null(folder.Read("0123456789abcdef"));
        Assert.False(Directory.Exists(missing));

        var existing = new ResultsFolder(temp.Path);
        Assert.Empty(existing.ReadAll());
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}
