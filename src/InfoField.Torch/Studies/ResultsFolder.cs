using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InfoField.Spec;
using InfoField.Torch.Data;
using InfoField.Torch.Training;

namespace InfoField.Torch.Studies;

/// <summary>
/// A folder of study results shared by every study and machine that points at it: <c>&lt;id&gt;.json</c> for each
/// finished run, <c>work/&lt;id&gt;/</c> for a run's checkpoint and logs, and <c>claims/&lt;id&gt;.claim</c> while a process
/// is training it. A claim is created exclusively, so two processes never train the same run; a claim whose process
/// is gone (same host) or that has not been refreshed for <see cref="StaleAfter"/> (any host) is taken over.
/// </summary>
public sealed class ResultsFolder
{
    /// <summary>How long a claim lives without being refreshed (it is refreshed after every epoch).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(6);

    /// <summary>
    /// Opens the folder. Nothing is created until a run is claimed, so reading results (<c>--report</c>,
    /// <c>infofield report --results</c>) leaves a folder, such as a committed one, as it is.
    /// </summary>
    public ResultsFolder(string path) => Path = path;

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The result file of run <paramref name="id"/>.</summary>
    public string ResultPath(string id) => System.IO.Path.Combine(Path, id + ".json");

    /// <summary>The working folder (checkpoint, epoch records, TensorBoard) of run <paramref name="id"/>.</summary>
    public string WorkPath(string id) => System.IO.Path.Combine(Path, "work", id);

    /// <summary>The finished run <paramref name="id"/>, or null when it has not finished.</summary>
    public RunRecord? Read(string id)
    {
        string path = ResultPath(id);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            RunRecord record = JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(path), Checkpoint.Json)
                ?? throw new JsonException("empty document");
            return record.Schema == RunRecord.SchemaName && record.Id == id
                ? record
                : throw new DataException($"{path}: not the result of run {id} (schema '{record.Schema}', id '{record.Id}')");
        }
        catch (JsonException error)
        {
            throw new DataException($"{path}: corrupted result file ({error.Message}); delete it to run that run again", error);
        }
    }

    /// <summary>Every finished run in the folder, by id (none when the folder does not exist yet).</summary>
    public IReadOnlyList<RunRecord> ReadAll() => !Directory.Exists(Path) ? [] :
        [.. Directory.GetFiles(Path, "*.json")
            .Select(System.IO.Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .Select(id => Read(id))
            .OfType<RunRecord>()];

    /// <summary>Writes a finished run atomically.</summary>
    public void Write(RunRecord record) =>
        AtomicFile.WriteAllText(ResultPath(record.Id), JsonSerializer.Serialize(record, new JsonSerializerOptions(Checkpoint.Json) { WriteIndented = true }) + "\n");

    /// <summary>Tries to claim run <paramref name="id"/> for this process; null when another live process holds it.</summary>
    public Claim? TryClaim(string id)
    {
        CreateFolders();
        string path = System.IO.Path.Combine(Path, "claims", id + ".claim");
        string owner = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName} {Environment.ProcessId} {DateTime.UtcNow:O}");
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                using (var writer = new StreamWriter(stream))
                {
                    writer.Write(owner);
                }

                return new Claim(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                if (!IsStale(path))
                {
                    return null;
                }

                File.Delete(path);
            }
        }

        return null;
    }

    private void CreateFolders()
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.Combine(Path, "claims"));
            Directory.CreateDirectory(System.IO.Path.Combine(Path, "work"));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InfoFieldException($"--results {Path}: cannot create the results folder: {error.Message}", error);
        }
    }

    private static bool IsStale(string path)
    {
        string[] parts;
        try
        {
            parts = File.ReadAllText(path).Split(' ');
        }
        catch (IOException)
        {
            return false;
        }

        if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > StaleAfter)
        {
            return true;
        }

        if (parts.Length >= 2 && parts[0] == Environment.MachineName && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int pid))
        {
            if (pid == Environment.ProcessId)
            {
                return true;
            }

            try
            {
                using Process process = Process.GetProcessById(pid);
                return process.HasExited;
            }
            catch (ArgumentException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A held claim: refresh it while training, dispose it when done.</summary>
    public sealed class Claim(string path) : IDisposable
    {
        /// <summary>Marks the claim as alive.</summary>
        public void Refresh()
        {
            if (File.Exists(path))
            {
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }
}
