using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using InfoField.Reporting;
using InfoField.Torch.Data;

namespace InfoField.Torch.Studies;

/// <summary>One planned run of a study, with its id and where it stands.</summary>
/// <param name="Position">Its place in the plan, from 0 (the slices of <see cref="StudyShard"/> are taken by it).</param>
/// <param name="Id">The run id: the name of its result file in the results folder.</param>
/// <param name="Label">The row it belongs to.</param>
/// <param name="Network">The architecture's name.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Shard">The slice that trains it, when the plan is cut into slices; null otherwise.</param>
/// <param name="Finished">Whether its result is in the results folder.</param>
public sealed record PlanEntry(
    int Position,
    string Id,
    string Label,
    string Network,
    long Seed,
    int? Shard,
    bool Finished);

/// <summary>
/// The runs a study will train, with their ids (JSON schema <c>infofield-study-plan/1</c>, docs/cli.md): what a
/// scheduler's array job splits into slices.
/// </summary>
/// <param name="Schema">Always <c>infofield-study-plan/1</c>.</param>
/// <param name="Study"><c>insertion</c> or <c>compare</c>.</param>
/// <param name="Dataset">The dataset.</param>
/// <param name="ResultsDirectory">The results folder.</param>
/// <param name="ShardCount">The number of slices, when the plan is cut into slices; null otherwise.</param>
/// <param name="ShardIndex">The slice listed, when one is; null for the whole plan.</param>
/// <param name="Runs">The runs listed: the whole plan, or one slice of it.</param>
public sealed record StudyPlan(
    string Schema,
    string Study,
    string Dataset,
    [property: JsonPropertyName("resultsDir")] string ResultsDirectory,
    [property: JsonPropertyName("shards")] int? ShardCount,
    [property: JsonPropertyName("shard")] int? ShardIndex,
    IReadOnlyList<PlanEntry> Runs)
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-study-plan/1";

    /// <summary>
    /// The plan of <paramref name="runs"/> on <paramref name="data"/>, looked up in <paramref name="folder"/>; with a
    /// <paramref name="shard"/>, only its slice, each run marked with the slice that trains it; with
    /// <paramref name="shardCount"/> instead, the whole plan, each run marked with its slice of that many.
    /// </summary>
    public static StudyPlan Of(string study, IReadOnlyList<PlannedRun> runs, TrainingData data, ResultsFolder folder, StudyShard? shard, int? shardCount = null) =>
        Of(study, runs, data.Identity, folder, shard, shardCount);

    /// <summary>The plan of <paramref name="runs"/> on the data <paramref name="data"/> identifies (no image read).</summary>
    public static StudyPlan Of(string study, IReadOnlyList<PlannedRun> runs, DataIdentity data, ResultsFolder folder, StudyShard? shard, int? shardCount = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        int? count = shard?.Count ?? shardCount;
        var entries = runs.Select((run, position) =>
        {
            string id = Sweep.Id(run, data);
            return new PlanEntry(position, id, run.Label, run.Model.Network.Name, run.Settings.Seed, count is int n ? position % n : null, folder.Read(id) is not null);
        });
        return new StudyPlan(SchemaName, study, data.Name, folder.Path, count, shard?.Index, [.. entries.Where(e => shard is null || shard.Contains(e.Position))]);
    }

    /// <summary>The plan as a table.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        string slice = ShardCount is not int count ? ""
            : ShardIndex is int index ? string.Create(CultureInfo.InvariantCulture, $", shard {index}/{count}")
            : string.Create(CultureInfo.InvariantCulture, $", in {count} slices");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Plan of the {Study} study on {Dataset}{slice}: {Runs.Count} run(s), {Runs.Count(r => r.Finished)} finished; results in {Printable.Text(ResultsDirectory)}"));
        List<string[]> table = [["#", "id", "network", "seed", "shard", "status"]];
        foreach (PlanEntry run in Runs)
        {
            table.Add([
                run.Position.ToString(CultureInfo.InvariantCulture),
                run.Id,
                run.Label,
                run.Seed.ToString(CultureInfo.InvariantCulture),
                run.Shard?.ToString(CultureInfo.InvariantCulture) ?? "-",
                run.Finished ? "finished" : "to run"]);
        }

        FieldTable.AppendTable(text, table, [true, false, false, true, true, false]);
        return text.ToString();
    }
}
