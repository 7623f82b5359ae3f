namespace InfoField.Architecture;

/// <summary>The reduction a pooling layer applies.</summary>
public enum PoolKind
{
    /// <summary>Maximum over the window.</summary>
    Max,

    /// <summary>Mean over the window.</summary>
    Average,
}

/// <summary>Max or average pooling over k x k windows. Per channel: it mixes no channels.</summary>
/// <param name="Kind">Max or average.</param>
/// <param name="Kernel">Window size per axis.</param>
/// <param name="Stride">Stride per axis (PyTorch's default is the kernel size).</param>
/// <param name="Padding">Padding per axis and side.</param>
/// <param name="CeilMode">Round the output size up, as PyTorch's <c>ceil_mode</c>.</param>
public sealed record Pooling(PoolKind Kind, Pair Kernel, Pair Stride, Pair Padding, bool CeilMode = false) : LayerOp
{
    /// <inheritdoc />
    public override string Type => Kind == PoolKind.Max ? "maxpool" : "avgpool";

    /// <inheritdoc />
    public override OpRole Role => OpRole.Pooling;

    /// <inheritdoc />
    public override Pair SpatialPadding => Padding;

    /// <inheritdoc />
    public override Op Rescaled(Func<int, int> channels) => this with { Stride = Pair.Square(1) };

    /// <summary>The spec-file kind <c>maxpool</c>.</summary>
    public static Spec.OpKind MaxKind { get; } = new("maxpool", ["kernel", "stride", "padding", "ceil"], op => Read(op, PoolKind.Max));

    /// <summary>The spec-file kind <c>avgpool</c>.</summary>
    public static Spec.OpKind AverageKind { get; } = new("avgpool", ["kernel", "stride", "padding", "ceil"], op => Read(op, PoolKind.Average));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer)
    {
        writer.Pair("kernel", Kernel);
        if (Stride != Kernel)
        {
            writer.Pair("stride", Stride);
        }

        writer.Pair("padding", Padding, 0);
        writer.Bool("ceil", CeilMode, false);
    }

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input)
    {
        if (Windowing.TrySlide(input, Kernel, Stride, Padding, Pair.Square(1), out FeatureShape output, CeilMode) is { } broken)
        {
            return broken;
        }

        return 2L * Padding.H > Kernel.H || 2L * Padding.W > Kernel.W || 2L * Padding.D > Kernel.DepthOr(1)
            ? Broken("padding", $"{Padding} is more than half the kernel {Kernel}; pooling pads at most half its window on each side")
            : output;
    }

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input) => Windowing.Sliding(Kernel, Stride, Padding, 1);

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) => ChannelMap.Identity(inputChannels);

    private static Pooling Read(Spec.OpReader op, PoolKind kind)
    {
        Pair kernel = op.Pair("kernel");
        return new Pooling(kind, kernel, op.Has("stride") ? op.Pair("stride") : kernel, op.Pair("padding", 0), op.Bool("ceil", false));
    }
}

/// <summary>
/// Adaptive pooling to a fixed output size, as PyTorch's <c>AdaptiveAvgPool2d</c> (<c>AdaptiveAvgPool3d</c> with a depth
/// part; without one a 3-D network's depth is kept); an output of 1x1 is global pooling, over the depth too.
/// Output position i reads input positions <c>floor(i n / m)</c> to <c>ceil((i + 1) n / m) - 1</c> along each axis.
/// </summary>
/// <param name="Kind">Max or average.</param>
/// <param name="Output">Output size per axis.</param>
public sealed record AdaptivePooling(PoolKind Kind, Pair Output) : LayerOp
{
    /// <summary>True for global pooling (1x1 output; in a 3-D network it pools the depth too).</summary>
    public bool IsGlobal => Output.H == 1 && Output.W == 1 && Output.D <= 1;

    /// <inheritdoc />
    public override OpRole Role => OpRole.Pooling;

    /// <inheritdoc />
    public override string Type => (Kind, IsGlobal) switch
    {
        (PoolKind.Max, true) => "globalmaxpool",
        (PoolKind.Max, false) => "adaptivemaxpool",
        (_, true) => "globalavgpool",
        _ => "adaptiveavgpool",
    };

    /// <summary>The spec-file kinds: global and adaptive, max and average.</summary>
    public static IReadOnlyList<Spec.OpKind> Kinds { get; } =
    [
        new("globalavgpool", [], _ => new AdaptivePooling(PoolKind.Average, 1)),
        new("globalmaxpool", [], _ => new AdaptivePooling(PoolKind.Max, 1)),
        new("adaptiveavgpool", ["output"], op => new AdaptivePooling(PoolKind.Average, op.Pair("output", null, rank: Math.Max(op.Rank, 2)))),
        new("adaptivemaxpool", ["output"], op => new AdaptivePooling(PoolKind.Max, op.Pair("output", null, rank: Math.Max(op.Rank, 2)))),
    ];

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer)
    {
        if (!IsGlobal)
        {
            writer.Pair("output", Output, null, rank: Math.Max(writer.Rank, 2));
        }
    }

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) =>
        Limits.CheckExtent("output", Output, 1)
        ?? Windowing.CheckDepth(input, ("output", Output))
        ?? Limits.CheckShape("output", input with { Height = Output.H, Width = Output.W, Depth = OutputDepth(input) });

    /// <inheritdoc />
    public override Violation? WindowRule() => Limits.CheckExtent("output", Output, 1);

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input)
    {
        Limits.RequireExtent("output", Output, 1);
        return new(Axis(input.Height, Output.H), Axis(input.Width, Output.W)) { Global = IsGlobal, D = Axis(input.Depth, OutputDepth(input)) };
    }

    /// <summary>The output's depth: 0 without a depth axis; 1 for global pooling; else the output's depth part, or the input's depth when it has none.</summary>
    private int OutputDepth(FeatureShape input) => !input.HasDepth ? 0 : IsGlobal ? 1 : Output.DepthOr(input.Depth);

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) => ChannelMap.Identity(inputChannels);

    /// <summary>Adaptive windows, or one position each when the axis keeps its size (a 1-D signal's height).</summary>
    private static AxisWindow Axis(int input, int output) => input == output ? AxisWindow.Point : AxisWindow.Adaptive;
}
