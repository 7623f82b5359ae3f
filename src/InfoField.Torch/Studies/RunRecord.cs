using InfoField.Torch.Training;

namespace InfoField.Torch.Studies;

/// <summary>
/// A finished run of a study, as kept in <c>&lt;results&gt;/&lt;id&gt;.json</c> (schema <c>infofield-run/1</c>): what was
/// trained, how, and what came out. Its presence marks the run as done.
/// </summary>
/// <param name="Schema">Always <c>infofield-run/1</c>.</param>
/// <param name="Id">The run id (<see cref="InfoField.Training.RunKey.Id"/>), also the file's name.</param>
/// <param name="Label">The row it belongs to, e.g. <c>vgg11-variant2</c>.</param>
/// <param name="Network">The architecture's name.</param>
/// <param name="Result">The training result.</param>
/// <param name="Host">The machine that ran it.</param>
/// <param name="FinishedAt">When it finished (UTC, ISO 8601).</param>
public sealed record RunRecord(
    string Schema,
    string Id,
    string Label,
    string Network,
    TrainingResult Result,
    string Host,
    string FinishedAt)
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-run/1";

    /// <summary>The first required field a deserialized record lacks (JSON leaves it null), or null when it is complete.</summary>
    public string? MissingField() =>
        Schema is null ? "schema"
        : Id is null ? "id"
        : Label is null ? "label"
        : Network is null ? "network"
        : Result is null ? "result"
        : Host is null ? "host"
        : FinishedAt is null ? "finishedAt"
        : Result.MissingField() is string inner ? $"result.{inner}"
        : null;
}

/// <summary>One run a study needs: a row label, the network and the recipe (seed included).</summary>
/// <param name="Label">The row it belongs to.</param>
/// <param name="Model">The network.</param>
/// <param name="Settings">The recipe, with the run's seed.</param>
public sealed record PlannedRun(string Label, LoadedNetwork Model, InfoField.Training.TrainingSettings Settings);
