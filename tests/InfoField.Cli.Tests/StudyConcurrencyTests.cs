using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using InfoField.Torch.Data;
using InfoField.Torch.Studies;
using InfoField.Torch.Tests.Training;
using InfoField.Training;
using Xunit.Abstractions;

namespace InfoField.Cli.Tests;

/// <summary>Real processes of the published command sharing one results folder.</summary>
public class StudyConcurrencyTests(ITestOutputHelper log)
{
    private const int Seeds = 6;

    [Fact]
    public async Task Three_processes_with_stale_claims_and_one_killed_at_random_finish_every_run_exactly_once()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 48, 16);
        string tiny = TestFiles.WriteTinySpec(temp["tiny.json"]);
        string results = temp["results"];
        string[] args = ["compare", tiny, "--dataset", "mnist", "--data-dir", data, "--seeds", Seeds.ToString(CultureInfo.InvariantCulture), "--results", results,
            "--epochs", "3", "--batch-size", "16", "--threads", "1", "--train-limit", "48", "--test-limit", "16", "--json"];
        IReadOnlyList<string> ids = PlannedIds(tiny, data);

        // Claims left behind by earlier crashes: an empty file (killed between creating and writing it), a claim
        // naming a live unrelated process (pid 1) and one from another machine.
        Directory.CreateDirectory(Path.Combine(results, "claims"));
        File.WriteAllText(Path.Combine(results, "claims", ids[0] + ".claim"), "");
        File.WriteAllText(Path.Combine(results, "claims", ids[1] + ".claim"), string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName} 1 {DateTime.UtcNow:O}"));
        File.WriteAllText(Path.Combine(results, "claims", ids[2] + ".claim"), string.Create(CultureInfo.InvariantCulture, $"another-host 4242 {DateTime.UtcNow:O}"));

        int seed = Environment.TickCount;
        var random = new Random(seed);
        int victim = random.Next(3);
        int delay = random.Next(0, 1000);
        log.WriteLine($"random seed {seed}: killing process {victim} {delay} ms after it starts training a run");

        // The victim is killed while it trains (holding a claim), at a random point of its run.
        var processes = Enumerable.Range(0, 3).Select(_ => Launch(args)).ToList();
        SpinWait.SpinUntil(() => Text(processes[victim].Error).Contains("] training ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        await Task.Delay(delay);
        processes[victim].Process.Kill(entireProcessTree: true);

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

        // Every planned run has its result, and exactly one process reported finishing it.
        Assert.Equal(ids.Order(StringComparer.Ordinal), Directory.GetFiles(results, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal));
        string[] finished = [.. processes.SelectMany(p => Text(p.Error).Split('\n')).Where(line => line.Contains(": test accuracy ", StringComparison.Ordinal))];
        foreach (string id in ids)
        {
            Assert.Equal(1, finished.Count(line => line.Contains($"({id})", StringComparison.Ordinal)));
        }
    }

    /// <summary>The run ids the command plans, computed the way it does; the assertion on the result files checks them.</summary>
    private static IReadOnlyList<string> PlannedIds(string tiny, string dataDirectory)
    {
        TrainingData data = Datasets.Load("mnist", new DataOptions(dataDirectory)).Take(48, 16);
        var settings = new TrainingSettings(3, 16, 0.1, LearningRateSchedule.Paper, 1, Augment: false).Validated();
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
