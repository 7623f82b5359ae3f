using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

public class KernelTests
{
    [Theory]
    [InlineData(FactorizedBlock.A, 1, true, true)]
    [InlineData(FactorizedBlock.B, 1, true, true)]
    [InlineData(FactorizedBlock.C, 1, true, true)]
    [InlineData(FactorizedBlock.D, 1, true, true)]
    [InlineData(FactorizedBlock.E, 1, false, true)]
    [InlineData(FactorizedBlock.F, 1, false, true)]
    [InlineData(FactorizedBlock.A, 2, true, false)]
    [InlineData(FactorizedBlock.C, 2, true, false)]
    [InlineData(FactorizedBlock.D, 2, true, false)]
    [InlineData(FactorizedBlock.E, 2, true, true)]
    [InlineData(FactorizedBlock.F, 2, true, true)]
    public void The_rule_is_derived_from_the_field(FactorizedBlock block, int convs, bool quality, bool compact)
    {
        RuleVerdict verdict = KernelReplacementRule.Check(block, 64, new BlockSettings(2, 0.5), convs);

        Assert.Equal(quality, verdict.Quality);
        Assert.Equal(compact, verdict.Compact);
        Assert.Equal(convs == 1 ? 3 * 3 * 64 : 5 * 5 * 64, verdict.Standard.If);
    }

    [Fact]
    public void Verdicts_show_the_values_compared()
    {
        RuleVerdict c = KernelReplacementRule.Check(FactorizedBlock.C, 64, new BlockSettings(2, 0), 2);
        RuleVerdict f = KernelReplacementRule.Check(FactorizedBlock.F, 64, new BlockSettings(2, 0.5), 1);

        // Removing a GPW from the paper's (GC + interlace + GPW) x 2 keeps the full field: the interlace already lets the
        // next grouped conv read every group, so that GPW is redundant.
        Assert.Equal([576L, 1600L, 576L, 1600L], c.Removals.Select(r => r.Field!.If));
        Assert.Equal(new BlockField(3, 3, 32, 288), f.Field);
        Assert.Equal(["dw", "rpw"], f.Removals.Select(r => r.Kernel));
    }

    [Fact]
    public void Overlap_can_reduce_the_reach_of_two_rolling_blocks()
    {
        // 16 channels, g = 4: windows of 4. With o = 0 filter c reads window c mod 4 (a perfect shuffle), so two blocks
        // reach all 16 channels; with o = 0.5 adjacent windows overlap and two blocks reach only 10.
        RuleVerdict noOverlap = KernelReplacementRule.Check(FactorizedBlock.F, 16, new BlockSettings(4, 0), 2);
        RuleVerdict half = KernelReplacementRule.Check(FactorizedBlock.F, 16, new BlockSettings(4, 0.5), 2);

        Assert.Equal(16, noOverlap.Field.IfC);
        Assert.Equal(10, half.Field.IfC);
        Assert.False(half.Quality);
    }

    [Fact]
    public void The_rule_table_covers_a_grid_for_every_block()
    {
        IReadOnlyList<RuleTableRow> rows = RuleTable.Build();

        Assert.Equal(6, rows.Select(row => row.Block).Distinct().Count());
        Assert.Equal((2 * 3) + (3 * 3 * 3) + (3 * 3 * 3), rows.Count);
        Assert.All(rows.Where(row => row.Block is FactorizedBlock.A or FactorizedBlock.B), row => Assert.True(row.AgainstOne.Satisfied));
    }

    [Fact]
    public void Custom_blocks_are_checked_and_bad_ones_named()
    {
        RuleVerdict standard = KernelReplacementRule.Check("conv", [Ops.Conv(32, 3, padding: 1)], 32, 32, 1);
        var invalid = Assert.Throws<InfoFieldException>(() => KernelReplacementRule.Check("bad", [Ops.Pointwise(32, groups: 3)], 32, 32, 1));

        Assert.True(standard.Quality);
        Assert.True(standard.Compact);
        Assert.Contains("block bad cannot take 32 channels", invalid.Message);
    }

    [Fact]
    public void Table_6_shape_holds_on_vgg16_opt()
    {
        Network vgg16Opt = StageOrganizer.Optimize(ModelZoo.Create("vgg16", "cifar10")).After;

        Cost baseline = Decomposer.Decompose(vgg16Opt, ReplacementBlock.None).AfterCost;
        Cost dwPw = Decomposer.Decompose(vgg16Opt, ReplacementBlock.DwPw).AfterCost;
        var gpw = new[] { 2, 4, 8 }.Select(g => Decomposer.Decompose(vgg16Opt, ReplacementBlock.DwGpw, new BlockSettings(g, 0)).AfterCost).ToList();

        Assert.Equal(5_101_194, baseline.Parameters);
        Assert.True(baseline.Parameters > dwPw.Parameters && dwPw.Parameters > gpw[0].Parameters && gpw[0].Parameters > gpw[1].Parameters && gpw[1].Parameters > gpw[2].Parameters);
        for (int i = 0; i < 3; i++)
        {
            foreach (double overlap in new[] { 0.33, 0.5 })
            {
                Cost rpw = Decomposer.Decompose(vgg16Opt, ReplacementBlock.DwRpw, new BlockSettings(new[] { 2, 4, 8 }[i], overlap)).AfterCost;
                // Exactly equal, as docs/kernels.md says: an RPW-g filter reads C/g channels like a GPW-g filter.
                Assert.Equal(gpw[i].Parameters, rpw.Parameters);
                Assert.Equal(gpw[i].Macs, rpw.Macs);
            }
        }
    }

    [Fact]
    public void One_for_one_replaces_every_standard_conv_but_the_first()
    {
        Network vgg16 = ModelZoo.Create("vgg16", "cifar10");
        Network resnet = ModelZoo.Create("resnet18", "cifar10");

        Decomposition plain = Decomposer.Decompose(vgg16, ReplacementBlock.DwRpw, new BlockSettings(2, 0.5));
        Decomposition residual = Decomposer.Decompose(resnet, ReplacementBlock.DwPw);
        Decomposition bad = Decomposer.Decompose(vgg16, ReplacementBlock.DwGpw, new BlockSettings(3, 0));

        Assert.Equal(12, plain.ReplacedCount);
        Assert.Equal(1, plain.After.Units.SelectMany(u => u.Ops).Count(op => op is Convolution { IsStandard: true }));
        Assert.Equal(16, residual.ReplacedCount);
        Assert.Equal(0, bad.ReplacedCount);
        Assert.Contains("g = 3 does not divide its 64 input channels", bad.Replacements[1].Reason);
    }

    [Fact]
    public void Rule_mode_covers_runs_with_the_cheapest_satisfying_blocks()
    {
        Network vgg16Opt = StageOrganizer.Optimize(ModelZoo.Create("vgg16", "cifar10")).After;

        Decomposition result = Decomposer.DecomposeByRule(vgg16Opt, new BlockSettings(2, 0.5));

        Assert.Equal(12, result.ReplacedCount);
        Assert.StartsWith("the network's first", result.Replacements[0].Reason);
        Assert.All(result.Replacements.Skip(1), r => Assert.Contains("satisfies the rule", r.Reason));
        Assert.True(result.AfterCost.Macs < Decomposer.Decompose(vgg16Opt, ReplacementBlock.DwPw).AfterCost.Macs);
        foreach (Replacement replacement in result.Replacements.Skip(1))
        {
            Assert.True(replacement.After.Macs < replacement.Before.Macs);
        }
    }

    [Theory]
    [InlineData(0, 0.5, "groups 0: must be at least 1")]
    [InlineData(2, 1.0, "overlap 1: must be in [0, 1)")]
    [InlineData(2, -0.1, "overlap -0.1: must be in [0, 1)")]
    [InlineData(2, double.NaN, "overlap NaN: must be in [0, 1)")]
    public void Block_settings_out_of_range_are_refused_naming_the_parameter(int groups, double overlap, string message)
    {
        var error = Assert.Throws<ParameterException>(() => new BlockSettings(groups, overlap).Validated());

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Every_replacement_block_has_one_name()
    {
        Assert.Equal(Enum.GetValues<ReplacementBlock>().Order(), Decomposer.Blocks.Values.Order());
        Assert.Equal(["none", "dw-pw", "dw-gpw", "dw-shuffle-gpw", "dw-rpw"], Decomposer.Blocks.Keys);
    }
}
