using System.Globalization;
using System.Text.Json;
using InfoField.Files;
using InfoField.Torch.Data;
using InfoField.Torch.Training;

namespace InfoField.Torch.Studies;

/// <summary>
/// A folder of study results shared by every study and machine that points at it: <c>&lt;id&gt;.json</c> for each
/// finished run, <c>work/&lt;id&gt;/</c> for a run's checkpoint and logs, and <c>claims/&lt;id&gt;.claim</c>, a lock file.
/// A run is claimed by holding an exclusive OS lock (<c>flock</c>) on its claim file for as long as it trains: the
/// lock is atomic, and the operating system releases it when the holder exits or is killed, so a claim never outlives
/// its process. What a claim file contains (the holder, for people) and whether it exists do not matter; an empty or
/// leftover claim file, or one naming another process, is simply locked by the next process that wants the run.
/// </summary>
public sealed class ResultsFolder
{
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

    /// <summary>The claim (lock) file of run <paramref name="id"/>.</summary>
    public string ClaimPath(string id) => System.IO.Path.Combine(Path, "claims", id + ".claim");

    /// <summary>The finished run <paramref name="id"/>, or null when it has not finished; throws <see cref="DataException"/> naming a corrupted file.</summary>
    public RunRecord? Read(string id)
    {
        string path = ResultPath(id);
        if (!File.Exists(path))
        {
            return null;
        }

        RunRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<RunRecord>(BoundedFile.ReadAllText(path, MaxResultBytes, "result file"), Checkpoint.Json);
        }
        catch (JsonException error)
        {
            throw Corrupted(path, error.Message, error);
        }
        catch (IOException error)
        {
            throw new DataException($"{path}: cannot read the result file: {error.Message}", error);
        }

        if (record is null)
        {
            throw Corrupted(path, "empty document", null);
        }

        string? missing = record.MissingField();
        if (missing is not null)
        {
            throw Corrupted(path, $"the field '{missing}' is missing", null);
        }

        return record.Schema == RunRecord.SchemaName && record.Id == id
            ? record
            : throw new DataException($"{path}: not the result of run {id} (schema '{record.Schema}', id '{record.Id}')");
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

    /// <summary>
    /// Tries to claim run <paramref name="id"/> for this process: takes an exclusive lock on its claim file without
    /// waiting. Null when another live process (on any machine that shares the folder's locks) holds it.
    /// </summary>
    public Claim? TryClaim(string id)
    {
        CreateFolders();
        string path = ClaimPath(id);
        FileStream stream;
        try
        {
            // FileShare.None takes flock(LOCK_EX | LOCK_NB) on Unix and a share lock on Windows: atomic, and released
            // by the operating system when this process ends, however it ends.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException error)
        {
            throw new DataException($"{path}: cannot claim the run: {error.Message}", error);
        }

        try
        {
            byte[] owner = System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName} {Environment.ProcessId} {DateTime.UtcNow:O}\n"));
            stream.SetLength(0);
            stream.Write(owner);
            stream.Flush();
        }
        catch (IOException)
        {
            // The holder's name is for people only; the lock is the claim.
        }

        return new Claim(path, stream);
    }

    private const long MaxResultBytes = 16L << 20;

    private static DataException Corrupted(string path, string why, Exception? inner) =>
        new($"{path}: corrupted result file ({InfoFieldException.OneLine(why)}); the run will be trained again", inner ?? new InvalidDataException(why));

    private void CreateFolders()
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.Combine(Path, "claims"));
            Directory.CreateDirectory(System.IO.Path.Combine(Path, "work"));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InfoFieldException($"results folder {Path}: cannot create it: {error.Message}", error);
        }
    }

    /// <summary>
    /// A held claim: the lock lives as long as this object (or the process). Dispose it when the run is done; pass
    /// <c>finished: true</c> to <see cref="Release"/> once the result is written to also remove the claim file.
    /// </summary>
    public sealed class Claim : IDisposable
    {
        private readonly string path;
        private FileStream? stream;

        internal Claim(string path, FileStream stream)
        {
            this.path = path;
            this.stream = stream;
        }

        /// <summary>
        /// Releases the lock. With <paramref name="finished"/> (the result file is written) the claim file is deleted
        /// first, while still locked: a process that opened it meanwhile then locks a file nobody else can reach and
        /// finds the result. An unfinished run keeps its file, so every process locks the same one.
        /// </summary>
        public void Release(bool finished)
        {
            if (stream is null)
            {
                return;
            }

            if (finished)
            {
                try
                {
                    File.Delete(path);
                }
                catch (IOException)
                {
                    // Leftover claim files are harmless: only the lock counts.
                }
            }

            stream.Dispose();
            stream = null;
        }

        /// <inheritdoc />
        public void Dispose() => Release(finished: false);
    }
}
