namespace InfoField.Architecture;

/// <summary>A k x k convolution, standard or grouped (GC): <c>groups</c> must divide both channel counts.</summary>
/// <param name="OutChannels">Number of output channels (filters).</param>
/// <param name="Kernel">Kernel size per axis.</param>
/// <param name="Stride">Stride per axis.</param>
/// <param name="Padding">Zero padding per axis and side.</param>
/// <param name="Dilation">Dilation per axis.</param>
/// <param name="Groups">Number of groups; 1 is a standard convolution.</param>
/// <param name="Bias">Whether the layer adds a bias per output channel.</param>
public sealed record Convolution(int OutChannels, Pair Kernel, Pair Stride, Pair Padding, Pair Dilation, int Groups = 1, bool Bias = false) : LayerOp
{
    /// <inheritdoc />
    public override string Type => "conv";

    /// <inheritdoc />
    public override OpRole Role => OpRole.Kernel;

    /// <inheritdoc />
    public override KernelForm Form => Groups == 1 ? KernelForm.Dense : KernelForm.Grouped;

    /// <inheritdoc />
    public override Pair SpatialPadding => Padding;

    /// <inheritdoc />
    public override Op Rescaled(Func<int, int> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return this with { OutChannels = channels(OutChannels), Stride = Pair.Square(1) };
    }

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new(
        "conv",
        ["out", "kernel", "stride", "padding", "dilation", "groups", "bias"],
        op => new Convolution(op.Int("out"), op.Pair("kernel"), op.Pair("stride", 1), op.Pair("padding", 0), op.Pair("dilation", 1), op.Int("groups", 1), op.Bool("bias", false)));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer)
    {
        writer.Int("out", OutChannels);
        writer.Pair("kernel", Kernel);
        writer.Window(Stride, Padding, Dilation);
        writer.Int("groups", Groups, 1);
        writer.Bool("bias", Bias, false);
    }

    /// <summary>True for a standard convolution: one group and a spatial kernel larger than 1x1.</summary>
    public bool IsStandard => Groups == 1 && (Kernel.H > 1 || Kernel.W > 1);

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Windowing.CheckChannels("out", OutChannels)
        ?? Windowing.CheckDivides(Groups, input.Channels, "input")
        ?? Windowing.CheckDivides(Groups, OutChannels, "output")
        ?? Windowing.TrySlide(input, Kernel, Stride, Padding, Dilation, out FeatureShape output)
        ?? Limits.CheckShape("out", output.WithChannels(OutChannels));

    /// <inheritdoc />
    public override Violation? WindowRule() => Windowing.CheckExtent(Kernel, Dilation);

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input) => Windowing.Sliding(Kernel, Stride, Padding, Dilation);

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) => ChannelMap.Grouped(inputChannels, OutChannels, Groups);

    /// <inheritdoc />
    public override long Parameters(FeatureShape input) =>
        Limits.Add("parameters", Limits.Count("parameters", OutChannels, input.Channels / Groups, Kernel.Taps), Bias ? OutChannels : 0);

    /// <inheritdoc />
    public override long Macs(FeatureShape input) =>
        Limits.Count("MACs", OutputShape(input).Area, OutChannels, input.Channels / Groups, Kernel.Taps);
}

/// <summary>
/// A depthwise convolution (DW): each input channel is filtered on its own by <c>Multiplier</c> k x k filters,
/// so it adapts to whatever channel count it receives.
/// </summary>
/// <param name="Kernel">Kernel size per axis.</param>
/// <param name="Stride">Stride per axis.</param>
/// <param name="Padding">Zero padding per axis and side.</param>
/// <param name="Dilation">Dilation per axis.</param>
/// <param name="Multiplier">Output channels per input channel.</param>
/// <param name="Bias">Whether the layer adds a bias per output channel.</param>
public sealed record DepthwiseConvolution(Pair Kernel, Pair Stride, Pair Padding, Pair Dilation, int Multiplier = 1, bool Bias = false) : LayerOp
{
    /// <inheritdoc />
    public override string Type => "dw";

    /// <inheritdoc />
    public override OpRole Role => OpRole.Kernel;

    /// <inheritdoc />
    public override KernelForm Form => KernelForm.Depthwise;

    /// <inheritdoc />
    public override Pair SpatialPadding => Padding;

    /// <inheritdoc />
    public override Op Rescaled(Func<int, int> channels) => this with { Stride = Pair.Square(1) };

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new(
        "dw",
        ["kernel", "stride", "padding", "dilation", "multiplier", "bias"],
        op => new DepthwiseConvolution(op.Pair("kernel"), op.Pair("stride", 1), op.Pair("padding", 0), op.Pair("dilation", 1), op.Int("multiplier", 1), op.Bool("bias", false)));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer)
    {
        writer.Pair("kernel", Kernel);
        writer.Window(Stride, Padding, Dilation);
        writer.Int("multiplier", Multiplier, 1);
        writer.Bool("bias", Bias, false);
    }

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Limits.CheckRange("multiplier", Multiplier, 1, Limits.MaxChannels)
        ?? Windowing.CheckChannels("multiplier", (long)input.Channels * Multiplier)
        ?? Windowing.TrySlide(input, Kernel, Stride, Padding, Dilation, out FeatureShape output)
        ?? Limits.CheckShape("multiplier", output.WithChannels(input.Channels * Multiplier));

    /// <inheritdoc />
    public override Violation? WindowRule() => Windowing.CheckExtent(Kernel, Dilation);

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input) => Windowing.Sliding(Kernel, Stride, Padding, Dilation);

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) =>
        Multiplier == 1
            ? ChannelMap.Identity(inputChannels)
            : ChannelMap.Gather(inputChannels, Enumerable.Range(0, inputChannels * Multiplier).Select(o => o / Multiplier).ToArray());

    /// <inheritdoc />
    public override long Parameters(FeatureShape input) =>
        Limits.Add("parameters", Limits.Count("parameters", input.Channels, Multiplier, Kernel.Taps), Bias ? (long)input.Channels * Multiplier : 0);

    /// <inheritdoc />
    public override long Macs(FeatureShape input) =>
        Limits.Count("MACs", OutputShape(input).Area, input.Channels, Multiplier, Kernel.Taps);
}

/// <summary>
/// A pointwise (1x1) convolution: PW with one group, grouped pointwise (GPW) with more.
/// A stride makes it the projection of a residual shortcut.
/// </summary>
/// <param name="OutChannels">Number of output channels.</param>
/// <param name="Groups">Number of groups; must divide both channel counts.</param>
/// <param name="Stride">Stride per axis.</param>
/// <param name="Bias">Whether the layer adds a bias per output channel.</param>
public sealed record PointwiseConvolution(int OutChannels, int Groups, Pair Stride, bool Bias = false) : LayerOp
{
    /// <summary>A stride-1 pointwise convolution.</summary>
    public PointwiseConvolution(int outChannels, int groups = 1, bool bias = false)
        : this(outChannels, groups, Pair.Square(1), bias)
    {
    }

    /// <inheritdoc />
    public override string Type => Groups == 1 ? "pw" : "gpw";

    /// <inheritdoc />
    public override OpRole Role => OpRole.Kernel;

    /// <inheritdoc />
    public override KernelForm Form => Groups == 1 ? KernelForm.Pointwise : KernelForm.GroupedPointwise;

    /// <inheritdoc />
    public override Op Rescaled(Func<int, int> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return this with { OutChannels = channels(OutChannels), Stride = Pair.Square(1) };
    }

    /// <summary>The spec-file kind <c>pw</c>.</summary>
    public static Spec.OpKind PointwiseKind { get; } = new("pw", ["out", "groups", "stride", "bias"], Read);

    /// <summary>The spec-file kind <c>gpw</c> (the same op; the name says groups are expected).</summary>
    public static Spec.OpKind GroupedKind { get; } = new("gpw", ["out", "groups", "stride", "bias"], Read);

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer)
    {
        writer.Int("out", OutChannels);
        writer.Int("groups", Groups, 1);
        writer.Pair("stride", Stride, 1);
        writer.Bool("bias", Bias, false);
    }

    private static PointwiseConvolution Read(Spec.OpReader op) =>
        new(op.Int("out"), op.Int("groups", 1), op.Pair("stride", 1), op.Bool("bias", false));

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Windowing.CheckChannels("out", OutChannels)
        ?? Windowing.CheckDivides(Groups, input.Channels, "input")
        ?? Windowing.CheckDivides(Groups, OutChannels, "output")
        ?? Windowing.TrySlide(input, Pair.Square(1), Stride, Pair.Square(0), Pair.Square(1), out FeatureShape output)
        ?? Limits.CheckShape("out", output.WithChannels(OutChannels));

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input) => Windowing.Sliding(1, Stride, 0, 1);

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) => ChannelMap.Grouped(inputChannels, OutChannels, Groups);

    /// <inheritdoc />
    public override long Parameters(FeatureShape input) =>
        Limits.Add("parameters", Limits.Count("parameters", OutChannels, input.Channels / Groups), Bias ? OutChannels : 0);

    /// <inheritdoc />
    public override long Macs(FeatureShape input) => Limits.Count("MACs", OutputShape(input).Area, OutChannels, input.Channels / Groups);
}

/// <summary>
/// The paper's Rolling Pointwise Convolution, RPW(C_in, C_out, g, o): output filter c reads the
/// <c>w = C_in / g</c> consecutive input channels starting at <c>floor(c (1 - o) w) mod C_in</c>, wrapping around,
/// so adjacent filters overlap by the fraction <c>o</c>. Parameters and MACs equal those of GPW with g groups.
/// </summary>
/// <param name="OutChannels">Number of output channels (filters).</param>
/// <param name="Groups">g: each filter reads 1/g of the input channels; must divide C_in.</param>
/// <param name="Overlap">o in [0, 1): the fraction of its window a filter shares with the next one.</param>
/// <param name="Bias">Whether the layer adds a bias per output channel.</param>
public sealed record RollingPointwiseConvolution(int OutChannels, int Groups, double Overlap, bool Bias = false) : LayerOp
{
    /// <inheritdoc />
    public override string Type => "rpw";

    /// <inheritdoc />
    public override OpRole Role => OpRole.Kernel;

    /// <inheritdoc />
    public override KernelForm Form => KernelForm.RollingPointwise;

    /// <inheritdoc />
    public override Op Rescaled(Func<int, int> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return this with { OutChannels = channels(OutChannels) };
    }

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new(
        "rpw",
        ["out", "groups", "overlap", "bias"],
        op => new RollingPointwiseConvolution(op.Int("out"), op.Int("groups"), op.ExactDouble("overlap"), op.Bool("bias", false)));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer)
    {
        writer.Int("out", OutChannels);
        writer.Int("groups", Groups);
        writer.Double("overlap", Overlap);
        writer.Bool("bias", Bias, false);
    }

    /// <summary>Input channels each filter reads, C_in / g.</summary>
    public int WindowWidth(int inputChannels) => inputChannels / Groups;

    /// <summary>The first input channel of every filter's window, for <paramref name="inputChannels"/> input channels.</summary>
    public int[] WindowStarts(int inputChannels) => RollingWindows.Starts(inputChannels, OutChannels, Groups, Overlap);

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Windowing.CheckChannels("out", OutChannels)
        ?? Windowing.CheckDivides(Groups, input.Channels, "input")
        ?? (Overlap >= 0 && Overlap < 1 ? null : Broken("overlap", $"{Overlap} is outside [0, 1): adjacent filters share a fraction o of their window, 0 <= o < 1"))
        ?? (RollingWindows.IsExact(Overlap) ? null : Broken("overlap", $"{Overlap.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} cannot be used exactly: window starts are computed in decimal arithmetic, which keeps 28 decimal places, and it has more; use 0 or a value with fewer decimal places"))
        ?? Limits.CheckShape("out", input.WithChannels(OutChannels));

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input) => SpatialWindow.Point;

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) =>
        ChannelMap.Windows(inputChannels, WindowStarts(inputChannels), WindowWidth(inputChannels));

    /// <inheritdoc />
    public override long Parameters(FeatureShape input) =>
        Limits.Add("parameters", Limits.Count("parameters", OutChannels, WindowWidth(input.Channels)), Bias ? OutChannels : 0);

    /// <inheritdoc />
    public override long Macs(FeatureShape input) => Limits.Count("MACs", input.Area, OutChannels, WindowWidth(input.Channels));
}

/// <summary>The window arithmetic of <see cref="RollingPointwiseConvolution"/>, shared by every implementation.</summary>
public static class RollingWindows
{
    /// <summary>
    /// <c>floor(c (1 - o) w) mod C_in</c> for every filter c, computed in decimal arithmetic so that
    /// overlaps such as 0.33 give the same windows on every machine and in every implementation.
    /// </summary>
    public static int[] Starts(int inputChannels, int outputChannels, int groups, double overlap)
    {
        int width = inputChannels / groups;
        decimal step = (1m - ExactDecimal(overlap)) * width;
        var starts = new int[outputChannels];
        for (int c = 0; c < outputChannels; c++)
        {
            starts[c] = (int)(decimal.Floor(c * step) % inputChannels);
        }

        return starts;
    }

    /// <summary>
    /// <paramref name="value"/> as the decimal it was written as: the shortest text that reads back as the same
    /// double (up to 17 significant digits). A plain <c>(decimal)</c> cast keeps only 15 and would move window starts
    /// for overlaps such as 0.6666666666666666.
    /// </summary>
    public static decimal ExactDecimal(double value) =>
        decimal.Parse(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether <paramref name="value"/> survives <see cref="ExactDecimal"/>: false for a value such as 1e-30 whose digits
    /// lie beyond the 28 decimal places a decimal keeps (it would be used as 0, or rounded).
    /// </summary>
    public static bool IsExact(double value) =>
        double.IsFinite(value) && Math.Abs(value) < 7.9e28
        && double.Parse(ExactDecimal(value).ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture) == value;
}
