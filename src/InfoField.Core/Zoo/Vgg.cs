using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>
/// VGG (Simonyan and Zisserman): five stages of 3x3 convolutions separated by 2x2 max pooling.
/// CIFAR definitions follow pytorch-cifar (conv-BN-ReLU, one linear layer; CIFAR-100 adds the 4096-4096 classifier
/// of pytorch-cifar100), ImageNet follows torchvision (no batch norm, 7x7 adaptive pooling, 4096-4096 classifier).
/// </summary>
internal static class Vgg
{
    /// <summary>The five stage widths shared by every VGG.</summary>
    public static IReadOnlyList<int> StageWidths { get; } = [64, 128, 256, 512, 512];

    /// <summary>Convolutions per stage of the standard depths.</summary>
    public static IReadOnlyDictionary<int, int[]> Depths { get; } = new Dictionary<int, int[]>
    {
        [11] = [1, 1, 2, 2, 2],
        [13] = [2, 2, 2, 2, 2],
        [16] = [2, 2, 3, 3, 3],
        [19] = [2, 2, 4, 4, 4],
    };

    /// <summary>
    /// The paper's case study (Table 2): VGG-11 with one extra convolution, of the same width as the one before it,
    /// inserted before the k-th max pooling, i.e. appended to stage k (1 to 5).
    /// </summary>
    public static int[] InsertionVariantDepths(int k)
    {
        int[] depths = [.. Depths[11]];
        depths[k - 1]++;
        return depths;
    }

    /// <summary>The kernel sizes of the insertion study's variants: the paper's 3x3, and 1x1 and 5x5 for more spread in dIF.</summary>
    public static IReadOnlyList<int> InsertionKernels { get; } = [3, 1, 5];

    /// <summary>
    /// The zoo name of VGG-11 with a <paramref name="kernel"/> x <paramref name="kernel"/> convolution inserted before the
    /// k-th max pooling: <c>vgg11-variantK</c> for the paper's 3x3, <c>vgg11-variantK-conv1</c> and <c>-conv5</c> otherwise.
    /// </summary>
    public static string InsertionVariantName(int k, int kernel) => kernel == 3 ? $"vgg11-variant{k}" : $"vgg11-variant{k}-conv{kernel}";

    /// <summary>VGG-11 with a <paramref name="kernel"/> x <paramref name="kernel"/> convolution (same width, "same" padding) appended to stage k.</summary>
    public static Network BuildInsertionVariant(string name, int k, int kernel, ZooRequest request)
    {
        Network network = Build(name, InsertionVariantDepths(k), request);
        if (kernel == 3)
        {
            return network;
        }

        Stage stage = network.Stages[k - 1];
        Unit inserted = ConvUnit(request.Channels(StageWidths[k - 1]), batchNorm: !request.ImageNet, kernel);
        return network.WithStages(network.Stages.SetItem(k - 1, stage with { Units = stage.Units.SetItem(stage.Units.Count - 1, inserted) }));
    }

    /// <summary>Builds a VGG with <paramref name="depths"/> convolutions per stage.</summary>
    public static Network Build(string name, IReadOnlyList<int> depths, ZooRequest request)
    {
        bool imageNet = request.ImageNet;
        var stages = new List<Stage>();
        for (int s = 0; s < depths.Count; s++)
        {
            int width = request.Channels(StageWidths[s]);
            var units = Enumerable.Range(0, depths[s]).Select(_ => ConvUnit(width, batchNorm: !imageNet)).ToValueList();
            ValueList<Op> entry = s == 0 ? [] : [Ops.MaxPool(2)];
            stages.Add(new Stage(entry, units));
        }

        return new Network(name, request.Input, stages.ToValueList(), Head(request));
    }

    /// <summary>A VGG unit: a k x k convolution (3x3 in VGG) with bias and "same" padding, batch norm (CIFAR definitions) and ReLU.</summary>
    public static Unit ConvUnit(int width, bool batchNorm, int kernel = 3) =>
        new(
            $"conv{kernel}-{width}",
            batchNorm
                ? [Ops.Conv(width, kernel, padding: (kernel - 1) / 2, bias: true), Ops.BatchNorm(), Ops.Relu()]
                : [Ops.Conv(width, kernel, padding: (kernel - 1) / 2, bias: true), Ops.Relu()],
            UnitRole.Body,
            "vgg");

    private static ValueList<Op> Head(ZooRequest request)
    {
        int classes = request.Dataset.Classes;
        int hidden = request.Channels(4096);
        return request.Dataset.Definitions switch
        {
            Definitions.ImageNet =>
            [
                Ops.MaxPool(2), Ops.AdaptiveAvgPool(7), Ops.Flatten(),
                Ops.Linear(hidden), Ops.Relu(), Ops.Dropout(),
                Ops.Linear(hidden), Ops.Relu(), Ops.Dropout(),
                Ops.Linear(classes),
            ],
            Definitions.Cifar100 =>
            [
                Ops.MaxPool(2), Ops.Flatten(),
                Ops.Linear(hidden), Ops.Relu(), Ops.Dropout(),
                Ops.Linear(hidden), Ops.Relu(), Ops.Dropout(),
                Ops.Linear(classes),
            ],
            _ => [Ops.MaxPool(2), Ops.Flatten(), Ops.Linear(classes)],
        };
    }
}
