using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using InfoField.Architecture;
using InfoField.Spec;
using SkiaSharp;

namespace InfoField.Torch.Tests.Training;

/// <summary>A temporary folder for one test, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "infofield-tests", Guid.NewGuid().ToString("N"));

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>Writes small datasets in the real formats, and a tiny network to train on them.</summary>
public static class TestFiles
{
    /// <summary>
    /// A learnable image of class <paramref name="label"/>: a noisy gray level that grows with the class, so random
    /// crops and flips keep it recognizable.
    /// </summary>
    public static byte[] Image(int label, int index, int side, int channels = 1)
    {
        var random = new Random((label * 7919) + index);
        var pixels = new byte[channels * side * side];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp((25 * label) + 10 + random.Next(0, 20), 0, 255);
        }

        return pixels;
    }

    public static byte[] Idx(int magic, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + (4 * dimensions.Length) + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int d = 0; d < dimensions.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * d)), dimensions[d]);
        }

        data.CopyTo(bytes, 4 + (4 * dimensions.Length));
        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Writes the four MNIST IDX files (gzip-compressed unless <paramref name="plain"/>), 28x28 images, labels cycling 0-9.</summary>
    public static string WriteMnist(string directory, int train, int test, bool plain = false)
    {
        Directory.CreateDirectory(directory);
        foreach ((string prefix, int count) in new[] { ("train", train), ("t10k", test) })
        {
            byte[] labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
            byte[] pixels = Enumerable.Range(0, count).SelectMany(i => Image(labels[i], i + (prefix == "t10k" ? 100_000 : 0), 28)).ToArray();
            Write(Path.Combine(directory, $"{prefix}-images-idx3-ubyte"), Idx(0x803, [count, 28, 28], pixels), plain);
            Write(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte"), Idx(0x801, [count], labels), plain);
        }

        return directory;
    }

    /// <summary>CIFAR-style records: label byte(s) then 3x32x32 pixels whose red plane starts with the record number.</summary>
    public static byte[] CifarRecords(int count, int labelBytes, int firstLabel = 0, int classes = 10)
    {
        int record = labelBytes + 3072;
        var bytes = new byte[count * record];
        for (int i = 0; i < count; i++)
        {
            int label = (firstLabel + i) % classes;
            if (labelBytes == 2)
            {
                bytes[i * record] = (byte)(label / 5);
            }

            bytes[(i * record) + labelBytes - 1] = (byte)label;
            Image(label, i, 32, 3).CopyTo(bytes, (i * record) + labelBytes);
            bytes[(i * record) + labelBytes] = (byte)i;
        }

        return bytes;
    }

    /// <summary>The files of CIFAR-10's binary version, <paramref name="perBatch"/> records each, as (name, bytes).</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Cifar10Files(int perBatch) =>
    [
        .. Enumerable.Range(1, 5).Select(b => ($"data_batch_{b}.bin", CifarRecords(perBatch, 1, b))),
        ("test_batch.bin", CifarRecords(perBatch, 1, 7)),
        ("batches.meta.txt", System.Text.Encoding.ASCII.GetBytes("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n")),
    ];

    public static void WriteFolder(string directory, IEnumerable<(string Name, byte[] Bytes)> files)
    {
        Directory.CreateDirectory(directory);
        foreach ((string name, byte[] bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(directory, name), bytes);
        }
    }

    public static byte[] TarGz(string folder, IEnumerable<(string Name, byte[] Bytes)> files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, folder + "/"));
            foreach ((string name, byte[] bytes) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{folder}/{name}") { DataStream = new MemoryStream(bytes) });
            }
        }

        return output.ToArray();
    }

    /// <summary>Encodes an RGB image [3, H, W] planar bytes as PNG or JPEG.</summary>
    public static byte[] Encode(byte[] planar, int side, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        int plane = side * side;
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                int at = (y * side) + x;
                bitmap.SetPixel(x, y, new SKColor(planar[at], planar[plane + at], planar[(2 * plane) + at]));
            }
        }

        using SKData data = bitmap.Encode(format, 95);
        return data.ToArray();
    }

    /// <summary>A small conv net for 1x32x32 images and 10 classes.</summary>
    public static Network TinyNetwork(int channels = 1) => new(
        "tiny",
        new FeatureShape(channels, 32, 32),
        [
            new Stage([new Unit("conv3-8", [Ops.Conv(8, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()])]),
            new Stage([Ops.MaxPool(2)], [new Unit("conv3-16", [Ops.Conv(16, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()])]),
        ],
        [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Dropout(0.1), Ops.Linear(10)]);

    public static string WriteTinySpec(string path, int channels = 1)
    {
        NetworkSpec.Save(TinyNetwork(channels), path);
        return path;
    }

    private static void Write(string path, byte[] bytes, bool plain) =>
        File.WriteAllBytes(plain ? path : path + ".gz", plain ? bytes : Gzip(bytes));
}
