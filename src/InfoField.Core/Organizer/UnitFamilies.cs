using InfoField.Architecture;
using InfoField.Zoo;

namespace InfoField.Organizer;

/// <summary>
/// Re-creates a unit for another stage: the unit's family knows how (a VGG conv takes the stage's width, a bottleneck
/// its stage's planes and expansion, a DW+PW block its stage's width). Units of other families (spec files, traced
/// models) are rescaled: every channel count is multiplied by target width / source width, strides become 1.
/// The result must be repeatable in the target stage: it keeps the stage's channels and resolution.
/// </summary>
public static class UnitFamilies
{
    /// <summary>
    /// <paramref name="unit"/> re-created for a stage whose output is <paramref name="stageOutput"/>; throws
    /// <see cref="InfoFieldException"/> saying why when the unit cannot be repeated there. The families' builders
    /// make image (2-D) units, so in a 1-D network (<paramref name="spatialRank"/> 1) every unit is rescaled instead.
    /// </summary>
    public static Unit ForStage(Unit unit, FeatureShape unitInput, FeatureShape stageOutput, int spatialRank = 2)
    {
        int sourceWidth = unit.OutputShape(unitInput).Channels;
        int width = stageOutput.Channels;
        Unit recreated = spatialRank == 1 ? Rescaled(unit, sourceWidth, width) : unit.Family switch
        {
            "vgg" => Vgg.ConvUnit(width, batchNorm: unit.Ops.Any(op => op is BatchNorm)),
            "bottleneck" when width % ResNet.BottleneckExpansion == 0 => ResNet.Bottleneck(width, width / ResNet.BottleneckExpansion, stride: 1),
            "bottleneck" => throw new InfoFieldException($"a bottleneck cannot be repeated in a stage of {width} channels: {width} is not a multiple of the expansion {ResNet.BottleneckExpansion}"),
            "basic" => ResNet.Basic(width, width, stride: 1),
            "dw-pw" => MobileNet.DepthwiseSeparable(width, stride: 1),
            _ => Rescaled(unit, sourceWidth, width),
        };

        FeatureShape output;
        try
        {
            output = recreated.OutputShape(stageOutput);
        }
        catch (ArchitectureException error)
        {
            throw new InfoFieldException($"'{unit.Name}' cannot be repeated in a stage of {stageOutput}: {error.Message}", error);
        }

        if (output != stageOutput)
        {
            throw new InfoFieldException($"'{unit.Name}' cannot be repeated in a stage of {stageOutput}: re-created, it turns it into {output}");
        }

        return recreated;
    }

    /// <summary>Every channel count scaled by <paramref name="width"/> / <paramref name="sourceWidth"/>, strides set to 1.</summary>
    public static Unit Rescaled(Unit unit, int sourceWidth, int width)
    {
        return unit with { Name = RescaledName(unit.Name, sourceWidth, width), Ops = Rescale(unit.Ops, unit.Name, sourceWidth, width) };
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

    private static ValueList<Op> Rescale(IEnumerable<Op> ops, string unitName, int from, int to) =>
        ops.Select(op => op switch
        {
            Convolution conv => conv with { OutChannels = Scale(conv.OutChannels, unitName, from, to), Stride = Pair.Square(1) },
            DepthwiseConvolution dw => dw with { Stride = Pair.Square(1) },
            PointwiseConvolution pw => pw with { OutChannels = Scale(pw.OutChannels, unitName, from, to), Stride = Pair.Square(1) },
            RollingPointwiseConvolution rpw => rpw with { OutChannels = Scale(rpw.OutChannels, unitName, from, to) },
            Residual residual => new Residual(Rescale(residual.Body, unitName, from, to), Rescale(residual.Shortcut, unitName, from, to)),
            _ => op,
        }).ToValueList();

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
