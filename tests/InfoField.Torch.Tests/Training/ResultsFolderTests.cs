using System.Globalization;
using InfoField.Torch.Studies;

namespace InfoField.Torch.Tests.Training;

public class ResultsFolderTests
{
    [Fact]
    public void A_claim_is_an_exclusive_lock_held_for_the_claims_lifetime()
    {
        using var temp = new TempFolder();
        var folder = new ResultsFolder(temp.Path);

        using (ResultsFolder.Claim? mine = folder.TryClaim("run-a"))
        {
            Assert.NotNull(mine);
            Assert.True(File.Exists(folder.ClaimPath("run-a")));
            Assert.Null(folder.TryClaim("run-a"));
            Assert.Null(new ResultsFolder(temp.Path).TryClaim("run-a"));
        }

        // Released without a result: the file stays (every process locks the same one) and the run is free again.
        Assert.True(File.Exists(folder.ClaimPath("run-a")));
        ResultsFolder.Claim? again = folder.TryClaim("run-a");
        Assert.NotNull(again);
        again.Release(finished: true);
        Assert.False(File.Exists(folder.ClaimPath("run-a")));
    }

    [Fact]
    public void Empty_leftover_and_foreign_claim_files_do_not_block_a_run()
    {
        using var temp = new TempFolder();
        var folder = new ResultsFolder(temp.Path);
        Directory.CreateDirectory(Path.Combine(temp.Path, "claims"));
        File.WriteAllText(folder.ClaimPath("empty"), "");
        File.WriteAllText(folder.ClaimPath("live-pid"), string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName} 1 {DateTime.UtcNow:O}"));
        File.WriteAllText(folder.ClaimPath("other-host"), string.Create(CultureInfo.InvariantCulture, $"another-host 4242 {DateTime.UtcNow:O}"));

        foreach (string id in new[] { "empty", "live-pid", "other-host" })
        {
            using ResultsFolder.Claim? claim = folder.TryClaim(id);
            Assert.NotNull(claim);
        }
    }

    [Fact]
    public void A_corrupted_result_file_is_named()
    {
        using var temp = new TempFolder();
        var folder = new ResultsFolder(temp.Path);
        File.WriteAllText(folder.ResultPath("0123456789abcdef"), "{\"schema\": ");

        var error = Assert.Throws<Data.DataException>(() => folder.Read("0123456789abcdef"));

        Assert.StartsWith($"{folder.ResultPath("0123456789abcdef")}: corrupted result file", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Null(folder.Read("fedcba9876543210"));
    }

    [Theory]
    [InlineData("{}", "schema")]
    [InlineData("{\"schema\": \"infofield-run/1\", \"id\": \"0123456789abcdef\"}", "label")]
    [InlineData("{\"schema\": \"infofield-run/1\", \"id\": \"0123456789abcdef\", \"label\": \"a\", \"network\": \"n\", \"result\": {}, \"host\": \"h\", \"finishedAt\": \"t\"}", "result.schema")]
    [InlineData("null", "empty document")]
    public void A_result_file_missing_fields_is_reported_in_one_line(string json, string missing)
    {
        using var temp = new TempFolder();
        var folder = new ResultsFolder(temp.Path);
        File.WriteAllText(folder.ResultPath("0123456789abcdef"), json);

        var error = Assert.Throws<Data.DataException>(() => folder.Read("0123456789abcdef"));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupted result file", error.Message, StringComparison.Ordinal);
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
