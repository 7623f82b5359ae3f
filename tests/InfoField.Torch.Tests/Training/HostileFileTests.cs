using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InfoField.Torch.Data;
using InfoField.Torch.Training;
using InfoField.Training;

namespace InfoField.Torch.Tests.Training;

/// <summary>Corrupted and hostile data files and checkpoints: refused in one line, early, without filling memory.</summary>
public class HostileFileTests
{
    private static byte[] GzipZeros(byte[] head, long zeros)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(head);
            var block = new byte[1 << 20];
            for (long written = 0; written < zeros; written += block.Length)
            {
                gzip.Write(block, 0, (int)Math.Min(block.Length, zeros - written));
            }
        }

        return buffer.ToArray();
    }

    [Fact]
    public void A_gzip_bomb_is_refused_from_its_header_or_after_a_bounded_read()
    {
        using var temp = new TempFolder();
        string lying = temp["lying-idx3-ubyte.gz"];
        string trailing = temp["trailing-idx1-ubyte.gz"];
        File.WriteAllBytes(lying, GzipZeros(TestFiles.Idx(0x0803, [100_000, 1000, 1000], []), 4L << 20));
        File.WriteAllBytes(trailing, GzipZeros(TestFiles.Idx(0x0801, [10], new byte[10]), 512L << 20));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var header = Assert.Throws<DataException>(() => IdxFile.Read(lying, 3));
        var tail = Assert.Throws<DataException>(() => IdxFile.Read(trailing, 1));

        // This thread's allocations only (other tests run in parallel), and the decompressed bytes actually read:
        // the header's 16 bytes for the lying file, the data and at most the trailing allowance for the other.
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("100000 x 1000 x 1000 = 100,000,000,000 bytes of data, more than the limit", header.Message, StringComparison.Ordinal);
        Assert.Contains("holds far more", tail.Message, StringComparison.Ordinal);
        Assert.True(allocated < 64L << 20, $"allocated {allocated:N0} bytes");
        Assert.Equal(16, DecompressedBytesRead(lying, 3));
        Assert.InRange(DecompressedBytesRead(trailing, 1), 18 + IdxFile.MaxTrailingBytes, 18 + IdxFile.MaxTrailingBytes + 8192);
    }

    /// <summary>How many decompressed bytes <see cref="IdxFile"/> reads from <paramref name="path"/> before it refuses it.</summary>
    private static long DecompressedBytesRead(string path, int rank)
    {
        using FileStream file = File.OpenRead(path);
        using var counting = new CountingStream(new GZipStream(file, CompressionMode.Decompress));
        Assert.Throws<DataException>(() => IdxFile.Read(path, rank, counting, compressed: true));
        return counting.BytesRead;
    }

    /// <summary>A read-only stream that counts the bytes read through it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private static byte[] CheckpointBytes(Action<BinaryWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Encoding.ASCII.GetBytes("INFOFIELD-CHECKPOINT/1\n"));
            body(writer);
        }

        byte[] content = buffer.ToArray();
        return [.. content, .. SHA256.HashData(content)];
    }

    private static void Header(BinaryWriter writer, CheckpointInfo info)
    {
        byte[] header = JsonSerializer.SerializeToUtf8Bytes(info, Checkpoint.Json);
        writer.Write(header.Length);
        writer.Write(header);
        writer.Write(0L);
        writer.Write(0L);
    }

    private static CheckpointInfo Info(string architecture) => new(
        CheckpointInfo.SchemaName, "0123456789abcdef", "tiny", "mnist", "mnist", 1, new TrainingSettings(), 1,
        new Normalization([0.5], [0.25]), ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], architecture, []);

    [Fact]
    public void Checkpoints_with_a_valid_hash_but_a_lying_header_are_refused_in_one_line()
    {
        using var temp = new TempFolder();
        string tiny = InfoField.Spec.NetworkSpec.Serialize(TestFiles.TinyNetwork());
        string absurd = "{\"input\": [65536, 64, 64], \"stages\": [{\"units\": [{\"ops\": [{\"type\": \"conv\", \"out\": 65536, \"kernel\": 11, \"padding\": 5}]}]}]}";
        var cases = new (string Name, byte[] Bytes, string Expected)[]
        {
            ("negative", CheckpointBytes(writer => writer.Write(-5)), "corrupted checkpoint (the header length -5 does not fit"),
            ("huge", CheckpointBytes(writer => writer.Write(int.MaxValue)), "corrupted checkpoint (the header length 2,147,483,647 does not fit"),
            ("sections", CheckpointBytes(writer => { byte[] header = JsonSerializer.SerializeToUtf8Bytes(Info(tiny), Checkpoint.Json); writer.Write(header.Length); writer.Write(header); writer.Write(-1L); }), "model state length -1"),
            ("normalization", CheckpointBytes(writer => Header(writer, Info(tiny) with { Normalization = null! })), "field 'normalization'"),
            ("std", CheckpointBytes(writer => Header(writer, Info(tiny) with { Normalization = new Normalization([0.5], [0]) })), "field 'normalization'"),
            ("classes", CheckpointBytes(writer => Header(writer, Info(tiny) with { Classes = null! })), "field 'classes'"),
            ("architecture", CheckpointBytes(writer => Header(writer, Info(absurd))), "the architecture in the checkpoint is not valid"),
        };

        foreach (var (name, bytes, expected) in cases)
        {
            string path = temp[name + ".ifckpt"];
            File.WriteAllBytes(path, bytes);
            var error = Assert.Throws<DataException>(() => Checkpoint.LoadModel(path));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        }
    }

    [Fact]
    public void A_checkpoint_header_must_describe_its_own_network()
    {
        using var temp = new TempFolder();
        string tiny = InfoField.Spec.NetworkSpec.Serialize(TestFiles.TinyNetwork());
        byte[] surrogate = JsonSerializer.SerializeToUtf8Bytes(Info(tiny) with { Model = "MODEL" }, Checkpoint.Json);
        surrogate = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(surrogate).Replace("MODEL", "\\ud800", StringComparison.Ordinal));
        var cases = new (string Name, byte[] Bytes, string Expected)[]
        {
            ("channels", CheckpointBytes(writer => Header(writer, Info(tiny) with { Normalization = Normalization.Cifar })), "its normalization has 3 channel(s) but its network takes 1 (1x32x32)"),
            ("classes", CheckpointBytes(writer => Header(writer, Info(tiny) with { Classes = [.. Enumerable.Range(0, 100_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))] })), "it names 100,000 classes but its network predicts 10"),
            ("few classes", CheckpointBytes(writer => Header(writer, Info(tiny) with { Classes = ["0", "1"] })), "it names 2 classes but its network predicts 10"),
            ("surrogate", CheckpointBytes(writer => { writer.Write(surrogate.Length); writer.Write(surrogate); writer.Write(0L); writer.Write(0L); }), "a string is not valid Unicode"),
            ("inner surrogate", CheckpointBytes(writer => Header(writer, Info(tiny.Replace("\"tiny\"", "\"t\\udc00\"", StringComparison.Ordinal)))), "the architecture in the checkpoint is not valid"),
        };

        foreach (var (name, bytes, expected) in cases)
        {
            string path = temp[name + ".ifckpt"];
            File.WriteAllBytes(path, bytes);
            var error = Assert.Throws<DataException>(() => Checkpoint.ReadInfo(path));
            Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {error.Message}");
            Assert.DoesNotContain('\n', error.Message);
        }
    }

    [Fact]
    public void Checkpoints_are_read_only_from_regular_files_no_larger_than_their_network_needs()
    {
        using var temp = new TempFolder();
        string valid = SavedCheckpoint(temp["valid.ifckpt"]);
        File.CreateSymbolicLink(temp["zero.ifckpt"], "/dev/zero");
        File.WriteAllBytes(temp["padded.ifckpt"], [.. File.ReadAllBytes(valid), .. new byte[32 << 20]]);
        Mkfifo(temp["fifo.ifckpt"]);
        Directory.CreateDirectory(temp["folder.ifckpt"]);

        DataException? zero = null, padded = null;
        long zeroAllocated = AllocatedBy(() => zero = Assert.Throws<DataException>(() => Checkpoint.LoadModel(temp["zero.ifckpt"])));
        long paddedAllocated = AllocatedBy(() => padded = Assert.Throws<DataException>(() => Checkpoint.LoadModel(temp["padded.ifckpt"])));
        DataException fifo = Unblocked(() => Checkpoint.LoadModel(temp["fifo.ifckpt"]));
        DataException folder = Assert.Throws<DataException>(() => Checkpoint.LoadModel(temp["folder.ifckpt"]));

        Assert.Contains("is not a regular file (a device, FIFO or socket); expected a checkpoint", zero!.Message, StringComparison.Ordinal);
        Assert.True(zeroAllocated < 1L << 20, $"allocated {zeroAllocated:N0} bytes for /dev/zero");
        Assert.Contains("is more than the state of its network (1,", padded!.Message, StringComparison.Ordinal);
        Assert.True(paddedAllocated < 8L << 20, $"allocated {paddedAllocated:N0} bytes for a 32 MiB file it refused");
        Assert.Contains("is not a regular file", fifo.Message, StringComparison.Ordinal);
        Assert.Contains("is a directory, not a checkpoint", folder.Message, StringComparison.Ordinal);
        (CheckpointInfo info, var model) = Checkpoint.LoadModel(valid);
        model.Dispose();
        Assert.Equal(10, info.Classes.Count);
    }

    /// <summary>
    /// Seeded mutations of a real checkpoint (truncations, flipped bytes, hostile header fields with a recomputed hash,
    /// lying section lengths): each loads or fails with a one-line <see cref="DataException"/>, allocating a bounded amount.
    /// </summary>
    [Fact]
    public void Fuzz_checkpoints_load_or_fail_in_one_line()
    {
        using var temp = new TempFolder();
        byte[] valid = File.ReadAllBytes(SavedCheckpoint(temp["valid.ifckpt"]));
        int headerLength = BitConverter.ToInt32(valid, 23);
        string header = Encoding.UTF8.GetString(valid, 27, headerLength);
        int seed = TestSeed.Value(20261207);
        var random = new Random(seed);
        int loaded = 0;
        for (int i = 0; i < 150; i++)
        {
            byte[] bytes = (i % 5) switch
            {
                0 => valid[..random.Next(valid.Length)],
                1 => Flipped(valid, random),
                2 => Rehashed(valid, 27 + headerLength, Encoding.UTF8.GetBytes(MutatedHeader(header, random)), random.Next(4) == 0 ? random.NextInt64(-10, long.MaxValue) : null),
                3 => Rehashed(valid, 27 + headerLength, Encoding.UTF8.GetBytes(header), random.NextInt64(-10, 1L << 40)),
                _ => Rehashed(Flipped(valid, random), 27 + headerLength, Encoding.UTF8.GetBytes(header), null),
            };
            string path = temp[$"case{i}.ifckpt"];
            File.WriteAllBytes(path, bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                (CheckpointInfo _, var model) = Checkpoint.LoadModel(path);
                model.Dispose();
                loaded++;
            }
            catch (DataException error)
            {
                Assert.False(error.Message.Contains('\n'), $"seed {seed}, case {i}: {error.Message}");
            }
            catch (Exception error)
            {
                Assert.Fail($"seed {seed}, case {i}: {error.GetType().Name}: {error.Message}");
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 64L << 20, $"seed {seed}, case {i}: allocated {allocated:N0} bytes");
        }

        Assert.True(loaded > 0, $"seed {seed}: no mutation loaded; the fuzz only tests refusals");
    }

    [Fact]
    public void Image_files_are_refused_from_their_header_before_anything_is_decoded()
    {
        using var temp = new TempFolder();
        var shape = new InfoField.Architecture.FeatureShape(3, 8, 8);
        File.WriteAllBytes(temp["huge.png"], Png(26_000, 26_000));
        File.WriteAllBytes(temp["huge.jpg"], Jpeg(65_535, 65_535));
        File.WriteAllBytes(temp["empty.png"], Png(0, 5));
        File.WriteAllBytes(temp["text.png"], Encoding.ASCII.GetBytes("GIF89a, not a PNG"));
        File.CreateSymbolicLink(temp["zero.png"], "/dev/zero");
        Mkfifo(temp["fifo.png"]);

        DataException? png = null, jpeg = null, zero = null;
        long pngAllocated = AllocatedBy(() => png = Assert.Throws<DataException>(() => Data.ImageFolderData.Decode(temp["huge.png"], shape)));
        long jpegAllocated = AllocatedBy(() => jpeg = Assert.Throws<DataException>(() => Data.ImageFolderData.Decode(temp["huge.jpg"], shape)));
        long zeroAllocated = AllocatedBy(() => zero = Assert.Throws<DataException>(() => Data.ImageFolderData.Decode(temp["zero.png"], shape)));

        Assert.Contains("the PNG header declares 26,000 x 26,000 = 676,000,000 pixels, more than the limit of 67,108,864", png!.Message, StringComparison.Ordinal);
        Assert.Contains("the JPEG header declares 65,535 x 65,535", jpeg!.Message, StringComparison.Ordinal);
        Assert.Contains("not a regular file", zero!.Message, StringComparison.Ordinal);
        Assert.True(Math.Max(pngAllocated, Math.Max(jpegAllocated, zeroAllocated)) < 1L << 20, $"allocated {pngAllocated:N0}, {jpegAllocated:N0} and {zeroAllocated:N0} bytes");
        Assert.Contains("declares an empty image (0 x 5)", Assert.Throws<DataException>(() => Data.ImageFolderData.Decode(temp["empty.png"], shape)).Message, StringComparison.Ordinal);
        Assert.Contains("not a PNG or JPEG image", Assert.Throws<DataException>(() => Data.ImageFolderData.Decode(temp["text.png"], shape)).Message, StringComparison.Ordinal);
        Assert.Contains("not a regular file", Unblocked(() => Data.ImageFolderData.Decode(temp["fifo.png"], shape)).Message, StringComparison.Ordinal);
    }

    /// <summary>Seeded mutations of real PNG and JPEG files (truncations, flipped bytes, declared sizes): decoded, or refused in one line, with bounded allocation.</summary>
    [Fact]
    public void Fuzz_image_files_decode_or_fail_in_one_line()
    {
        using var temp = new TempFolder();
        byte[] png = TestFiles.Encode(TestFiles.Image(3, 1, 16, 3), 16, SkiaSharp.SKEncodedImageFormat.Png);
        byte[] jpeg = TestFiles.Encode(TestFiles.Image(5, 2, 16, 3), 16, SkiaSharp.SKEncodedImageFormat.Jpeg);
        var shape = new InfoField.Architecture.FeatureShape(3, 8, 8);
        int seed = TestSeed.Value(20261207);
        var random = new Random(seed);
        int decoded = 0;
        for (int i = 0; i < 200; i++)
        {
            byte[] source = i % 2 == 0 ? png : jpeg;
            int width = random.Next(4) == 0 ? random.Next() : random.Next(0, 300), height = random.Next(4) == 0 ? random.Next() : random.Next(0, 300);
            byte[] bytes = (i / 2 % 4) switch
            {
                0 => source[..random.Next(source.Length)],
                1 => Flipped(source, random),
                2 => WithSize(source, width, height),
                _ => source,
            };

            // A declared size past the limit must be refused from the header (the decoder's memory is native: the
            // allocation bound below would not see it).
            bool tooLarge = i / 2 % 4 == 2 && (long)(i % 2 == 0 ? width : (ushort)width) * (i % 2 == 0 ? height : (ushort)height) > Data.ImageHeader.MaxPixels;
            string path = temp[$"case{i}{(i % 2 == 0 ? ".png" : ".jpg")}"];
            File.WriteAllBytes(path, bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                Assert.Equal(shape.Volume, Data.ImageFolderData.Decode(path, shape).Length);
                Assert.False(tooLarge, $"seed {seed}, case {i}: decoded an image declaring {width} x {height} pixels");
                decoded++;
            }
            catch (DataException error)
            {
                Assert.False(error.Message.Contains('\n'), $"seed {seed}, case {i}: {error.Message}");
                Assert.True(!tooLarge || error.Message.Contains("header declares", StringComparison.Ordinal), $"seed {seed}, case {i}: {error.Message}");
            }
            catch (Exception error)
            {
                Assert.Fail($"seed {seed}, case {i}: {error.GetType().Name}: {error.Message}");
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 16L << 20, $"seed {seed}, case {i}: allocated {allocated:N0} bytes");
        }

        Assert.True(decoded >= 50, $"seed {seed}: only {decoded} images decoded");
    }

    [Fact]
    public void Dataset_files_that_link_to_devices_or_fifos_are_refused_without_being_read()
    {
        using var temp = new TempFolder();
        string cifar = Path.Combine(temp["cifar"], "cifar-10-batches-bin");
        TestFiles.WriteFolder(cifar, TestFiles.Cifar10Files(perBatch: 2));
        File.Delete(Path.Combine(cifar, "data_batch_3.bin"));
        File.CreateSymbolicLink(Path.Combine(cifar, "data_batch_3.bin"), "/dev/zero");
        string mnist = TestFiles.WriteMnist(temp["mnist"], 8, 4, plain: true);
        File.Delete(Path.Combine(mnist, "t10k-labels-idx1-ubyte"));
        Mkfifo(Path.Combine(temp.Path, "labels.fifo"));
        File.CreateSymbolicLink(Path.Combine(mnist, "t10k-labels-idx1-ubyte"), Path.Combine(temp.Path, "labels.fifo"));

        DataException? fromCifar = null;
        long allocated = AllocatedBy(() => fromCifar = Assert.Throws<DataException>(() => Datasets.Load("cifar10", new DataOptions(temp["cifar"]))));
        DataException fromMnist = Unblocked(() => Datasets.Load("mnist", new DataOptions(mnist)));

        Assert.Contains("data_batch_3.bin: is not a regular file", fromCifar!.Message, StringComparison.Ordinal);
        Assert.True(allocated < 64L << 20, $"allocated {allocated:N0} bytes");
        Assert.Contains("t10k-labels-idx1-ubyte: is not a regular file", fromMnist.Message, StringComparison.Ordinal);
    }

    /// <summary>A checkpoint of the tiny network as training writes it (fresh weights, an SGD optimizer's state).</summary>
    private static string SavedCheckpoint(string path)
    {
        using var model = Building.ModuleBuilder.Build(TestFiles.TinyNetwork());
        using var optimizer = TorchSharp.torch.optim.SGD(model.parameters(), 0.1, 0.9);
        Checkpoint.Save(path, Info(InfoField.Spec.NetworkSpec.Serialize(TestFiles.TinyNetwork())), model, optimizer);
        return path;
    }

    private static byte[] Flipped(byte[] bytes, Random random)
    {
        byte[] copy = [.. bytes];
        for (int n = random.Next(1, 4); n > 0; n--)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }

    /// <summary>A checkpoint with its header replaced (and optionally the model section's length), hashed again so it passes the SHA-256.</summary>
    private static byte[] Rehashed(byte[] valid, int sectionsStart, byte[] header, long? modelLength)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(valid.AsSpan(0, 23));
            writer.Write(header.Length);
            writer.Write(header);
            byte[] rest = valid[sectionsStart..^32];
            if (modelLength is long length)
            {
                writer.Write(length);
                writer.Write(rest.AsSpan(8));
            }
            else
            {
                writer.Write(rest);
            }
        }

        byte[] content = buffer.ToArray();
        return [.. content, .. SHA256.HashData(content)];
    }

    private static readonly string[] HostileValues =
        ["null", "-1", "2147483647", "1e308", "\"\\ud800\"", "\"\\u001b[2J\"", "[]", "{}", "\"\"", "[0.5, 0.5, 0.5]", "[\"a\"]", "1e-400", "true"];

    private static string MutatedHeader(string header, Random random)
    {
        string[] fields = ["schema", "runId", "model", "dataset", "dataKey", "width", "settings", "epochsDone", "normalization", "classes", "architecture", "history", "mean", "std", "epochs", "batchSize"];
        string field = fields[random.Next(fields.Length)];
        var match = System.Text.RegularExpressions.Regex.Match(header, $"\"{field}\":(\"(?:[^\"\\\\]|\\\\.)*\"|\\[[^\\]]*\\]|[^,}}\\]]+)");
        return match.Success
            ? header[..match.Groups[1].Index] + HostileValues[random.Next(HostileValues.Length)] + header[(match.Groups[1].Index + match.Groups[1].Length)..]
            : header;
    }

    /// <summary>A PNG of 105 bytes or so that declares <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    private static byte[] Png(int width, int height)
    {
        var bytes = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        bytes.AddRange("IHDR"u8.ToArray());
        bytes.AddRange(BigEndian(width));
        bytes.AddRange(BigEndian(height));
        bytes.AddRange(new byte[] { 8, 6, 0, 0, 0, 0, 0, 0, 0 });
        bytes.AddRange(new byte[] { 0, 0, 0, 0 });
        bytes.AddRange("IEND"u8.ToArray());
        bytes.AddRange(new byte[] { 0xAE, 0x42, 0x60, 0x82 });
        return [.. bytes];
    }

    private static byte[] Jpeg(int width, int height) =>
        [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, .. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xC0, 0, 11, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0, 0xFF, 0xD9];

    /// <summary>A copy of a PNG or JPEG whose header declares another size (the data is unchanged).</summary>
    private static byte[] WithSize(byte[] image, int width, int height)
    {
        byte[] copy = [.. image];
        if (copy[0] == 0x89)
        {
            BigEndian(width).CopyTo(copy, 16);
            BigEndian(height).CopyTo(copy, 20);
            return copy;
        }

        for (int at = 2; at + 9 < copy.Length; at++)
        {
            if (copy[at] == 0xFF && copy[at + 1] is 0xC0 or 0xC2)
            {
                copy[at + 5] = (byte)(height >> 8);
                copy[at + 6] = (byte)height;
                copy[at + 7] = (byte)(width >> 8);
                copy[at + 8] = (byte)width;
                break;
            }
        }

        return copy;
    }

    private static byte[] BigEndian(int value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    internal static long AllocatedBy(Action work)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        work();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    internal static void Mkfifo(string path)
    {
        using var process = System.Diagnostics.Process.Start("mkfifo", [path]);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>
    /// The <see cref="DataException"/> of <paramref name="work"/>, which must not block: opening a FIFO nobody writes
    /// blocks forever, so the watchdog (two minutes) only tells a regression from a refusal, it is not a time limit.
    /// </summary>
    internal static DataException Unblocked(Action work)
    {
        Task<DataException> task = Task.Run(() => Assert.Throws<DataException>(work));
        Assert.True(Task.WaitAny([task], TimeSpan.FromMinutes(2)) == 0, "blocked: a FIFO was opened");
        return task.Result;
    }
}
