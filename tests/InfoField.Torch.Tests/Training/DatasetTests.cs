using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using InfoField.Architecture;
using InfoField.Torch.Data;
using SkiaSharp;

namespace InfoField.Torch.Tests.Training;

public class DatasetTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Mnist_idx_files_load_padded_to_32x32(bool plain)
    {
        using var temp = new TempFolder();
        TestFiles.WriteMnist(temp.Path, 12, 5, plain);

        TrainingData data = Datasets.Load("mnist", new DataOptions(temp.Path));

        Assert.Equal(12, data.Train.Count);
        Assert.Equal(5, data.Test.Count);
        Assert.Equal(new FeatureShape(1, 32, 32), data.Shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i % 10), data.Train.Labels.ToArray());
        byte[] first = data.Train.Image(0).ToArray();
        byte[] expected = TestFiles.Image(0, 0, 28);
        Assert.Equal(0, first[0]);
        Assert.Equal(expected[0], first[(2 * 32) + 2]);
        Assert.Equal(expected[(27 * 28) + 27], first[(29 * 32) + 29]);
        Assert.Equal(0, first[(30 * 32) + 30]);
        Assert.Equal(Normalization.Mnist, data.Normalization);
    }

    [Fact]
    public void A_truncated_idx_file_is_named_with_what_is_missing()
    {
        using var temp = new TempFolder();
        TestFiles.WriteMnist(temp.Path, 12, 5, plain: true);
        string images = temp["train-images-idx3-ubyte"];
        byte[] bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..^100]);

        var error = Assert.Throws<DataException>(() => Datasets.Load("fashion-mnist", new DataOptions(temp.Path)));

        Assert.Contains(images, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Contains("9,408 bytes of data but the file holds 9,308", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupted_gzip_missing_files_and_mismatched_pairs_are_reported_by_file()
    {
        using var temp = new TempFolder();
        TestFiles.WriteMnist(temp.Path, 12, 5);
        string labels = temp["t10k-labels-idx1-ubyte.gz"];
        byte[] gz = File.ReadAllBytes(labels);
        File.WriteAllBytes(labels, [.. gz[..12], .. Enumerable.Repeat((byte)0xFF, 20)]);

        var corrupted = Assert.Throws<DataException>(() => Datasets.Load("mnist", new DataOptions(temp.Path)));
        Assert.Contains(labels, corrupted.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{labels}: corrupted", corrupted.Message, StringComparison.Ordinal);

        File.WriteAllBytes(labels, gz[..(gz.Length / 2)]);
        var cut = Assert.Throws<DataException>(() => Datasets.Load("mnist", new DataOptions(temp.Path)));
        Assert.StartsWith(labels, cut.Message, StringComparison.Ordinal);
        Assert.Matches("corrupted|truncated", cut.Message);

        File.WriteAllBytes(labels, TestFiles.Gzip(TestFiles.Idx(0x801, [4], [1, 2, 3, 4])));
        var mismatch = Assert.Throws<DataException>(() => Datasets.Load("mnist", new DataOptions(temp.Path)));
        Assert.Contains("holds 4 labels but", mismatch.Message, StringComparison.Ordinal);

        File.WriteAllBytes(labels, TestFiles.Gzip(TestFiles.Idx(0x803, [5, 1, 1], [1, 2, 3, 4, 5])));
        var wrongKind = Assert.Throws<DataException>(() => Datasets.Load("mnist", new DataOptions(temp.Path)));
        Assert.Contains("with 1 dimensions (magic 0x00000801), found type 0x08 with 3 dimensions", wrongKind.Message, StringComparison.Ordinal);

        File.Delete(labels);
        var missing = Assert.Throws<DataException>(() => Datasets.Load("mnist", new DataOptions(temp.Path)));
        Assert.Contains(labels, missing.Message, StringComparison.Ordinal);
        Assert.Contains("file not found", missing.Message, StringComparison.Ordinal);

        var noFolder = Assert.Throws<DataException>(() => Datasets.Load("mnist", new DataOptions(temp["absent"])));
        Assert.Contains("data folder not found", noFolder.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cifar10_reads_the_unpacked_folder_and_the_archive_alike()
    {
        using var temp = new TempFolder();
        var files = TestFiles.Cifar10Files(perBatch: 4);
        TestFiles.WriteFolder(Path.Combine(temp["unpacked"], "cifar-10-batches-bin"), files);
        Directory.CreateDirectory(temp["archive"]);
        File.WriteAllBytes(Path.Combine(temp["archive"], "cifar-10-binary.tar.gz"), TestFiles.TarGz("cifar-10-batches-bin", files));

        TrainingData unpacked = Datasets.Load("cifar10", new DataOptions(temp["unpacked"]));
        TrainingData archive = Datasets.Load("cifar10", new DataOptions(temp["archive"]));

        Assert.Equal(20, unpacked.Train.Count);
        Assert.Equal(4, unpacked.Test.Count);
        Assert.Equal(new FeatureShape(3, 32, 32), unpacked.Shape);
        Assert.Equal("truck", unpacked.Classes[9]);
        Assert.Equal([1, 2, 3, 4, 2, 3, 4, 5], unpacked.Train.Labels[..8].ToArray());
        byte[] fourth = unpacked.Train.Image(3).ToArray();
        Assert.Equal(3, fourth[0]);
        Assert.Equal(TestFiles.Image(4, 3, 32, 3)[1024], fourth[1024]);
        Assert.Equal(unpacked.Train.Pixels.ToArray(), archive.Train.Pixels.ToArray());
        Assert.Equal(unpacked.Test.Labels.ToArray(), archive.Test.Labels.ToArray());
        Assert.Equal(Normalization.Cifar, unpacked.Normalization);
    }

    [Fact]
    public void Cifar100_uses_the_fine_label()
    {
        using var temp = new TempFolder();
        TestFiles.WriteFolder(temp["cifar-100-binary"], [("train.bin", TestFiles.CifarRecords(6, 2, 40, 100)), ("test.bin", TestFiles.CifarRecords(3, 2, 97, 100))]);

        TrainingData data = Datasets.Load("cifar100", new DataOptions(temp.Path));

        Assert.Equal([40, 41, 42, 43, 44, 45], data.Train.Labels.ToArray());
        Assert.Equal([97, 98, 99], data.Test.Labels.ToArray());
        Assert.Equal(100, data.Classes.Count);
    }

    [Fact]
    public void Truncated_or_corrupted_cifar_files_name_the_file()
    {
        using var temp = new TempFolder();
        var files = TestFiles.Cifar10Files(perBatch: 4).ToList();
        string folder = temp["cifar-10-batches-bin"];
        TestFiles.WriteFolder(folder, files);
        string batch3 = Path.Combine(folder, "data_batch_3.bin");
        File.WriteAllBytes(batch3, files[2].Bytes[..^10]);

        var truncated = Assert.Throws<DataException>(() => Datasets.Load("cifar10", new DataOptions(temp.Path)));
        Assert.Contains(batch3, truncated.Message, StringComparison.Ordinal);
        Assert.Contains("not a whole number of 3,073-byte cifar10 records", truncated.Message, StringComparison.Ordinal);

        byte[] badLabel = files[2].Bytes.ToArray();
        badLabel[3073] = 42;
        File.WriteAllBytes(batch3, badLabel);
        var label = Assert.Throws<DataException>(() => Datasets.Load("cifar10", new DataOptions(temp.Path)));
        Assert.Contains("label 42 in record 2 (expected 0-9)", label.Message, StringComparison.Ordinal);

        Directory.Delete(folder, recursive: true);
        byte[] archive = TestFiles.TarGz("cifar-10-batches-bin", files);
        string path = temp["cifar-10-binary.tar.gz"];
        File.WriteAllBytes(path, archive[..(archive.Length / 2)]);
        var cut = Assert.Throws<DataException>(() => Datasets.Load("cifar10", new DataOptions(temp.Path)));
        Assert.Contains(path, cut.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", cut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_archive_or_a_network_the_message_says_what_to_do()
    {
        using var temp = new TempFolder();

        var absent = Assert.Throws<DataException>(() => Datasets.Load("cifar10", new DataOptions(temp.Path)));
        Assert.Contains("download it from", absent.Message, StringComparison.Ordinal);
        Assert.Contains("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", absent.Message, StringComparison.Ordinal);

        // Port 9 on the loopback interface: nothing listens there, so the connection is refused at once.
        var offline = Assert.Throws<DataException>(() => Datasets.Load("cifar10", new DataOptions(temp["data"], Download: true, DownloadSource: new Uri("http://127.0.0.1:9/cifar-10-binary.tar.gz"))));
        Assert.Contains("could not download http://127.0.0.1:9/cifar-10-binary.tar.gz", offline.Message, StringComparison.Ordinal);
        Assert.Contains("no network access", offline.Message, StringComparison.Ordinal);
        Assert.Contains("MD5 is c32a1d4ab5d03f1284b67883e8d87530", offline.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp["data"]));
    }

    [Fact]
    public void Downloads_are_kept_only_when_their_md5_matches()
    {
        using var temp = new TempFolder();
        byte[] archive = TestFiles.TarGz("cifar-10-batches-bin", TestFiles.Cifar10Files(perBatch: 2));
        using var server = new LocalServer(archive);
        CifarArchive wrong = CifarArchive.Cifar10;
        CifarArchive right = wrong with { Md5 = Convert.ToHexStringLower(MD5.HashData(archive)) };

        var mismatch = Assert.Throws<DataException>(() => CifarDownload.Fetch(wrong, temp.Path, server.Url));
        Assert.Contains($"its MD5 is {right.Md5}, not the published {wrong.Md5}", mismatch.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.Path));

        string path = CifarDownload.Fetch(right, temp.Path, server.Url);
        Assert.Equal(archive, File.ReadAllBytes(path));
        Assert.Equal(10, CifarData.Load(right, temp.Path).Train.Count);
    }

    [Fact]
    public void Image_folders_decode_png_and_jpeg_with_sorted_class_labels()
    {
        using var temp = new TempFolder();
        foreach ((string split, int perClass) in new[] { ("train", 3), ("test", 1) })
        {
            foreach ((string name, int label) in new[] { ("cat", 0), ("dog", 1) })
            {
                string folder = Path.Combine(temp.Path, split, name);
                Directory.CreateDirectory(folder);
                for (int i = 0; i < perClass; i++)
                {
                    SKEncodedImageFormat format = i == 1 ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png;
                    File.WriteAllBytes(Path.Combine(folder, $"{i}.{(i == 1 ? "jpg" : "png")}"), TestFiles.Encode(TestFiles.Image(label * 4, i, 16, 3), 16, format));
                }

                File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
            }
        }

        TrainingData data = Datasets.Load("folder", new DataOptions(temp.Path), new FeatureShape(3, 16, 16));
        TrainingData gray = Datasets.Load("folder", new DataOptions(temp.Path), new FeatureShape(1, 8, 8));

        Assert.Equal(["cat", "dog"], data.Classes);
        Assert.Equal([0, 0, 0, 1, 1, 1], data.Train.Labels.ToArray());
        Assert.Equal(2, data.Test.Count);
        Assert.Equal(TestFiles.Image(4, 0, 16, 3), data.Train.Image(3).ToArray());
        Assert.Equal(new FeatureShape(1, 8, 8), gray.Shape);
        Assert.Equal($"folder:{Path.GetFullPath(temp.Path)}", data.Key);
        Assert.InRange(data.Normalization.Mean[0], 0.05, 0.5);
        Assert.Equal(3, data.Normalization.Channels);
    }

    [Fact]
    public void A_truncated_or_undecodable_image_is_named()
    {
        using var temp = new TempFolder();
        foreach (string split in new[] { "train", "test" })
        {
            foreach (string name in new[] { "a", "b" })
            {
                string folder = Path.Combine(temp.Path, split, name);
                Directory.CreateDirectory(folder);
                File.WriteAllBytes(Path.Combine(folder, "0.png"), TestFiles.Encode(TestFiles.Image(1, 0, 8, 3), 8, SKEncodedImageFormat.Png));
            }
        }

        string victim = Path.Combine(temp.Path, "train", "b", "0.png");
        byte[] png = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, png[..(png.Length - 30)]);
        var truncated = Assert.Throws<DataException>(() => Datasets.Load("folder", new DataOptions(temp.Path), new FeatureShape(3, 8, 8)));
        Assert.Contains(victim, truncated.Message, StringComparison.Ordinal);

        File.WriteAllText(victim, "this is not a PNG");
        var garbage = Assert.Throws<DataException>(() => Datasets.Load("folder", new DataOptions(temp.Path), new FeatureShape(3, 8, 8)));
        Assert.Equal($"{victim}: not a PNG or JPEG image (it starts with neither signature)", garbage.Message);

        Directory.Delete(Path.Combine(temp.Path, "test"), recursive: true);
        File.WriteAllBytes(victim, png);
        var noTest = Assert.Throws<DataException>(() => Datasets.Load("folder", new DataOptions(temp.Path), new FeatureShape(3, 8, 8)));
        Assert.Contains("test: folder not found", noTest.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_datasets_list_the_known_ones()
    {
        Assert.Contains("expected one of fashion-mnist, mnist, cifar10, cifar100, folder", Assert.Throws<ParameterException>(() => Datasets.Canonical("svhn")).Message, StringComparison.Ordinal);
        Assert.Contains("use the dataset 'folder'", Assert.Throws<ParameterException>(() => Datasets.Canonical("imagenet")).Message, StringComparison.Ordinal);
    }

    [FashionMnistFact]
    public void Fashion_mnist_from_debians_package_loads_with_its_documented_size_and_statistics()
    {
        Assert.True(Directory.Exists(Datasets.DebianFashionMnist), $"{Datasets.DebianFashionMnist} is missing: apt-get install dataset-fashion-mnist (.ci/run does)");

        TrainingData data = Datasets.Load("fashion-mnist", new DataOptions());

        Assert.Equal(60_000, data.Train.Count);
        Assert.Equal(10_000, data.Test.Count);
        Assert.Equal(Enumerable.Repeat(6_000, 10), data.Train.Labels.ToArray().GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()));
        // The documented constants are the statistics of the 28x28 images, i.e. of the padded images' interior.
        double sum = 0, squares = 0;
        long count = 0;
        ReadOnlySpan<byte> pixels = data.Train.Pixels;
        for (int n = 0; n < data.Train.Count; n++)
        {
            for (int y = 2; y < 30; y++)
            {
                for (int x = 2; x < 30; x++)
                {
                    double v = pixels[(n * 1024) + (y * 32) + x] / 255.0;
                    sum += v;
                    squares += v * v;
                    count++;
                }
            }
        }

        double mean = sum / count;
        Assert.Equal(Normalization.FashionMnist.Mean[0], mean, 4);
        Assert.Equal(Normalization.FashionMnist.Std[0], Math.Sqrt((squares / count) - (mean * mean)), 4);
        Assert.Equal(0, pixels[..(2 * 32)].ToArray().Sum(p => p));
    }

    /// <summary>
    /// Serves one file over HTTP on the loopback interface, on a port the operating system picks (bound as port 0, so it
    /// is free: no clash with another test or program). Enough HTTP/1.1 for one GET per connection.
    /// </summary>
    private sealed class LocalServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        public LocalServer(byte[] body)
        {
            _listener.Start();
            int port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            Url = new Uri($"http://127.0.0.1:{port}/cifar-10-binary.tar.gz");
            _serving = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try
                    {
                        client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    }
                    catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
                    {
                        return;
                    }

                    using (client)
                    {
                        NetworkStream stream = client.GetStream();
                        await ReadRequest(stream);
                        byte[] head = System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                        await stream.WriteAsync(head);
                        await stream.WriteAsync(body);
                    }
                }
            });
        }

        public Uri Url { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _serving.Wait(TimeSpan.FromSeconds(5));
            _stop.Dispose();
        }

        /// <summary>Reads the request up to the blank line that ends its headers (a GET has no body).</summary>
        private static async Task ReadRequest(NetworkStream stream)
        {
            var seen = new List<byte>();
            var buffer = new byte[1];
            while (await stream.ReadAsync(buffer) == 1)
            {
                seen.Add(buffer[0]);
                if (seen.Count >= 4 && seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n')
                {
                    return;
                }
            }
        }
    }
}
