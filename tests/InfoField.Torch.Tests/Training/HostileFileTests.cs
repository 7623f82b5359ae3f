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
}
