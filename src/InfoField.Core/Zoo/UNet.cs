using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>
/// U-Net (Ronneberger, Fischer and Brox, 2015) with "same" padding, so that its output is the input's size: four levels
/// down (two 3x3 convolutions, each with batch norm and ReLU, then 2x2 max pooling) from 64 to 512 channels, a bottom of
/// 1024, and four levels up, each a 2x2 transposed convolution halving the channels, the encoder's map of that resolution
/// concatenated before it (a skip across stages) and two 3x3 convolutions; a 1x1 convolution to the dataset's classes
/// gives a map of class scores at every pixel. The layout of milesial/Pytorch-UNet's <c>UNet(n_channels, n_classes,
/// bilinear=False)</c> (convolutions without bias before batch norm; the transposed convolutions and the classifier with
/// bias), whose parameter count it has (docs/zoo.md). The input's sides must be multiples of 16.
/// </summary>
internal static class UNet
{
    private static readonly int[] Widths = [64, 128, 256, 512, 1024];

    /// <summary>Why <paramref name="input"/> does not fit a U-Net (its sides are halved four times and doubled back), or null.</summary>
    public static Violation? Unfit(FeatureShape input) =>
        input.Height % 16 == 0 && input.Width % 16 == 0
            ? null
            : Violation.Of($"unet halves the input four times and doubles it back, so its height and width must be multiples of 16 (got {input.Height}x{input.Width})");

    public static Network Build(string name, ZooRequest request)
    {
        if (Unfit(request.Input) is { } unfit)
        {
            throw new InfoFieldException(unfit.Message);
        }

        int[] widths = [.. Widths.Select(request.Channels)];
        var stages = new List<Stage> { new([DoubleConv($"double-{widths[0]}", widths[0])]) };
        for (int level = 1; level < widths.Length; level++)
        {
            stages.Add(new Stage([Ops.MaxPool(2)], [DoubleConv($"double-{widths[level]}", widths[level])]));
        }

        for (int level = widths.Length - 2; level >= 0; level--)
        {
            int width = widths[level];
            OpGraph up = new(
            [
                new GraphNode(new TransposedConvolution(width, Pair.Square(2), Pair.Square(2), Pair.Square(0), Pair.Square(0), Pair.Square(1), Bias: true), [0]),
                new GraphNode(new Concat(), [OpGraph.SkipTensor(0), 1]),
                .. DoubleConvOps(width).Select((op, i) => new GraphNode(op, [i + 2])),
            ]);
            stages.Add(new Stage([new Unit($"up-{width}", up, Family: "unet") { Skips = [new UnitReference(level, 0)] }]));
        }

        return new Network(name, request.Input, stages.ToValueList(), [Ops.Conv(request.Dataset.Classes, 1, bias: true)]);
    }

    private static Unit DoubleConv(string name, int width) => new(name, DoubleConvOps(width).ToValueList(), Family: "unet");

    private static Op[] DoubleConvOps(int width) =>
        [Ops.Conv(width, 3, padding: 1), Ops.BatchNorm(), Ops.Relu(), Ops.Conv(width, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()];
}
