using InfoField.Architecture;

namespace InfoField.Torch.Data;

/// <summary>
/// What a study needs to know about its data without reading an image: the name, the key run ids hash, the image shape
/// networks must take and the number of classes they must predict. Reprinting a study's results (its report, charts
/// and plan) needs only this, so it works on a machine without the data set.
/// </summary>
/// <param name="Name">The dataset's name on the command line.</param>
/// <param name="Key">What identifies the data in a run id (<see cref="TrainingData.Key"/>).</param>
/// <param name="Shape">Shape of one image.</param>
/// <param name="ClassCount">The number of classes.</param>
public sealed record DataIdentity(string Name, string Key, FeatureShape Shape, int ClassCount)
{
    /// <summary>
    /// The identity of <paramref name="name"/> as <see cref="Datasets.Load"/> would give it, limited like
    /// <see cref="TrainingData.Take"/> to <paramref name="trainLimit"/> and <paramref name="testLimit"/> images, without
    /// reading any image: MNIST, Fashion-MNIST and CIFAR are known by name; an image-folder dataset needs only its class
    /// folders (<c>train/&lt;class&gt;/</c>, listed, not read). A run limited on one split only is named after the size
    /// of the other, which only the data knows; null then, and the caller reads the data.
    /// </summary>
    public static DataIdentity? Describe(string name, DataOptions options, FeatureShape? folderShape = null, int? trainLimit = null, int? testLimit = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (trainLimit is null != testLimit is null)
        {
            return null;
        }

        string dataset = Datasets.Canonical(name);
        DataIdentity identity = dataset switch
        {
            "fashion-mnist" or "mnist" => new(dataset, dataset, new FeatureShape(1, MnistData.Side, MnistData.Side), 10),
            "cifar10" => new(dataset, dataset, new FeatureShape(3, 32, 32), CifarArchive.Cifar10.ClassCount),
            "cifar100" => new(dataset, dataset, new FeatureShape(3, 32, 32), CifarArchive.Cifar100.ClassCount),
            _ => Folder(options, folderShape ?? new FeatureShape(3, 32, 32)),
        };
        return trainLimit is int train && testLimit is int test ? identity.Take(train, test) : identity;
    }

    /// <summary>The identity of the first <paramref name="train"/> training and <paramref name="test"/> test images, as <see cref="TrainingData.Take"/> names them.</summary>
    public DataIdentity Take(int train, int test) => this with { Key = TrainingData.LimitedKey(Key, train, test) };

    private static DataIdentity Folder(DataOptions options, FeatureShape shape)
    {
        string directory = options.Directory ?? Datasets.DefaultDirectory(Datasets.ImageFolder);
        return new DataIdentity(Datasets.ImageFolder, Datasets.FolderKey(directory), shape, ImageFolderData.Classes(directory).Count);
    }
}
