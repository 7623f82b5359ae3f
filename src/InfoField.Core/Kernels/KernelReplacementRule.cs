using InfoField.Architecture;
using InfoField.Field;

namespace InfoField.Kernels;

/// <summary>The spatial and channel field of a block's output neuron on the rule's test input.</summary>
/// <param name="IfH">Spatial field along the height.</param>
/// <param name="IfW">Spatial field along the width.</param>
/// <param name="IfC">Guaranteed channel coverage.</param>
/// <param name="If">IfH x IfW x IfC.</param>
public sealed record BlockField(int IfH, int IfW, int IfC, long If)
{
    /// <summary>Writes <c>IF = 3x3x64 = 576</c>.</summary>
    public override string ToString() => $"{IfH}x{IfW}x{IfC} = {If}";
}

/// <summary>What removing one factorized kernel from a block does.</summary>
/// <param name="Index">The kernel's position in the block's ops, from 0.</param>
/// <param name="Kernel">The kernel's type, e.g. <c>gpw</c>.</param>
/// <param name="Field">The field of the block without it, or null when the block is no longer valid.</param>
/// <param name="Invalid">Why the block without it is not valid, or null.</param>
/// <param name="Lowers">True when the block without it has a smaller IF than the standard convolutions (or is not valid).</param>
public sealed record KernelRemoval(int Index, string Kernel, BlockField? Field, string? Invalid, bool Lowers);

/// <summary>The Rule of Kernel Replacement applied to one block against k standard convolutions.</summary>
/// <param name="Block">The block's name.</param>
/// <param name="Input">The test input, C_in x S x S.</param>
/// <param name="OutChannels">C_out.</param>
/// <param name="StandardConvs">k, the number of standard 3x3 convolutions compared against.</param>
/// <param name="Standard">The field of k standard convolutions.</param>
/// <param name="Field">The block's field.</param>
/// <param name="Removals">Each factorized kernel removed in turn.</param>
/// <param name="Macs">The block's MACs on the test input.</param>
public sealed record RuleVerdict(
    string Block,
    FeatureShape Input,
    int OutChannels,
    int StandardConvs,
    BlockField Standard,
    BlockField Field,
    ValueList<KernelRemoval> Removals,
    long Macs)
{
    /// <summary>Quality condition: the block sees what the standard convolutions see, IF(N) = IF(S).</summary>
    public bool Quality => Field.If == Standard.If;

    /// <summary>Compact condition: removing any one factorized kernel lowers the IF below IF(S).</summary>
    public bool Compact => Removals.Count > 0 && Removals.All(removal => removal.Lowers);

    /// <summary>Both conditions hold: the block may replace the standard convolutions.</summary>
    public bool Satisfied => Quality && Compact;
}

/// <summary>
/// The paper's Rule of Kernel Replacement (section 4.2), decided from the IF engine alone: a block N may replace k standard
/// convolutions S when IF(N) = IF(S) on the same input (quality) and removing any one factorized kernel from N gives
/// IF(N - x) &lt; IF(S) (compactness). The test input is C_in x S x S with S large enough that no field is capped.
/// </summary>
public static class KernelReplacementRule
{
    /// <summary>The spatial size of the test input: large enough for two 3x3 convolutions and any block here.</summary>
    public const int TestSize = 32;

    /// <summary>Checks <paramref name="block"/> (ops from C_in to C_out) against <paramref name="standardConvs"/> standard 3x3 convolutions; throws <see cref="InfoFieldException"/> when the block cannot take the input.</summary>
    public static RuleVerdict Check(string name, IReadOnlyList<Op> block, int inChannels, int outChannels, int standardConvs, int size = TestSize) =>
        TryCheck(name, block, inChannels, outChannels, standardConvs, size).OrThrow(broken => new InfoFieldException(broken.Message));

    /// <summary>
    /// Checks <paramref name="block"/> (ops from C_in to C_out) against <paramref name="standardConvs"/> standard 3x3
    /// convolutions; or why the block cannot be checked (it cannot take C_in channels, or it changes the resolution of
    /// the test input). The decomposer's rule mode tries every block with it.
    /// </summary>
    public static Checked<RuleVerdict> TryCheck(string name, IReadOnlyList<Op> block, int inChannels, int outChannels, int standardConvs, int size = TestSize)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (standardConvs is < 1 or > 2)
        {
            throw new ParameterException("standardConvs", null, $"must be 1 or 2 standard convolutions (got {standardConvs})");
        }

        var input = new FeatureShape(inChannels, size, size);
        ValueList<Op> standard = [.. Enumerable.Range(0, standardConvs).Select(_ => (Op)Ops.Conv(outChannels, 3, padding: 1))];
        BlockField reference = FieldOf(standard, input).Value ?? throw new InvalidOperationException("standard convolutions are always valid");
        if (!FieldOf(block, input).TryGet(out BlockField? field, out Violation? broken))
        {
            return Violation.Of($"block {name} cannot take {inChannels} channels: {broken.Message}");
        }

        if (field is null)
        {
            return Violation.Of($"block {name} does not keep the {size}x{size} resolution of the test input");
        }

        var removals = new List<KernelRemoval>();
        for (int i = 0; i < block.Count; i++)
        {
            if (!IsKernel(block[i]))
            {
                continue;
            }

            var without = block.Where((_, j) => j != i).ToList();
            BlockField? reduced = null;
            string? invalid = null;
            if (!FieldOf(without, input).TryGet(out reduced, out broken))
            {
                invalid = broken.Message;
            }
            else if (reduced is null || OpSequence.OutputShape(without, input).Channels != outChannels)
            {
                invalid = "the block no longer maps the input to the output shape";
                reduced = null;
            }

            removals.Add(new KernelRemoval(i, block[i].Type, reduced, invalid, reduced is null || reduced.If < reference.If));
        }

        return new RuleVerdict(name, input, outChannels, standardConvs, reference, field, removals.ToValueList(), OpSequence.Macs(block, input));
    }

    /// <summary>
    /// Checks k units of one of the paper's blocks (C channels in and out) against k standard convolutions: one unit
    /// per convolution replaced, so k = 2 gives the paper's C and D, and two stacked A, B, E or F blocks.
    /// </summary>
    public static RuleVerdict Check(FactorizedBlock block, int channels, BlockSettings settings, int standardConvs) =>
        Check(Name(block, settings, standardConvs), FactorizedBlocks.Stack(block, channels, channels, standardConvs, settings), channels, channels, standardConvs);

    /// <summary>A block's name with its settings and units, e.g. <c>F x2 (g=2, o=0.5)</c>.</summary>
    public static string Name(FactorizedBlock block, BlockSettings settings, int units = 1)
    {
        string stacked = units == 1 ? block.ToString() : $"{block} x{units}";
        return block switch
        {
            FactorizedBlock.A or FactorizedBlock.B => stacked,
            FactorizedBlock.F => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{stacked} (g={settings.Groups}, o={settings.Overlap})"),
            _ => $"{stacked} (g={settings.Groups})",
        };
    }

    /// <summary>True for the factorized kernels the compact condition removes: convolutions of any kind (not shuffles, interlaces or normalization).</summary>
    public static bool IsKernel(Op op) => op?.Role == OpRole.Kernel;

    /// <summary>The field of <paramref name="ops"/> on <paramref name="input"/>; null when they change its resolution; the violation when they cannot take it.</summary>
    private static Checked<BlockField?> FieldOf(IReadOnlyList<Op> ops, FeatureShape input)
    {
        if (ops.Count == 0)
        {
            return new BlockField(1, 1, 1, 1);
        }

        if (!OpSequence.TryOutputShape(ops, input).TryGet(out FeatureShape output, out Violation? broken))
        {
            return broken;
        }

        if (!output.SameResolution(input))
        {
            return new Checked<BlockField?>((BlockField?)null);
        }

        if (!Network.TryCreate("block", input, [new Stage([new Unit("block", ops.ToValueList())])], []).TryGet(out Network? network, out broken))
        {
            return broken;
        }

        UnitField unit = InformationField.Analyze(network).Stages[0].Last;
        return new BlockField(unit.IfH, unit.IfW, unit.IfC, unit.If);
    }
}

/// <summary>One row of the rule table: a block with its settings, checked against one and against two standard convolutions.</summary>
/// <param name="Block">The block.</param>
/// <param name="Channels">C, in and out.</param>
/// <param name="Settings">g and o.</param>
/// <param name="AgainstOne">One unit of the block against one standard convolution.</param>
/// <param name="AgainstTwo">Two units of the block against two standard convolutions.</param>
public sealed record RuleTableRow(FactorizedBlock Block, int Channels, BlockSettings Settings, RuleVerdict AgainstOne, RuleVerdict AgainstTwo);

/// <summary>The verdicts of the rule for blocks A-F over a grid of C, g and o.</summary>
public static class RuleTable
{
    /// <summary>Channel counts of the grid.</summary>
    public static IReadOnlyList<int> Channels { get; } = [16, 64, 256];

    /// <summary>Group counts of the grid.</summary>
    public static IReadOnlyList<int> Groups { get; } = [2, 4, 8];

    /// <summary>Overlaps of the grid (block F only).</summary>
    public static IReadOnlyList<double> Overlaps { get; } = [0, 0.33, 0.5];

    /// <summary>Every row: A and B once per C (they have no g), C, D and E per (C, g), F per (C, g, o).</summary>
    public static IReadOnlyList<RuleTableRow> Build()
    {
        var rows = new List<RuleTableRow>();
        foreach (FactorizedBlock block in Enum.GetValues<FactorizedBlock>())
        {
            foreach (int channels in Channels)
            {
                IEnumerable<BlockSettings> grid = block switch
                {
                    FactorizedBlock.A or FactorizedBlock.B => [new BlockSettings(1, 0)],
                    FactorizedBlock.F => Groups.SelectMany(g => Overlaps.Select(o => new BlockSettings(g, o))),
                    _ => Groups.Select(g => new BlockSettings(g, 0)),
                };
                foreach (BlockSettings settings in grid)
                {
                    rows.Add(new RuleTableRow(
                        block,
                        channels,
                        settings,
                        KernelReplacementRule.Check(block, channels, settings, 1),
                        KernelReplacementRule.Check(block, channels, settings, 2)));
                }
            }
        }

        return rows;
    }
}
