using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>Which published definition of a family a dataset selects.</summary>
public enum Definitions
{
    /// <summary>pytorch-cifar's CIFAR-10 definitions (VGG with one linear layer; 3x3 stride-1 stems).</summary>
    Cifar10,

    /// <summary>The CIFAR definitions with the 512-4096-4096-classes VGG classifier of pytorch-cifar100.</summary>
    Cifar100,

    /// <summary>torchvision's ImageNet definitions.</summary>
    ImageNet,

    /// <summary>torchvision's video definitions (<c>torchvision.models.video</c>): 3-D networks of clips.</summary>
    Video,
}

/// <summary>A dataset as the zoo sees it: input shape, number of classes, and which definitions it selects.</summary>
/// <param name="Name">Name on the command line, e.g. <c>cifar10</c>.</param>
/// <param name="DisplayName">Name in reports, e.g. <c>CIFAR-10</c>.</param>
/// <param name="Input">Shape of one sample as the networks see it (Fashion-MNIST is padded to 32x32).</param>
/// <param name="Classes">Number of classes.</param>
/// <param name="Definitions">Which family definitions apply.</param>
public sealed record DatasetInfo(string Name, string DisplayName, FeatureShape Input, int Classes, Definitions Definitions)
{
    /// <summary>CIFAR-10: 3x32x32, 10 classes.</summary>
    public static DatasetInfo Cifar10 { get; } = new("cifar10", "CIFAR-10", new FeatureShape(3, 32, 32), 10, Definitions.Cifar10);

    /// <summary>CIFAR-100: 3x32x32, 100 classes.</summary>
    public static DatasetInfo Cifar100 { get; } = new("cifar100", "CIFAR-100", new FeatureShape(3, 32, 32), 100, Definitions.Cifar100);

    /// <summary>ImageNet: 3x224x224, 1000 classes.</summary>
    public static DatasetInfo ImageNet { get; } = new("imagenet", "ImageNet", new FeatureShape(3, 224, 224), 1000, Definitions.ImageNet);

    /// <summary>Fashion-MNIST padded to 1x32x32, 10 classes, with the CIFAR-10 definitions.</summary>
    public static DatasetInfo FashionMnist { get; } = new("fashion-mnist", "Fashion-MNIST", new FeatureShape(1, 32, 32), 10, Definitions.Cifar10);

    /// <summary>MNIST padded to 1x32x32, 10 classes, with the CIFAR-10 definitions.</summary>
    public static DatasetInfo Mnist { get; } = new("mnist", "MNIST", new FeatureShape(1, 32, 32), 10, Definitions.Cifar10);

    /// <summary>Kinetics-400: clips of 16 frames of 112x112 (3x16x112x112), 400 classes, with the video definitions.</summary>
    public static DatasetInfo Kinetics400 { get; } = new("kinetics400", "Kinetics-400", FeatureShape.Volume3d(3, 16, 112, 112), 400, Definitions.Video);

    /// <summary>Every dataset the zoo knows.</summary>
    public static IReadOnlyList<DatasetInfo> All { get; } = [Cifar10, Cifar100, ImageNet, FashionMnist, Mnist, Kinetics400];

    /// <summary>The dataset called <paramref name="name"/> (case-insensitive); throws naming the known ones.</summary>
    public static DatasetInfo Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InfoFieldException($"unknown dataset '{name}'; expected one of {string.Join(", ", All.Select(d => d.Name))}");
}
