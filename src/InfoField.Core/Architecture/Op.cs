namespace InfoField.Architecture;

/// <summary>
/// One operation of a network. An op records only what it adds (output channels, kernel, groups, ...);
/// its input shape comes from the op before it, so the same op can be placed where the channel count differs.
/// </summary>
public abstract record Op
{
    /// <summary>The op's type name in spec files, e.g. <c>conv</c>, <c>dw</c>, <c>rpw</c>.</summary>
    public abstract string Type { get; }

    /// <summary>
    /// The output shape for <paramref name="input"/>, or the <see cref="Violation"/> naming the field (e.g.
    /// <c>groups</c>) and the rule when the op cannot be applied to that input. This is the op's one shape rule:
    /// <see cref="OutputShape"/> and every validation read it.
    /// </summary>
    public abstract Checked<FeatureShape> TryOutputShape(FeatureShape input);

    /// <summary>
    /// The output shape for <paramref name="input"/>. Throws <see cref="ArchitectureException"/> naming the
    /// field (e.g. <c>groups</c>) when the op cannot be applied to that input (<see cref="TryOutputShape"/> says so without throwing).
    /// </summary>
    public FeatureShape OutputShape(FeatureShape input) => TryOutputShape(input).Value;

    /// <summary>Trainable parameters, batch-norm affine parameters included.</summary>
    public virtual long Parameters(FeatureShape input) => 0;

    /// <summary>Multiply-accumulates of one forward pass on one sample (convolutions and linear layers only).</summary>
    public virtual long Macs(FeatureShape input) => 0;

    /// <summary>Writes the op's fields (all but <c>type</c>) to a spec file; the op's <see cref="Spec.OpKind"/> reads them back.</summary>
    public virtual void Write(Spec.OpWriter writer)
    {
    }

    /// <summary>The violation of <paramref name="rule"/> at <paramref name="field"/> of this op.</summary>
    protected static Violation Broken(string field, string rule) => new(field, rule);
}

/// <summary>
/// An op whose output neurons each read a spatial window of input positions and a set of input channels:
/// everything that can sit inside a stage except merges (<see cref="MergeOp"/>).
/// </summary>
public abstract record LayerOp : Op
{
    /// <summary>The spatial window of one output neuron for <paramref name="input"/>.</summary>
    public abstract SpatialWindow Window(FeatureShape input);

    /// <summary>Which input channels feed each output channel, for <paramref name="inputChannels"/> input channels.</summary>
    public abstract ChannelMap Channels(int inputChannels);
}

/// <summary>An op that keeps channels and resolution and reads one neuron (normalization, activation, dropout).</summary>
public abstract record ElementwiseOp : LayerOp
{
    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input) => input;

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input) => SpatialWindow.Point;

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) => ChannelMap.Identity(inputChannels);
}

/// <summary>Output-size arithmetic and argument checks shared by windowed layers.</summary>
internal static class Windowing
{
    /// <summary>PyTorch's output size of a window sliding over <paramref name="input"/> positions (0 or less: nothing fits).</summary>
    public static int OutputSize(int input, int kernel, int stride, int padding, int dilation, bool ceilMode = false)
    {
        // In 64-bit arithmetic: every operand is at most Limits.MaxExtent, so nothing here can wrap.
        long span = (long)input + (2L * padding) - ((long)dilation * (kernel - 1)) - 1;
        if (span < 0)
        {
            return 0;
        }

        long size = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && (size - 1) * stride >= input + padding)
        {
            size--;
        }

        return (int)Math.Min(size, int.MaxValue);
    }

    /// <summary>Checks kernel, stride, padding and dilation and gives the output resolution, or the violation.</summary>
    public static Violation? TrySlide(FeatureShape input, Pair kernel, Pair stride, Pair padding, Pair dilation, out int height, out int width, bool ceilMode = false)
    {
        height = width = 0;
        Violation? broken = Limits.CheckExtent("kernel", kernel, 1)
            ?? Limits.CheckExtent("stride", stride, 1)
            ?? Limits.CheckExtent("padding", padding, 0)
            ?? Limits.CheckExtent("dilation", dilation, 1);
        if (broken is not null)
        {
            return broken;
        }

        height = OutputSize(input.Height, kernel.H, stride.H, padding.H, dilation.H, ceilMode);
        width = OutputSize(input.Width, kernel.W, stride.W, padding.W, dilation.W, ceilMode);
        if (height > Limits.MaxExtent || width > Limits.MaxExtent)
        {
            return new Violation("padding", $"the output of {height}x{width} positions exceeds the limit of {Limits.MaxExtent} per axis");
        }

        if (height < 1 || width < 1)
        {
            string field = stride.H > 1 || stride.W > 1 ? "stride" : "kernel";
            return new Violation(
                field,
                $"the feature map shrinks to zero: input {input.Resolution} with kernel {kernel}, stride {stride}, padding {padding}, dilation {dilation} leaves no output position (the network downsamples too often for this input size, or the kernel is larger than the padded input)");
        }

        return null;
    }

    /// <summary>The violation when an output channel count is not 1 to <see cref="Limits.MaxChannels"/>, else null.</summary>
    public static Violation? CheckChannels(string field, long channels) => Limits.CheckRange(field, channels, 1, Limits.MaxChannels);

    /// <summary>The sliding windows of a layer with checked kernel, stride, padding and dilation.</summary>
    public static SpatialWindow Sliding(Pair kernel, Pair stride, Pair padding, Pair dilation)
    {
        Violation? broken = CheckExtent(kernel, dilation)
            ?? Limits.CheckExtent("stride", stride, 1)
            ?? Limits.CheckExtent("padding", padding, 0);
        if (broken is not null)
        {
            throw broken.ToException();
        }

        return new(new AxisWindow(kernel.H, stride.H, padding.H, dilation.H), new AxisWindow(kernel.W, stride.W, padding.W, dilation.W));
    }

    /// <summary>The violation of a kernel size or dilation along one axis (1 to the extent limit), else null.</summary>
    public static Violation? CheckExtent(int kernel, int dilation) =>
        Limits.CheckRange("kernel", kernel, 1, Limits.MaxExtent) ?? Limits.CheckRange("dilation", dilation, 1, Limits.MaxExtent);

    /// <summary>The violation of a kernel size or dilation along either axis (height first), else null.</summary>
    public static Violation? CheckExtent(Pair kernel, Pair dilation) => CheckExtent(kernel.H, dilation.H) ?? CheckExtent(kernel.W, dilation.W);

    /// <summary>The violation when <paramref name="groups"/> is out of range or does not divide <paramref name="channels"/>, else null.</summary>
    public static Violation? CheckDivides(int groups, int channels, string which) =>
        Limits.CheckRange("groups", groups, 1, Limits.MaxChannels)
        ?? (channels % groups != 0 ? new Violation("groups", $"{groups} does not divide the {channels} {which} channels") : null);
}
