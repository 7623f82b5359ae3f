using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using InfoField.Torch.Data;
using InfoField.Torch.Studies;
using InfoField.Torch.Tests;
using InfoField.Torch.Tests.Training;
using InfoField.Training;
using Xunit.Abstractions;

namespace InfoField.Cli.Tests;

/// <summary>Real processes of the published command sharing one results folder.</summary>
public class StudyConcurrencyTests(ITestOutputHelper log)
{
    private const int Seeds = 6;

    // Runs long enough (about a second each) that a stop sent after the victim prints its first epochs lands before the
    // run ends on any machine; with 3 epochs of 48 images a run took 0.1 s and a fast CI machine finished every run of
    // the victim before the stop arrived.
    private const int Epochs = 16;
    private const int Train = 384;

    [Fact]
    public async Task Three_processes_with_stale_claims_and_one_killed_at_random_finish_every_run_exactly_once()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], Train, 16);
        string tiny = TestFiles.WriteTinySpec(temp["tiny.json"]);
        string results = temp["results"];
        string[] args = ["compare", tiny, "--dataset", "mnist", "--data-dir", data, "--seeds", Seeds.ToString(CultureInfo.InvariantCulture), "--results", results,
            "--epochs", Epochs.ToString(CultureInfo.InvariantCulture), "--batch-size", "16", "--threads", "1", "--train-limit", Train.ToString(CultureInfo.InvariantCulture), "--test-limit", "16", "--json"];
        IReadOnlyList<string> ids = PlannedIds(tiny, data);

        // Claims left behind by earlier crashes: an empty file (killed between creating and writing it), a claim
        // naming a live unrelated process (pid 1) and one from another machine.
        Directory.CreateDirectory(Path.Combine(results, "claims"));
        File.WriteAllText(Path.Combine(results, "claims", ids[0] + ".claim"), "");
        File.WriteAllText(Path.Combine(results, "claims", ids[1] + ".claim"), string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName} 1 {DateTime.UtcNow:O}"));
        File.WriteAllText(Path.Combine(results, "claims", ids[2] + ".claim"), string.Create(CultureInfo.InvariantCulture, $"another-host 4242 {DateTime.UtcNow:O}"));

        // Seeded, settable (INFOFIELD_TEST_SEED), printed: which process is killed and at which epoch of its run.
        int seed = TestSeed.Value(20261207);
        var random = new Random(seed);
        int victim = random.Next(3);
        int epochsBeforeKill = random.Next(3);
        log.WriteLine($"seed {seed} (set INFOFIELD_TEST_SEED to repeat): killing process {victim} after {epochsBeforeKill} epoch(s) of a run it trains");

        // The victim is stopped (SIGSTOP) while it trains a run, holding its claim: its result file is then absent, which
        // proves the kill lands mid-run (a frozen process cannot finish it, and no other process can while it holds the
        // claim). When the victim finished its run before the stop landed, it continues and the next run is taken.
        var processes = Enumerable.Range(0, 3).Select(_ => Launch(args)).ToList();
        string? killedRun = null;
        bool hadCheckpoint = false;
        var started = new HashSet<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (killedRun is null && DateTime.UtcNow < deadline && !processes[victim].Process.HasExited)
        {
            string? run = StartedRun(Text(processes[victim].Error), epochsBeforeKill, started);
            if (run is null)
            {
                await Task.Delay(5);
                continue;
            }

            Signal(processes[victim].Process.Id, Stop);
            if (!File.Exists(Path.Combine(results, run + ".json")))
            {
                killedRun = run;
                hadCheckpoint = File.Exists(Path.Combine(results, "work", run, "checkpoint.ifckpt"));
                processes[victim].Process.Kill(entireProcessTree: true);
            }
            else
            {
                started.Add(run);
                Signal(processes[victim].Process.Id, Continue);
            }
        }

        Assert.True(killedRun is not null, $"seed {seed}: process {victim} was never caught in the middle of a run:\n{Text(processes[victim].Error)}");
        foreach (var (process, output, error) in processes)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await process.WaitForExitAsync(timeout.Token);
        }

        for (int i = 0; i < 3; i++)
        {
            log.WriteLine($"--- process {i} (exit {processes[i].Process.ExitCode}) ---\n{Text(processes[i].Error)}");
            if (i == victim)
            {
                continue;
            }

            Assert.Equal(0, processes[i].Process.ExitCode);
            Assert.Equal(0, JsonDocument.Parse(Text(processes[i].Output)).RootElement.GetProperty("missing").GetInt32());
        }

        // Every planned run has its result, and exactly one process reported finishing it; the killed run was finished
        // by a survivor (resumed from the victim's checkpoint when it had one), never by the victim.
        Assert.Equal(ids.Order(StringComparer.Ordinal), Directory.GetFiles(results, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal));
        string[] finished = [.. processes.SelectMany(p => Text(p.Error).Split('\n')).Where(line => line.Contains(": test accuracy ", StringComparison.Ordinal))];
        foreach (string id in ids)
        {
            Assert.True(finished.Count(line => line.Contains($"({id})", StringComparison.Ordinal)) == 1, $"seed {seed}: run {id} was reported finished {finished.Count(line => line.Contains($"({id})", StringComparison.Ordinal))} times");
        }

        Assert.DoesNotContain($"({killedRun}): test accuracy", Text(processes[victim].Error), StringComparison.Ordinal);
        string survivors = string.Concat(processes.Where((_, i) => i != victim).Select(p => Text(p.Error)));
        if (hadCheckpoint)
        {
            string checkpoint = Path.Combine("work", killedRun, Torch.Training.Checkpoint.FileName);
            Assert.True(survivors.Split('\n').Any(line => line.Contains("] resuming ", StringComparison.Ordinal) && line.Contains(checkpoint, StringComparison.Ordinal)), $"seed {seed}: no survivor resumed {killedRun} from the victim's checkpoint:\n{survivors}");
        }
    }

    private const int Stop = 19;
    private const int Continue = 18;

    /// <summary>
    /// The id of the run the process whose standard error is <paramref name="error"/> trains now, once it has finished
    /// <paramref name="epochs"/> epochs of it; null before that. Runs in <paramref name="skip"/> were finished when looked at.
    /// </summary>
    private static string? StartedRun(string error, int epochs, HashSet<string> skip)
    {
        string[] lines = error.Split('\n');
        int last = Array.FindLastIndex(lines, line => line.Contains("] training ", StringComparison.Ordinal) || line.Contains("] resuming ", StringComparison.Ordinal));
        if (last < 0)
        {
            return null;
        }

        System.Text.RegularExpressions.Match id = System.Text.RegularExpressions.Regex.Match(lines[last], "(?:run |checkpoint.ifckpt|work/)([0-9a-f]{16})");
        string prefix = lines[last][..(lines[last].IndexOf(']', StringComparison.Ordinal) + 1)];
        int done = lines.Skip(last + 1).Count(line => line.StartsWith(prefix + " epoch ", StringComparison.Ordinal));
        return id.Success && done >= epochs && !skip.Contains(id.Groups[1].Value) ? id.Groups[1].Value : null;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static void Signal(int pid, int signal) =>
        Assert.True(Kill(pid, signal) == 0, $"kill({pid}, {signal}) failed with errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");

    /// <summary>The run ids the command plans, computed the way it does; the assertion on the result files checks them.</summary>
    private static IReadOnlyList<string> PlannedIds(string tiny, string dataDirectory)
    {
        TrainingData data = Datasets.Load("mnist", new DataOptions(dataDirectory)).Take(Train, 16);
        var settings = new TrainingSettings(Epochs, 16, 0.1, LearningRateSchedule.Paper, 1, Augment: false).Validated();
        var network = new StudyNetwork(tiny, Commands.ModelArgument.ForDataset(tiny, data.Name, null, null, data.Classes.Count), null);
        return [.. StudyPlans.Runs([network], settings, Seeds).Select(run => Sweep.Id(run, data))];
    }

    private static (Process Process, StringBuilder Output, StringBuilder Error) Launch(string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "infofield.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var output = new StringBuilder();
        var error = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output, error);
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is not null)
        {
            lock (text)
            {
                text.AppendLine(line);
            }
        }
    }
}
