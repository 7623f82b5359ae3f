using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Files;
using InfoField.Spec;
using InfoField.Torch.Building;
using InfoField.Torch.Data;
using InfoField.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Training;

/// <summary>
/// What a checkpoint says about its run besides the weights: enough to continue it (<c>--resume</c>) and to evaluate
/// it without knowing the model's name (the architecture travels as spec JSON).
/// </summary>
/// <param name="Schema">Always <c>infofield-checkpoint/1</c>.</param>
/// <param name="RunId">The run's id (<see cref="RunKey.Id"/>).</param>
/// <param name="Model">What the user named: a zoo name or a spec path.</param>
/// <param name="Dataset">The dataset's name.</param>
/// <param name="DataKey">The dataset's key in the run id (image folders: with their path).</param>
/// <param name="Width">The width multiplier.</param>
/// <param name="Settings">The training recipe.</param>
/// <param name="EpochsDone">Epochs finished; training continues with the next.</param>
/// <param name="Normalization">How batches were normalized (evaluation must do the same).</param>
/// <param name="Classes">Class names by label.</param>
/// <param name="Architecture">The network as spec JSON (<c>infofield-network/2</c>; format 1 is read too).</param>
/// <param name="History">One record per finished epoch.</param>
public sealed record CheckpointInfo(
    string Schema,
    string RunId,
    string Model,
    string Dataset,
    string DataKey,
    double Width,
    TrainingSettings Settings,
    int EpochsDone,
    Normalization Normalization,
    IReadOnlyList<string> Classes,
    string Architecture,
    IReadOnlyList<EpochRecord> History)
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-checkpoint/1";

    /// <summary>The network, rebuilt from <see cref="Architecture"/>.</summary>
    public Network Network() => NetworkSpec.Parse(Architecture, "checkpoint");

    /// <summary>The first field a deserialized header lacks or holds out of range, or null when it is usable.</summary>
    public string? InvalidField() =>
        Schema is null ? "schema"
        : RunId is null ? "runId"
        : Model is null ? "model"
        : Dataset is null ? "dataset"
        : DataKey is null ? "dataKey"
        : Settings is null ? "settings"
        : EpochsDone < 0 ? "epochsDone"
        : Normalization?.Mean is null || Normalization.Std is null || Normalization.Mean.Count != Normalization.Std.Count || Normalization.Std.Any(std => !(std > 0) || double.IsInfinity(std)) || Normalization.Mean.Any(mean => !double.IsFinite(mean)) ? "normalization"
        : Classes is null || Classes.Any(name => name is null) ? "classes"
        : Architecture is null ? "architecture"
        : History is null || History.Any(record => record is null) ? "history"
        : null;

    /// <summary>
    /// Why this header does not describe <paramref name="network"/> (its own architecture): its normalization must have
    /// one mean and deviation per input channel, and its class names one per output; null when it does.
    /// </summary>
    public string? Describes(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (Normalization.Channels != network.Input.Channels)
        {
            return string.Create(CultureInfo.InvariantCulture, $"its normalization has {Normalization.Channels:N0} channel(s) but its network takes {network.Input.Channels:N0} ({network.Input})");
        }

        return Classes.Count != network.Output.Volume
            ? string.Create(CultureInfo.InvariantCulture, $"it names {Classes.Count:N0} classes but its network predicts {network.Output.Volume:N0}")
            : null;
    }
}

/// <summary>
/// Checkpoint files: a magic line, a JSON header (<see cref="CheckpointInfo"/>), the model's state (TorchSharp's
/// format: parameters and batch-norm statistics), the optimizer's state (SGD momentum buffers), and a SHA-256 of all
/// of it, so a truncated or damaged file is refused with a clear message. Written atomically: a reader sees the old
/// checkpoint or the new one, never a mix.
/// </summary>
public static class Checkpoint
{
    /// <summary>The file name of a run's latest checkpoint in its output folder.</summary>
    public const string FileName = "checkpoint.ifckpt";

    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("INFOFIELD-CHECKPOINT/1\n");

    /// <summary>How checkpoint headers and result files are written.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="info"/>, the model and the optimizer to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, CheckpointInfo info, nn.Module model, OptimizerHelper optimizer)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            byte[] header = JsonSerializer.SerializeToUtf8Bytes(info, Json);
            writer.Write(header.Length);
            writer.Write(header);
            WriteSection(writer, w => model.save(w));
            WriteSection(writer, w => optimizer.save_state_dict(w));
        }

        byte[] content = body.ToArray();
        byte[] digest = SHA256.HashData(content);
        AtomicFile.Write(path, temporary =>
        {
            using FileStream file = File.Create(temporary);
            file.Write(content);
            file.Write(digest);
            file.Flush(flushToDisk: true);
        });
    }

    /// <summary>Reads the header of the checkpoint at <paramref name="path"/>, verifying the whole file.</summary>
    public static CheckpointInfo ReadInfo(string path) => Open(path).Info;

    /// <summary>Rebuilds the network of the checkpoint at <paramref name="path"/> and loads its weights.</summary>
    public static (CheckpointInfo Info, NetworkModule Model) LoadModel(string path)
    {
        Contents contents = Open(path);
        NetworkModule model = ModuleBuilder.Build(contents.Network);
        try
        {
            Load(path, contents.Model, reader => model.load(reader));
            return (contents.Info, model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Loads the checkpoint's weights into <paramref name="model"/> and its state into <paramref name="optimizer"/>.</summary>
    public static CheckpointInfo Restore(string path, nn.Module model, OptimizerHelper optimizer)
    {
        Contents contents = Open(path);
        Load(path, contents.Model, reader => model.load(reader));
        Load(path, contents.Optimizer, reader => optimizer.load_state_dict(reader));
        return contents.Info;
    }

    private static Network Rebuild(CheckpointInfo info, string path)
    {
        try
        {
            Network network = info.Network();
            MemoryBudget.Check($"{path}: the checkpoint's network", 4.0 * InfoField.Costs.CostModel.Of(network).Total.Parameters);
            return network;
        }
        catch (InfoFieldException error)
        {
            throw new DataException($"{path}: the architecture in the checkpoint is not valid: {error.Message}", error);
        }
    }

    private static void Load(string path, byte[] section, Action<BinaryReader> load)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(section));
            load(reader);
        }
        catch (Exception error) when (error is ArgumentException or InvalidDataException or EndOfStreamException or IOException)
        {
            throw new DataException($"{path}: the checkpoint does not fit this network or optimizer ({error.Message})", error);
        }
    }

    private static void WriteSection(BinaryWriter writer, Action<BinaryWriter> write)
    {
        using var section = new MemoryStream();
        using (var inner = new BinaryWriter(section, Encoding.UTF8, leaveOpen: true))
        {
            write(inner);
        }

        writer.Write(section.Length);
        writer.Write(section.GetBuffer(), 0, (int)section.Length);
    }

    private sealed record Contents(CheckpointInfo Info, Network Network, byte[] Model, byte[] Optimizer);

    /// <summary>The largest header read: 64 MiB (a header is the architecture's spec and one record per epoch).</summary>
    private const int MaxHeaderBytes = 64 << 20;

    /// <summary>
    /// Reads a checkpoint bounded, header first: only a regular file is opened (a link to <c>/dev/zero</c> or a FIFO is
    /// refused without being read); the header is read and checked (its fields, then its architecture against its own
    /// normalization and class names) before anything else; the file may be no larger than the network's state can be;
    /// its SHA-256 is checked by streaming; only then are the two state sections read into memory.
    /// </summary>
    private static Contents Open(string path)
    {
        if (!File.Exists(path) && BoundedFile.KindOf(path) == FileKind.Absent)
        {
            throw new DataException($"{path}: checkpoint not found");
        }

        FileStream file;
        try
        {
            file = BoundedFile.OpenRegular(path, "checkpoint");
        }
        catch (InfoFieldException error) when (error is not DataException)
        {
            throw new DataException(error.Message, error);
        }

        using (file)
        {
            try
            {
                return Read(path, file);
            }
            catch (JsonException error) when (!error.Message.Contains("LineNumber", StringComparison.Ordinal) && JsonText.Where(error) is { Length: > 0 } where)
            {
                throw new DataException($"{path}: corrupted checkpoint (its header: {error.Message} at {where})", error);
            }
            catch (Exception error) when (error is JsonException or EndOfStreamException or OverflowException or NotSupportedException or InvalidDataException)
            {
                throw new DataException($"{path}: truncated or corrupted checkpoint ({error.Message})", error);
            }
            catch (IOException error)
            {
                throw new DataException($"{path}: cannot read: {error.Message}", error);
            }
        }
    }

    private static Contents Read(string path, FileStream file)
    {
        long length = file.Length;
        var magic = new byte[Magic.Length];
        if (file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) < magic.Length || !magic.AsSpan().SequenceEqual(Magic))
        {
            throw new DataException($"{path}: not an InfoField checkpoint (it does not start with INFOFIELD-CHECKPOINT/1)");
        }

        if (length < Magic.Length + sizeof(int) + 32)
        {
            throw Damaged(path);
        }

        // The header, read and checked before anything else; its length must fit in the file.
        long content = length - 32;
        var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        int headerLength = reader.ReadInt32();
        if (headerLength < 0 || headerLength > content - file.Position || headerLength > MaxHeaderBytes)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"the header length {headerLength:N0} does not fit in the {content - file.Position:N0} bytes left (at most {MaxHeaderBytes:N0})"));
        }

        byte[] header = reader.ReadBytes(headerLength);
        JsonText.RequireValidStrings(header);
        CheckpointInfo info = JsonSerializer.Deserialize<CheckpointInfo>(header, Json)
            ?? throw new DataException($"{path}: the checkpoint has an empty header");
        if (info.Schema != CheckpointInfo.SchemaName)
        {
            throw new DataException($"{path}: checkpoint schema '{InfoFieldException.OneLine(info.Schema ?? "")}' is not {CheckpointInfo.SchemaName}");
        }

        if (info.InvalidField() is string field)
        {
            throw new DataException($"{path}: corrupted checkpoint: its header's field '{field}' is missing or out of range");
        }

        Network network = Rebuild(info, path);
        if (info.Describes(network) is string mismatch)
        {
            throw new DataException($"{path}: corrupted checkpoint: {mismatch}");
        }

        // The state of this network takes a bounded number of bytes: a longer file is refused before it is read.
        long bound = MaxStateBytes(network);
        if (length - file.Position - 32 > 2 * (bound + sizeof(long)))
        {
            throw new DataException(string.Create(CultureInfo.InvariantCulture, $"{path}: corrupted checkpoint: {length:N0} bytes is more than the state of its network ({CostModel.Of(network).Total.Parameters:N0} parameters) can take"));
        }

        if (!HashMatches(file, length))
        {
            throw Damaged(path);
        }

        file.Position = Magic.Length + sizeof(int) + headerLength;
        long left = content - file.Position;
        byte[] model = reader.ReadBytes(Section(reader.ReadInt64(), left - sizeof(long), bound, "model state"));
        left = content - file.Position;
        byte[] optimizer = reader.ReadBytes(Section(reader.ReadInt64(), left - sizeof(long), bound, "optimizer state"));
        return new Contents(info, network, model, optimizer);
    }

    /// <summary>
    /// The most bytes TorchSharp's state of <paramref name="network"/> can take: 8 bytes per parameter and as many for
    /// buffers (batch-norm statistics, momentum), plus names, shapes and a margin.
    /// </summary>
    private static long MaxStateBytes(Network network) =>
        (16 * CostModel.Of(network).Total.Parameters) + (4096L * network.Units.Sum(unit => unit.Graph.Nodes.Count + 1)) + (4096L * (network.Head.Count + 1)) + (1L << 20);

    /// <summary>A section length read from the file: refused unless it fits in what is left of it and in the network's state.</summary>
    private static int Section(long length, long left, long bound, string what)
    {
        return length >= 0 && length <= left && length <= bound && length <= Array.MaxLength
            ? (int)length
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"the {what} length {length:N0} does not fit in the {Math.Max(0, left):N0} bytes left"));
    }

    private static bool HashMatches(FileStream file, long length)
    {
        file.Position = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[1 << 16];
        long remaining = length - 32;
        while (remaining > 0)
        {
            int read = file.Read(chunk, 0, (int)Math.Min(chunk.Length, remaining));
            if (read == 0)
            {
                return false;
            }

            hash.AppendData(chunk, 0, read);
            remaining -= read;
        }

        var stored = new byte[32];
        return file.ReadAtLeast(stored, 32, throwOnEndOfStream: false) == 32 && hash.GetHashAndReset().AsSpan().SequenceEqual(stored);
    }

    private static DataException Damaged(string path) =>
        new($"{path}: truncated or corrupted checkpoint (its SHA-256 does not match its contents)");
}
