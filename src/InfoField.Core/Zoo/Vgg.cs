using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>
/// VGG (Simonyan and Zisserman): five stages of 3x3 convolutions separated by 2x2 max pooling.
/// CIFAR definitions follow pytorch-cifar (conv-BN-ReLU, one linear layer; CIFAR-100 adds the 4096-4096 classifier
/// of pytorch-cifar100), ImageNet follows torchvision (no batch norm, 7x7 adaptive pooling, 4096-4096 classifier).
/// </summary>
public static class Vgg
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

    /// <summary>A VGG unit: a 3x3 convolution with bias, batch norm (CIFAR definitions) and ReLU.</summary>
    public static Unit ConvUnit(int width, bool batchNorm) =>
        new(
            $"conv3-{width}",
            batchNorm
                ? [Ops.Conv(width, 3, padding: 1, bias: true), Ops.BatchNorm(), Ops.Relu()]
                : [Ops.Conv(width, 3, padding: 1, bias: true), Ops.Relu()],
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
