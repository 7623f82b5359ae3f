using System.Diagnostics;
using System.Text.Json;
using InfoField.Cli.Commands;
using InfoField.Torch.Tests.Training;

namespace InfoField.Cli.Tests;

public class StudyShardTests
{
    private static readonly string[] Quick = ["--epochs", "1", "--batch-size", "16", "--threads", "1", "--train-limit", "48", "--test-limit", "16"];

    [Fact]
    public void Three_shards_run_as_three_processes_train_every_planned_run_exactly_once_and_the_report_merges_them()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 48, 16);
        string tiny = TestFiles.WriteTinySpec(temp["tiny.json"]);
        string[] study = ["compare", tiny, "vgg11", "--dataset", "mnist", "--data-dir", data, "--width", "0.0625", "--seeds", "3", "--results", temp["results"], .. Quick];

        JsonElement plan = CliRun.Of([.. study, "--plan", "--json"]).Json();
        Assert.Equal("infofield-study-plan/1", plan.GetProperty("schema").GetString());
        var planned = plan.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Equal(6, planned.Count);
        Assert.Equal(6, planned.Distinct().Count());
        Assert.All(plan.GetProperty("runs").EnumerateArray(), r => Assert.False(r.GetProperty("finished").GetBoolean()));

        // One process per slice, started together like a job array: one names its slice, the others get it from the
        // variable Slurm or Kubernetes sets.
        (string Shard, string? Variable, string? Value)[] slices = [("0/3", null, null), ("3", "SLURM_ARRAY_TASK_ID", "1"), ("3", "JOB_COMPLETION_INDEX", "2")];
        var processes = slices.Select(slice => Start([.. study, "--shard", slice.Shard], slice.Variable, slice.Value)).ToList();
        var outputs = processes.Select(Finish).ToList();

        var trained = outputs.SelectMany(o => o.Error.Split('\n').Where(line => line.Contains("test accuracy", StringComparison.Ordinal))).ToList();
        Assert.Equal(6, trained.Count);
        Assert.All(planned, id => Assert.Single(trained, line => line.Contains($"({id})", StringComparison.Ordinal)));
        Assert.All(outputs, o => Assert.DoesNotContain("skipped", o.Error, StringComparison.Ordinal));
        for (int k = 0; k < 3; k++)
        {
            // Slice k trains runs k and k + 3 of the plan.
            Assert.Contains($"({planned[k]})", outputs[k].Error, StringComparison.Ordinal);
            Assert.Contains($"({planned[k + 3]})", outputs[k].Error, StringComparison.Ordinal);
        }

        Assert.Equal(6, Directory.GetFiles(temp["results"], "*.json").Length);
        JsonElement report = CliRun.Of([.. study, "--report", "--json"]).Json();
        Assert.Equal(0, report.GetProperty("missing").GetInt32());
        Assert.All(report.GetProperty("rows").EnumerateArray(), r => Assert.Equal([1L, 2L, 3L], r.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt64())));
        JsonElement after = CliRun.Of([.. study, "--plan", "--shard", "1/3", "--json"]).Json();
        Assert.Equal([planned[1], planned[4]], after.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.All(after.GetProperty("runs").EnumerateArray(), r => Assert.True(r.GetProperty("finished").GetBoolean()));
    }

    [Fact]
    public void A_finished_slice_and_an_incomplete_report_say_what_to_do_next_and_the_report_exits_3_until_every_run_is_in()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 48, 16);
        string tiny = TestFiles.WriteTinySpec(temp["tiny.json"]);
        string[] study = ["compare", tiny, "--dataset", "mnist", "--data-dir", data, "--seeds", "6", "--results", temp["results"], .. Quick];

        CliRun slice = CliRun.Of([.. study, "--shard", "0/3"]);
        CliRun report = CliRun.Of([.. study, "--report", "--json"]);
        CliRun slices = CliRun.Of([.. study, "--report", "--shard", "3"]);
        JsonElement plan = CliRun.Of([.. study, "--plan", "--shard", "3", "--json"]).Json();
        CliRun second = CliRun.Of([.. study, "--shard", "1/3"]);
        CliRun last = CliRun.Of([.. study, "--shard", "2/3"]);
        CliRun complete = CliRun.Of([.. study, "--report", "--shard", "3"]);

        Assert.Equal(0, slice.ExitCode);
        Assert.EndsWith("slice 0/3: its 2 run(s) are finished; 4 of the study's 6 runs, in slices 1, 2 of 3, are not finished yet: once those have ended, run the same command with --report in place of --shard to check and report the whole study\n", slice.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("4 of the 6 planned runs have not finished; the table shows the 2 that have.", slice.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("run the same command again", slice.Output + slice.Error, StringComparison.Ordinal);

        Assert.Equal(3, report.ExitCode);
        Assert.Equal(4, JsonDocument.Parse(report.Output).RootElement.GetProperty("missing").GetInt32());
        Assert.StartsWith("--report: 4 of the study's 6 planned runs have not finished (", report.Error.Split('\n').Last(line => line.Length > 0), StringComparison.Ordinal);
        Assert.Contains("the report above covers the 2 that have. Train them with the same command without --report", report.Error, StringComparison.Ordinal);
        Assert.Equal(3, slices.ExitCode);
        Assert.EndsWith("--report: 4 of the study's 6 planned runs have not finished, in slices 1, 2 of 3; the report above covers the 2 that have. Run those slices again (Slurm: sbatch --array=1,2 with the array script), or the same command without --report and --shard to train every missing run here; each resumes from its checkpoint. Then report again\n", slices.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        Assert.Equal(3, plan.GetProperty("shards").GetInt32());
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("shard").ValueKind);
        Assert.Equal([0, 1, 2, 0, 1, 2], plan.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("shard").GetInt32()));
        Assert.Equal([true, false, false, true, false, false], plan.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("finished").GetBoolean()));

        Assert.Equal(0, second.ExitCode);
        Assert.Contains("slice 1/3: its 2 run(s) are finished; 2 of the study's 6 runs, in slice 2 of 3, are not finished yet", second.Error, StringComparison.Ordinal);
        Assert.Contains("slice 2/3: its 2 run(s) are finished, and so is every run of the study: the report above is complete", last.Error, StringComparison.Ordinal);
        Assert.Equal(0, complete.ExitCode);
        Assert.DoesNotContain("have not finished", complete.Output + complete.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shard_is_read_from_the_option_or_the_scheduler_and_bad_ones_name_what_was_expected()
    {
        static string? None(string name) => null;
        Assert.Equal("2/4", ShardOption.Parse("2/4", None)!.ToString());
        Assert.Equal("1/3", ShardOption.Parse("3", name => name == "SLURM_ARRAY_TASK_ID" ? "1" : null)!.ToString());
        Assert.Equal("2/3", ShardOption.Parse("3", name => name == "JOB_COMPLETION_INDEX" ? "2" : null)!.ToString());
        Assert.Equal("0/3", ShardOption.Parse("3", name => name == "SLURM_ARRAY_TASK_ID" ? "0" : "2")!.ToString());
        Assert.Null(ShardOption.Parse(null, None));
        Assert.Null(ShardOption.TryParse("3", None));
        Assert.Equal("1/3", ShardOption.TryParse("3", name => name == "SLURM_ARRAY_TASK_ID" ? "1" : null)!.ToString());
        Assert.Equal(3, ShardOption.Count("3"));
        Assert.Equal(4, ShardOption.Count("2/4"));
        Assert.Null(ShardOption.Count(null));
        Assert.Contains("--shard x: expected K/N", Assert.Throws<InfoFieldException>(() => ShardOption.TryParse("x", None)).Message, StringComparison.Ordinal);

        Assert.Contains("no slice index", Assert.Throws<InfoFieldException>(() => ShardOption.Parse("3", None)).Message, StringComparison.Ordinal);
        Assert.Contains("--shard 3/3: expected K from 0 to 2", Assert.Throws<InfoFieldException>(() => ShardOption.Parse("3/3", None)).Message, StringComparison.Ordinal);
        Assert.Contains("--shard a/b: expected K/N", Assert.Throws<InfoFieldException>(() => ShardOption.Parse("a/b", None)).Message, StringComparison.Ordinal);
        Assert.Contains("SLURM_ARRAY_TASK_ID is '3'", Assert.Throws<InfoFieldException>(() => ShardOption.Parse("3", name => name == "SLURM_ARRAY_TASK_ID" ? "3" : null)).Message, StringComparison.Ordinal);

        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 8, 4);
        CliRun bad = CliRun.Of("compare", "vgg11", "--dataset", "mnist", "--data-dir", data, "--results", temp["results"], "--shard", "0/0");
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("infofield: error: --shard 0/0: expected K/N (slice K, from 0, of N) or N (K from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX), with N at least 1", bad.Error.Trim());
        Assert.False(Directory.Exists(temp["results"]));
    }

    private static Process Start(string[] args, string? variable, string? value)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "infofield.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string name in ShardOption.IndexVariables)
        {
            start.Environment.Remove(name);
        }

        if (variable is not null)
        {
            start.Environment[variable] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start infofield");
    }

    private static (string Output, string Error) Finish(Process process)
    {
        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "a shard did not finish in 5 minutes");
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {error.Result}");
            return (output.Result, error.Result);
        }
    }
}
