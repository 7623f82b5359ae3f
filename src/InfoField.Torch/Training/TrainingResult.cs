using System.Text.Json.Serialization;

namespace InfoField.Torch.Training;

/// <summary>
/// The outcome of a training run: the JSON of <c>infofield train --json</c> and <c>result.json</c>
/// (schema <c>infofield-training/1</c>; docs/cli.md).
/// </summary>
/// <param name="Schema">Always <c>infofield-training/1</c>.</param>
/// <param name="RunId">The run's id.</param>
/// <param name="Model">The model as named.</param>
/// <param name="Dataset">The dataset's name.</param>
/// <param name="Width">The width multiplier (1 for spec files).</param>
/// <param name="Seed">The seed.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="BatchSize">Batch size.</param>
/// <param name="LearningRate">Initial learning rate.</param>
/// <param name="Schedule"><c>paper</c> or <c>cosine</c>.</param>
/// <param name="TestAccuracy">Fraction of the test split classified correctly after the last epoch.</param>
/// <param name="TestLoss">Mean cross-entropy on the test split after the last epoch.</param>
/// <param name="TrainLoss">Mean training loss of the last epoch.</param>
/// <param name="TrainAccuracy">Training accuracy of the last epoch (augmented batches).</param>
/// <param name="Params">Trainable parameters.</param>
/// <param name="Macs">Multiply-accumulates per image.</param>
/// <param name="Seconds">Wall time of all epochs (training and evaluation), including epochs before a resume.</param>
/// <param name="ImagesPerSecond">Training throughput over all epochs.</param>
/// <param name="Threads">Torch threads of the (last) process.</param>
/// <param name="OutputDirectory">Where the checkpoint, epoch records and TensorBoard events are.</param>
/// <param name="Device">The device the (last) process trained on: <c>cpu</c> or <c>cuda:N</c>. Results written before
/// the field existed ran on the CPU and read as <c>cpu</c>.</param>
public sealed record TrainingResult(
    string Schema,
    string RunId,
    string Model,
    string Dataset,
    double Width,
    long Seed,
    int Epochs,
    int BatchSize,
    [property: JsonPropertyName("lr")] double LearningRate,
    string Schedule,
    double TestAccuracy,
    double TestLoss,
    double TrainLoss,
    double TrainAccuracy,
    long Params,
    long Macs,
    double Seconds,
    double ImagesPerSecond,
    int Threads,
    [property: JsonPropertyName("outDir")] string OutputDirectory,
    string Device = "cpu")
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-training/1";

    /// <summary>The first string field a deserialized result lacks, or one whose accuracy is not a number in [0, 1]; null when complete.</summary>
    public string? MissingField() =>
        Schema is null ? "schema"
        : RunId is null ? "runId"
        : Model is null ? "model"
        : Dataset is null ? "dataset"
        : Schedule is null ? "schedule"
        : !(TestAccuracy is >= 0 and <= 1) ? "testAccuracy"
        : null;
}

/// <summary>Test accuracy and loss of a model on a split.</summary>
/// <param name="Accuracy">Fraction classified correctly.</param>
/// <param name="Loss">Mean cross-entropy.</param>
/// <param name="Images">Images evaluated.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record Evaluation(double Accuracy, double Loss, int Images, double Seconds);
