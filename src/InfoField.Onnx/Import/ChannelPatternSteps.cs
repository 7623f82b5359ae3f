namespace InfoField.Onnx.Import;

/// <summary>
/// A value a node reads, as the channel patterns see it (<see cref="Readers.ChannelsLast"/>): the feature map
/// <paramref name="Tensor"/>, or that map with its channels moved last (the view a Transpose made).
/// </summary>
/// <param name="Raw">The tensor the node read (the view itself, for a channels-last value).</param>
/// <param name="Tensor">The feature map behind it.</param>
/// <param name="ChannelsLast">True when the channels are the last axis.</param>
/// <param name="Rank">The value's number of dims in ONNX (2 for a vector of features).</param>
internal readonly record struct ChannelLayout(int Raw, int Tensor, bool ChannelsLast, int Rank)
{
    /// <summary>The channel axis, counted from 0.</summary>
    public int ChannelAxis => ChannelsLast ? Rank - 1 : 1;
}

/// <summary>A feature map with its channels moved last (Transpose to N x H x W x C), a view read only by the channel patterns.</summary>
internal sealed record ChannelsLastStep : PendingStep
{
    /// <inheritdoc />
    public override string Requirement =>
        "moves the channels last; InfoField reads a channels-last tensor only through a layer norm over the last axis, MatMul by a C x C' weight (a 1x1 convolution) with its bias, GELU, Mul by a per-channel scale, and the Transpose that moves the channels back";
}

/// <summary>A piece of a layer norm over the channels written as arithmetic, <see cref="Readers.LayerNormPattern"/>'s.</summary>
/// <param name="X">The value normalized.</param>
internal abstract record LayerNormPiece(ChannelLayout X) : PendingStep
{
    /// <inheritdoc />
    public override string Requirement =>
        "is a piece of a layer norm over the channels written as arithmetic; InfoField reads it only inside the whole pattern: ReduceMean over the channel axis, Sub of it, Pow 2, ReduceMean, Add epsilon, Sqrt, Div, Mul by a per-channel scale, Add a per-channel shift";
}

/// <summary>The mean over the channels of <see cref="LayerNormPiece.X"/>.</summary>
internal sealed record ChannelMeanStep(ChannelLayout X) : LayerNormPiece(X);

/// <summary>x less its mean.</summary>
internal sealed record CenteredStep(ChannelLayout X) : LayerNormPiece(X);

/// <summary>The square of the centered value (tensor <paramref name="Centered"/>).</summary>
internal sealed record SquaredStep(ChannelLayout X, int Centered) : LayerNormPiece(X);

/// <summary>The variance over the channels.</summary>
internal sealed record VarianceStep(ChannelLayout X, int Centered) : LayerNormPiece(X);

/// <summary>The variance plus epsilon.</summary>
internal sealed record VarianceEpsStep(ChannelLayout X, int Centered, double Eps) : LayerNormPiece(X);

/// <summary>The standard deviation, sqrt(variance + epsilon).</summary>
internal sealed record DeviationStep(ChannelLayout X, int Centered, double Eps) : LayerNormPiece(X);

/// <summary>The centered value over its deviation: a layer norm before its scale and shift.</summary>
internal sealed record NormalizedStep(ChannelLayout X, double Eps) : LayerNormPiece(X)
{
    /// <inheritdoc />
    public override string Requirement => "normalizes over the channels without a learned scale and shift; InfoField reads a layer norm whose Div is followed by Mul by a per-channel scale and Add a per-channel shift";
}

/// <summary>The normalized value times the per-channel scale.</summary>
internal sealed record ScaledNormStep(ChannelLayout X, double Eps) : LayerNormPiece(X)
{
    /// <inheritdoc />
    public override string Requirement => "scales a layer norm without a shift; InfoField reads a layer norm whose scale (Mul) is followed by Add a per-channel shift";
}

/// <summary>A piece of GELU written as arithmetic (x / sqrt(2), Erf, Add 1, Mul by x, Mul by 0.5), <see cref="Readers.GeluPattern"/>'s.</summary>
/// <param name="X">The value GELU is applied to.</param>
internal abstract record GeluPiece(ChannelLayout X) : PendingStep
{
    /// <inheritdoc />
    public override string Requirement =>
        "is a piece of GELU written as arithmetic; InfoField reads it only inside the whole pattern: x / sqrt(2), Erf, Add 1, Mul by x, Mul by 0.5";
}

/// <summary>x / sqrt(2).</summary>
internal sealed record GeluScaledStep(ChannelLayout X) : GeluPiece(X);

/// <summary>erf(x / sqrt(2)).</summary>
internal sealed record GeluErfStep(ChannelLayout X) : GeluPiece(X);

/// <summary>1 + erf(x / sqrt(2)).</summary>
internal sealed record GeluOnePlusStep(ChannelLayout X) : GeluPiece(X);

/// <summary>x (1 + erf(x / sqrt(2))).</summary>
internal sealed record GeluProductStep(ChannelLayout X) : GeluPiece(X);
