using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>
/// DenseNet (Huang et al.), torchvision's <c>densenet121</c> on ImageNet: a 7x7 stride-2 stem with 3x3 max pooling, four
/// dense blocks of 6, 12, 24 and 16 dense layers (BN-ReLU-1x1 conv to 4 x 32, BN-ReLU-3x3 conv to 32, concatenated after
/// the layer's input), transitions (BN-ReLU-1x1 conv halving the channels, then 2x2 average pooling) between blocks,
/// a final BN-ReLU (a tail unit) and a linear classifier. The CIFAR definitions follow pytorch-cifar's DenseNet121: a
/// single 3x3 stride-1 conv to 64 channels as the stem (no BN, ReLU or max pooling), the rest as torchvision's. A
/// transition, its average pooling included, is one unit that opens the next block's stage (tail units may only end a
/// network, and a stage opens with pooling or a strided unit).
/// </summary>
internal static class DenseNet
{
    /// <summary>Dense layers per block, by depth.</summary>
    public static IReadOnlyDictionary<int, int[]> Configurations { get; } = new Dictionary<int, int[]> { [121] = [6, 12, 24, 16] };

    /// <summary>Channels each dense layer adds (k).</summary>
    public const int GrowthRate = 32;

    /// <summary>The bottleneck 1x1 conv has this many times k channels.</summary>
    public const int BottleneckSize = 4;

    /// <summary>Channels of the stem.</summary>
    public const int InitialFeatures = 64;

    /// <summary>The family name of dense layers.</summary>
    public const string Family = "dense-layer";

    /// <summary>Builds a DenseNet with <paramref name="blocks"/> dense layers per block.</summary>
    public static Network Build(string name, IReadOnlyList<int> blocks, ZooRequest request)
    {
        int growth = request.Channels(GrowthRate);
        int channels = request.Channels(InitialFeatures);
        var pieces = new List<object>();
        if (request.ImageNet)
        {
            pieces.Add(new Unit($"conv7-{channels}", [Ops.Conv(channels, 7, stride: 2, padding: 3), Ops.BatchNorm(), Ops.Relu()], UnitRole.Stem));
            pieces.Add(Ops.MaxPool(3, stride: 2, padding: 1));
        }
        else
        {
            pieces.Add(new Unit($"conv3-{channels}", [Ops.Conv(channels, 3, padding: 1)], UnitRole.Stem));
        }

        for (int b = 0; b < blocks.Count; b++)
        {
            for (int l = 0; l < blocks[b]; l++)
            {
                pieces.Add(DenseLayer(growth, BottleneckSize * growth));
                channels += growth;
            }

            if (b < blocks.Count - 1)
            {
                channels /= 2;
                pieces.Add(Transition(channels));
            }
        }

        pieces.Add(new Unit($"bn-relu-{channels}", [Ops.BatchNorm(), Ops.Relu()], UnitRole.Tail));
        var (stages, _) = StagePartition.Split(request.Input, pieces);
        return new Network(name, request.Input, stages, [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(request.Dataset.Classes)]);
    }

    /// <summary>
    /// A dense layer: BN-ReLU-1x1 conv to <paramref name="bottleneck"/> channels, BN-ReLU-3x3 conv to
    /// <paramref name="growth"/> channels, concatenated after the layer's input (it adds <paramref name="growth"/> channels).
    /// </summary>
    public static Unit DenseLayer(int growth, int bottleneck)
    {
        OpGraph features = [Ops.BatchNorm(), Ops.Relu(), Ops.Pointwise(bottleneck), Ops.BatchNorm(), Ops.Relu(), Ops.Conv(growth, 3, padding: 1)];
        return new Unit($"dense-layer-{growth}", OpGraph.Parallel(Ops.Concat(), OpGraph.Identity, features), UnitRole.Body, Family);
    }

    /// <summary>
    /// A transition: BN-ReLU-1x1 conv to <paramref name="channels"/> (half its input), then 2x2 average pooling. It is
    /// the strided first unit of the next block's stage, which the organizer never moves or removes.
    /// </summary>
    public static Unit Transition(int channels) =>
        new($"transition-{channels}", [Ops.BatchNorm(), Ops.Relu(), Ops.Pointwise(channels), Ops.AvgPool(2)], UnitRole.Body, TransitionFamily);

    /// <summary>The family name of transitions.</summary>
    public const string TransitionFamily = "transition";

    /// <summary>
    /// <paramref name="unit"/> (a dense layer reading <paramref name="input"/>) re-created for another block: the same
    /// growth and bottleneck (a dense layer reads whatever its block has gathered so far and adds its growth to it).
    /// The violation says why the unit cannot be re-created (it lacks what its family defines).
    /// </summary>
    public static Checked<Unit> TryForStage(Unit unit, FeatureShape input)
    {
        int growth = unit.OutputShape(input).Channels - input.Channels;
        if (ZooBlocks.First<PointwiseConvolution>(unit, input) is not (var pointwise, _))
        {
            return Violation.Of($"'{unit.Name}' is marked as a dense layer but has no 1x1 convolution");
        }

        return growth > 0
            ? DenseLayer(growth, pointwise.OutChannels)
            : Violation.Of($"'{unit.Name}' is marked as a dense layer but adds no channels");
    }
}
