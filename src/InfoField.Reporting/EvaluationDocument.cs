
namespace InfoField.Reporting;

/// <summary>The JSON contract of <c>infofield eval --json</c> (schema <c>infofield-evaluation/1</c>).</summary>
/// <param name="Schema">Always <c>infofield-evaluation/1</c>.</param>
/// <param name="Checkpoint">The checkpoint file evaluated.</param>
/// <param name="Model">The model it holds.</param>
/// <param name="Dataset">The data evaluated on.</param>
/// <param name="Epochs">The epochs the checkpoint was trained for.</param>
/// <param name="TestAccuracy">Test accuracy, 0 to 1.</param>
/// <param name="TestLoss">Mean test loss.</param>
/// <param name="Images">Test images evaluated.</param>
/// <param name="Seconds">Time taken.</param>
/// <param name="Device">The device it ran on (<c>cpu</c>, <c>cuda:0</c>).</param>
public sealed record EvaluationDocument(
    string Schema,
    string Checkpoint,
    string Model,
    string Dataset,
    int Epochs,
    double TestAccuracy,
    double TestLoss,
    int Images,
    double Seconds,
    string Device)
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-evaluation/1";
}
