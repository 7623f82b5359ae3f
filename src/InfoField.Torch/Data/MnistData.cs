using InfoField.Architecture;

namespace InfoField.Torch.Data;

/// <summary>
/// MNIST and Fashion-MNIST from their IDX files (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
/// <c>t10k-...</c>, each optionally <c>.gz</c>), zero-padded from 28x28 to 32x32 so the CIFAR definitions apply unchanged.
/// </summary>
public static class MnistData
{
    /// <summary>The size the images are padded to.</summary>
    public const int Side = 32;

    /// <summary>Fashion-MNIST's class names, by label.</summary>
    public static IReadOnlyList<string> FashionClasses { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>MNIST's class names: the digits.</summary>
    public static IReadOnlyList<string> DigitClasses { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Loads the <paramref name="train"/> or test split from <paramref name="directory"/>.</summary>
    public static ImageSet Load(string directory, bool train, IReadOnlyList<string> classes)
    {
        string prefix = train ? "train" : "t10k";
        string imagesPath = Find(directory, $"{prefix}-images-idx3-ubyte");
        string labelsPath = Find(directory, $"{prefix}-labels-idx1-ubyte");
        (int[] imageDims, byte[] pixels) = IdxFile.Read(imagesPath, 3);
        (int[] labelDims, byte[] labels) = IdxFile.Read(labelsPath, 1);
        int count = imageDims[0], height = imageDims[1], width = imageDims[2];
        if (labelDims[0] != count)
        {
            throw new DataException($"{labelsPath}: holds {labelDims[0]:N0} labels but {imagesPath} holds {count:N0} images; the two files do not belong together");
        }

        if (height > Side || width > Side || height < 1 || width < 1)
        {
            throw new DataException($"{imagesPath}: images are {height}x{width}; expected at most {Side}x{Side} (MNIST's are 28x28)");
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classes.Count)
            {
                throw new DataException($"{labelsPath}: corrupted: label {labels[i]} at position {i:N0} (expected 0-{classes.Count - 1})");
            }
        }

        var padded = new byte[(long)count * Side * Side];
        int top = (Side - height) / 2, left = (Side - width) / 2;
        for (int n = 0; n < count; n++)
        {
            for (int y = 0; y < height; y++)
            {
                Array.Copy(pixels, ((long)n * height * width) + ((long)y * width), padded, ((long)n * Side * Side) + ((long)(y + top) * Side) + left, width);
            }
        }

        return ImageSet.FromBytes(padded, labels, new FeatureShape(1, Side, Side), classes);
    }

    private static string Find(string directory, string name)
    {
        foreach (string candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new DataException($"{Path.Combine(directory, name + ".gz")}: file not found (nor {name} without .gz); point the data directory at the folder holding the four IDX files");
    }
}
