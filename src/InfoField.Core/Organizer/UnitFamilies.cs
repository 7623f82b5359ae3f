using InfoField.Architecture;
using InfoField.Zoo;

namespace InfoField.Organizer;

/// <summary>A unit re-created for another stage, and how.</summary>
/// <param name="Unit">The re-created unit.</param>
/// <param name="How">How it was made, for the organizer's step log: <c>re-created by the mbconv builder</c> or <c>rescaled from 64 to 128 channels</c>.</param>
internal sealed record Recreation(Unit Unit, string How);

/// <summary>
/// Re-creates a unit for another stage: the unit's family knows how (a VGG conv takes the stage's width, a bottleneck
/// its stage's planes and expansion, an MBConv its expansion ratio and kernel at the stage's width, an Inception module
/// its branch proportions). Units without a family (spec files, traced models) are rescaled: every channel count is
/// multiplied by target width / source width, strides become 1. A unit whose family is set but unknown here is not
/// rescaled silently: re-creating it fails, saying so. The result must be repeatable in the target stage: it keeps the
/// stage's channels and resolution (a dense layer keeps the resolution and adds its growth to the channels).
/// </summary>
internal static class UnitFamilies
{
    /// <summary>The families <see cref="Recreate"/> re-creates with their builders.</summary>
    public static IReadOnlyList<string> Known { get; } =
    [
        "vgg", "bottleneck", "basic", "dw-pw", "inverted-residual", ShuffleNetV2.Family, EfficientNet.Family, DenseNet.Family,
        GoogLeNet.Family, MobileNetV3.Family, ConvNeXt.Family,
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
    public static Recreation Recreate(Unit unit, FeatureShape unitInput, FeatureShape stageOutput, int spatialRank = 2) =>
        TryRecreate(unit, unitInput, stageOutput, spatialRank).OrThrow(broken => new InfoFieldException(broken.Message));

    /// <summary>
    /// <paramref name="unit"/> (reading <paramref name="unitInput"/>) re-created for a stage whose output is
    /// <paramref name="stageOutput"/>, with how it was made; or why it cannot be repeated there (its family cannot be
    /// re-created at that width, or the copy would not keep the stage's channels and resolution). The organizer tries
    /// every stage with it.
    /// </summary>
    public static Checked<Recreation> TryRecreate(Unit unit, FeatureShape unitInput, FeatureShape stageOutput, int spatialRank = 2)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (!unit.TryOutputShape(unitInput).TryGet(out FeatureShape unitOutput, out Violation? broken))
        {
            return Violation.Of($"'{unit.Name}' does not read a {unitInput} tensor: {broken.Message}");
        }

        int sourceWidth = unitOutput.Channels;
        int width = stageOutput.Channels;
        Checked<Unit> made = spatialRank == 1 ? TryRescaled(unit, sourceWidth, width) : unit.Family switch
        {
            null => TryRescaled(unit, sourceWidth, width),
            "vgg" => Vgg.ConvUnit(width, batchNorm: unit.Ops.Any(op => op is BatchNorm), unit.Ops.OfType<Convolution>().FirstOrDefault()?.Kernel.H ?? 3),
            "bottleneck" when width % ResNet.BottleneckExpansion == 0 => ResNet.Bottleneck(width, width / ResNet.BottleneckExpansion, stride: 1),
            "bottleneck" => Violation.Of($"a bottleneck cannot be repeated in a stage of {width} channels: {width} is not a multiple of the expansion {ResNet.BottleneckExpansion}"),
            "basic" => ResNet.Basic(width, width, stride: 1),
            "dw-pw" => MobileNet.DepthwiseSeparable(width, stride: 1),
            "inverted-residual" => MobileNetV2.TryForStage(unit, unitInput, width),
            ShuffleNetV2.Family => ShuffleNetV2.CheckWidth(width) ?? new Checked<Unit>(ShuffleNetV2.Block(width, stride: 1)),
            EfficientNet.Family => EfficientNet.TryForStage(unit, unitInput, width),
            DenseNet.Family => DenseNet.TryForStage(unit, unitInput),
            GoogLeNet.Family => GoogLeNet.TryForStage(unit, unitInput, width),
            MobileNetV3.Family => MobileNetV3.TryForStage(unit, unitInput, width),
            ConvNeXt.Family => ConvNeXt.Block(width),
            DenseNet.TransitionFamily => Violation.Of($"'{unit.Name}' is a DenseNet transition, which halves the channels and the resolution; it opens its stage and is not repeated"),
            _ => Violation.Of($"'{unit.Name}' is of family '{unit.Family}', which the organizer cannot re-create in another stage (it re-creates {string.Join(", ", Known)}, and rescales units without a family)"),
        };
        if (!made.TryGet(out Unit recreated, out broken))
        {
            return broken;
        }

        FeatureShape expected = unit.Family == DenseNet.Family
            ? stageOutput.WithChannels(stageOutput.Channels + sourceWidth - unitInput.Channels)
            : stageOutput;
        if (!recreated.TryOutputShape(stageOutput).TryGet(out FeatureShape output, out broken))
        {
            return Violation.Of($"'{unit.Name}' cannot be repeated in a stage of {stageOutput}: {broken.Message}");
        }

        if (output != expected)
        {
            return Violation.Of($"'{unit.Name}' cannot be repeated in a stage of {stageOutput}: re-created, it turns it into {output}");
        }

        string how = unit.Family is null || spatialRank == 1 ? $"rescaled from {sourceWidth} to {width} channels" : $"re-created by the {unit.Family} builder";
        return new Recreation(recreated, how);
    }

    /// <summary>Every channel count scaled by <paramref name="width"/> / <paramref name="sourceWidth"/>, strides set to 1; throws <see cref="InfoFieldException"/> when a count does not scale to an integer.</summary>
    public static Unit Rescaled(Unit unit, int sourceWidth, int width) =>
        TryRescaled(unit, sourceWidth, width).OrThrow(broken => new InfoFieldException(broken.Message));

    /// <summary>Every channel count scaled by <paramref name="width"/> / <paramref name="sourceWidth"/>, strides set to 1; or the count that does not scale to an integer.</summary>
    public static Checked<Unit> TryRescaled(Unit unit, int sourceWidth, int width)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var nodes = new GraphNode[unit.Graph.Count];
        for (int i = 0; i < nodes.Length; i++)
        {
            GraphNode node = unit.Graph.Nodes[i];
            if (!Rescale(node.Op, unit.Name, sourceWidth, width).TryGet(out Op op, out Violation? broken))
            {
                return broken;
            }

            nodes[i] = node with { Op = op };
        }

        return unit with { Name = RescaledName(unit.Name, sourceWidth, width), Graph = new OpGraph(nodes.ToValueList()) };
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

    private static Checked<Op> Rescale(Op op, string unitName, int from, int to)
    {
        // The op states its channel counts and strides (Op.Rescaled); the first count that does not scale is the violation.
        Violation? broken = null;
        Op rescaled = op.Rescaled(channels =>
        {
            Violation? violation = Scale(channels, unitName, from, to, out int scaled);
            broken ??= violation;
            return scaled;
        });
        return broken is null ? new Checked<Op>(rescaled) : broken;
    }

    private static Violation? Scale(int channels, string unitName, int from, int to, out int scaled)
    {
        long product = (long)channels * to;
        scaled = (int)(product / from);
        return product % from != 0
            ? Violation.Of($"'{unitName}' cannot be repeated in a stage of {to} channels: its {channels} channels do not scale by {to}/{from}")
            : null;
    }
}
