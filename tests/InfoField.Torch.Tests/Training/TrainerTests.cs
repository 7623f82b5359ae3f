using InfoField.Torch.Building;
using InfoField.Torch.Data;
using InfoField.Torch.Studies;
using InfoField.Torch.Training;
using InfoField.Training;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests.Training;

[Collection(TorchGlobalState.Name)]
public class TrainerTests
{
    private static readonly TrainingSettings Recipe = new(Epochs: 3, BatchSize: 32, LearningRate: 0.05, Seed: 11);

    private static TrainingData SmallData(TempFolder temp, int train = 256, int test = 64) =>
        Datasets.Load("mnist", new DataOptions(TestFiles.WriteMnist(temp["data"], train, test)));

    private static LoadedNetwork Tiny() => new(TestFiles.TinyNetwork(), "spec", null, 1.0, "tiny.json");

    private static TrainingJob Job(string directory, TrainingSettings? settings = null, bool resume = false) =>
        new(Tiny(), settings ?? Recipe, directory, resume, Threads: 2, TensorBoard: false);

    private static Dictionary<string, float[]> Weights(string checkpoint)
    {
        (CheckpointInfo _, NetworkModule model) = Checkpoint.LoadModel(checkpoint);
        using (model)
        {
            return model.state_dict().ToDictionary(entry => entry.Key, entry => entry.Value.to_type(ScalarType.Float32).data<float>().ToArray());
        }
    }

    [Fact]
    public void A_run_stopped_after_an_epoch_and_resumed_ends_with_the_weights_of_an_uninterrupted_run()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp);

        TrainingResult straight = Trainer.Train(Job(temp["straight"]), data);
        var stopped = Job(temp["resumed"]) with { BeforeEpoch = (epoch, _) => { if (epoch == 1) throw new OperationCanceledException("stopped"); } };
        Assert.Throws<OperationCanceledException>(() => Trainer.Train(stopped, data));
        Assert.Equal(1, Checkpoint.ReadInfo(Path.Combine(temp["resumed"], Checkpoint.FileName)).EpochsDone);
        TrainingResult resumed = Trainer.Train(Job(temp["resumed"], resume: true), data);

        Dictionary<string, float[]> a = Weights(Path.Combine(temp["straight"], Checkpoint.FileName));
        Dictionary<string, float[]> b = Weights(Path.Combine(temp["resumed"], Checkpoint.FileName));
        Assert.Equal(a.Keys, b.Keys);
        Assert.Contains("stages.0.0.1.running_mean", a.Keys);
        foreach (string name in a.Keys)
        {
            Assert.True(a[name].SequenceEqual(b[name]), $"{name} differs between the uninterrupted and the resumed run");
        }

        Assert.Equal(straight.TestAccuracy, resumed.TestAccuracy);
        Assert.Equal(straight.TestLoss, resumed.TestLoss);
        Assert.Equal(straight.RunId, resumed.RunId);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(temp["resumed"], Trainer.EpochsFile)).Length);
    }

    [Fact]
    public void A_native_failure_resumes_the_run_from_its_checkpoint_and_changes_no_result()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp);
        TrainingResult straight = Trainer.Train(Job(temp["straight"]), data);
        int failures = 0;
        var reasons = new List<string>();

        // The first start fails in epoch 2 (after one checkpoint) as libtorch's scalar race does; the retry resumes.
        var flaky = Job(temp["flaky"]) with { BeforeEpoch = (epoch, _) => { if (epoch == 1 && failures++ == 0) throw new System.Runtime.InteropServices.ExternalException("Unknown scalar type.\nException raised from type at Scalar.h"); } };
        TrainingResult retried = Trainer.TrainResuming(flaky, data, null, reasons.Add);
        var broken = Job(temp["broken"]) with { BeforeEpoch = (_, _) => throw new System.Runtime.InteropServices.ExternalException("always") };
        var error = Assert.Throws<System.Runtime.InteropServices.ExternalException>(() => Trainer.TrainResuming(broken, data, null, reasons.Add));

        Assert.Equal(straight.TestAccuracy, retried.TestAccuracy);
        Assert.Equal(straight.TestLoss, retried.TestLoss);
        Assert.Equal(straight.TrainLoss, retried.TrainLoss);
        Assert.Equal("always", error.Message);
        Assert.Equal(1 + (Trainer.NativeFailureAttempts - 1), reasons.Count);
        Assert.StartsWith("libtorch failed (Unknown scalar type.); resuming the run from its last checkpoint in ", reasons[0], StringComparison.Ordinal);
        Assert.EndsWith("(start 2 of 3)", reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Training_learns_the_small_dataset_and_writes_its_files()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp);

        TrainingResult result = Trainer.Train(Job(temp["run"], Recipe with { Epochs = 8, BatchSize = 16, LearningRate = 0.1 }) with { TensorBoard = true }, data);

        Assert.True(result.TestAccuracy > 0.5, File.ReadAllText(Path.Combine(temp["run"], Trainer.EpochsFile)));
        Assert.Equal(8, result.Epochs);
        Assert.True(result.ImagesPerSecond > 0 && result.Seconds > 0);
        Assert.Single(Directory.GetFiles(Path.Combine(temp["run"], "tensorboard"), "events.out.tfevents.*"));
        Assert.True(File.Exists(Path.Combine(temp["run"], Trainer.ResultFile)));
        Assert.Empty(Directory.GetFiles(temp["run"], "*.tmp"));
        (CheckpointInfo info, NetworkModule model) = Checkpoint.LoadModel(Path.Combine(temp["run"], Checkpoint.FileName));
        using (model)
        {
            Evaluation again = Trainer.Evaluate(model, data.Test, info.Normalization);
            Assert.Equal(result.TestAccuracy, again.Accuracy);
            Assert.Equal(TestFiles.TinyNetwork(), info.Network());
        }
    }

    [Fact]
    public void A_nan_loss_stops_the_run_and_keeps_the_last_good_checkpoint()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp, train: 64, test: 16);
        string checkpoint = Path.Combine(temp["run"], Checkpoint.FileName);
        byte[]? afterFirstEpoch = null;
        var job = Job(temp["run"]) with
        {
            BeforeEpoch = (epoch, model) =>
            {
                if (epoch == 1)
                {
                    afterFirstEpoch = File.ReadAllBytes(checkpoint);
                    using var noGrad = no_grad();
                    model.parameters().First().fill_(double.NaN);
                }
            },
        };

        var error = Assert.Throws<TrainingDivergedException>(() => Trainer.Train(job, data));

        Assert.Contains("became NaN at epoch 2, step 1", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the last good checkpoint (after epoch 1) is kept in {checkpoint}", error.Message, StringComparison.Ordinal);
        Assert.Equal(afterFirstEpoch, File.ReadAllBytes(checkpoint));
        Assert.All(Weights(checkpoint).Values, values => Assert.All(values, v => Assert.True(float.IsFinite(v))));
    }

    [Fact]
    public void A_damaged_checkpoint_is_refused_with_its_name()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp, train: 64, test: 16);
        Trainer.Train(Job(temp["run"], Recipe with { Epochs = 1 }), data);
        string checkpoint = Path.Combine(temp["run"], Checkpoint.FileName);
        byte[] bytes = File.ReadAllBytes(checkpoint);

        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(checkpoint, bytes);
        var flipped = Assert.Throws<DataException>(() => Checkpoint.ReadInfo(checkpoint));
        Assert.Equal($"{checkpoint}: truncated or corrupted checkpoint (its SHA-256 does not match its contents)", flipped.Message);

        File.WriteAllBytes(checkpoint, bytes[..1000]);
        Assert.Contains("truncated or corrupted", Assert.Throws<DataException>(() => Trainer.Train(Job(temp["run"], Recipe with { Epochs = 1 }, resume: true), data)).Message, StringComparison.Ordinal);

        File.WriteAllText(checkpoint, "hello");
        Assert.Contains("not an InfoField checkpoint", Assert.Throws<DataException>(() => Checkpoint.LoadModel(checkpoint)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_existing_run_is_never_overwritten_and_resumes_only_with_its_own_settings()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp, train: 64, test: 16);
        TrainingSettings one = Recipe with { Epochs = 1 };
        Trainer.Train(Job(temp["run"], one), data);

        var overwrite = Assert.Throws<ParameterException>(() => Trainer.Train(Job(temp["run"], one), data));
        Assert.Contains("already holds a checkpoint; resume that run", overwrite.Message, StringComparison.Ordinal);

        var other = Assert.Throws<InfoFieldException>(() => Trainer.Train(Job(temp["run"], one with { LearningRate = 0.2 }, resume: true), data));
        Assert.Contains("belongs to another run (tiny.json on mnist, 1 epochs, batch 32, lr 0.05", other.Message, StringComparison.Ordinal);

        TrainingResult finished = Trainer.Train(Job(temp["run"], one, resume: true), data);
        Assert.Equal(1, finished.Epochs);
    }

    [Fact]
    public void Networks_that_do_not_fit_the_data_are_refused_with_the_fix()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp, train: 8, test: 4);
        var rgb = new LoadedNetwork(TestFiles.TinyNetwork(3), "spec", null, 1.0, "rgb.json");

        var error = Assert.Throws<InfoFieldException>(() => Trainer.Train(new TrainingJob(rgb, Recipe, temp["run"]), data));

        Assert.Equal("rgb.json: takes 3x32x32 inputs but mnist images are 1x32x32 (C x H x W); build it for that shape (an input shape of 1x32x32, or the spec's input)", error.Message);
    }

    [Fact]
    public void The_throughput_benchmark_times_both_feeds_round_by_round()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp, train: 96, test: 8);
        var rounds = new List<ThroughputRound>();

        ThroughputReport report = ThroughputBenchmark.Run(TestFiles.TinyNetwork(), data, Recipe with { BatchSize = 16 }, steps: 3, rounds: 3, threads: 2, rounds.Add);

        Assert.Equal([1, 2, 3], rounds.Select(r => r.Round));
        Assert.All(rounds, r => Assert.True(r.Pipeline > 0 && r.InMemory > 0));
        Assert.Equal(rounds.Select(r => r.Pipeline).Order().ElementAt(1), report.PipelineMedian);
        Assert.Equal(report.PipelineMedian / report.InMemoryMedian, report.Ratio);
    }

    [Fact]
    public async Task A_sweep_waits_for_runs_others_hold_takes_them_over_when_released_and_redoes_corrupted_results()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp, train: 32, test: 8);
        var folder = new ResultsFolder(temp["results"]);
        var networks = new[] { new StudyNetwork("tiny", Tiny(), null) };
        IReadOnlyList<PlannedRun> runs = StudyPlans.Runs(networks, Recipe with { Epochs = 1, BatchSize = 16 }, seeds: 3);
        string held = Sweep.Id(runs[1], data);
        string corrupted = Sweep.Id(runs[2], data);
        Directory.CreateDirectory(temp["results"]);
        File.WriteAllText(folder.ResultPath(corrupted), "{\"schema\": \"infofield-run/1\", \"id\": ");
        ResultsFolder.Claim other = new ResultsFolder(temp["results"]).TryClaim(held)!;
        var notes = new Notes();

        // The "other process" holds run 2 until the sweep has said it waits for it, then lets go without a result.
        Task<SweepState> sweep = Task.Run(() => Sweep.Run(folder, runs, data, threads: 2, notes));
        SpinWait.SpinUntil(() => notes.Snapshot().Any(line => line.Contains("another process is training it", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));
        Assert.False(sweep.IsCompleted);
        other.Dispose();
        SweepState first = await sweep.WaitAsync(TimeSpan.FromSeconds(120));
        SweepState second = Sweep.Run(folder, runs, data, threads: 2, notes);

        Assert.Equal(0, first.Missing);
        Assert.All(first.Runs, r => Assert.NotNull(r.Record));
        Assert.Contains(notes.Lines, line => line.Contains("corrupted result file", StringComparison.Ordinal) && line.Contains(corrupted, StringComparison.Ordinal));
        Assert.Equal(3, notes.Snapshot().Count(line => line.Contains("finished before, skipped", StringComparison.Ordinal)));
        Assert.Equal(first.Runs.Select(r => r.Record), second.Runs.Select(r => r.Record));
        Assert.False(File.Exists(folder.ClaimPath(held)));
    }

    private sealed class Notes : ISweepMonitor
    {
        public List<string> Lines { get; } = [];

        public ITrainingMonitor Training(int index, int count, PlannedRun run, string id) => SilentMonitor.Instance;

        public void Note(string line)
        {
            lock (Lines)
            {
                Lines.Add(line);
            }
        }

        public List<string> Snapshot()
        {
            lock (Lines)
            {
                return [.. Lines];
            }
        }
    }
}
