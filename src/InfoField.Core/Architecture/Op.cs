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

    /// <summary>
    /// What the op is to the rules that cut a network into units, stages and head and that validate it
    /// (<see cref="OpRole"/>): the grouping of <see cref="GraphStructure"/> and of the tracer, the stage entry and head
    /// rules of <see cref="Network"/>, and the kernels that the Rule of Kernel Replacement counts all ask this.
    /// </summary>
    public virtual OpRole Role => OpRole.Layer;

    /// <summary>For a kernel (<see cref="OpRole.Kernel"/>), which form of convolution it is; <see cref="KernelForm.None"/> otherwise.</summary>
    public virtual KernelForm Form => KernelForm.None;

    /// <summary>
    /// True for an op that also works on a batch of vectors, so it may follow a flatten or linear layer (head ops,
    /// activations, dropout); an op that needs a feature map may not.
    /// </summary>
    public virtual bool ReadsVectors => false;

    /// <summary>
    /// This op re-created at another width, as the organizer repeats a unit in a wider or narrower stage: every channel
    /// count the op states mapped by <paramref name="channels"/> and every stride set to 1 (so the unit keeps its new
    /// stage's resolution). An op that states no channel count and no stride (batch norm, activations, a depthwise
    /// convolution's multiplier, a channel split) returns itself.
    /// </summary>
    /// <param name="channels">Maps a channel count (or channel index) the op states to the count at the new width.</param>
    public virtual Op Rescaled(Func<int, int> channels) => this;

    /// <summary>Trainable parameters, batch-norm affine parameters included.</summary>
    public virtual long Parameters(FeatureShape input) => 0;

    /// <summary>Multiply-accumulates of one forward pass on one sample (convolutions and linear layers only).</summary>
    public virtual long Macs(FeatureShape input) => 0;

    /// <summary>Writes the op's fields (all but <c>type</c>) to a spec file; the op's <see cref="Spec.OpKind"/> reads them back.</summary>
    public virtual void Write(Spec.OpWriter writer)
    {
    }

    /// <summary>This op as a layer, or null: a virtual call where a type test walks the op's base types (asked of every op an analysis meets).</summary>
    internal virtual LayerOp? AsLayer => null;

    /// <summary>This op as a merge, or null (<see cref="AsLayer"/>).</summary>
    internal virtual MergeOp? AsMerge => null;

    /// <summary>The violation of <paramref name="rule"/> at <paramref name="field"/> of this op.</summary>
    protected static Violation Broken(string field, string rule) => new(field, rule);
}

/// <summary>
/// An op whose output neurons each read a spatial window of input positions and a set of input channels:
/// everything that can sit inside a stage except merges (<see cref="MergeOp"/>).
/// </summary>
public abstract record LayerOp : Op
{
    /// <inheritdoc />
    internal sealed override LayerOp? AsLayer => this;

    /// <summary>The spatial window of one output neuron for <paramref name="input"/>.</summary>
    public abstract SpatialWindow Window(FeatureShape input);

    /// <summary>Which input channels feed each output channel, for <paramref name="inputChannels"/> input channels.</summary>
    public abstract ChannelMap Channels(int inputChannels);

    /// <summary>The zero padding the op adds on each side of its input, per axis (none for ops without a window).</summary>
    public virtual Pair SpatialPadding => Pair.Square(0);

    /// <summary>
    /// The rule <see cref="Window"/> checks before the window can be computed (a kernel's extent, an adaptive pooling's
    /// output), or null: a rule that reads the window (a 1-D network's) asks this first, so that the field it names is
    /// the one the op's own shape rule would name.
    /// </summary>
    public virtual Violation? WindowRule() => null;
}

/// <summary>What an op is to the rules that group a network's ops into units, stages and head (<see cref="Op.Role"/>).</summary>
public enum OpRole
{
    /// <summary>Computes on each position without a window of its own: joins the unit of the kernel before it (normalization, activations, dropout).</summary>
    Layer,

    /// <summary>
    /// A convolution of any form (<see cref="KernelForm"/>): it starts a unit (but see <see cref="GraphStructure.JoinsUnit"/>),
    /// and the kernels are what the Rule of Kernel Replacement counts and removes.
    /// </summary>
    Kernel,

    /// <summary>Moves or selects channels without computing (shuffle, interlace, slice, split): joins the unit before it.</summary>
    Routing,

    /// <summary>Pooling: where it changes the resolution it opens a stage, as the stage's entry.</summary>
    Pooling,

    /// <summary>Belongs in the classifier head (flatten, linear, softmax): the head starts at the first such op, and after it the tensor is a vector.</summary>
    Head,

    /// <summary>Joins two or more tensors (<see cref="MergeOp"/>).</summary>
    Merge,
}

/// <summary>The form of a convolution (<see cref="Op.Form"/>), by the channels and the window each filter reads.</summary>
public enum KernelForm
{
    /// <summary>Not a kernel.</summary>
    None,

    /// <summary>A k x k convolution with one group: every filter reads every input channel.</summary>
    Dense,

    /// <summary>A k x k convolution with several groups (GC).</summary>
    Grouped,

    /// <summary>A depthwise convolution (DW): each filter reads one channel.</summary>
    Depthwise,

    /// <summary>A 1x1 convolution with one group (PW).</summary>
    Pointwise,

    /// <summary>A 1x1 convolution with several groups (GPW).</summary>
    GroupedPointwise,

    /// <summary>The paper's rolling pointwise convolution (RPW): each filter reads a window of consecutive channels.</summary>
    RollingPointwise,
}

/// <summary>Questions about <see cref="KernelForm"/> that grouping rules and reports ask.</summary>
public static class KernelForms
{
    /// <summary>True for the 1x1 forms: PW, GPW and RPW.</summary>
    public static bool IsPointwise(this KernelForm form) => form is KernelForm.Pointwise or KernelForm.GroupedPointwise or KernelForm.RollingPointwise;

    /// <summary>True for the forms in which every filter reads every input channel (a standard convolution, PW).</summary>
    public static bool IsDense(this KernelForm form) => form is KernelForm.Dense or KernelForm.Pointwise;

    /// <summary>True for the factorized forms, whose filters read part of the input channels (GC, DW, GPW, RPW).</summary>
    public static bool IsFactorized(this KernelForm form) => form is KernelForm.Grouped or KernelForm.Depthwise or KernelForm.GroupedPointwise or KernelForm.RollingPointwise;
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

    /// <summary>
    /// Checks kernel, stride, padding and dilation and gives the output resolution (<paramref name="input"/>'s channels),
    /// or the violation. Along a depth axis a pair without a depth part is the identity; a depth part needs an input with a
    /// depth axis.
    /// </summary>
    public static Violation? TrySlide(FeatureShape input, Pair kernel, Pair stride, Pair padding, Pair dilation, out FeatureShape output, bool ceilMode = false)
    {
        output = default;
        Violation? broken = Limits.CheckExtent("kernel", kernel, 1)
            ?? Limits.CheckExtent("stride", stride, 1)
            ?? Limits.CheckExtent("padding", padding, 0)
            ?? Limits.CheckExtent("dilation", dilation, 1)
            ?? CheckDepth(input, ("kernel", kernel), ("stride", stride), ("padding", padding), ("dilation", dilation));
        if (broken is not null)
        {
            return broken;
        }

        int height = OutputSize(input.Height, kernel.H, stride.H, padding.H, dilation.H, ceilMode);
        int width = OutputSize(input.Width, kernel.W, stride.W, padding.W, dilation.W, ceilMode);
        int depth = input.HasDepth ? OutputSize(input.Depth, kernel.DepthOr(1), stride.DepthOr(1), padding.D, dilation.DepthOr(1), ceilMode) : 0;
        output = input with { Height = height, Width = width, Depth = depth };
        if (height > Limits.MaxExtent || width > Limits.MaxExtent || depth > Limits.MaxExtent)
        {
            return new Violation("padding", $"the output of {output.Resolution} positions exceeds the limit of {Limits.MaxExtent} per axis");
        }

        if (height < 1 || width < 1 || (input.HasDepth && depth < 1))
        {
            string field = stride.H > 1 || stride.W > 1 || stride.D > 1 ? "stride" : "kernel";
            return new Violation(
                field,
                $"the feature map shrinks to zero: input {input.Resolution} with kernel {kernel}, stride {stride}, padding {padding}, dilation {dilation} leaves no output position (the network downsamples too often for this input size, or the kernel is larger than the padded input)");
        }

        return null;
    }

    /// <summary>The violation when a field has a depth part but <paramref name="input"/> has no depth axis, else null.</summary>
    public static Violation? CheckDepth(FeatureShape input, params ReadOnlySpan<(string Field, Pair Value)> fields)
    {
        if (input.HasDepth)
        {
            return null;
        }

        foreach ((string field, Pair value) in fields)
        {
            if (value.HasDepth)
            {
                return new Violation(field, $"{value} has a depth part (depth x height x width) but the input {input} has no depth axis: 3-D windows need a 3-D network");
            }
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

        return new(new AxisWindow(kernel.H, stride.H, padding.H, dilation.H), new AxisWindow(kernel.W, stride.W, padding.W, dilation.W))
        {
            D = new AxisWindow(kernel.DepthOr(1), stride.DepthOr(1), padding.D, dilation.DepthOr(1)),
        };
    }

    /// <summary>The violation of a kernel size or dilation along one axis (1 to the extent limit), else null.</summary>
    public static Violation? CheckExtent(int kernel, int dilation) =>
        Limits.CheckRange("kernel", kernel, 1, Limits.MaxExtent) ?? Limits.CheckRange("dilation", dilation, 1, Limits.MaxExtent);

    /// <summary>The violation of a kernel size or dilation along any axis (height first, depth last), else null.</summary>
    public static Violation? CheckExtent(Pair kernel, Pair dilation) =>
        CheckExtent(kernel.H, dilation.H) ?? CheckExtent(kernel.W, dilation.W)
        ?? (kernel.HasDepth || dilation.HasDepth ? CheckExtent(kernel.DepthOr(1), dilation.DepthOr(1)) : null);

    /// <summary>The violation when <paramref name="groups"/> is out of range or does not divide <paramref name="channels"/>, else null.</summary>
    public static Violation? CheckDivides(int groups, int channels, string which) =>
        Limits.CheckRange("groups", groups, 1, Limits.MaxChannels)
        ?? (channels % groups != 0 ? new Violation("groups", $"{groups} does not divide the {channels} {which} channels") : null);
}
