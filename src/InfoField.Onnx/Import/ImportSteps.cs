using InfoField.Architecture;

namespace InfoField.Onnx.Import;

/// <summary>What a node of the import graph does: an InfoField op, or a piece of a multi-node pattern that a pass rewrites.</summary>
internal abstract record ImportStep;

/// <summary>An InfoField op, final.</summary>
/// <param name="Op">The op.</param>
internal sealed record OpStep(Op Op) : ImportStep;

/// <summary>
/// A piece of an exporter's multi-node pattern, read as it is and rewritten by a pass (<see cref="Passes.ImportPasses"/>).
/// One that no pass consumed is refused with <see cref="Requirement"/>, naming its node.
/// </summary>
internal abstract record PendingStep : ImportStep
{
    /// <summary>What InfoField reads this node as, for the error when no pass consumed it.</summary>
    public abstract string Requirement { get; }
}

/// <summary>A convolution before it is classified (<see cref="ConvolutionForm.ToOp"/>): Pad folding may still add to its padding, and a Gather before it may make it RPW.</summary>
/// <param name="Form">The convolution's parameters.</param>
internal sealed record ConvStep(ConvolutionForm Form) : PendingStep
{
    /// <inheritdoc />
    public override string Requirement => "is a convolution";
}

/// <summary>Zero padding of the spatial axes, to fold into the Conv or pooling reading it.</summary>
/// <param name="Padding">Padding per axis (both sides).</param>
internal sealed record PadStep(Pair Padding) : PendingStep
{
    /// <inheritdoc />
    public override string Requirement => "InfoField reads Pad only folded into the Conv, MaxPool or AveragePool after it (every node reading the Pad must be one)";
}

/// <summary>A Reshape that is neither a flatten nor a no-op: a view of the channels, read only inside a channel shuffle.</summary>
/// <param name="Dims">The output dims, resolved (batch 1).</param>
internal sealed record ReshapeStep(long[] Dims) : PendingStep
{
    /// <inheritdoc />
    public override string Requirement =>
        $"reshapes to [{string.Join(", ", Dims)}]; InfoField reads Reshape to N x features before the classifier and the reshapes of a channel shuffle (Reshape to N x g x C/g x H x W, Transpose(0, 2, 1, 3, 4), Reshape back; for signals N x g x C/g x L and Transpose(0, 2, 1, 3))";
}

/// <summary>A Transpose, read only inside a channel shuffle.</summary>
/// <param name="Perm">The permutation.</param>
internal sealed record TransposeStep(long[] Perm) : PendingStep
{
    /// <inheritdoc />
    public override string Requirement => "InfoField reads Transpose only inside a channel shuffle (Reshape to N x g x C/g x H x W, Transpose(0, 2, 1, 3, 4), Reshape back; for signals N x g x C/g x L and Transpose(0, 2, 1, 3)) or as the move of the channels last and back";
}

/// <summary>A Gather of channels: with a 1x1 Conv of one group per filter after it, a rolling pointwise convolution.</summary>
/// <param name="Indices">The channel indices, in order.</param>
/// <param name="Hint">The node's doc string (the exporter's <c>overlap=o</c> note).</param>
internal sealed record GatherStep(long[] Indices, string Hint) : PendingStep
{
    /// <inheritdoc />
    public override string Requirement => "InfoField reads Gather only as the channel windows of a rolling pointwise convolution: constant indices on axis 1, read by one 1x1 Conv with one group per filter";
}

/// <summary>An Add of a constant: the bias of the MatMul before it.</summary>
/// <param name="Dims">The constant's dims.</param>
internal sealed record BiasStep(long[] Dims) : PendingStep
{
    /// <inheritdoc />
    public override string Requirement => "adds a constant; InfoField reads Add of two tensors (a residual connection) or the bias after a MatMul";
}

/// <summary>
/// A convolution's parameters as ONNX gives them, before it is named depthwise, pointwise or standard: that is
/// <see cref="Ops.Conv2d"/>'s rule, the one the tracer uses, applied once the padding (Pad nodes folded in) and the
/// input's channels are final.
/// </summary>
internal sealed record ConvolutionForm(int OutChannels, Pair Kernel, Pair Stride, Pair Padding, Pair Dilation, int Groups, bool Bias)
{
    /// <summary>The op this convolution is on an input of <paramref name="inputChannels"/> channels.</summary>
    public Op ToOp(int inputChannels) => Ops.Conv2d(inputChannels, OutChannels, Kernel, Stride, Padding, Dilation, Groups, Bias);
}
