using InfoField.Architecture;

namespace InfoField.Torch.Data;

/// <summary>Where and how to read a dataset.</summary>
/// <param name="Directory">The data folder; null for the dataset's default (<see cref="Datasets.DefaultDirectory"/>).</param>
/// <param name="Download">CIFAR only: fetch the archive when the folder does not have it.</param>
/// <param name="DownloadSource">Where to download from instead of the official address (mirrors, tests).</param>
/// <param name="Log">Receives one line per notable step (downloads).</param>
public sealed record DataOptions(string? Directory = null, bool Download = false, Uri? DownloadSource = null, Action<string>? Log = null);

/// <summary>A dataset's two splits in memory, with the normalization its batches use.</summary>
/// <param name="name">The dataset's name on the command line (<c>fashion-mnist</c>, <c>folder</c>, ...).</param>
/// <param name="key">What identifies the data in a run id: the name, or for image folders <c>folder:&lt;full path&gt;</c>.</param>
/// <param name="directory">The folder it was read from.</param>
/// <param name="train">The training split.</param>
/// <param name="test">The test split.</param>
/// <param name="normalization">How batches are normalized.</param>
public sealed class TrainingData(string name, string key, string directory, ImageSet train, ImageSet test, Normalization normalization)
{
    /// <summary>The dataset's name on the command line (<c>fashion-mnist</c>, <c>folder</c>, ...).</summary>
    public string Name { get; } = name;

    /// <summary>What identifies the data in a run id: the name, or for image folders <c>folder:&lt;full path&gt;</c>.</summary>
    public string Key { get; } = key;

    /// <summary>The folder it was read from.</summary>
    public string Directory { get; } = directory;

    /// <summary>The training split.</summary>
    public ImageSet Train { get; } = train;

    /// <summary>The test split.</summary>
    public ImageSet Test { get; } = test;

    /// <summary>How batches are normalized.</summary>
    public Normalization Normalization { get; } = normalization;

    /// <summary>Class names, by label.</summary>
    public IReadOnlyList<string> Classes => Train.Classes;

    /// <summary>Shape of one image.</summary>
    public FeatureShape Shape => Train.Shape;

    /// <summary>A copy limited to the first <paramref name="train"/> training and <paramref name="test"/> test images (quick checks, CI).</summary>
    public TrainingData Take(int train, int test) => new(Name, LimitedKey(Key, train, test), Directory, Train.Take(train), Test.Take(test), Normalization);

    /// <summary>What identifies this data in run ids and what networks trained on it take and predict.</summary>
    public DataIdentity Identity => new(Name, Key, Shape, Classes.Count);

    /// <summary>The key of data limited to <paramref name="train"/> and <paramref name="test"/> images: <c>key[train,test]</c>.</summary>
    internal static string LimitedKey(string key, int train, int test) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{key}[{train},{test}]");
}

/// <summary>The datasets InfoField trains on, by name.</summary>
public static class Datasets
{
    /// <summary>The name of image-folder datasets (<c>--dataset folder --data-dir DIR</c>).</summary>
    public const string ImageFolder = "folder";

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts Fashion-MNIST.</summary>
    public const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <summary>Every dataset name <see cref="Load"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fashion-mnist", "mnist", "cifar10", "cifar100", ImageFolder];

    /// <summary>The normalized dataset name; throws naming the known ones.</summary>
    public static string Canonical(string name)
    {
        string lower = name.ToLowerInvariant();
        return Names.Contains(lower)
            ? lower
            : throw (lower == "imagenet"
                ? new ParameterException("dataset", "imagenet", "InfoField does not read ImageNet's archives; arrange the images as train/<class>/ and test/<class>/ folders and use the dataset 'folder' with that data directory and an input of 3x224x224")
                : new ParameterException("dataset", $"'{name}'", $"expected one of {string.Join(", ", Names)}"));
    }

    /// <summary>
    /// Whether training augments <paramref name="name"/> unless told otherwise: the paper's crop and flip for CIFAR and
    /// image folders; none for MNIST and Fashion-MNIST, whose images are centered and size-normalized (and whose digits
    /// change meaning when mirrored).
    /// </summary>
    public static bool AugmentsByDefault(string name) => Canonical(name) is not ("mnist" or "fashion-mnist");

    /// <summary>The data folder used when none is given: Debian's for Fashion-MNIST, <c>data/&lt;name&gt;</c> otherwise.</summary>
    public static string DefaultDirectory(string name) => Canonical(name) switch
    {
        "fashion-mnist" => DebianFashionMnist,
        ImageFolder => throw new ParameterException("dataDirectory", null, "the dataset 'folder' needs a data directory with train/<class>/ and test/<class>/ image folders"),
        string other => Path.Combine("data", other),
    };

    /// <summary>
    /// Loads both splits of <paramref name="name"/>. <paramref name="folderShape"/> is the image size image-folder
    /// datasets are resized to (ignored for the others, whose size is fixed).
    /// </summary>
    public static TrainingData Load(string name, DataOptions options, FeatureShape? folderShape = null)
    {
        string dataset = Canonical(name);
        string directory = options.Directory ?? DefaultDirectory(dataset);
        if (!System.IO.Directory.Exists(directory) && !(options.Download && dataset.StartsWith("cifar", StringComparison.Ordinal)))
        {
            string hint = dataset switch
            {
                "fashion-mnist" when options.Directory is null => "; install Debian's package (apt-get install dataset-fashion-mnist) or point the data directory at the four IDX files",
                "cifar10" or "cifar100" => "; download it (MD5-verified), or point the data directory at the folder holding the archive",
                _ => string.Empty,
            };
            throw new DataException($"{directory}: data folder not found for {dataset}{hint}");
        }

        switch (dataset)
        {
            case "fashion-mnist":
            case "mnist":
                {
                    IReadOnlyList<string> classes = dataset == "mnist" ? MnistData.DigitClasses : MnistData.FashionClasses;
                    return new TrainingData(dataset, dataset, directory, MnistData.Load(directory, true, classes), MnistData.Load(directory, false, classes), dataset == "mnist" ? Normalization.Mnist : Normalization.FashionMnist);
                }

            case "cifar10":
            case "cifar100":
                {
                    CifarArchive archive = dataset == "cifar10" ? CifarArchive.Cifar10 : CifarArchive.Cifar100;
                    if (options.Download && !CifarData.IsPresent(archive, directory))
                    {
                        CifarDownload.Fetch(archive, directory, options.DownloadSource, log: options.Log);
                    }

                    (ImageSet train, ImageSet test) = CifarData.Load(archive, directory);
                    return new TrainingData(dataset, dataset, directory, train, test, Normalization.Cifar);
                }

            default:
                {
                    FeatureShape shape = folderShape ?? new FeatureShape(3, 32, 32);
                    ImageSet train = ImageFolderData.Load(directory, true, shape);
                    return new TrainingData(dataset, FolderKey(directory), directory, train, ImageFolderData.Load(directory, false, shape), Measure(train));
                }
        }
    }

    /// <summary>The key of the image-folder dataset in <paramref name="directory"/>: <c>folder:&lt;full path&gt;</c>.</summary>
    internal static string FolderKey(string directory) => $"{ImageFolder}:{Path.GetFullPath(directory)}";

    /// <summary>The per-channel mean and standard deviation of <paramref name="set"/>'s pixels scaled to [0, 1], to 4 decimals.</summary>
    public static Normalization Measure(ImageSet set)
    {
        int channels = set.Shape.Channels, plane = set.Shape.Height * set.Shape.Width;
        var sums = new double[channels];
        var squares = new double[channels];
        ReadOnlySpan<byte> pixels = set.Pixels;
        for (long i = 0; i < pixels.Length; i++)
        {
            int channel = (int)(i / plane % channels);
            double value = pixels[(int)i] / 255.0;
            sums[channel] += value;
            squares[channel] += value * value;
        }

        double count = (double)set.Count * plane;
        double[] mean = sums.Select(sum => sum / count).ToArray();
        double[] std = squares.Select((square, c) => Math.Sqrt(Math.Max(0, (square / count) - (mean[c] * mean[c])))).ToArray();
        return new Normalization(mean.Select(v => Math.Round(v, 4)).ToList(), std.Select(v => Math.Max(Math.Round(v, 4), 1e-4)).ToList());
    }
}
