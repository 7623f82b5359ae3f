using InfoField.Architecture;
using InfoField.Zoo;

namespace InfoField.Organizer;

/// <summary>A unit re-created for another stage, and how.</summary>
/// <param name="Unit">The re-created unit.</param>
/// <param name="How">How it was made, for the organizer's step log: <c>re-created by the mbconv builder</c> or <c>rescaled from 64 to 128 channels</c>.</param>
public sealed record Recreation(Unit Unit, string How);

/// <summary>
/// Re-creates a unit for another stage: the unit's family knows how (a VGG conv takes the stage's width, a bottleneck
/// its stage's planes and expansion, an MBConv its expansion ratio and kernel at the stage's width, an Inception module
/// its branch proportions). Units without a family (spec files, traced models) are rescaled: every channel count is
/// multiplied by target width / source width, strides become 1. A unit whose family is set but unknown here is not
/// rescaled silently: re-creating it fails, saying so. The result must be repeatable in the target stage: it keeps the
/// stage's channels and resolution (a dense layer keeps the resolution and adds its growth to the channels).
/// </summary>
public static class UnitFamilies
{
    /// <summary>The families <see cref="Recreate"/> re-creates with their builders.</summary>
    public static IReadOnlyList<string> Known { get; } =
    [
        "vgg", "bottleneck", "basic", "dw-pw", "inverted-residual", ShuffleNetV2.Family, EfficientNet.Family, DenseNet.Family,
        GoogLeNet.Family, MobileNetV3.Family,
    ];

    /// <summary>
    /// <paramref name="unit"/> re-created for a stage whose output is <paramref name="stageOutput"/>; throws
    /// <see cref="InfoFieldException"/> saying why when the unit cannot be repeated there. The families' builders
    /// make image (2-D) units, so in a 1-D network (<paramref name="spatialRank"/> 1) every unit is rescaled instead.
    /// </summary>
    public static Unit ForStage(Unit unit, FeatureShape unitInput, FeatureShape stageOutput, int spatialRank = 2) => Recreate(unit, unitInput, stageOutput, spatialRank).Unit;

    /// <summary>
    /// <paramref name="unit"/> re-created for a stage whose output is <paramref name="stageOutput"/>, with how it was
    /// made; throws <see cref="InfoFieldException"/> saying why when the unit cannot be repeated there.
    /// </summary>
    public static Recreation Recreate(Unit unit, FeatureShape unitInput, FeatureShape stageOutput, int spatialRank = 2)
    {
        FeatureShape unitOutput = unit.OutputShape(unitInput);
        int sourceWidth = unitOutput.Channels;
        int width = stageOutput.Channels;
        Unit recreated = spatialRank == 1 ? Rescaled(unit, sourceWidth, width) : unit.Family switch
        {
            null => Rescaled(unit, sourceWidth, width),
            "vgg" => Vgg.ConvUnit(width, batchNorm: unit.Ops.Any(op => op is BatchNorm), unit.Ops.OfType<Convolution>().FirstOrDefault()?.Kernel.H ?? 3),
            "bottleneck" when width % ResNet.BottleneckExpansion == 0 => ResNet.Bottleneck(width, width / ResNet.BottleneckExpansion, stride: 1),
            "bottleneck" => throw new InfoFieldException($"a bottleneck cannot be repeated in a stage of {width} channels: {width} is not a multiple of the expansion {ResNet.BottleneckExpansion}"),
            "basic" => ResNet.Basic(width, width, stride: 1),
            "dw-pw" => MobileNet.DepthwiseSeparable(width, stride: 1),
            "inverted-residual" => MobileNetV2.ForStage(unit, unitInput, width),
            ShuffleNetV2.Family => ShuffleNetV2.Block(width, stride: 1),
            EfficientNet.Family => EfficientNet.ForStage(unit, unitInput, width),
            DenseNet.Family => DenseNet.ForStage(unit, unitInput),
            GoogLeNet.Family => GoogLeNet.ForStage(unit, unitInput, width),
            MobileNetV3.Family => MobileNetV3.ForStage(unit, unitInput, width),
            DenseNet.TransitionFamily => throw new InfoFieldException($"'{unit.Name}' is a DenseNet transition, which halves the channels and the resolution; it opens its stage and is not repeated"),
            _ => throw new InfoFieldException($"'{unit.Name}' is of family '{unit.Family}', which the organizer cannot re-create in another stage (it re-creates {string.Join(", ", Known)}, and rescales units without a family)"),
        };

        FeatureShape expected = unit.Family == DenseNet.Family
            ? stageOutput.WithChannels(stageOutput.Channels + sourceWidth - unitInput.Channels)
            : stageOutput;
        FeatureShape output;
        try
        {
            output = recreated.OutputShape(stageOutput);
        }
        catch (ArchitectureException error)
        {
            throw new InfoFieldException($"'{unit.Name}' cannot be repeated in a stage of {stageOutput}: {error.Message}", error);
        }

        if (output != expected)
        {
            throw new InfoFieldException($"'{unit.Name}' cannot be repeated in a stage of {stageOutput}: re-created, it turns it into {output}");
        }

        string how = unit.Family is null || spatialRank == 1 ? $"rescaled from {sourceWidth} to {width} channels" : $"re-created by the {unit.Family} builder";
        return new Recreation(recreated, how);
    }

    /// <summary>Every channel count scaled by <paramref name="width"/> / <paramref name="sourceWidth"/>, strides set to 1.</summary>
    public static Unit Rescaled(Unit unit, int sourceWidth, int width)
    {
        return unit with { Name = RescaledName(unit.Name, sourceWidth, width), Graph = unit.Graph.Select(op => Rescale(op, unit.Name, sourceWidth, width)) };
    }

    /// <summary>A name ending in a channel count (<c>conv3-512</c>, <c>bottleneck-256</c>) gets the rescaled count.</summary>
    private static string RescaledName(string name, int from, int to)
    {
        int dash = name.LastIndexOf('-');
        if (dash < 0 || !int.TryParse(name.AsSpan(dash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count)
            || (long)count * to % from != 0)
        {
            return name;
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name[..(dash + 1)]}{(long)count * to / from}");
    }

    private static Op Rescale(Op op, string unitName, int from, int to) => op switch
    {
        Convolution conv => conv with { OutChannels = Scale(conv.OutChannels, unitName, from, to), Stride = Pair.Square(1) },
        DepthwiseConvolution dw => dw with { Stride = Pair.Square(1) },
        PointwiseConvolution pw => pw with { OutChannels = Scale(pw.OutChannels, unitName, from, to), Stride = Pair.Square(1) },
        RollingPointwiseConvolution rpw => rpw with { OutChannels = Scale(rpw.OutChannels, unitName, from, to) },
        ChannelSlice slice => slice with { Start = Scale(slice.Start, unitName, from, to), Count = Scale(slice.Count, unitName, from, to) },
        Pooling pool => pool with { Stride = Pair.Square(1) },
        _ => op,
    };

    private static int Scale(int channels, string unitName, int from, int to)
    {
        long scaled = (long)channels * to;
        if (scaled % from != 0)
        {
            throw new InfoFieldException($"'{unitName}' cannot be repeated in a stage of {to} channels: its {channels} channels do not scale by {to}/{from}");
        }

        return (int)(scaled / from);
    }
}
