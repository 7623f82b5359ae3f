using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using InfoField.Architecture;
using InfoField.Files;

namespace InfoField.Torch.Data;

/// <summary>One of the CIFAR binary archives: where it comes from, what it holds and how its records are laid out.</summary>
/// <param name="Dataset">The dataset's name on the command line.</param>
/// <param name="ArchiveName">The archive's file name.</param>
/// <param name="Url">The official download address.</param>
/// <param name="Md5">The archive's MD5 as published on the CIFAR page.</param>
/// <param name="Folder">The folder the archive unpacks to.</param>
/// <param name="TrainFiles">The training files, in order.</param>
/// <param name="TestFile">The test file.</param>
/// <param name="LabelBytes">Label bytes before each image (CIFAR-100 stores the coarse label, then the fine one, which is used).</param>
/// <param name="ClassCount">Number of classes.</param>
/// <param name="ClassNamesFile">The text file with one class name per line.</param>
public sealed record CifarArchive(
    string Dataset,
    string ArchiveName,
    Uri Url,
    string Md5,
    string Folder,
    IReadOnlyList<string> TrainFiles,
    string TestFile,
    int LabelBytes,
    int ClassCount,
    string ClassNamesFile)
{
    /// <summary>Bytes of one image: 3 x 32 x 32, red plane first.</summary>
    public const int ImageBytes = 3 * 32 * 32;

    /// <summary>CIFAR-10's binary version.</summary>
    public static CifarArchive Cifar10 { get; } = new(
        "cifar10",
        "cifar-10-binary.tar.gz",
        new Uri("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
        "c32a1d4ab5d03f1284b67883e8d87530",
        "cifar-10-batches-bin",
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"],
        "test_batch.bin",
        1,
        10,
        "batches.meta.txt");

    /// <summary>CIFAR-100's binary version.</summary>
    public static CifarArchive Cifar100 { get; } = new(
        "cifar100",
        "cifar-100-binary.tar.gz",
        new Uri("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"),
        "03b5dce01913d631647c71ecec9e9cb8",
        "cifar-100-binary",
        ["train.bin"],
        "test.bin",
        2,
        100,
        "fine_label_names.txt");

    /// <summary>Bytes of one record: the label bytes and the image.</summary>
    public int RecordBytes => LabelBytes + ImageBytes;
}

/// <summary>
/// Reads CIFAR-10 and CIFAR-100 from their binary versions in a data folder: either the unpacked folder
/// (<c>cifar-10-batches-bin/</c>, <c>cifar-100-binary/</c>, or its files directly in the data folder) or the
/// <c>.tar.gz</c> archive itself, which is read without unpacking it.
/// </summary>
public static class CifarData
{
    /// <summary>Loads both splits from <paramref name="directory"/>.</summary>
    public static (ImageSet Train, ImageSet Test) Load(CifarArchive archive, string directory)
    {
        IReadOnlyDictionary<string, (string Path, byte[] Bytes)> files = ReadFiles(archive, directory);
        IReadOnlyList<string> classes = ClassNames(archive, files);
        return (Decode(archive, archive.TrainFiles.Select(name => files[name]).ToList(), classes), Decode(archive, [files[archive.TestFile]], classes));
    }

    /// <summary>True when <paramref name="directory"/> holds the archive or its unpacked files.</summary>
    public static bool IsPresent(CifarArchive archive, string directory) =>
        File.Exists(Path.Combine(directory, archive.ArchiveName)) || UnpackedFolder(archive, directory) is not null;

    private static string? UnpackedFolder(CifarArchive archive, string directory) =>
        new[] { Path.Combine(directory, archive.Folder), directory }.FirstOrDefault(folder => File.Exists(Path.Combine(folder, archive.TestFile)));

    private static IReadOnlyDictionary<string, (string Path, byte[] Bytes)> ReadFiles(CifarArchive archive, string directory)
    {
        string[] needed = [.. archive.TrainFiles, archive.TestFile];
        var files = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal);
        string? folder = UnpackedFolder(archive, directory);
        if (folder is not null)
        {
            foreach (string name in needed.Append(archive.ClassNamesFile))
            {
                string path = Path.Combine(folder, name);
                if (File.Exists(path))
                {
                    files[name] = (path, ReadFile(path));
                }
                else if (name != archive.ClassNamesFile)
                {
                    throw new DataException($"{path}: file not found; {archive.Dataset} needs {string.Join(", ", needed)} in {folder}");
                }
            }

            return files;
        }

        string tarball = Path.Combine(directory, archive.ArchiveName);
        if (!File.Exists(tarball))
        {
            throw new DataException($"{archive.Dataset}: no data in '{directory}': expected {archive.ArchiveName} or the folder {archive.Folder}/ unpacked from it; download it from {archive.Url} (MD5 {archive.Md5}), or put it there yourself, or point the data directory elsewhere");
        }

        try
        {
            using FileStream stream = OpenArchive(tarball);
            using var gzip = new GZipStream(stream, CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is TarEntry entry)
            {
                string name = Path.GetFileName(entry.Name);
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is not null && (needed.Contains(name) || name == archive.ClassNamesFile))
                {
                    // A data batch is 30.7 MB (CIFAR-10) or 154 MB (CIFAR-100's training file); refuse a lying header before copying.
                    if (entry.Length > MaxEntryBytes)
                    {
                        throw new DataException($"{tarball}: {entry.Name} announces {entry.Length:N0} bytes, more than the {MaxEntryBytes:N0} a CIFAR file can hold; delete the archive and download it again (MD5 {archive.Md5})");
                    }

                    using var copy = new MemoryStream();
                    entry.DataStream.CopyTo(copy);
                    files[name] = ($"{tarball}:{entry.Name}", copy.ToArray());
                }
            }
        }
        catch (Exception error) when (error is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new DataException($"{tarball}: corrupted or truncated archive ({error.Message}); delete it and download it again (MD5 {archive.Md5})", error);
        }
        catch (IOException error)
        {
            throw new DataException($"{tarball}: cannot read: {error.Message}", error);
        }

        string? missing = needed.FirstOrDefault(name => !files.ContainsKey(name));
        if (missing is not null)
        {
            throw new DataException($"{tarball}: the archive has no {archive.Folder}/{missing}; it is truncated or not the {archive.Dataset} binary version (MD5 {archive.Md5})");
        }

        return files;
    }

    private const long MaxEntryBytes = 256L << 20;

    private static FileStream OpenArchive(string tarball)
    {
        try
        {
            return BoundedFile.OpenRegular(tarball, "CIFAR archive (.tar.gz)");
        }
        catch (InfoFieldException error) when (error is not DataException)
        {
            throw new DataException(error.Message, error);
        }
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            return BoundedFile.ReadAllBytes(path, MaxEntryBytes, "CIFAR file");
        }
        catch (InfoFieldException error) when (error is not DataException)
        {
            throw new DataException(error.Message, error);
        }
    }

    private static IReadOnlyList<string> ClassNames(CifarArchive archive, IReadOnlyDictionary<string, (string Path, byte[] Bytes)> files)
    {
        if (files.TryGetValue(archive.ClassNamesFile, out var names))
        {
            var lines = Encoding.UTF8.GetString(names.Bytes).Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToList();
            if (lines.Count == archive.ClassCount)
            {
                return lines;
            }
        }

        return Enumerable.Range(0, archive.ClassCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    private static ImageSet Decode(CifarArchive archive, IReadOnlyList<(string Path, byte[] Bytes)> parts, IReadOnlyList<string> classes)
    {
        int record = archive.RecordBytes;
        foreach ((string path, byte[] bytes) in parts)
        {
            if (bytes.Length == 0 || bytes.Length % record != 0)
            {
                throw new DataException($"{path}: truncated or corrupted: {bytes.Length:N0} bytes is not a whole number of {record:N0}-byte {archive.Dataset} records; download it again (archive MD5 {archive.Md5})");
            }
        }

        int count = parts.Sum(part => part.Bytes.Length / record);
        var pixels = new byte[(long)count * CifarArchive.ImageBytes];
        var labels = new byte[count];
        int n = 0;
        foreach ((string path, byte[] bytes) in parts)
        {
            for (int offset = 0; offset < bytes.Length; offset += record, n++)
            {
                byte label = bytes[offset + archive.LabelBytes - 1];
                if (label >= archive.ClassCount)
                {
                    throw new DataException($"{path}: corrupted: label {label} in record {(offset / record) + 1:N0} (expected 0-{archive.ClassCount - 1})");
                }

                labels[n] = label;
                Array.Copy(bytes, offset + archive.LabelBytes, pixels, (long)n * CifarArchive.ImageBytes, CifarArchive.ImageBytes);
            }
        }

        return ImageSet.FromBytes(pixels, labels, new FeatureShape(3, 32, 32), classes);
    }
}
