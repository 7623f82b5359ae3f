using System.Diagnostics;
using System.Text;
using System.Text.Json;
using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Files;
using InfoField.Spec;
using InfoField.Torch.Building;
using InfoField.Torch.Data;
using InfoField.Torch.Modules;
using InfoField.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace InfoField.Torch.Training;

/// <summary>What to train, where to keep its files, and how.</summary>
/// <param name="Model">The network, as resolved by <see cref="NetworkSource"/> or <see cref="ModelBinding"/>.</param>
/// <param name="Settings">The recipe.</param>
/// <param name="OutputDirectory">Checkpoint, <c>epochs.jsonl</c>, <c>result.json</c> and <c>tensorboard/</c> go here.</param>
/// <param name="Resume">Continue from the folder's checkpoint (start afresh when there is none).</param>
/// <param name="Threads">Torch threads; 0 for one per processor.</param>
/// <param name="TensorBoard">Write TensorBoard event files.</param>
/// <param name="Prefetch">Prepare batches on a background thread.</param>
public sealed record TrainingJob(
    LoadedNetwork Model,
    TrainingSettings Settings,
    string OutputDirectory,
    bool Resume = false,
    int Threads = 0,
    bool TensorBoard = true,
    bool Prefetch = true)
{
    /// <summary>Runs before each epoch (from 0) once the model is ready; tests use it to stop or damage a run.</summary>
    internal Action<int, NetworkModule>? BeforeEpoch { get; init; }

    /// <summary>
    /// Runs before each file the job writes into <see cref="OutputDirectory"/> (and before TensorBoard opens its folder);
    /// a study checks there that the folder is still its own, not a link swapped in since the run started.
    /// </summary>
    public Action? BeforeWrite { get; init; }

    /// <summary>The number of torch threads this job runs with.</summary>
    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>
    /// Where the model trains and evaluates: null or the CPU (default), or a CUDA device (<see cref="Devices.Resolve"/>)
    /// when the process runs one of TorchSharp's CUDA builds. The weights are initialized on the CPU from the seed, then
    /// moved, so every device starts from the same weights; the device is recorded in the result, not in the run id.
    /// </summary>
    public Device? Device { get; init; }

    /// <summary>
    /// Which computation the network's RPW layers run (<see cref="NetworkModule.RpwImplementation"/>): the default picks
    /// the SIMD kernels on the CPU and the gather form on other devices; <see cref="RpwImplementation.Gather"/> forces the
    /// device-generic form on the CPU too (to run, on a machine without a GPU, the path a GPU run takes).
    /// </summary>
    public RpwImplementation Rpw { get; init; } = RpwImplementation.Auto;
}

/// <summary>
/// Trains a network with SGD on a dataset in memory, checkpointing every epoch. Everything random derives from
/// (seed, epoch): initialization, shuffling, augmentation and the global generator (dropout) of each epoch; with
/// the same thread count, a run stopped after epoch k and resumed ends with bit-identical weights.
/// </summary>
public static class Trainer
{
    /// <summary>The name of the per-epoch records file in the output folder (one JSON object per line).</summary>
    public const string EpochsFile = "epochs.jsonl";

    /// <summary>The name of the final result file in the output folder.</summary>
    public const string ResultFile = "result.json";

    /// <summary>The id of <paramref name="job"/> on <paramref name="data"/>.</summary>
    public static RunKey Key(TrainingJob job, TrainingData data) => Key(job, data.Identity);

    /// <summary>What determines the run of <paramref name="job"/> on the data <paramref name="data"/> identifies (no image read).</summary>
    public static RunKey Key(TrainingJob job, DataIdentity data)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(data);
        return new(NetworkSpec.Canonical(job.Model.Network), data.Key, job.Model.Width, job.Settings);
    }

    /// <summary>How many times <see cref="TrainResuming"/> starts a run in all, the first start included.</summary>
    public const int NativeFailureAttempts = 3;

    /// <summary>
    /// Trains <paramref name="job"/> as <see cref="Train"/> does, and when libtorch fails with a native error
    /// (<see cref="System.Runtime.InteropServices.ExternalException"/>), resumes the run from its last checkpoint, up to
    /// <see cref="NativeFailureAttempts"/> starts in all, telling <paramref name="retrying"/> why. A resumed run ends
    /// with the weights of an uninterrupted one, so a retry changes no result. The failure this is for: TorchSharp
    /// 0.107 hands libtorch the handle of a temporary scalar (batch norm's step count, the optimizer's coefficients)
    /// that the .NET finalizer may free while the native call still reads it, which after hours of training can stop
    /// a run with "Unknown scalar type". A failure that comes back on every start is reported as it is.
    /// </summary>
    public static TrainingResult TrainResuming(TrainingJob job, TrainingData data, ITrainingMonitor? monitor, Action<string> retrying, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(retrying);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return Train(attempt == 1 ? job : job with { Resume = true }, data, monitor, cancel);
            }
            catch (System.Runtime.InteropServices.ExternalException error) when (attempt < NativeFailureAttempts && !cancel.IsCancellationRequested)
            {
                string first = error.Message.Split('\n', 2)[0].Trim();
                retrying($"libtorch failed ({first}); resuming the run from its last checkpoint in {job.OutputDirectory} (start {attempt + 1} of {NativeFailureAttempts})");
            }
        }
    }

    /// <summary>Trains <paramref name="job"/> on <paramref name="data"/>; reports progress to <paramref name="monitor"/>.</summary>
    public static TrainingResult Train(TrainingJob job, TrainingData data, ITrainingMonitor? monitor = null, CancellationToken cancel = default)
    {
        monitor ??= SilentMonitor.Instance;
        TrainingSettings settings = job.Settings.Validated();
        ThreadLimit.Check(job.Threads);
        Network network = job.Model.Network;
        ModelBinding.Check(network, data, job.Model.Reference);
        if (data.Train.Count < 2 || data.Test.Count < 1)
        {
            throw new DataException($"{data.Name} in '{data.Directory}' has {data.Train.Count} training and {data.Test.Count} test images; training needs at least 2 and evaluation at least 1");
        }

        Device device = job.Device ?? CPU;
        Devices.Require(device);
        if (device.type == DeviceType.CPU)
        {
            // On a GPU the activations live in the GPU's memory, which libtorch reports on itself when it runs out.
            MemoryBudget.Check($"training {job.Model.Reference} at batch size {settings.BatchSize}", TrainingBytes(network, settings.BatchSize));
        }

        RunKey key = Key(job, data);
        string runId = key.Id();
        string directory = job.OutputDirectory;
        string checkpointPath = Path.Combine(directory, Checkpoint.FileName);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ParameterException("outputDirectory", directory, $"cannot create the folder: {error.Message}");
        }

        bool resuming = job.Resume && File.Exists(checkpointPath);
        if (!job.Resume && File.Exists(checkpointPath))
        {
            throw new ParameterException("outputDirectory", directory, "already holds a checkpoint; resume that run, or choose another output folder");
        }

        // Threads and the global generator are set for this run and put back when it ends (TorchStateScope).
        using var state = TorchStateScope.Enter(job.EffectiveThreads);
        random.manual_seed(Seeds.Derive(settings.Seed, 0, Seeds.Initialization));
        using NetworkModule model = ModuleBuilder.Build(network);
        model.RpwImplementation = job.Rpw;
        model.to(device);
        using SGD optimizer = optim.SGD(model.parameters(), settings.LearningRate, settings.Momentum, weight_decay: settings.WeightDecay);
        var history = new List<EpochRecord>();
        if (resuming)
        {
            CheckpointInfo saved = Checkpoint.ReadInfo(checkpointPath);
            if (saved.RunId != runId)
            {
                throw new InfoFieldException($"{checkpointPath} belongs to another run ({Describe(saved)}); this one is {job.Model.Reference} on {data.Name}, {Describe(settings)}; use another output folder or the same settings");
            }

            Checkpoint.Restore(checkpointPath, model, optimizer);
            history.AddRange(saved.History);
        }

        int batches = BatchesPerEpoch(data.Train.Count, settings.BatchSize);
        monitor.Started(runId, history.Count + 1, settings.Epochs, batches, resuming
            ? $"resuming {job.Model.Reference} from {checkpointPath} after epoch {history.Count} of {settings.Epochs}"
            : $"training {job.Model.Reference} on {data.Name} ({data.Train.Count:N0} images, {data.Test.Count:N0} test) for {settings.Epochs} epochs, run {runId}");

        job.BeforeWrite?.Invoke();
        SummaryWriter? board = job.TensorBoard && history.Count < settings.Epochs
            ? utils.tensorboard.SummaryWriter(Path.Combine(directory, "tensorboard"))
            : null;
        for (int epoch = history.Count; epoch < settings.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            job.BeforeEpoch?.Invoke(epoch, model);
            var clock = Stopwatch.StartNew();
            (double trainLoss, double trainAccuracy, long images, double lastRate) = TrainEpoch(model, optimizer, data, settings, epoch, batches, job.Prefetch, device, monitor, checkpointPath, history.Count, cancel);
            double trainSeconds = clock.Elapsed.TotalSeconds;
            Evaluation test = Evaluate(model, data.Test, data.Normalization, Math.Max(settings.BatchSize, 256), job.Prefetch, device);
            var record = new EpochRecord(epoch + 1, lastRate, trainLoss, trainAccuracy, test.Loss, test.Accuracy, trainSeconds, clock.Elapsed.TotalSeconds, images / trainSeconds, images);
            history.Add(record);
            var info = new CheckpointInfo(CheckpointInfo.SchemaName, runId, job.Model.Reference, data.Name, data.Key, job.Model.Width, settings, epoch + 1, data.Normalization, data.Classes, key.ArchitectureJson, [.. history]);
            job.BeforeWrite?.Invoke();
            Checkpoint.Save(checkpointPath, info, model, optimizer);
            job.BeforeWrite?.Invoke();
            WriteEpochs(directory, history);
            if (board is not null)
            {
                foreach ((string tag, double value) in new[] { ("loss/train", record.TrainLoss), ("loss/test", record.TestLoss), ("accuracy/train", record.TrainAccuracy), ("accuracy/test", record.TestAccuracy), ("lr", record.LearningRate), ("imagesPerSecond", record.ImagesPerSecond) })
                {
                    board.add_scalar(tag, (float)value, record.Epoch);
                }
            }

            monitor.EpochFinished(record, settings.Epochs);
        }

        EpochRecord last = history[^1];
        Cost cost = CostModel.Of(network).Total;
        var result = new TrainingResult(
            TrainingResult.SchemaName,
            runId,
            job.Model.Reference,
            data.Name,
            job.Model.Width,
            settings.Seed,
            settings.Epochs,
            settings.BatchSize,
            settings.LearningRate,
            settings.ScheduleName,
            last.TestAccuracy,
            last.TestLoss,
            last.TrainLoss,
            last.TrainAccuracy,
            cost.Parameters,
            cost.Macs,
            history.Sum(r => r.Seconds),
            history.Sum(r => r.Images) / history.Sum(r => r.TrainSeconds),
            job.EffectiveThreads,
            directory,
            Devices.Name(device));
        job.BeforeWrite?.Invoke();
        AtomicFile.WriteAllText(Path.Combine(directory, ResultFile), JsonSerializer.Serialize(result, new JsonSerializerOptions(Checkpoint.Json) { WriteIndented = true }) + "\n");
        return result;
    }

    /// <summary>
    /// Accuracy and mean loss of <paramref name="model"/> on <paramref name="set"/> (eval mode, no gradients), with
    /// batches on <paramref name="device"/> (default: the device of the model's parameters).
    /// </summary>
    public static Evaluation Evaluate(nn.Module<Tensor, Tensor> model, ImageSet set, Normalization normalization, int batchSize = 256, bool prefetch = true, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (set.Count == 0)
        {
            throw new DataException("the test split has no images, so there is no accuracy to report; evaluate on at least 1 image");
        }

        device ??= Devices.Of(model);
        var clock = Stopwatch.StartNew();
        model.eval();
        using var noGrad = no_grad();
        double lossSum = 0;
        long correct = 0;
        foreach (Batch batch in BatchStream.Evaluation(set, normalization, batchSize, prefetch, device))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            {
                Tensor output = model.call(batch.Images);
                lossSum += Loss(output, batch.Labels, nn.Reduction.Sum).item<float>();
                correct += output.argmax(1).eq(batch.Labels).sum().item<long>();
            }
        }

        double loss = lossSum / set.Count;
        return double.IsFinite(loss)
            ? new Evaluation((double)correct / set.Count, loss, set.Count, clock.Elapsed.TotalSeconds)
            : throw new TrainingDivergedException($"the test loss is {loss}: the model's outputs are not finite (its weights have diverged), so its accuracy means nothing");
    }

    /// <summary>
    /// An estimate of the memory one training step takes: every op's output kept for the backward pass and its
    /// gradient (float32, the batch), and each parameter with its gradient and momentum.
    /// </summary>
    public static double TrainingBytes(Network network, int batchSize)
    {
        double activations = network.Layout.Stages.Sum(stage =>
            stage.Input.Volume + network.Stages[network.Layout.Stages.IndexOf(stage)].Units.Select((unit, u) => (double)unit.Ops.Count * Math.Max(stage.Units[u].Input.Volume, stage.Units[u].Output.Volume)).Sum());
        double parameters = CostModel.Of(network).Total.Parameters;
        return (2.0 * batchSize * activations * sizeof(float)) + (3.0 * parameters * sizeof(float));
    }

    /// <summary>Training steps per epoch: every full batch, and the last partial one unless it holds a single image.</summary>
    public static int BatchesPerEpoch(int images, int batchSize) => (images / batchSize) + (images % batchSize >= 2 ? 1 : 0);

    private static (double Loss, double Accuracy, long Images, double LastRate) TrainEpoch(
        NetworkModule model, SGD optimizer, TrainingData data, TrainingSettings settings, int epoch, int batches, bool prefetch, Device device, ITrainingMonitor monitor, string checkpointPath, int epochsDone, CancellationToken cancel)
    {
        long seed = Seeds.Derive(settings.Seed, epoch, Seeds.Global);
        random.manual_seed(seed);
        if (device.type == DeviceType.CUDA)
        {
            // Dropout on a GPU draws from CUDA's generators, which the CPU's seed does not reach.
            cuda.manual_seed_all(seed);
        }

        model.train();
        var clock = Stopwatch.StartNew();
        double lossSum = 0, rate = settings.LearningRate;
        long correct = 0, seen = 0;
        int step = 0;
        foreach (Batch batch in BatchStream.Training(data.Train, data.Normalization, settings.BatchSize, settings.Seed, epoch, settings.Augment, prefetch, device))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            {
                cancel.ThrowIfCancellationRequested();
                rate = settings.LearningRateAt(epoch + ((double)step / batches));
                foreach (ILearningRateController group in optimizer.ParamGroups)
                {
                    group.LearningRate = rate;
                }

                optimizer.zero_grad();
                Tensor output = model.call(batch.Images);
                Tensor loss = Loss(output, batch.Labels, nn.Reduction.Mean);
                double value = loss.item<float>();
                if (!double.IsFinite(value))
                {
                    string kept = epochsDone > 0
                        ? $"the last good checkpoint (after epoch {epochsDone}) is kept in {checkpointPath}"
                        : "no checkpoint was written (the first epoch did not finish)";
                    throw new TrainingDivergedException($"the training loss became {value} at epoch {epoch + 1}, step {step + 1} of {batches} (learning rate {rate:G4}); {kept}; lower the learning rate, or check the data");
                }

                loss.backward();
                optimizer.step();
                step++;
                seen += batch.Count;
                lossSum += value * batch.Count;
                correct += output.argmax(1).eq(batch.Labels).sum().item<long>();
                monitor.Step(new StepProgress(epoch + 1, settings.Epochs, step, batches, lossSum / seen, (double)correct / seen, seen / clock.Elapsed.TotalSeconds, rate));
            }
        }

        return (lossSum / seen, (double)correct / seen, seen, rate);
    }

    private static Tensor Loss(Tensor output, Tensor labels, nn.Reduction reduction) =>
        nn.functional.cross_entropy(output, labels, reduction: reduction);

    private static void WriteEpochs(string directory, IReadOnlyList<EpochRecord> history)
    {
        var text = new StringBuilder();
        foreach (EpochRecord record in history)
        {
            text.Append(JsonSerializer.Serialize(record, Checkpoint.Json)).Append('\n');
        }

        AtomicFile.WriteAllText(Path.Combine(directory, EpochsFile), text.ToString());
    }

    private static string Describe(CheckpointInfo info) => $"{info.Model} on {info.Dataset}, {Describe(info.Settings)}";

    private static string Describe(TrainingSettings s) =>
        FormattableString.Invariant($"{s.Epochs} epochs, batch {s.BatchSize}, lr {s.LearningRate}, {s.ScheduleName} schedule, seed {s.Seed}");
}

/// <summary>The loss became NaN or infinite; the run stopped and its last good checkpoint is kept.</summary>
public sealed class TrainingDivergedException : InfoFieldException
{
    /// <summary>Creates the error with its message.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }
}
