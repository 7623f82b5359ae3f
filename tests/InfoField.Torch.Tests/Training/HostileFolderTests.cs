using InfoField.Files;
using InfoField.Torch.Data;
using InfoField.Torch.Studies;
using InfoField.Training;

namespace InfoField.Torch.Tests.Training;

/// <summary>
/// Results folders are shared between users: nothing in one (links, FIFOs, folders, oversized or broken files where
/// claims, results and run folders go) may make InfoField write outside it, block it, or stop a study with an
/// internal error. Claims that cannot be used are reported in one line; results that cannot be used are redone.
/// </summary>
public class HostileFolderTests
{
    private const string Id = "0123456789abcdef";

    [Fact]
    public void A_claim_that_is_a_link_fifo_folder_or_loop_is_refused_in_one_line_and_never_followed()
    {
        using var temp = new TempFolder();
        string outside = Outside(temp);
        string victim = Path.Combine(outside, "victim.txt");
        var kinds = new (string Name, Action<string> Plant, string Expected)[]
        {
            ("link to a file", claim => File.CreateSymbolicLink(claim, victim), "is a symbolic link"),
            ("link to a new name", claim => File.CreateSymbolicLink(claim, Path.Combine(outside, "created.txt")), "is a symbolic link"),
            ("link loop", claim => File.CreateSymbolicLink(claim, claim), "is a symbolic link"),
            ("link into a missing folder", claim => File.CreateSymbolicLink(claim, Path.Combine(outside, "missing", "x")), "is a symbolic link"),
            ("fifo", HostileFileTests.Mkfifo, "is a device, FIFO or socket, not a regular file"),
            ("folder", claim => Directory.CreateDirectory(claim), "is a folder, not a regular file"),
        };

        foreach (var (name, plant, expected) in kinds)
        {
            var folder = new ResultsFolder(temp[name]);
            Directory.CreateDirectory(Path.Combine(folder.Path, "claims"));
            plant(folder.ClaimPath(Id));

            DataException error = HostileFileTests.Unblocked(() => folder.TryClaim(Id));

            Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {error.Message}");
            Assert.StartsWith(folder.ClaimPath(Id), error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        }

        var linked = new ResultsFolder(temp["claims folder"]);
        Directory.CreateDirectory(linked.Path);
        Directory.CreateSymbolicLink(Path.Combine(linked.Path, "claims"), outside);
        Assert.Contains("claims: is a symbolic link, not a folder", Assert.Throws<DataException>(() => linked.TryClaim(Id)).Message, StringComparison.Ordinal);
        AssertUntouched(outside);
    }

    [Fact]
    public void A_result_that_is_not_a_regular_file_or_too_large_or_not_text_is_reported_corrupted_and_replaced_when_redone()
    {
        using var temp = new TempFolder();
        string outside = Outside(temp);
        var kinds = new (string Name, Action<string> Plant, string Expected)[]
        {
            ("link", result => File.CreateSymbolicLink(result, Path.Combine(outside, "victim.txt")), "it is a symbolic link, not a regular file"),
            ("dangling link", result => File.CreateSymbolicLink(result, Path.Combine(outside, "new.json")), "it is a symbolic link, not a regular file"),
            ("fifo", HostileFileTests.Mkfifo, "it is a device, FIFO or socket, not a regular file"),
            ("folder", result => Directory.CreateDirectory(result), "it is a folder, not a regular file"),
            ("oversized", result => { using FileStream file = File.Create(result); file.SetLength(ResultsFolder.MaxResultBytes + 1); }, "larger than 16,777,216 bytes (16,777,217)"),
            ("lone surrogate", result => File.WriteAllText(result, "{\"schema\": \"infofield-run/1\", \"id\": \"\\ud800\"}"), "a string is not valid Unicode (a lone surrogate escape such as \\ud800, or bytes that are not UTF-8) at line 1, byte 37"),
        };

        foreach (var (name, plant, expected) in kinds)
        {
            var folder = new ResultsFolder(temp[name]);
            Directory.CreateDirectory(folder.Path);
            plant(folder.ResultPath(Id));

            DataException error = HostileFileTests.Unblocked(() => folder.Read(Id));

            Assert.True(error.Message.Contains($"corrupted result file ({expected}", StringComparison.Ordinal), $"{name}: {error.Message}");
            Assert.DoesNotContain('\n', error.Message);
            if (name != "oversized" && name != "lone surrogate")
            {
                folder.Write(Record());
                Assert.Equal(Id, folder.Read(Id)!.Id);
                Assert.Equal(FileKind.Regular, InfoField.Files.BoundedFile.KindOf(folder.ResultPath(Id)));
            }
        }

        AssertUntouched(outside);
    }

    [Fact]
    public void A_run_folder_that_is_a_link_is_replaced_and_a_swap_during_the_run_stops_it()
    {
        using var temp = new TempFolder();
        string outside = Outside(temp);
        var folder = new ResultsFolder(temp["results"]);
        Directory.CreateDirectory(Path.Combine(folder.Path, "work"));
        Directory.CreateSymbolicLink(folder.WorkPath(Id), outside);

        IReadOnlyList<string> removed = folder.PrepareWork(Id);
        Directory.CreateDirectory(folder.WorkPath("fedcba9876543210"));
        File.CreateSymbolicLink(Path.Combine(folder.WorkPath("fedcba9876543210"), Torch.Training.Checkpoint.FileName), Path.Combine(outside, "victim.txt"));
        Directory.CreateSymbolicLink(Path.Combine(folder.WorkPath("fedcba9876543210"), "tensorboard"), outside);
        IReadOnlyList<string> inside = folder.PrepareWork("fedcba9876543210");
        folder.RequireWork(Id);
        Directory.Delete(folder.WorkPath(Id));
        Directory.CreateSymbolicLink(folder.WorkPath(Id), outside);

        Assert.Contains("was not a folder (a symbolic link or file); replaced by a new folder", Assert.Single(removed), StringComparison.Ordinal);
        Assert.Equal(2, inside.Count);
        Assert.Equal(FileKind.Directory, InfoField.Files.BoundedFile.KindOf(Path.Combine(folder.WorkPath("fedcba9876543210"))));
        Assert.Contains("is now a symbolic link, not a folder; stopped rather than write through it", Assert.Throws<DataException>(() => folder.RequireWork(Id)).Message, StringComparison.Ordinal);
        AssertUntouched(outside);
    }

    /// <summary>
    /// Seeded hostile results folders: links (to files and folders outside, to new names outside, loops, into missing
    /// folders), FIFOs, folders, oversized and broken files planted where claims, results, run folders and their files
    /// go, then a real sweep. Whatever was planted: nothing outside the folder changes, the sweep never blocks, and it
    /// either finishes every run or stops with one line naming what it could not claim.
    /// </summary>
    [Fact]
    public async Task Fuzz_hostile_results_folders_never_make_a_sweep_write_outside_block_or_fail_internally()
    {
        using var temp = new TempFolder();
        string outside = Outside(temp);
        TrainingData data = Datasets.Load("mnist", new DataOptions(TestFiles.WriteMnist(temp["data"], 32, 8)));
        var networks = new[] { new StudyNetwork("tiny", new LoadedNetwork(TestFiles.TinyNetwork(), "spec", null, 1.0, "tiny.json"), null) };
        IReadOnlyList<PlannedRun> runs = StudyPlans.Runs(networks, new TrainingSettings(1, 16, 0.1, LearningRateSchedule.Paper, 1, Augment: false), seeds: 2);
        string[] ids = [.. runs.Select(run => Sweep.Id(run, data))];
        int seed = TestSeed.Value(20261207);
        var random = new Random(seed);
        int finished = 0, refused = 0;
        for (int round = 0; round < 10; round++)
        {
            var folder = new ResultsFolder(temp[$"round{round}"]);
            Directory.CreateDirectory(Path.Combine(folder.Path, "claims"));
            Directory.CreateDirectory(Path.Combine(folder.Path, "work"));
            var planted = new List<string>();
            for (int n = random.Next(1, 4); n > 0; n--)
            {
                string id = ids[random.Next(ids.Length)];
                string[] places =
                [
                    folder.ClaimPath(id), folder.ResultPath(id), folder.WorkPath(id),
                    Path.Combine(folder.WorkPath(id), Torch.Training.Checkpoint.FileName), Path.Combine(folder.WorkPath(id), Torch.Training.Trainer.EpochsFile),
                    Path.Combine(folder.WorkPath(id), "tensorboard"), Path.Combine(folder.Path, random.Next(2) == 0 ? "claims" : "work"),
                ];
                string place = places[random.Next(places.Length)];
                if (Path.Exists(place) && place.EndsWith("claims", StringComparison.Ordinal) | place.EndsWith("work", StringComparison.Ordinal))
                {
                    Directory.Delete(place, recursive: true);
                }

                if (Path.Exists(place) || new FileInfo(place).LinkTarget is not null || !RealFolders(folder.Path, Path.GetDirectoryName(place)!))
                {
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(place)!);
                planted.Add($"{Path.GetRelativePath(folder.Path, place)}: {Plant(place, outside, random)}");
            }

            var notes = new List<string>();
            Task<SweepState> sweep = Task.Run(() => Sweep.Run(folder, runs, data, threads: 1, new Notes(notes)));
            Assert.True(await Task.WhenAny(sweep, Task.Delay(TimeSpan.FromMinutes(3))) == sweep, $"seed {seed}, round {round}: the sweep blocked; planted {string.Join("; ", planted)}");
            try
            {
                SweepState state = await sweep;
                Assert.Equal(0, state.Missing);
                finished++;
            }
            catch (DataException error)
            {
                Assert.False(error.Message.Contains('\n'), error.Message);
                Assert.True(error.Message.Contains("could not be claimed", StringComparison.Ordinal), $"seed {seed}, round {round}: {error.Message}; planted {string.Join("; ", planted)}");
                refused++;
            }
            catch (Exception error)
            {
                Assert.Fail($"seed {seed}, round {round}: {error.GetType().Name}: {error.Message}; planted {string.Join("; ", planted)}");
            }

            AssertUntouched(outside, $"seed {seed}, round {round}, planted {string.Join("; ", planted)}");
        }

        Assert.True(finished > 0 && refused > 0, $"seed {seed}: {finished} rounds finished and {refused} refused a claim; the fuzz should see both");
    }

    /// <summary>Whether every folder from <paramref name="root"/> down to <paramref name="folder"/> is a real folder or absent (so it can be created).</summary>
    private static bool RealFolders(string root, string folder)
    {
        for (string? at = folder; at is not null && at.Length > root.Length; at = Path.GetDirectoryName(at))
        {
            if (InfoField.Files.BoundedFile.KindOf(at) is not (FileKind.Directory or FileKind.Absent))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Plants a hostile entry at <paramref name="place"/>; returns what it is.</summary>
    private static string Plant(string place, string outside, Random random)
    {
        switch (random.Next(10))
        {
            case 0:
                File.CreateSymbolicLink(place, Path.Combine(outside, "victim.txt"));
                return "link to a file outside";
            case 1:
                File.CreateSymbolicLink(place, Path.Combine(outside, $"new{random.Next(1000)}"));
                return "link to a new name outside";
            case 2:
                Directory.CreateSymbolicLink(place, outside);
                return "link to the folder outside";
            case 3:
                File.CreateSymbolicLink(place, place);
                return "link loop";
            case 4:
                File.CreateSymbolicLink(place, Path.Combine(outside, "missing", "x"));
                return "link into a missing folder";
            case 5:
                HostileFileTests.Mkfifo(place);
                return "FIFO";
            case 6:
                Directory.CreateDirectory(Path.Combine(place, "inside"));
                return "folder with contents";
            case 7:
                using (FileStream file = File.Create(place))
                {
                    file.SetLength(ResultsFolder.MaxResultBytes + 1);
                }

                return "oversized file";
            case 8:
                File.WriteAllText(place, "{\"schema\": \"infofield-run/1\", \"id\": \"\\udc00\", ");
                return "broken JSON with a lone surrogate";
            default:
                Directory.CreateDirectory(place);
                return "empty folder";
        }
    }

    /// <summary>A folder outside the results folders, with one file: links planted in them point here.</summary>
    private static string Outside(TempFolder temp)
    {
        string outside = temp["outside"];
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "victim.txt"), "precious\n");
        return outside;
    }

    private static void AssertUntouched(string outside, string context = "")
    {
        Assert.True(
            Directory.EnumerateFileSystemEntries(outside, "*", SearchOption.AllDirectories).Select(Path.GetFileName).SequenceEqual(["victim.txt"])
            && File.ReadAllText(Path.Combine(outside, "victim.txt")) == "precious\n",
            $"something was written outside the results folder: {string.Join(", ", Directory.EnumerateFileSystemEntries(outside, "*", SearchOption.AllDirectories))} {context}");
    }

    private static RunRecord Record() => new(
        RunRecord.SchemaName,
        Id,
        "tiny",
        "tiny",
        new Torch.Training.TrainingResult(Torch.Training.TrainingResult.SchemaName, Id, "tiny", "mnist", 1, 1, 1, 16, 0.1, "paper", 0.5, 1, 1, 0.5, 10, 10, 1, 1, 1, "work"),
        "host",
        "2026-12-07T00:00:00Z");

    private sealed class Notes(List<string> lines) : ISweepMonitor
    {
        public Torch.Training.ITrainingMonitor Training(int index, int count, PlannedRun run, string id) => Torch.Training.SilentMonitor.Instance;

        public void Note(string line)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }
}
