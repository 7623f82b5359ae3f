using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>
/// ConvNeXt (Liu et al. 2022), torchvision's <c>convnext_tiny</c> layout: a 4x4 stride-4 patchify stem with layer norm,
/// four stages of ConvNeXt blocks (depths and widths <see cref="Tiny"/>), each later stage opened by a layer norm and a
/// 2x2 stride-2 convolution, then global average pooling, a layer norm and a linear classifier. A block is a 7x7
/// depthwise convolution, a layer norm over channels, a 1x1 expansion to four times the channels, GELU, a 1x1
/// projection back and a layer scale (one factor per channel, initialized to 1e-6), added to the block's input; every
/// convolution and linear layer has a bias, every layer norm eps 1e-6. Stochastic depth is the identity at inference
/// and has no parameters, so it is left out. It has no widely used small-image definition, so only ImageNet is offered.
/// </summary>
internal static class ConvNeXt
{
    /// <summary>The blocks and channels of each stage of ConvNeXt-T.</summary>
    public static IReadOnlyList<(int Blocks, int Channels)> Tiny { get; } = [(3, 96), (3, 192), (9, 384), (3, 768)];

    /// <summary>The family name of ConvNeXt blocks.</summary>
    public const string Family = "convnext-block";

    /// <summary>Layer norm's eps in torchvision's ConvNeXt.</summary>
    public const double Eps = 1e-6;

    /// <summary>The expansion of a block's inner 1x1 convolution.</summary>
    public const int Expansion = 4;

    /// <summary>Builds ConvNeXt with <paramref name="configuration"/> (ImageNet definitions only).</summary>
    public static Network Build(string name, IReadOnlyList<(int Blocks, int Channels)> configuration, ZooRequest request)
    {
        int channels = request.Channels(configuration[0].Channels);
        var pieces = new List<object>
        {
            new Unit($"conv4-{channels}", [Ops.Conv(channels, 4, stride: 4, bias: true), new LayerNorm(Eps)], UnitRole.Stem),
        };
        for (int s = 0; s < configuration.Count; s++)
        {
            int width = request.Channels(configuration[s].Channels);
            if (s > 0)
            {
                pieces.Add(new Unit($"down-{width}", [new LayerNorm(Eps), Ops.Conv(width, 2, stride: 2, bias: true)]));
            }

            for (int b = 0; b < configuration[s].Blocks; b++)
            {
                pieces.Add(Block(width));
            }

            channels = width;
        }

        pieces.Add(Ops.GlobalAvgPool());
        pieces.Add(new Unit($"layernorm-{channels}", [new LayerNorm(Eps)], UnitRole.Tail));
        var (stages, _) = StagePartition.Split(request.Input, pieces);
        return new Network(name, request.Input, stages, [Ops.Flatten(), Ops.Linear(request.Dataset.Classes)]);
    }

    /// <summary>
    /// A ConvNeXt block of <paramref name="channels"/> channels: 7x7 depthwise, layer norm, 1x1 to four times the
    /// channels, GELU, 1x1 back, layer scale, plus the block's input.
    /// </summary>
    public static Unit Block(int channels) =>
        new(
            $"convnext-{channels}",
            Ops.Residual(
            [
                Ops.Depthwise(7, padding: 3, bias: true),
                new LayerNorm(Eps),
                Ops.Pointwise(Expansion * channels, bias: true),
                new Activation(ActivationKind.Gelu),
                Ops.Pointwise(channels, bias: true),
                new LayerScale(),
            ]),
            UnitRole.Body,
            Family);
}
