using System.Globalization;
using InfoField.Torch.Data;
using InfoField.Torch.Training;

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
/// is training is left to it. Running the same sweep again (on this or another machine sharing the folder) finishes
/// what is left.
/// </summary>
public static class Sweep
{
    /// <summary>Looks up each planned run in the folder without training anything.</summary>
    public static SweepState Inspect(ResultsFolder folder, IReadOnlyList<PlannedRun> runs, TrainingData data) =>
        new(runs.Select(run =>
        {
            string id = Id(run, data);
            return (run, id, folder.Read(id));
        }).ToList());

    /// <summary>Trains every planned run that is not finished or claimed, then returns the folder's state.</summary>
    public static SweepState Run(ResultsFolder folder, IReadOnlyList<PlannedRun> runs, TrainingData data, int threads, ISweepMonitor monitor, CancellationToken cancel = default)
    {
        for (int i = 0; i < runs.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            PlannedRun run = runs[i];
            string id = Id(run, data);
            string what = string.Create(CultureInfo.InvariantCulture, $"run {i + 1}/{runs.Count}: {run.Label} seed {run.Settings.Seed} ({id})");
            if (folder.Read(id) is not null)
            {
                monitor.Note($"{what}: finished before, skipped");
                continue;
            }

            using ResultsFolder.Claim? claim = folder.TryClaim(id);
            if (claim is null)
            {
                monitor.Note($"{what}: another process is training it, left to it");
                continue;
            }

            // Another process may have finished the run and released its claim between the check above and ours.
            if (folder.Read(id) is not null)
            {
                monitor.Note($"{what}: finished before, skipped");
                continue;
            }

            ITrainingMonitor training = monitor.Training(i + 1, runs.Count, run, id);
            var job = new TrainingJob(run.Model, run.Settings, folder.WorkPath(id), Resume: true, threads);
            TrainingResult result = Trainer.Train(job, data, new Refreshing(training, claim), cancel);
            folder.Write(new RunRecord(RunRecord.SchemaName, id, run.Label, run.Model.Network.Name, result, Environment.MachineName, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
            monitor.Note(string.Create(CultureInfo.InvariantCulture, $"{what}: test accuracy {result.TestAccuracy * 100:0.00}% in {result.Seconds:0} s"));
        }

        return Inspect(folder, runs, data);
    }

    /// <summary>The id of <paramref name="run"/> on <paramref name="data"/>.</summary>
    public static string Id(PlannedRun run, TrainingData data) =>
        Trainer.Key(new TrainingJob(run.Model, run.Settings, string.Empty), data).Id();

    private sealed class Refreshing(ITrainingMonitor inner, ResultsFolder.Claim claim) : ITrainingMonitor
    {
        public void Started(string runId, int firstEpoch, int epochs, int batchesPerEpoch, string message) => inner.Started(runId, firstEpoch, epochs, batchesPerEpoch, message);

        public void Step(StepProgress progress) => inner.Step(progress);

        public void EpochFinished(EpochRecord record, int epochs)
        {
            claim.Refresh();
            inner.EpochFinished(record, epochs);
        }
    }
}
