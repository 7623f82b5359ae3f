using System.Globalization;
using InfoField.Architecture;
using InfoField.Costs;

namespace InfoField.Kernels;

/// <summary>The block that replaces each standard convolution in one-for-one decomposition (the paper's Table 6).</summary>
public enum ReplacementBlock
{
    /// <summary>No replacement: the baseline.</summary>
    None,

    /// <summary>DW + PW (block B, MobileNet).</summary>
    DwPw,

    /// <summary>DW + GPW with g groups.</summary>
    DwGpw,

    /// <summary>DW + shuffle + GPW with g groups (block E).</summary>
    DwShuffleGpw,

    /// <summary>DW + RPW with g groups and overlap o (block F).</summary>
    DwRpw,
}

/// <summary>One convolution (or run of convolutions) replaced, or kept and why.</summary>
/// <param name="Location">Where, e.g. <c>stages[1].units[0].ops[0]</c>.</param>
/// <param name="Unit">The unit's name.</param>
/// <param name="From">What was there, e.g. <c>conv3 128-&gt;128</c>.</param>
/// <param name="To">What replaced it, or null when kept.</param>
/// <param name="Reason">Why this choice (or why it was kept).</param>
/// <param name="Before">Parameters and MACs of what was there.</param>
/// <param name="After">Parameters and MACs of what replaced it (equal to <paramref name="Before"/> when kept).</param>
/// <param name="Convolutions">How many standard convolutions this entry covers (2 when a block replaces a pair).</param>
public sealed record Replacement(string Location, string Unit, string From, string? To, string Reason, Cost Before, Cost After, int Convolutions = 1);

/// <summary>A decomposed network and what changed.</summary>
/// <param name="Before">The network given.</param>
/// <param name="After">The decomposed network (validated).</param>
/// <param name="Description">The block or mode, in words.</param>
/// <param name="Replacements">Every standard convolution considered: replaced, or kept with the reason.</param>
/// <param name="BeforeCost">Parameters and MACs before.</param>
/// <param name="AfterCost">Parameters and MACs after.</param>
public sealed record Decomposition(Network Before, Network After, string Description, ValueList<Replacement> Replacements, Cost BeforeCost, Cost AfterCost)
{
    /// <summary>How many standard convolutions were replaced.</summary>
    public int ReplacedCount => Replacements.Where(r => r.To is not null).Sum(r => r.Convolutions);
}

/// <summary>
/// The kernel-level decomposer (paper section 4.2, docs/kernels.md): replaces standard k x k convolutions by factorized
/// blocks. One-for-one mode replaces every standard convolution except the network's first (as in the paper's Table 6)
/// by DW + a pointwise part, each followed by batch norm and ReLU inside the block; rule mode replaces runs of standard
/// convolution units by the cheapest blocks that satisfy the Rule of Kernel Replacement for their channels.
/// </summary>
public static class Decomposer
{
    /// <summary>The blocks of one-for-one decomposition by the names the command line and the web app give them: <c>none</c>, <c>dw-pw</c>, <c>dw-gpw</c>, <c>dw-shuffle-gpw</c>, <c>dw-rpw</c>.</summary>
    public static IReadOnlyDictionary<string, ReplacementBlock> Blocks { get; } = new Dictionary<string, ReplacementBlock>
    {
        ["none"] = ReplacementBlock.None,
        ["dw-pw"] = ReplacementBlock.DwPw,
        ["dw-gpw"] = ReplacementBlock.DwGpw,
        ["dw-shuffle-gpw"] = ReplacementBlock.DwShuffleGpw,
        ["dw-rpw"] = ReplacementBlock.DwRpw,
    };

    /// <summary>A short name such as <c>DW+RPW-g2-o0.5</c>.</summary>
    public static string Name(ReplacementBlock block, BlockSettings settings) => block switch
    {
        ReplacementBlock.None => "baseline",
        ReplacementBlock.DwPw => "DW+PW",
        ReplacementBlock.DwGpw => $"DW+GPW-g{settings.Groups}",
        ReplacementBlock.DwShuffleGpw => $"DW+shuffle+GPW-g{settings.Groups}",
        ReplacementBlock.DwRpw => string.Create(CultureInfo.InvariantCulture, $"DW+RPW-g{settings.Groups}-o{settings.Overlap}"),
        _ => throw new ArgumentOutOfRangeException(nameof(block), block, null),
    };

    private static string ShortName(ReplacementBlock block) => block switch
    {
        ReplacementBlock.DwPw => "dw-pw",
        ReplacementBlock.DwGpw => "dw-gpw",
        ReplacementBlock.DwShuffleGpw => "dw-shuffle-gpw",
        ReplacementBlock.DwRpw => "dw-rpw",
        _ => "conv",
    };

    /// <summary>One-for-one replacement of every standard convolution but the first by <paramref name="block"/>.</summary>
    public static Decomposition Decompose(Network network, ReplacementBlock block, BlockSettings? settings = null)
    {
        settings ??= new BlockSettings();
        var replacements = new List<Replacement>();
        bool first = true;
        string description = Name(block, settings);
        string? name = block == ReplacementBlock.None ? null : $"{network.Name}-{description.ToLowerInvariant().Replace('+', '-')}";
        return Rewrite(network, description, name, replacements, (s, stage, layout) =>
        {
            var units = new List<Unit>();
            for (int u = 0; u < stage.Units.Count; u++)
            {
                Unit unit = stage.Units[u];
                string path = $"stages[{s}].units[{u}]";
                int before = replacements.Count(r => r.To is not null);
                OpGraph graph = Replace(unit.Graph, layout.Units[u], $"{path}.ops", unit.Name, block, settings, replacements, ref first);
                bool renamed = replacements.Count(r => r.To is not null) > before && unit.Graph.IsChain;
                units.Add(renamed ? unit with { Name = $"{ShortName(block)}-{layout.Units[u].Output.Channels}", Graph = graph } : unit with { Graph = graph });
            }

            return units;
        });
    }

    /// <summary>
    /// Rule mode: every run of consecutive standard-convolution units in a stage (a unit holding one standard convolution
    /// and elementwise ops, not the network's first) is covered by blocks A-F, each replacing one or two convolutions, that
    /// satisfy the Rule of Kernel Replacement for the run's channels; among those, the cover with the fewest MACs.
    /// </summary>
    public static Decomposition DecomposeByRule(Network network, BlockSettings? settings = null)
    {
        settings ??= new BlockSettings();
        var replacements = new List<Replacement>();
        bool first = true;
        string description = string.Create(CultureInfo.InvariantCulture, $"rule: cheapest blocks A-F satisfying the Rule of Kernel Replacement (g={settings.Groups}, o={settings.Overlap})");
        // Units another unit reads (skips) are never covered, and the readers' references follow the units that stay.
        var read = network.Units.SelectMany(unit => unit.Skips).ToHashSet();
        var moved = new Dictionary<UnitReference, UnitReference>();
        return Rewrite(network, description, $"{network.Name}-rule", replacements, (s, stage, layout) =>
        {
            var units = new List<Unit>();
            int u = 0;
            while (u < stage.Units.Count)
            {
                Convolution? standard = stage.Units[u].Ops.OfType<Convolution>().FirstOrDefault(conv => conv.IsStandard);
                if (first && standard is not null)
                {
                    first = false;
                    Cost kept = CostModel.Of(stage.Units[u], layout.Units[u]);
                    replacements.Add(new Replacement($"stages[{s}].units[{u}]", stage.Units[u].Name, Describe(standard, layout.Units[u].Input), null, "the network's first standard convolution is kept (as in the paper's Table 6)", kept, kept));
                }
                else if (IsConvolutionUnit(stage.Units[u]) && !read.Contains(new UnitReference(s, u)))
                {
                    int end = u;
                    while (end < stage.Units.Count && IsConvolutionUnit(stage.Units[end]) && !read.Contains(new UnitReference(s, end)))
                    {
                        end++;
                    }

                    units.AddRange(CoverRun(stage, layout, s, u, end, settings, replacements));
                    u = end;
                    continue;
                }

                Unit unit = stage.Units[u];
                moved[new UnitReference(s, u)] = new UnitReference(s, units.Count);
                units.Add(unit.Skips.Count == 0 ? unit : unit with { Skips = unit.Skips.Select(skip => moved[skip]).ToValueList() });
                u++;
            }

            return units;
        });
    }

    /// <summary>
    /// The decomposition of <paramref name="network"/> whose stages hold the units <paramref name="stageUnits"/> gives for
    /// each (stage number, stage, its layout), renamed <paramref name="name"/> unless that is null; with the costs before
    /// and after and the <paramref name="replacements"/> made meanwhile.
    /// </summary>
    private static Decomposition Rewrite(Network network, string description, string? name, List<Replacement> replacements, Func<int, Stage, StageLayout, List<Unit>> stageUnits)
    {
        var stages = new List<Stage>();
        for (int s = 0; s < network.Stages.Count; s++)
        {
            Stage stage = network.Stages[s];
            stages.Add(stage with { Units = stageUnits(s, stage, network.Layout.Stages[s]).ToValueList() });
        }

        Network after = network.WithStages(stages.ToValueList());
        if (name is not null)
        {
            after = after.WithName(name);
        }

        return new Decomposition(network, after, description, replacements.ToValueList(), CostModel.Of(network).Total, CostModel.Of(after).Total);
    }

    /// <summary>Replaces the standard convolutions of <paramref name="graph"/>, wherever they sit, node by node.</summary>
    private static OpGraph Replace(OpGraph graph, UnitLayout tensors, string path, string unitName, ReplacementBlock block, BlockSettings settings, List<Replacement> replacements, ref bool first)
    {
        bool keepFirst = first;
        OpGraph result = graph.Expand((i, node) =>
        {
            FeatureShape shape = tensors.Tensor(node.Inputs[0]);
            string location = $"{path}[{i}]";
            if (node.Op is not Convolution { IsStandard: true } conv)
            {
                return null;
            }

            if (keepFirst)
            {
                keepFirst = false;
                replacements.Add(new Replacement(location, unitName, Describe(conv, shape), null, "the network's first standard convolution is kept (as in the paper's Table 6)", CostOf(conv, shape), CostOf(conv, shape)));
                return null;
            }

            if (block == ReplacementBlock.None)
            {
                return null;
            }

            string? problem = Problem(block, settings, shape.Channels, conv.OutChannels);
            if (problem is not null)
            {
                replacements.Add(new Replacement(location, unitName, Describe(conv, shape), null, problem, CostOf(conv, shape), CostOf(conv, shape)));
                return null;
            }

            ValueList<Op> replacement = OneForOne(conv, block, settings);
            if (ShapeChange(replacement, shape, conv.OutputShape(shape)) is { } changed)
            {
                replacements.Add(new Replacement(location, unitName, Describe(conv, shape), null, $"kept: {changed}", CostOf(conv, shape), CostOf(conv, shape)));
                return null;
            }

            replacements.Add(new Replacement(location, unitName, Describe(conv, shape), Name(block, settings), "one-for-one replacement", CostOf(conv, shape), CostModel.Of(replacement, shape)));
            return replacement;
        });
        first = keepFirst;
        return result;
    }

    private static ValueList<Op> OneForOne(Convolution conv, ReplacementBlock block, BlockSettings settings)
    {
        int g = settings.Groups;
        var dw = new DepthwiseConvolution(conv.Kernel, conv.Stride, conv.Padding, conv.Dilation);
        IEnumerable<Op> pointwise = block switch
        {
            ReplacementBlock.DwPw => [Ops.Pointwise(conv.OutChannels, bias: conv.Bias)],
            ReplacementBlock.DwGpw => [Ops.Pointwise(conv.OutChannels, g, bias: conv.Bias)],
            ReplacementBlock.DwShuffleGpw => [Ops.Shuffle(g), Ops.Pointwise(conv.OutChannels, g, bias: conv.Bias)],
            ReplacementBlock.DwRpw => [Ops.RollingPointwise(conv.OutChannels, g, settings.Overlap, conv.Bias)],
            _ => throw new ArgumentOutOfRangeException(nameof(block), block, null),
        };
        return [dw, Ops.BatchNorm(), Ops.Relu(), .. pointwise];
    }

    private static string? Problem(ReplacementBlock block, BlockSettings settings, int inChannels, int outChannels)
    {
        int g = settings.Groups;
        bool grouped = block is ReplacementBlock.DwGpw or ReplacementBlock.DwShuffleGpw or ReplacementBlock.DwRpw;
        if (grouped && inChannels % g != 0)
        {
            return $"kept: g = {g} does not divide its {inChannels} input channels";
        }

        if (block is ReplacementBlock.DwGpw or ReplacementBlock.DwShuffleGpw && outChannels % g != 0)
        {
            return $"kept: g = {g} does not divide its {outChannels} output channels";
        }

        return null;
    }

    private static IEnumerable<Unit> CoverRun(Stage stage, StageLayout layout, int s, int from, int to, BlockSettings settings, List<Replacement> replacements)
    {
        int n = to - from;
        var best = new (long Macs, int Length, FactorizedBlock? Block, string Reason)[n + 1];
        best[n] = (0, 0, null, "");
        for (int i = n - 1; i >= 0; i--)
        {
            FeatureShape input = layout.Units[from + i].Input;
            Convolution conv = ConvolutionOf(stage.Units[from + i]);
            long keep = CostModel.Of(stage.Units[from + i], input).Macs + best[i + 1].Macs;
            best[i] = (keep, 1, null, $"kept: no block A-F satisfies the Rule of Kernel Replacement for {input.Channels}->{conv.OutChannels} channels with g = {settings.Groups}");
            foreach (int k in new[] { 1, 2 })
            {
                if (i + k > n)
                {
                    continue;
                }

                int outChannels = ConvolutionOf(stage.Units[from + i + k - 1]).OutChannels;
                if (Enumerable.Range(from + i, k).Any(u => ConvolutionOf(stage.Units[u]).Kernel != Pair.Square(3)))
                {
                    continue;
                }

                foreach (FactorizedBlock kind in Enum.GetValues<FactorizedBlock>())
                {
                    // A block that cannot take these channels (g does not divide them) is not a candidate.
                    ValueList<Op> ops = FactorizedBlocks.Stack(kind, input.Channels, outChannels, k, settings, stride: 1);
                    if (!KernelReplacementRule.TryCheck(KernelReplacementRule.Name(kind, settings, k), ops, input.Channels, outChannels, k).TryGet(out RuleVerdict? verdict, out _)
                        || !verdict.Satisfied)
                    {
                        continue;
                    }

                    // The block must give what the convolutions gave (a padding-0 or dilated 3x3 does not keep the resolution).
                    ValueList<Op> normalized = FactorizedBlocks.Stack(kind, input.Channels, outChannels, k, settings, stride: 1, normalize: true);
                    if (ShapeChange(normalized, input, layout.Units[from + i + k - 1].Output) is not null)
                    {
                        continue;
                    }

                    long macs = OpSequence.Macs(normalized, input) + best[i + k].Macs;
                    if (macs < best[i].Macs)
                    {
                        best[i] = (macs, k, kind, $"{verdict.Block} satisfies the rule against {k} standard conv{(k == 1 ? "" : "s")} at {input.Channels}->{outChannels} channels (IF {verdict.Field}, compact) and is the cheapest cover of this run");
                    }
                }
            }
        }

        for (int i = 0; i < n;)
        {
            var (_, length, kind, reason) = best[i];
            Unit first = stage.Units[from + i];
            FeatureShape input = layout.Units[from + i].Input;
            string location = length == 1 ? $"stages[{s}].units[{from + i}]" : $"stages[{s}].units[{from + i}..{from + i + length - 1}]";
            string described = string.Join(" + ", Enumerable.Range(from + i, length).Select(u => Describe(ConvolutionOf(stage.Units[u]), layout.Units[u].Input)));
            Cost before = Cost.Sum(Enumerable.Range(from + i, length).Select(u => CostModel.Of(stage.Units[u], layout.Units[u])));
            if (kind is null)
            {
                replacements.Add(new Replacement(location, first.Name, described, null, reason, before, before, length));
                yield return first;
            }
            else
            {
                int outChannels = ConvolutionOf(stage.Units[from + i + length - 1]).OutChannels;
                string settingsName = KernelReplacementRule.Name(kind.Value, settings, length);
                ValueList<Op> ops = FactorizedBlocks.Stack(kind.Value, input.Channels, outChannels, length, settings, stride: 1, normalize: true);
                var unit = new Unit($"{kind}-{outChannels}", ops, UnitRole.Body, "decomposed");
                replacements.Add(new Replacement(location, first.Name, described, settingsName, reason, before, CostModel.Of(ops, input), length));
                yield return unit;
            }

            i += length;
        }
    }

    /// <summary>Why <paramref name="ops"/> on <paramref name="input"/> do not give <paramref name="expected"/> (a decomposed network keeps every shape), or null.</summary>
    private static string? ShapeChange(IReadOnlyList<Op> ops, FeatureShape input, FeatureShape expected)
    {
        if (!OpSequence.TryOutputShape(ops, input).TryGet(out FeatureShape output, out Violation? broken))
        {
            return $"the replacement cannot take its {input} input ({broken.Message})";
        }

        return output == expected ? null : $"the replacement would give {output} where the convolution gives {expected}";
    }

    private static bool IsConvolutionUnit(Unit unit) =>
        unit.Role == UnitRole.Body
        && unit.Graph.IsChain
        && unit.Ops.Count(op => op is Convolution { IsStandard: true, Stride: { H: 1, W: 1 } }) == 1
        && unit.Ops.All(op => op is Convolution { IsStandard: true } or ElementwiseOp);

    private static Convolution ConvolutionOf(Unit unit) => unit.Ops.OfType<Convolution>().Single();

    private static string Describe(Convolution conv, FeatureShape input) => $"conv{conv.Kernel} {input.Channels}->{conv.OutChannels}";

    private static Cost CostOf(Op op, FeatureShape input) => new(op.Parameters(input), op.Macs(input));
}
