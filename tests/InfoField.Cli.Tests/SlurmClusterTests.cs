using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using InfoField.Torch.Tests.Training;
using InfoField.Torch.Training;

namespace InfoField.Cli.Tests;

/// <summary>
/// The Slurm workflow of docs/cluster.md on a real Slurm: the page's array script, report script, submission and
/// resubmission, read from the page and run as written (only the two /shared paths replaced), on a tiny study. Needs a
/// running Slurm (tests/cluster/start-slurm; .ci/run starts one and requires this test).
/// </summary>
public class SlurmClusterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(8);

    [SlurmFact]
    public void The_documented_array_trains_every_run_once_a_cancelled_task_resumes_when_resubmitted_and_the_report_says_so()
    {
        using var temp = new TempFolder();
        string work = Directory.CreateDirectory(temp["submit"]).FullName;
        string data = TestFiles.WriteMnist(temp["data"], 256, 64);
        string results = temp["results"];
        Dictionary<string, string> blocks = DocumentedBlocks();
        foreach (string name in new[] { "study.sbatch", "report.sbatch" })
        {
            string script = blocks[name];
            Assert.Equal(1, Regex.Count(script, "/shared/data/fashion-mnist"));
            Assert.Equal(1, Regex.Count(script, "/shared/runs/insertion"));
            File.WriteAllText(Path.Combine(work, name), script.Replace("/shared/data/fashion-mnist", data, StringComparison.Ordinal).Replace("/shared/runs/insertion", results, StringComparison.Ordinal));
        }

        var slurm = new Slurm(work, WriteTool(temp["bin"]));

        // The plan, by the report script's own command line: 18 runs, slice k holding positions k, k + 6, k + 12.
        string planCommand = Command(File.ReadAllText(Path.Combine(work, "report.sbatch"))).Replace("--report --shard 6", "--plan --shard 6 --json", StringComparison.Ordinal);
        JsonElement plan = JsonDocument.Parse(slurm.Bash(planCommand)).RootElement;
        var runs = plan.GetProperty("runs").EnumerateArray().Select(r => (Id: r.GetProperty("id").GetString()!, Shard: r.GetProperty("shard").GetInt32())).ToList();
        Assert.Equal(18, runs.Count);
        var sliceThree = runs.Where(r => r.Shard == 3).Select(r => r.Id).ToList();

        // Submit as the page does; cancel task 3 while one of its runs is between checkpoints.
        string submitted = slurm.Bash(blocks["submit"] + "\necho \"array=$array\"");
        string array = Regex.Match(submitted, @"array=(\d+)").Groups[1].Value;
        string report = Regex.Match(submitted, @"Submitted batch job (\d+)").Groups[1].Value;
        Assert.True(array.Length > 0 && report.Length > 0, submitted);
        string interrupted = slurm.WaitFor(
            () => sliceThree.FirstOrDefault(id => File.Exists(Path.Combine(results, "work", id, Checkpoint.FileName)) && !File.Exists(Path.Combine(results, id + ".json"))),
            $"a run of slice 3 ({string.Join(", ", sliceThree)}) with a checkpoint and no result yet");
        slurm.Run("scancel", $"{array}_3");
        slurm.WaitUntil(() => slurm.Ended(report), $"the report job {report} to end after the array {array}");

        // Every task but 3 completed its slice and said so; 3 was cancelled; the report ran after all of them, failed with
        // exit code 3 and named slice 3.
        var tasks = Enumerable.Range(0, 6).ToDictionary(k => k, k => slurm.Job($"{array}_{k}"));
        Assert.Equal("CANCELLED", tasks[3]["JobState"]);
        foreach (int k in new[] { 0, 1, 2, 4, 5 })
        {
            Assert.True(tasks[k]["JobState"] == "COMPLETED" && tasks[k]["ExitCode"] == "0:0", $"task {k}: {tasks[k]["JobState"]} {tasks[k]["ExitCode"]}\n{slurm.Log($"infofield-insertion-{array}_{k}.out")}");
            Assert.Matches($@"slice {k}/6: its 3 run\(s\) are finished(; \d+ of the study's 18 runs, in slices? [0-9, ]+ of 6, are not finished yet: once those have ended, run the same command with --report in place of --shard to check and report the whole study|, and so is every run of the study: the report above is complete)\n$", slurm.Log($"infofield-insertion-{array}_{k}.out"));
        }

        Dictionary<string, string> first = slurm.Job(report);
        string firstLog = slurm.Log($"infofield-insertion-report-{report}.out");
        Assert.True(first["JobState"] == "FAILED" && first["ExitCode"] == "3:0", $"report {report}: {first["JobState"]} {first["ExitCode"]}\n{firstLog}");
        Assert.All(tasks.Values, task => Assert.True(string.CompareOrdinal(first["StartTime"], task["EndTime"]) >= 0, $"the report started at {first["StartTime"]}, before a task ended at {task["EndTime"]}"));
        int missing = sliceThree.Count(id => !File.Exists(Path.Combine(results, id + ".json")));
        Assert.InRange(missing, 1, 3);
        Assert.EndsWith($"--report: {missing} of the study's 18 planned runs have not finished, in slice 3 of 6; the report above covers the {18 - missing} that have. Run that slice again (Slurm: sbatch --array=3 with the array script), or the same command without --report and --shard to train every missing run here; each resumes from its checkpoint. Then report again\n", firstLog, StringComparison.Ordinal);
        int doneBefore = Checkpoint.ReadInfo(Path.Combine(results, "work", interrupted, Checkpoint.FileName)).EpochsDone;
        Assert.InRange(doneBefore, 1, 6);
        Assert.True(File.Exists(Path.Combine(results, "claims", interrupted + ".claim")), "the cancelled task's claim file should be left behind (its lock died with it)");

        // Resubmit slice 3 and a new report as the page does: the cancelled run resumes from its checkpoint.
        string resubmitted = slurm.Bash(blocks["resubmit"] + "\necho \"again=$again\"");
        string again = Regex.Match(resubmitted, @"again=(\d+)").Groups[1].Value;
        string secondReport = Regex.Match(resubmitted, @"Submitted batch job (\d+)").Groups[1].Value;
        Assert.True(again.Length > 0 && secondReport.Length > 0, resubmitted);
        slurm.WaitUntil(() => slurm.Ended(secondReport), $"the second report job {secondReport} to end after {again}");
        Dictionary<string, string> rerun = slurm.Job($"{again}_3");
        string rerunLog = slurm.Log($"infofield-insertion-{again}_3.out");
        Assert.True(rerun["JobState"] == "COMPLETED" && rerun["ExitCode"] == "0:0", $"resubmitted task: {rerun["JobState"]} {rerun["ExitCode"]}\n{rerunLog}");
        Assert.Contains($"from {Path.Combine(results, "work", interrupted, Checkpoint.FileName)} after epoch {doneBefore} of 6", rerunLog, StringComparison.Ordinal);
        Dictionary<string, string> second = slurm.Job(secondReport);
        string secondLog = slurm.Log($"infofield-insertion-report-{secondReport}.out");
        Assert.True(second["JobState"] == "COMPLETED" && second["ExitCode"] == "0:0", $"second report: {second["JobState"]} {second["ExitCode"]}\n{secondLog}");
        Assert.DoesNotContain("have not finished", secondLog, StringComparison.Ordinal);
        Assert.Contains("Spearman", secondLog, StringComparison.Ordinal);

        // INFOFIELD_SLURM_TEST_LOGS=DIR keeps a copy of the jobs' logs (the temporary folder is removed at the end).
        if (Environment.GetEnvironmentVariable("INFOFIELD_SLURM_TEST_LOGS") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            foreach (string log in Directory.GetFiles(work, "*.out"))
            {
                File.Copy(log, Path.Combine(keep, Path.GetFileName(log)), overwrite: true);
            }
        }

        // Each of the 18 runs finished exactly once, in the task of its slice (the resubmission for slice 3).
        var logs = Directory.GetFiles(work, "infofield-insertion-*_*.out").ToDictionary(path => Path.GetFileName(path), File.ReadAllText);
        Assert.Equal(7, logs.Count);
        foreach ((string id, int shard) in runs)
        {
            var finishedIn = logs.Where(log => log.Value.Contains($"({id}): test accuracy", StringComparison.Ordinal)).Select(log => log.Key).ToList();
            Assert.True(finishedIn.Count == 1, $"run {id} (slice {shard}) finished {finishedIn.Count} times: {string.Join(", ", finishedIn)}");
            Assert.EndsWith($"_{shard}.out", finishedIn[0], StringComparison.Ordinal);
            if (id == interrupted)
            {
                Assert.Equal($"infofield-insertion-{again}_3.out", finishedIn[0]);
            }

            Assert.True(File.Exists(Path.Combine(results, id + ".json")), $"run {id} has no result file");
        }
    }

    /// <summary>The fenced blocks of docs/cluster.md that follow a <c>&lt;!-- slurm-test: NAME --&gt;</c> marker, by name.</summary>
    private static Dictionary<string, string> DocumentedBlocks()
    {
        string page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "cluster.md")).ReplaceLineEndings("\n");
        var blocks = new Dictionary<string, string>();
        foreach (Match marker in Regex.Matches(page, @"<!-- slurm-test: (\S+) -->"))
        {
            Match block = Regex.Match(page[marker.Index..], "```sh\n(.*?)```", RegexOptions.Singleline);
            Assert.True(block.Success, $"docs/cluster.md: no ```sh block after the marker {marker.Value}");
            blocks[marker.Groups[1].Value] = block.Groups[1].Value;
        }

        Assert.Equal(["report.sbatch", "resubmit", "study.sbatch", "submit"], blocks.Keys.Order(StringComparer.Ordinal));
        return blocks;
    }

    /// <summary>The infofield command of a script: its lines from the one starting with <c>infofield</c>.</summary>
    private static string Command(string script) => script[script.IndexOf("\ninfofield ", StringComparison.Ordinal)..].Trim();

    /// <summary>An <c>infofield</c> executable for the jobs: this build of the command, run by the same dotnet.</summary>
    private static string WriteTool(string directory)
    {
        Directory.CreateDirectory(directory);
        string dotnet = Environment.ProcessPath is string host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        string tool = Path.Combine(directory, "infofield");
        File.WriteAllText(tool, $"#!/bin/sh\nexec \"{dotnet}\" \"{Path.Combine(AppContext.BaseDirectory, "infofield.dll")}\" \"$@\"\n");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Slurm runs on Unix");
        }

        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return directory;
    }

    private static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "InfoField.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("the repository root (InfoField.slnx) is not above the test's folder");
    }

    /// <summary>Slurm's commands, run from the submission folder with the tool on the path.</summary>
    private sealed class Slurm(string work, string bin)
    {
        private static readonly string[] Active = ["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "STAGE_OUT"];

        public string Run(string program, params string[] args)
        {
            var start = new ProcessStartInfo(program) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            // What a user's shell would pass to sbatch (which exports it to the jobs): the tool on the path; idle OpenMP
            // threads that sleep, since two tasks share this machine's cores (docs/training.md, On a shared machine).
            start.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
            start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
            foreach (string variable in Commands.ShardOption.IndexVariables)
            {
                start.Environment.Remove(variable);
            }

            using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"{program} {string.Join(' ', args)} did not end in 3 minutes");
            Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: exit code {process.ExitCode}\n{output.Result}\n{error.Result}");
            return output.Result;
        }

        public string Bash(string script) => Run("bash", "-c", "set -euo pipefail\n" + script);

        /// <summary>The fields of <c>scontrol show job -o</c> for one job or array task.</summary>
        public Dictionary<string, string> Job(string id)
        {
            string line = Run("scontrol", "show", "job", "-o", id).Split('\n', StringSplitOptions.RemoveEmptyEntries).Single();
            return line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(field => field.Contains('=')).Select(field => field.Split('=', 2)).GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        }

        public bool Ended(string id) => !Active.Contains(Job(id)["JobState"]);

        public string Log(string name)
        {
            string path = Path.Combine(work, name);
            return File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : $"(no log {name})";
        }

        public void WaitUntil(Func<bool> condition, string what) => WaitFor(() => condition() ? "done" : null, what);

        public T WaitFor<T>(Func<T?> probe, string what)
            where T : class
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Patience)
            {
                if (probe() is T found)
                {
                    return found;
                }

                Thread.Sleep(100);
            }

            Assert.Fail($"waited {Patience.TotalMinutes} minutes for {what}; queue:\n{Run("squeue", "-a")}\nlogs in {work}: {string.Join(", ", Directory.GetFiles(work).Select(Path.GetFileName))}");
            return null!;
        }
    }
}

/// <summary>
/// A test that needs a running Slurm (its commands on the path, and <c>sinfo</c> answering). Where there is none it is
/// skipped, saying how to start one; with INFOFIELD_REQUIRE_SLURM=1 (set by .ci/run, which starts one) it runs and fails.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("INFOFIELD_REQUIRE_SLURM") != "1" && Unavailable() is string why)
        {
            Skip = $"needs a running Slurm ({why}): apt-get install slurm-wlm munge, then eval \"$(sudo tests/cluster/start-slurm)\" (.ci/run does both)";
        }
    }

    private static string? Unavailable()
    {
        try
        {
            var start = new ProcessStartInfo("sinfo", ["-h", "-o", "%a %t"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using Process process = Process.Start(start)!;
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(15)))
            {
                process.Kill();
                return "sinfo did not answer in 15 s";
            }

            return process.ExitCode == 0 && Regex.IsMatch(output.Result, "^up (idle|mix|alloc)", RegexOptions.Multiline)
                ? null
                : (error.Result + "\n" + output.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "sinfo lists no node that is up";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "sinfo is not installed";
        }
    }
}
