namespace InfoField.Architecture;

/// <summary>
/// A transposed convolution (PyTorch's <c>ConvTranspose2d</c>, ONNX's ConvTranspose), which raises the resolution: input
/// position j writes output positions <c>j s - p + t d</c> (t = 0 .. k - 1), so an axis of n positions becomes
/// <c>(n - 1) s - 2 p + d (k - 1) + output_padding + 1</c>. Output position o reads every input position j with
/// <c>o = j s - p + t d</c> for some tap (<see cref="AxisRule.Transposed"/>); with a stride larger than the kernel some
/// positions read none (their field is empty: the bias alone). Grouped like a convolution.
/// </summary>
/// <param name="OutChannels">Number of output channels.</param>
/// <param name="Kernel">Kernel size per axis.</param>
/// <param name="Stride">Stride per axis (the up-sampling factor).</param>
/// <param name="Padding">Positions cut from each end of the full output, per axis.</param>
/// <param name="OutputPadding">Positions added at the end of each axis (less than the stride or the dilation), as PyTorch's <c>output_padding</c>.</param>
/// <param name="Dilation">Dilation per axis.</param>
/// <param name="Groups">Number of groups; it divides both channel counts.</param>
/// <param name="Bias">Whether the layer adds a bias per output channel.</param>
public sealed record TransposedConvolution(int OutChannels, Pair Kernel, Pair Stride, Pair Padding, Pair OutputPadding, Pair Dilation, int Groups = 1, bool Bias = false) : LayerOp
{
    /// <inheritdoc />
    public override string Type => "convtranspose";

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
        return this with { OutChannels = channels(OutChannels), Stride = Pair.Square(1), OutputPadding = Pair.Square(0) };
    }

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new(
        "convtranspose",
        ["out", "kernel", "stride", "padding", "outputPadding", "dilation", "groups", "bias"],
        op => new TransposedConvolution(op.Int("out"), op.Pair("kernel"), op.Pair("stride", 1), op.Pair("padding", 0), op.Pair("outputPadding", 0), op.Pair("dilation", 1), op.Int("groups", 1), op.Bool("bias", false)));

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer)
    {
        writer.Int("out", OutChannels);
        writer.Pair("kernel", Kernel);
        writer.Pair("stride", Stride, 1);
        writer.Pair("padding", Padding, 0);
        writer.Pair("outputPadding", OutputPadding, 0);
        writer.Pair("dilation", Dilation, 1);
        writer.Int("groups", Groups, 1);
        writer.Bool("bias", Bias, false);
    }

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input)
    {
        Violation? broken = Windowing.CheckChannels("out", OutChannels)
            ?? Windowing.CheckDivides(Groups, input.Channels, "input")
            ?? Windowing.CheckDivides(Groups, OutChannels, "output")
            ?? WindowRule()
            ?? Limits.CheckExtent("stride", Stride, 1)
            ?? Limits.CheckExtent("padding", Padding, 0)
            ?? Limits.CheckExtent("outputPadding", OutputPadding, 0)
            ?? CheckOutputPadding(OutputPadding.H, Stride.H, Dilation.H)
            ?? CheckOutputPadding(OutputPadding.W, Stride.W, Dilation.W)
            ?? CheckOutputPadding(OutputPadding.D, Stride.DepthOr(1), Dilation.DepthOr(1))
            ?? Windowing.CheckDepth(input, ("kernel", Kernel), ("stride", Stride), ("padding", Padding), ("outputPadding", OutputPadding), ("dilation", Dilation));
        if (broken is not null)
        {
            return broken;
        }

        long height = Length(input.Height, Kernel.H, Stride.H, Padding.H, OutputPadding.H, Dilation.H);
        long width = Length(input.Width, Kernel.W, Stride.W, Padding.W, OutputPadding.W, Dilation.W);
        long depth = input.HasDepth ? Length(input.Depth, Kernel.DepthOr(1), Stride.DepthOr(1), Padding.D, OutputPadding.D, Dilation.DepthOr(1)) : 0;
        string positions = input.HasDepth ? $"{depth}x{height}x{width}" : $"{height}x{width}";
        if (height < 1 || width < 1 || (input.HasDepth && depth < 1))
        {
            return Broken("padding", $"{Padding} cuts the whole output: input {input.Resolution} with kernel {Kernel}, stride {Stride}, dilation {Dilation} gives {positions} positions");
        }

        return height > Limits.MaxExtent || width > Limits.MaxExtent || depth > Limits.MaxExtent
            ? Broken("stride", $"the output of {positions} positions exceeds the limit of {Limits.MaxExtent} per axis")
            : Limits.CheckShape("out", input with { Channels = OutChannels, Height = (int)height, Width = (int)width, Depth = (int)depth });
    }

    /// <inheritdoc />
    public override Violation? WindowRule() => Windowing.CheckExtent(Kernel, Dilation);

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input)
    {
        Violation? broken = WindowRule() ?? Limits.CheckExtent("stride", Stride, 1) ?? Limits.CheckExtent("padding", Padding, 0);
        if (broken is not null)
        {
            throw broken.ToException();
        }

        return new(AxisWindow.Transposed(Kernel.H, Stride.H, Padding.H, Dilation.H), AxisWindow.Transposed(Kernel.W, Stride.W, Padding.W, Dilation.W))
        {
            D = AxisWindow.Transposed(Kernel.DepthOr(1), Stride.DepthOr(1), Padding.D, Dilation.DepthOr(1)),
        };
    }

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) => ChannelMap.Grouped(inputChannels, OutChannels, Groups);

    /// <summary>Weights <c>C_in x C_out/groups x k_h x k_w</c> (x k_d in 3-D), and the bias.</summary>
    public override long Parameters(FeatureShape input) =>
        Limits.Add("parameters", Limits.Count("parameters", input.Channels, OutChannels / Groups, Kernel.Taps), Bias ? OutChannels : 0);

    /// <summary>
    /// Every input neuron multiplies into every tap of its group's filters: <c>h_in w_in C_in (C_out/groups) k_h k_w</c>, as
    /// PyTorch's profilers (fvcore) count a transposed convolution (x d_in k_d in 3-D); taps that land in the cut padding
    /// are counted too.
    /// </summary>
    public override long Macs(FeatureShape input) =>
        Limits.Count("MACs", input.Area, input.Channels, OutChannels / Groups, Kernel.Taps);

    private static long Length(int input, int kernel, int stride, int padding, int outputPadding, int dilation) =>
        ((long)(input - 1) * stride) - (2L * padding) + ((long)dilation * (kernel - 1)) + outputPadding + 1;

    private static Violation? CheckOutputPadding(int outputPadding, int stride, int dilation) =>
        outputPadding < Math.Max(stride, dilation)
            ? null
            : new Violation("outputPadding", $"{outputPadding} must be less than the stride ({stride}) or the dilation ({dilation}), as PyTorch requires");
}
