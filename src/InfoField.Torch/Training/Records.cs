using System.Text.Json.Serialization;

namespace InfoField.Torch.Training;

/// <summary>What one epoch did, as written to <c>epochs.jsonl</c> and TensorBoard.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's training batches.</param>
/// <param name="TrainAccuracy">Fraction of training images classified correctly while training (augmented).</param>
/// <param name="TestLoss">Mean cross-entropy on the test split after the epoch.</param>
/// <param name="TestAccuracy">Fraction of test images classified correctly after the epoch.</param>
/// <param name="TrainSeconds">Wall time of the training steps.</param>
/// <param name="Seconds">Wall time of the epoch: training and evaluation.</param>
/// <param name="ImagesPerSecond">Training images per second of <paramref name="TrainSeconds"/>.</param>
/// <param name="Images">Training images seen in the epoch.</param>
public sealed record EpochRecord(
    int Epoch,
    [property: JsonPropertyName("lr")] double LearningRate,
    double TrainLoss,
    double TrainAccuracy,
    double TestLoss,
    double TestAccuracy,
    double TrainSeconds,
    double Seconds,
    double ImagesPerSecond,
    long Images);

/// <summary>Where a run stands after one training step, for progress displays.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Epochs">Epochs in the run.</param>
/// <param name="Batch">The step within the epoch, from 1.</param>
/// <param name="Batches">Steps in the epoch.</param>
/// <param name="Loss">Mean training loss so far in the epoch.</param>
/// <param name="Accuracy">Training accuracy so far in the epoch.</param>
/// <param name="ImagesPerSecond">Training images per second so far in the epoch.</param>
/// <param name="LearningRate">The step's learning rate.</param>
public sealed record StepProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy, double ImagesPerSecond, double LearningRate);

/// <summary>Receives a run's progress. Every member has a do-nothing default.</summary>
public interface ITrainingMonitor
{
    /// <summary>The run starts (or resumes) at epoch <paramref name="firstEpoch"/> (from 1) of <paramref name="epochs"/>.</summary>
    void Started(string runId, int firstEpoch, int epochs, int batchesPerEpoch, string message)
    {
    }

    /// <summary>A training step finished.</summary>
    void Step(StepProgress progress)
    {
    }

    /// <summary>An epoch finished and its checkpoint is written.</summary>
    void EpochFinished(EpochRecord record, int epochs)
    {
    }
}

/// <summary>A monitor that ignores everything.</summary>
public sealed class SilentMonitor : ITrainingMonitor
{
    /// <summary>The one instance (it has no state).</summary>
    public static SilentMonitor Instance { get; } = new();
}
