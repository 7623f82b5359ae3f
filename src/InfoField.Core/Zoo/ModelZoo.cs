using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>A model the zoo can build.</summary>
/// <param name="Name">Name on the command line, e.g. <c>vgg16</c>.</param>
/// <param name="Family">The family: <c>vgg</c>, <c>resnet</c>, <c>mobilenet</c>, <c>mobilenetv2</c>, <c>shufflenetv2</c>, <c>efficientnet</c>, <c>densenet</c>, <c>googlenet</c>, <c>mobilenetv3</c>, <c>convnext</c>, <c>unet</c>, <c>resnet3d</c>.</param>
/// <param name="Description">One line for listings.</param>
/// <param name="Builder">Builds the network for a request.</param>
/// <param name="ImageNetOnly">True for a family with no widely used small-image definition: it builds only for ImageNet.</param>
public sealed record ZooEntry(string Name, string Family, string Description, Func<ZooRequest, Network> Builder, bool ImageNetOnly = false)
{
    /// <summary>True when the model gives a map of class scores at every pixel (a segmentation network) instead of one vector per image.</summary>
    public bool Dense { get; init; }

    /// <summary>True for a 3-D network of video clips: it builds only for a clip dataset (Kinetics-400), and the others only for images.</summary>
    public bool Video { get; init; }

    /// <summary>True when the model has a definition for <paramref name="dataset"/>.</summary>
    public bool Supports(DatasetInfo dataset) => Unsupported(dataset) is null;

    /// <summary>Why the model has no definition for <paramref name="dataset"/>, or null when it has one.</summary>
    public Violation? Unsupported(DatasetInfo dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        bool clips = dataset.Definitions == Definitions.Video;
        return (Video, clips) switch
        {
            (true, false) => Violation.Of($"{Name} is a 3-D network of video clips (torchvision's video definition); build it for the {DatasetInfo.Kinetics400.Name} dataset"),
            (false, true) => Violation.Of($"{Name} is a network of images; {dataset.Name} holds video clips (build a 3-D model such as r3d-18 for it)"),
            _ when ImageNetOnly && dataset.Definitions != Definitions.ImageNet =>
                Violation.Of($"{Name} has only torchvision's ImageNet definition (there is no widely used small-image {Name}); build it for the imagenet dataset"),
            _ => null,
        };
    }

    /// <summary>Builds the network for <paramref name="request"/>; throws when the model has no definition for its dataset.</summary>
    public Network Build(ZooRequest request) =>
        Unsupported(request.Dataset) is { } why ? throw new InfoFieldException(why.Message) : Builder(request.Validated());
}

/// <summary>The built-in model zoo: a registry of families by name, each built for a dataset and width.</summary>
public static class ModelZoo
{
    /// <summary>Every model, in listing order.</summary>
    public static IReadOnlyList<ZooEntry> Entries { get; } = CreateEntries();

    /// <summary>The entry called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ZooEntry? Find(string name) =>
        Entries.FirstOrDefault(entry => string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Builds model <paramref name="name"/>; throws naming the known models when there is none.</summary>
    public static Network Create(string name, ZooRequest request)
    {
        ZooEntry entry = Find(name) ?? throw new InfoFieldException(UnknownModel(name));
        return entry.Build(request);
    }

    /// <summary>Builds model <paramref name="name"/> for <paramref name="dataset"/> at full width.</summary>
    public static Network Create(string name, string dataset = "cifar10", double width = 1.0) =>
        Create(name, new ZooRequest(DatasetInfo.Find(dataset), width));

    /// <summary>The message for an unknown model name, with the closest known names.</summary>
    public static string UnknownModel(string name)
    {
        var close = Entries
            .Select(entry => (entry.Name, Distance: EditDistance(name.ToLowerInvariant(), entry.Name)))
            .Where(pair => pair.Distance <= 2)
            .OrderBy(pair => pair.Distance)
            .Select(pair => pair.Name)
            .ToList();
        string hint = close.Count > 0 ? $" Did you mean {string.Join(" or ", close)}?" : "";
        return $"unknown model '{name}': not a zoo model (see 'infofield models'), an optimized zoo name such as vgg16-opt, or a spec file path ending in .json.{hint}";
    }

    private static List<ZooEntry> CreateEntries()
    {
        var entries = new List<ZooEntry>();
        foreach (var (depth, stages) in Vgg.Depths)
        {
            string name = $"vgg{depth}";
            entries.Add(new ZooEntry(name, "vgg", $"VGG-{depth}, {stages.Sum()} convs in stages {string.Join(",", stages)}", r => Vgg.Build(name, stages, r)));
        }

        foreach (int kernel in Vgg.InsertionKernels)
        {
            for (int k = 1; k <= 5; k++)
            {
                string name = Vgg.InsertionVariantName(k, kernel);
                int stage = k;
                string description = kernel == 3
                    ? $"VGG-11 with an extra conv before pooling {k} (paper Table 2)"
                    : $"VGG-11 with an extra {kernel}x{kernel} conv before pooling {k} (insertion study)";
                entries.Add(new ZooEntry(name, "vgg", description, r => Vgg.BuildInsertionVariant(name, stage, kernel, r)));
            }
        }

        entries.Add(new ZooEntry("mobilenet", "mobilenet", "MobileNet v1, 13 DW+PW blocks", r => MobileNet.Build("mobilenet", r)));
        foreach (var (depth, (blocks, bottleneck)) in ResNet.Configurations)
        {
            string name = $"resnet{depth}";
            string kind = bottleneck ? "bottlenecks" : "basic blocks";
            entries.Add(new ZooEntry(name, "resnet", $"ResNet-{depth}, {kind} {string.Join(",", blocks)}", r => ResNet.Build(name, blocks, bottleneck, r)));
        }

        entries.Add(new ZooEntry("mobilenetv2", "mobilenetv2", "MobileNetV2, 17 inverted residual blocks", r => MobileNetV2.Build("mobilenetv2", r)));
        entries.Add(new ZooEntry("shufflenetv2", "shufflenetv2", "ShuffleNetV2 x1.0, 16 split-transform-concat-shuffle units", r => ShuffleNetV2.Build("shufflenetv2", r)));
        entries.Add(new ZooEntry("efficientnet-b0", "efficientnet", "EfficientNet-B0, 16 MBConv units with squeeze-and-excitation", r => EfficientNet.Build("efficientnet-b0", r)));
        foreach (var (depth, blocks) in DenseNet.Configurations)
        {
            string name = $"densenet{depth}";
            entries.Add(new ZooEntry(name, "densenet", $"DenseNet-{depth}, dense layers {string.Join(",", blocks)} joined by concat", r => DenseNet.Build(name, blocks, r)));
        }

        entries.Add(new ZooEntry("googlenet", "googlenet", "GoogLeNet (Inception v1) without auxiliary heads, 9 Inception modules", r => GoogLeNet.Build("googlenet", r)));
        entries.Add(new ZooEntry("mobilenetv3-large", "mobilenetv3", "MobileNetV3-Large, 15 blocks with hardswish and squeeze-and-excitation (ImageNet only)", r => MobileNetV3.Build("mobilenetv3-large", r), ImageNetOnly: true));
        entries.Add(new ZooEntry("unet", "unet", "U-Net, 4 levels down and up (64 to 1024 channels), skip concatenations, a class map at the input's size", r => UNet.Build("unet", r)) { Dense = true });
        entries.Add(new ZooEntry("convnext-tiny", "convnext", "ConvNeXt-T, 3,3,9,3 blocks of 7x7 depthwise, layer norm, GELU and layer scale (ImageNet only)", r => ConvNeXt.Build("convnext-tiny", ConvNeXt.Tiny, r), ImageNetOnly: true));
        entries.Add(new ZooEntry("r3d-18", "resnet3d", "ResNet-3D-18 (torchvision's r3d_18), basic blocks 2,2,2,2 of 3x3x3 convolutions on clips (kinetics400 only)", r => ResNet.Build3d("r3d-18", r)) { Video = true });
        return entries;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
