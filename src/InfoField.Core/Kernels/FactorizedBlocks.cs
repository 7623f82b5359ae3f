using InfoField.Architecture;

namespace InfoField.Kernels;

/// <summary>The convolution blocks of the paper's Figures 4 and 5.</summary>
public enum FactorizedBlock
{
    /// <summary>A (Xception): PW + DW.</summary>
    A,

    /// <summary>B (MobileNet): DW + PW.</summary>
    B,

    /// <summary>C (clcNet): (GC + interlace + GPW) x 2.</summary>
    C,

    /// <summary>D (ShuffleNet): (GPW + shuffle + DW + GPW) x 2.</summary>
    D,

    /// <summary>E (the paper's first new block): DW + shuffle + GPW.</summary>
    E,

    /// <summary>F (the paper's DW + RPW block).</summary>
    F,
}

/// <summary>The settings of a factorized block.</summary>
/// <param name="Groups">g, for GC, GPW, shuffle, interlace and RPW (ignored by A and B).</param>
/// <param name="Overlap">o, for RPW (block F only).</param>
/// <param name="Kernel">The spatial kernel of the DW and GC layers.</param>
public sealed record BlockSettings(int Groups = 2, double Overlap = 0.5, int Kernel = 3)
{
    /// <summary>Checks groups (at least 1) and overlap (in [0, 1)); throws <see cref="ParameterException"/> naming the bad one.</summary>
    public BlockSettings Validated()
    {
        if (Groups < 1)
        {
            throw new ParameterException("groups", Groups.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be at least 1");
        }

        if (!(Overlap >= 0 && Overlap < 1))
        {
            throw new ParameterException("overlap", Overlap.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be in [0, 1)");
        }

        return this;
    }
}

/// <summary>
/// Builds the paper's factorized blocks as op sequences, so that the IF engine, the Rule of Kernel Replacement, the
/// decomposer and the TorchSharp builder all use one definition. A block maps C_in to C_out channels; intermediate
/// layers keep C_in channels except where a layer's role is to change them (A's PW). A stride goes on the block's
/// first spatial layer.
/// </summary>
public static class FactorizedBlocks
{
    /// <summary>One line describing <paramref name="block"/>.</summary>
    public static string Describe(FactorizedBlock block) => block switch
    {
        FactorizedBlock.A => "A: PW + DW (Xception)",
        FactorizedBlock.B => "B: DW + PW (MobileNet)",
        FactorizedBlock.C => "C: (GC + interlace + GPW) x 2 (clcNet)",
        FactorizedBlock.D => "D: (GPW + shuffle + DW + GPW) x 2 (ShuffleNet)",
        FactorizedBlock.E => "E: DW + shuffle + GPW",
        FactorizedBlock.F => "F: DW + RPW",
        _ => throw new ArgumentOutOfRangeException(nameof(block), block, null),
    };

    /// <summary>
    /// The ops of <paramref name="block"/> as the paper defines it, from <paramref name="inChannels"/> to
    /// <paramref name="outChannels"/>: one unit for A, B, E and F, two units for C and D (their "x 2").
    /// With <paramref name="normalize"/>, every convolution is followed by batch norm and ReLU, as in MobileNet.
    /// </summary>
    public static ValueList<Op> Build(FactorizedBlock block, int inChannels, int outChannels, BlockSettings? settings = null, int stride = 1, bool normalize = false) =>
        Stack(block, inChannels, outChannels, PaperUnits(block), settings, stride, normalize);

    /// <summary>How many units the paper's definition of <paramref name="block"/> has: 2 for C and D, 1 otherwise.</summary>
    public static int PaperUnits(FactorizedBlock block) => block is FactorizedBlock.C or FactorizedBlock.D ? 2 : 1;

    /// <summary>
    /// <paramref name="units"/> consecutive units of <paramref name="block"/> (its repeated part: PW + DW, DW + PW,
    /// GC + interlace + GPW, GPW + shuffle + DW + GPW, DW + shuffle + GPW, DW + RPW). Intermediate units keep
    /// <paramref name="inChannels"/>; the last maps to <paramref name="outChannels"/>; the first carries the stride.
    /// </summary>
    public static ValueList<Op> Stack(FactorizedBlock block, int inChannels, int outChannels, int units, BlockSettings? settings = null, int stride = 1, bool normalize = false)
    {
        if (units < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(units), units, "a block has at least one unit");
        }

        settings ??= new BlockSettings();
        var ops = new List<Op>();
        for (int u = 0; u < units; u++)
        {
            AddUnit(ops, block, inChannels, u == units - 1 ? outChannels : inChannels, settings, u == 0 ? stride : 1, normalize);
        }

        return ops.ToValueList();
    }

    private static void AddUnit(List<Op> ops, FactorizedBlock block, int inChannels, int outChannels, BlockSettings settings, int stride, bool normalize)
    {
        int g = settings.Groups;
        int k = settings.Kernel;
        int pad = (k - 1) / 2;
        void Conv(Op op)
        {
            ops.Add(op);
            if (normalize)
            {
                ops.Add(Ops.BatchNorm());
                ops.Add(Ops.Relu());
            }
        }

        switch (block)
        {
            case FactorizedBlock.A:
                Conv(Ops.Pointwise(outChannels));
                Conv(Ops.Depthwise(k, stride, pad));
                break;
            case FactorizedBlock.B:
                Conv(Ops.Depthwise(k, stride, pad));
                Conv(Ops.Pointwise(outChannels));
                break;
            case FactorizedBlock.C:
                Conv(Ops.Conv(inChannels, k, stride, pad, groups: g));
                ops.Add(Ops.Interlace(g));
                Conv(Ops.Pointwise(outChannels, groups: g));
                break;
            case FactorizedBlock.D:
                Conv(Ops.Pointwise(inChannels, groups: g));
                ops.Add(Ops.Shuffle(g));
                Conv(Ops.Depthwise(k, stride, pad));
                Conv(Ops.Pointwise(outChannels, groups: g));
                break;
            case FactorizedBlock.E:
                Conv(Ops.Depthwise(k, stride, pad));
                ops.Add(Ops.Shuffle(g));
                Conv(Ops.Pointwise(outChannels, groups: g));
                break;
            case FactorizedBlock.F:
                Conv(Ops.Depthwise(k, stride, pad));
                Conv(Ops.RollingPointwise(outChannels, g, settings.Overlap));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(block), block, null);
        }
    }
}
