using System.Globalization;
using System.Text.Json;
using InfoField.Files;
using InfoField.Spec;
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

    /// <summary>
    /// The finished run <paramref name="id"/>, or null when it has not finished; throws <see cref="DataException"/> naming
    /// a corrupted file: one that is not JSON, lacks a field or holds a string that is not text, and one that is not a
    /// regular file (a symbolic link, FIFO, device, socket or folder: never followed or opened) or is larger than 16 MiB.
    /// </summary>
    public RunRecord? Read(string id)
    {
        string path = ResultPath(id);
        FileKind kind = BoundedFile.KindOf(path);
        if (kind == FileKind.Absent)
        {
            return null;
        }

        if (kind != FileKind.Regular)
        {
            throw Corrupted(path, $"it is {FolderFiles.Describe(kind)}, not a regular file{(kind == FileKind.SymbolicLink ? "; InfoField never follows links inside a results folder" : "")}", null);
        }

        RunRecord? record;
        try
        {
            byte[] bytes = FolderFiles.ReadRegular(Path, path, MaxResultBytes);
            ReadOnlySpan<byte> json = bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsSpan(3) : bytes;
            JsonText.RequireValidStrings(json);
            record = JsonSerializer.Deserialize<RunRecord>(json, Checkpoint.Json);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (JsonException error)
        {
            string where = error.Message.Contains("LineNumber", StringComparison.Ordinal) ? "" : JsonText.Where(error);
            throw Corrupted(path, where.Length == 0 ? error.Message : $"{error.Message} at {where}", error);
        }
        catch (IOException error)
        {
            throw Corrupted(path, error is FolderFiles.UnusableException unusable ? unusable.Why : error.Message, error);
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

    /// <summary>
    /// Writes a finished run atomically. Whatever unusable entry holds its name (a symbolic link, FIFO, device or socket,
    /// removed, or a folder, moved aside: a corrupted result, reported when read) is cleared first, never followed.
    /// </summary>
    public void Write(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string path = ResultPath(record.Id);
        try
        {
            FolderFiles.RemoveUnusable(path);
        }
        catch (FolderFiles.UnusableException error)
        {
            throw new DataException($"{error.Message}; cannot write the result of run {record.Id} there", error);
        }

        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(record, new JsonSerializerOptions(Checkpoint.Json) { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// Makes the working folder of run <paramref name="id"/> ready for a process that holds its claim: a real folder
    /// (a symbolic link, file or special file in its place is removed, never followed), none of the files a run writes
    /// there (checkpoint, epoch records, result, TensorBoard folder) a link, special file or misplaced folder, and a
    /// checkpoint there one that resumes this run (a damaged one, or another run's, is moved aside and the run starts
    /// over). Returns one line per entry removed or moved, for the user.
    /// </summary>
    public IReadOnlyList<string> PrepareWork(string id)
    {
        var removed = new List<string>();
        try
        {
            FolderFiles.RequireFolder(System.IO.Path.Combine(Path, "work"), replace: false);
            string work = WorkPath(id);
            if (FolderFiles.RequireFolder(work, replace: true))
            {
                removed.Add($"{work}: was not a folder (a symbolic link or file); replaced by a new folder");
            }

            foreach (string name in new[] { Checkpoint.FileName, Trainer.EpochsFile, Trainer.ResultFile, "tensorboard" })
            {
                string entry = System.IO.Path.Combine(work, name);
                FileKind kind = BoundedFile.KindOf(entry);
                bool folder = name == "tensorboard";
                bool unusable = kind is FileKind.SymbolicLink or FileKind.Special || (folder ? kind == FileKind.Regular : kind == FileKind.Directory);
                if (unusable)
                {
                    if (kind == FileKind.Regular)
                    {
                        File.Delete(entry);
                    }
                    else
                    {
                        FolderFiles.RemoveUnusable(entry);
                    }

                    removed.Add(kind == FileKind.Directory
                        ? $"{entry}: was a folder; moved aside (to {System.IO.Path.GetFileName(entry)}.unusable-...), the run starts without it"
                        : $"{entry}: was {FolderFiles.Describe(kind)}; removed (never followed), the run starts without it");
                }
            }

            // A checkpoint that is damaged or belongs to another run is a corrupted file like a broken result: the run
            // starts over (the file is moved aside, for people to look at) instead of stopping the study.
            string checkpoint = System.IO.Path.Combine(work, Checkpoint.FileName);
            if (BoundedFile.KindOf(checkpoint) == FileKind.Regular && UnusableCheckpoint(checkpoint, id) is string why)
            {
                File.Move(checkpoint, $"{checkpoint}.unusable-{Guid.NewGuid():N}");
                removed.Add($"{checkpoint}: {why}; moved aside, the run starts over");
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new DataException(error is FolderFiles.UnusableException ? error.Message : $"{WorkPath(id)}: cannot prepare the run's folder: {error.Message}", error);
        }

        return removed;
    }

    /// <summary>Why the checkpoint at <paramref name="path"/> cannot resume run <paramref name="id"/>, or null when it can.</summary>
    private static string? UnusableCheckpoint(string path, string id)
    {
        try
        {
            CheckpointInfo info = Checkpoint.ReadInfo(path);
            return info.RunId == id ? null : $"it belongs to run {InfoFieldException.OneLine(info.RunId)}";
        }
        catch (DataException error)
        {
            string message = error.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? error.Message[(path.Length + 2)..] : error.Message;
            return message;
        }
    }

    /// <summary>
    /// Throws <see cref="DataException"/> unless the working folder of run <paramref name="id"/> is still a real folder
    /// inside this one (not replaced by a symbolic link since <see cref="PrepareWork"/>); run before each file a run writes.
    /// </summary>
    public void RequireWork(string id)
    {
        foreach (string folder in new[] { System.IO.Path.Combine(Path, "work"), WorkPath(id) })
        {
            FileKind kind = BoundedFile.KindOf(folder);
            if (kind != FileKind.Directory)
            {
                throw new DataException($"{folder}: is now {FolderFiles.Describe(kind)}, not a folder; stopped rather than write through it (InfoField never follows links inside a results folder)");
            }
        }
    }

    /// <summary>
    /// Tries to claim run <paramref name="id"/> for this process: takes an exclusive lock on its claim file without
    /// waiting. Null when another live process (on any machine that shares the folder's locks) holds it.
    /// </summary>
    public Claim? TryClaim(string id)
    {
        CreateFolders();
        string path = ClaimPath(id);
        FileStream? stream;
        try
        {
            // An exclusive flock, taken without waiting: atomic, and released by the operating system when this process
            // ends, however it ends. The claim file is opened without following links and must be a regular file.
            stream = FolderFiles.TryLock(Path, path);
        }
        catch (FolderFiles.UnusableException error)
        {
            throw new DataException($"{error.Message}; cannot claim the run (a claim must be a regular file: remove it)", error);
        }

        if (stream is null)
        {
            return null;
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

    /// <summary>The largest result file read: 16 MiB (a result is a few KiB).</summary>
    public const long MaxResultBytes = 16L << 20;

    private static DataException Corrupted(string path, string why, Exception? inner) =>
        new($"{path}: corrupted result file ({InfoFieldException.OneLine(why)}); the run will be trained again", inner ?? new InvalidDataException(why));

    /// <summary>Creates the folder, <c>claims/</c> and <c>work/</c>; the last two must be real folders, not links.</summary>
    private void CreateFolders()
    {
        try
        {
            Directory.CreateDirectory(Path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InfoFieldException($"results folder {Path}: cannot create it: {error.Message}", error);
        }

        try
        {
            FolderFiles.RequireFolder(System.IO.Path.Combine(Path, "claims"), replace: false);
            FolderFiles.RequireFolder(System.IO.Path.Combine(Path, "work"), replace: false);
        }
        catch (FolderFiles.UnusableException error)
        {
            throw new DataException($"results folder {Path}: {error.Message}", error);
        }
    }

    /// <summary>
    /// A held claim: the lock lives as long as this object (or the process). Dispose it when the run is done; pass
    /// <c>finished: true</c> to <see cref="Release"/> once the result is written to also remove the claim file.
    /// </summary>
    public sealed class Claim : IDisposable
    {
        private readonly string _path;
        private FileStream? _stream;

        internal Claim(string path, FileStream stream)
        {
            _path = path;
            _stream = stream;
        }

        /// <summary>
        /// Releases the lock. With <paramref name="finished"/> (the result file is written) the claim file is deleted
        /// first, while still locked: a process that opened it meanwhile then locks a file nobody else can reach and
        /// finds the result. An unfinished run keeps its file, so every process locks the same one.
        /// </summary>
        public void Release(bool finished)
        {
            if (_stream is null)
            {
                return;
            }

            if (finished)
            {
                try
                {
                    File.Delete(_path);
                }
                catch (IOException)
                {
                    // Leftover claim files are harmless: only the lock counts.
                }
            }

            _stream.Dispose();
            _stream = null;
        }

        /// <inheritdoc />
        public void Dispose() => Release(finished: false);
    }
}
