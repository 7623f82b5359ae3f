using System.Globalization;
using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Readers;

/// <summary>
/// Layer norm over the channels as exporters write it before opset 17 (and as hand-written ConvNeXt code computes it):
/// u = ReduceMean(x) over the channel axis, d = Sub(x, u), v = ReduceMean(Pow(d, 2)), s = Sqrt(Add(v, epsilon)),
/// Div(d, s), Mul by a per-channel scale, Add a per-channel shift; on a feature map (channel axis 1), a channels-last
/// view (the last axis) or a vector. Each node is read as its piece (<see cref="LayerNormPiece"/>) after checking that
/// it reads the pieces before it and every constant (the axes, keepdims, the exponent 2, a positive epsilon, one
/// value per channel); the last Add is <see cref="LayerNorm"/>. A piece read by anything else, or a pattern left
/// unfinished, is refused naming its node.
/// </summary>
internal static class LayerNormPattern
{
    /// <summary>ReduceMean over the channel axis: the mean or the variance; false for any other axes.</summary>
    public static bool ReduceMean(OnnxNodeContext node, long[]? axes)
    {
        if (Piece(node, 0) is SquaredStep squared)
        {
            if (axes is not [long last] || !ChannelsLast.IsChannelAxis(squared.X, last) || node.Int("keepdims", 1) != 1)
            {
                throw node.Fail($"reduces over axes [{string.Join(", ", axes ?? [])}]; a layer norm takes the mean of the squares over the channel axis ({squared.X.ChannelAxis}), keeping the dims");
            }

            Add(node, new VarianceStep(squared.X, squared.Centered), squared.X, channels: 1);
            return true;
        }

        if (axes is not [long axis] || ChannelsLast.Read(node, 0) is not { } x || !ChannelsLast.IsChannelAxis(x, axis))
        {
            return false;
        }

        if (node.Int("keepdims", 1) != 1)
        {
            throw node.Fail("takes the mean over the channels without keepdims; InfoField reads it only inside a layer norm, which keeps the dims");
        }

        Add(node, new ChannelMeanStep(x), x, channels: 1);
        return true;
    }

    /// <summary>Sub(x, mean of x over the channels).</summary>
    public static void Sub(OnnxNodeContext node)
    {
        if (ChannelsLast.Read(node, 0) is { } x && Piece(node, 1) is ChannelMeanStep mean && mean.X.Raw == x.Raw)
        {
            Add(node, new CenteredStep(mean.X), mean.X);
            return;
        }

        throw node.Fail("subtracts values that are not integer constants; InfoField reads Sub as shape arithmetic or as a layer norm's x minus its mean over the channels");
    }

    /// <summary>Pow(centered, 2).</summary>
    public static void Pow(OnnxNodeContext node)
    {
        if (Piece(node, 0) is CenteredStep centered)
        {
            double? exponent = ChannelsLast.ScalarConstant(node, 1);
            if (exponent != 2)
            {
                throw node.Fail(string.Create(CultureInfo.InvariantCulture, $"raises a layer norm's centered value to {(exponent is { } e ? e.ToString(CultureInfo.InvariantCulture) : "a non-constant")}; a layer norm squares it (exponent 2)"));
            }

            Add(node, new SquaredStep(centered.X, Tensor(node, 0)), centered.X);
            return;
        }

        throw node.Fail("InfoField reads Pow only inside a layer norm over the channels (the square of x less its mean)");
    }

    /// <summary>Add(variance, epsilon) or Add(scaled, shift); false when the tensor is not one of those pieces.</summary>
    public static bool Add(OnnxNodeContext node, int tensorInput, int constantInput)
    {
        switch (Piece(node, tensorInput))
        {
            case VarianceStep variance:
                double? eps = ChannelsLast.ScalarConstant(node, constantInput);
                if (eps is not > 0 || !double.IsFinite(eps.Value))
                {
                    throw node.Fail("adds to a layer norm's variance a value that is not one positive number (its epsilon)");
                }

                Add(node, new VarianceEpsStep(variance.X, variance.Centered, OnnxValues.Widen((float)eps.Value)), variance.X, channels: 1);
                return true;
            case ScaledNormStep scaled:
                int channels = node.Importer.Graph.Shape(scaled.X.Tensor).Channels;
                if (!ChannelsLast.PerChannel(node.Dims(constantInput), channels, scaled.X))
                {
                    throw node.Fail($"adds a shift of dims [{string.Join(", ", node.Dims(constantInput))}] to a layer norm; expected one value per channel ({channels})");
                }

                ChannelsLast.EmitNorm(node, scaled.X, new LayerNorm(scaled.Eps));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Sqrt(variance + epsilon).</summary>
    public static void Sqrt(OnnxNodeContext node)
    {
        if (Piece(node, 0) is VarianceEpsStep variance)
        {
            Add(node, new DeviationStep(variance.X, variance.Centered, variance.Eps), variance.X, channels: 1);
            return;
        }

        throw node.Fail("InfoField reads Sqrt only inside a layer norm over the channels (of the variance plus epsilon)");
    }

    /// <summary>Div(centered, deviation of that centered value); false when input 1 is not a deviation.</summary>
    public static bool Div(OnnxNodeContext node)
    {
        if (Piece(node, 1) is not DeviationStep deviation)
        {
            return false;
        }

        if (Tensor(node, 0) != deviation.Centered)
        {
            throw node.Fail("divides by a layer norm's deviation something other than the centered value it was computed from");
        }

        Add(node, new NormalizedStep(deviation.X, deviation.Eps), deviation.X);
        return true;
    }

    /// <summary>Mul(normalized, per-channel scale); false when the tensor is not a normalized value.</summary>
    public static bool Mul(OnnxNodeContext node, int tensorInput, int constantInput)
    {
        if (Piece(node, tensorInput) is not NormalizedStep normalized)
        {
            return false;
        }

        int channels = node.Importer.Graph.Shape(normalized.X.Tensor).Channels;
        if (!ChannelsLast.PerChannel(node.Dims(constantInput), channels, normalized.X))
        {
            throw node.Fail($"scales a layer norm by a constant of dims [{string.Join(", ", node.Dims(constantInput))}]; expected one value per channel ({channels})");
        }

        Add(node, new ScaledNormStep(normalized.X, normalized.Eps), normalized.X);
        return true;
    }

    /// <summary>The tensor input <paramref name="input"/> reads, or -1 when it is no tensor.</summary>
    internal static int Tensor(OnnxNodeContext node, int input) =>
        node.Has(input) && node.Importer.Lookup(node, input) is int tensor ? tensor : -1;

    /// <summary>The pending step making input <paramref name="input"/>, or null.</summary>
    internal static PendingStep? Piece(OnnxNodeContext node, int input) =>
        Tensor(node, input) is >= 1 and int tensor ? node.Importer.Graph.Producer(tensor)!.Step as PendingStep : null;

    /// <summary>
    /// Adds <paramref name="piece"/> and binds output 0 to it: a view (of the pattern's input's dims, with
    /// <paramref name="channels"/> channels when given), so that a reader outside the pattern refuses it, naming the
    /// piece's node and its <see cref="PendingStep.Requirement"/>.
    /// </summary>
    internal static void Add(OnnxNodeContext node, PendingStep piece, ChannelLayout x, int? channels = null)
    {
        ImportGraph graph = node.Importer.Graph;
        long[] dims = [.. graph.Dims(x.Raw)];
        if (channels is { } c && x.ChannelAxis < dims.Length)
        {
            dims[x.ChannelAxis] = c;
        }

        node.SetOutput(0, new FlatTensor(node.Importer.AddPending(node, piece, [x.Tensor], graph.Shape(x.Tensor), dims)));
    }
}
