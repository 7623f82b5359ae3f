using System.Globalization;
using InfoField.Torch.Data;
using InfoField.Torch.Training;
using static TorchSharp.torch;

namespace InfoField.Torch.Studies;

/// <summary>What a sweep is doing, for progress displays.</summary>
public interface ISweepMonitor
{
    /// <summary>A monitor for the training of run <paramref name="index"/> (from 1) of <paramref name="count"/>.</summary>
    ITrainingMonitor Training(int index, int count, PlannedRun run, string id);

    /// <summary>One line about the sweep (a run skipped, claimed elsewhere, finished).</summary>
    void Note(string line);
}

/// <summary>The state of a study's runs in the results folder.</summary>
/// <param name="Runs">Each planned run with its id and, when finished, its record.</param>
public sealed record SweepState(IReadOnlyList<(PlannedRun Run, string Id, RunRecord? Record)> Runs)
{
    /// <summary>Runs not finished yet.</summary>
    public int Missing => Runs.Count(r => r.Record is null);
}

/// <summary>
/// Runs a set of deterministic training runs into a <see cref="ResultsFolder"/>: each run's id is the hash of what
/// determines it, a finished run is skipped, an interrupted one resumes from its checkpoint, and a run another process
/// is training is left to it while that process lives. <see cref="Run"/> returns only when every planned run is
/// finished: it waits for runs other processes hold and takes over those whose holder dies, so any number of
/// processes sharing the folder (on this or other machines) train each run exactly once.
/// </summary>
public static class Sweep
{
    /// <summary>How long a sweep waits before looking again at runs other processes hold.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Looks up each planned run in the folder without training anything (a corrupted result counts as missing and is reported).</summary>
    public static SweepState Inspect(ResultsFolder folder, IReadOnlyList<PlannedRun> runs, TrainingData data, ISweepMonitor? monitor = null) =>
        Inspect(folder, runs, data.Identity, monitor);

    /// <summary>
    /// Looks up each planned run in the folder, knowing only what identifies the data (<see cref="DataIdentity.Describe"/>):
    /// reprinting results needs no image.
    /// </summary>
    public static SweepState Inspect(ResultsFolder folder, IReadOnlyList<PlannedRun> runs, DataIdentity data, ISweepMonitor? monitor = null) =>
        new(runs.Select(run =>
        {
            string id = Id(run, data);
            return (run, id, Finished(folder, id, monitor));
        }).ToList());

    /// <summary>
    /// Trains every planned run that is not finished, waiting for those other live processes hold, then returns the
    /// folder's state. Runs train on <paramref name="device"/> (default: the CPU); the device is not part of a run's id,
    /// so processes on different devices can share one study, and each result records where it ran.
    /// </summary>
    public static SweepState Run(ResultsFolder folder, IReadOnlyList<PlannedRun> runs, TrainingData data, int threads, ISweepMonitor monitor, CancellationToken cancel = default, Device? device = null)
    {
        var pending = Enumerable.Range(0, runs.Count).ToList();
        var reported = new HashSet<int>();
        UnclaimableException? unclaimable = null;
        int unclaimableCount = 0;
        while (pending.Count > 0)
        {
            var held = new List<int>();
            foreach (int i in pending)
            {
                cancel.ThrowIfCancellationRequested();
                try
                {
                    if (!TryRun(folder, runs, i, data, threads, device, monitor, reported, cancel))
                    {
                        held.Add(i);
                    }
                }
                catch (UnclaimableException error)
                {
                    // A claim file that is a link, FIFO, device or folder: this run is left, the others go on.
                    monitor.Note(error.Message);
                    unclaimable ??= error;
                    unclaimableCount++;
                }
            }

            if (held.Count > 0 && held.Count == pending.Count)
            {
                // Every run left is being trained by another process: wait, then look again (its holder may die).
                cancel.WaitHandle.WaitOne(PollInterval);
            }

            pending = held;
        }

        return unclaimable is null
            ? Inspect(folder, runs, data)
            : throw new DataException(string.Create(CultureInfo.InvariantCulture, $"{unclaimableCount} run(s) could not be claimed, every other one is finished; the first: {unclaimable.Message}"), unclaimable);
    }

    /// <summary>The id of <paramref name="run"/> on <paramref name="data"/>.</summary>
    public static string Id(PlannedRun run, TrainingData data) => Id(run, data.Identity);

    /// <summary>The id of <paramref name="run"/> on the data <paramref name="data"/> identifies.</summary>
    public static string Id(PlannedRun run, DataIdentity data) =>
        Trainer.Key(new TrainingJob(run.Model, run.Settings, string.Empty), data).Id();

    /// <summary>Finishes run <paramref name="index"/> unless it is done; false when another live process holds it.</summary>
    private static bool TryRun(ResultsFolder folder, IReadOnlyList<PlannedRun> runs, int index, TrainingData data, int threads, Device? device, ISweepMonitor monitor, HashSet<int> reported, CancellationToken cancel)
    {
        PlannedRun run = runs[index];
        string id = Id(run, data);
        string what = string.Create(CultureInfo.InvariantCulture, $"run {index + 1}/{runs.Count}: {run.Label} seed {run.Settings.Seed} ({id})");
        if (Finished(folder, id, monitor) is not null)
        {
            monitor.Note($"{what}: finished before, skipped");
            return true;
        }

        ResultsFolder.Claim? claimed;
        try
        {
            claimed = folder.TryClaim(id);
        }
        catch (DataException error) when (error.InnerException is FolderFiles.UnusableException)
        {
            throw new UnclaimableException($"{what}: {error.Message}", error);
        }

        using ResultsFolder.Claim? claim = claimed;
        if (claim is null)
        {
            if (reported.Add(index))
            {
                monitor.Note($"{what}: another process is training it; waiting for it (taken over if that process dies)");
            }

            return false;
        }

        // Another process may have finished the run and released its claim between the check above and ours.
        if (Finished(folder, id, monitor: null) is not null)
        {
            monitor.Note($"{what}: finished before, skipped");
            return true;
        }

        foreach (string removed in folder.PrepareWork(id))
        {
            monitor.Note($"{what}: {removed}");
        }

        ITrainingMonitor training = monitor.Training(index + 1, runs.Count, run, id);
        var job = new TrainingJob(run.Model, run.Settings, folder.WorkPath(id), Resume: true, threads) { Device = device, BeforeWrite = () => folder.RequireWork(id) };
        TrainingResult result = Trainer.TrainResuming(job, data, training, reason => monitor.Note($"{what}: {reason}"), cancel);
        folder.Write(new RunRecord(RunRecord.SchemaName, id, run.Label, run.Model.Network.Name, result, Environment.MachineName, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
        claim.Release(finished: true);
        monitor.Note(string.Create(CultureInfo.InvariantCulture, $"{what}: test accuracy {result.TestAccuracy * 100:0.00}% in {result.Seconds:0} s"));
        return true;
    }

    /// <summary>The run's record; null when it has not finished or its result file is corrupted (reported, and the run is redone).</summary>
    private static RunRecord? Finished(ResultsFolder folder, string id, ISweepMonitor? monitor)
    {
        try
        {
            return folder.Read(id);
        }
        catch (DataException error)
        {
            monitor?.Note(error.Message);
            return null;
        }
    }

    /// <summary>A run whose claim file cannot be used; the sweep goes on with the other runs.</summary>
    private sealed class UnclaimableException(string message, Exception inner) : Exception(message, inner);
}
