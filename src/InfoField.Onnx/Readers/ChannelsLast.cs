using System.Globalization;
using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Readers;

/// <summary>
/// Channels-last tensors, as PyTorch writes ConvNeXt (a Transpose to N x H x W x C, layer norm over the last axis,
/// nn.Linear on the tokens, GELU, a Transpose back): the Transpose makes a view of the feature map
/// (<see cref="ChannelsLastStep"/>); the ops that act on the channels alone read it as the same op on the feature map
/// and give a view of their result, and the Transpose back is that result. A MatMul by a C x C' weight on the tokens is
/// the 1x1 convolution it computes (its MACs are H W C C', as for nn.Linear on H W tokens), and an Add of a C'-vector
/// after it is the convolution's bias. A Mul by a per-channel constant is layer scale.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>The value node input <paramref name="input"/> reads, when it is a feature map or a channels-last view of one; null otherwise.</summary>
    public static ChannelLayout? Read(OnnxNodeContext node, int input)
    {
        if (!node.Has(input) || node.IsConstant(input) || node.Importer.Lookup(node, input) is not int raw)
        {
            return null;
        }

        ImportGraph graph = node.Importer.Graph;
        if (graph.View(raw) is null)
        {
            return new ChannelLayout(raw, raw, false, IsVector(graph, raw) ? 2 : graph.Rank + 2);
        }

        return graph.Producer(raw) is { Step: ChannelsLastStep, Inputs: [int tensor] } && graph.View(tensor) is null
            ? new ChannelLayout(raw, tensor, true, graph.Rank + 2)
            : null;
    }

    /// <summary>Binds output 0 to <paramref name="tensor"/> in the layout of <paramref name="like"/> (a view when channels-last).</summary>
    public static void Bind(OnnxNodeContext node, ChannelLayout like, int tensor)
    {
        if (!like.ChannelsLast)
        {
            node.SetOutput(0, new FlatTensor(tensor));
            return;
        }

        ImportGraph graph = node.Importer.Graph;
        long[] dims = graph.Dims(tensor);
        long[] view = [dims[0], .. dims[2..], dims[1]];
        node.SetOutput(0, new FlatTensor(node.Importer.AddPending(node, new ChannelsLastStep(), [tensor], graph.Shape(tensor), view)));
    }

    /// <summary>Adds <paramref name="op"/> reading the feature map behind <paramref name="x"/> and binds its output in <paramref name="x"/>'s layout.</summary>
    public static void Emit(OnnxNodeContext node, ChannelLayout x, Op op) => Bind(node, x, node.Add(op, new FlatTensor(x.Tensor)).Index);

    /// <summary>
    /// Adds a layer norm over the channels of <paramref name="x"/>; on a vector that a flatten made of a C x 1 x 1 map,
    /// the norm reads the map and a flatten follows it (the same values: the architecture keeps layer norm before the
    /// flatten, with the feature maps).
    /// </summary>
    public static void EmitNorm(OnnxNodeContext node, ChannelLayout x, LayerNorm norm)
    {
        ImportGraph graph = node.Importer.Graph;
        if (x.Rank == 2 && graph.Producer(x.Tensor) is { Op: Flatten, Inputs: [int map] } && graph.View(map) is null && graph.Shape(map).IsFlat)
        {
            node.SetOutput(0, node.Add(new Flatten(), node.Add(norm, new FlatTensor(map))));
            return;
        }

        Emit(node, x, norm);
    }

    /// <summary>True when <paramref name="axis"/> (negative counts from the end) is the channel axis of <paramref name="x"/>.</summary>
    public static bool IsChannelAxis(ChannelLayout x, long axis) => (axis < 0 ? axis + x.Rank : axis) == x.ChannelAxis;

    /// <summary>True when <paramref name="dims"/> broadcast as one value per channel of <paramref name="x"/> (a C-vector on the channel axis, ones elsewhere).</summary>
    public static bool PerChannel(long[] dims, int channels, ChannelLayout x)
    {
        if (dims.Length > x.Rank)
        {
            return false;
        }

        int offset = x.Rank - dims.Length;
        for (int axis = 0; axis < x.Rank; axis++)
        {
            long dim = axis < offset ? 1 : dims[axis - offset];
            if (dim != (axis == x.ChannelAxis ? channels : 1))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The one value of constant input <paramref name="input"/> (real or integer) when it holds exactly one (any dims of ones); null otherwise.</summary>
    public static double? ScalarConstant(OnnxNodeContext node, int input)
    {
        if (!node.IsConstant(input) || !node.Dims(input).All(dim => dim == 1))
        {
            return null;
        }

        double[] values = node.Constant(input).IsInteger ? [.. node.Integers(input, 1).Select(value => (double)value)] : node.Reals(input, 1);
        return values.Length == 1 ? values[0] : null;
    }

    /// <summary>
    /// Transpose to channels-last of a feature map (a view), or of such a view back (the feature map); false for
    /// any other Transpose.
    /// </summary>
    public static bool Transpose(OnnxNodeContext node, int x, long[] perm)
    {
        ImportGraph graph = node.Importer.Graph;
        int rank = graph.Rank + 2;
        if (perm.Length != rank)
        {
            return false;
        }

        long[] toLast = [0, .. Enumerable.Range(2, rank - 2).Select(a => (long)a), 1];
        long[] toFirst = [0, rank - 1, .. Enumerable.Range(1, rank - 2).Select(a => (long)a)];
        if (graph.View(x) is null && perm.SequenceEqual(toLast))
        {
            long[] dims = graph.Dims(x);
            node.SetOutput(0, new FlatTensor(node.Importer.AddPending(node, new ChannelsLastStep(), [x], graph.Shape(x), [.. perm.Select(p => dims[p])])));
            return true;
        }

        if (graph.Producer(x) is { Step: ChannelsLastStep, Inputs: [int tensor] } && graph.View(x) is not null && perm.SequenceEqual(toFirst))
        {
            node.SetOutput(0, new FlatTensor(tensor));
            return true;
        }

        return false;
    }

    /// <summary>MatMul of channels-last tokens by a C x C' weight: a 1x1 convolution (its bias, an Add after it, is read by <see cref="Add"/>).</summary>
    public static bool MatMul(OnnxNodeContext node)
    {
        if (Read(node, 0) is not { ChannelsLast: true } x)
        {
            return false;
        }

        int channels = node.Importer.Graph.Shape(x.Tensor).Channels;
        int[] weight = node.WeightDims(1, 2, "weight");
        if (weight[0] != channels)
        {
            throw node.Fail(string.Create(CultureInfo.InvariantCulture, $"multiplies channels-last tokens of {channels} channels by a weight of dims [{weight[0]}, {weight[1]}]; expected [{channels}, C']"));
        }

        FeatureShape shape = node.Importer.Graph.Shape(x.Tensor);
        var form = new ConvolutionForm(weight[1], Pair.Square(1), Pair.Square(1), Pair.Square(0), Pair.Square(1), 1, false);
        int conv = node.Importer.AddPending(node, new ConvStep(form), [x.Tensor], shape.WithChannels(weight[1]));
        Bind(node, x, conv);
        return true;
    }

    /// <summary>Add of a C'-vector to the channels-last output of a MatMul read by that Add only: the 1x1 convolution's bias.</summary>
    public static bool Add(OnnxNodeContext node, int tensorInput, int constantInput)
    {
        ImportGraph graph = node.Importer.Graph;
        if (Read(node, tensorInput) is not { ChannelsLast: true } x
            || graph.Producer(x.Tensor) is not { Step: ConvStep { Form: { Bias: false } form } } conv
            || graph.Producer(x.Raw)!.Source != conv.Source || node.Importer.OnnxConsumers(node.InputNameOf(tensorInput)) != 1)
        {
            return false;
        }

        if (!PerChannel(node.Dims(constantInput), form.OutChannels, x))
        {
            throw node.Fail($"adds a constant of dims [{string.Join(", ", node.Dims(constantInput))}] to the channels-last output of {conv.Source}; expected [{form.OutChannels}], its bias");
        }

        conv.Step = new ConvStep(form with { Bias = true });
        Bind(node, x, x.Tensor);
        return true;
    }

    /// <summary>Mul of a feature map (or channels-last view) by a per-channel constant: layer scale.</summary>
    public static bool Mul(OnnxNodeContext node, int tensorInput, int constantInput)
    {
        if (Read(node, tensorInput) is not { } x || node.Importer.Graph.Producer(x.Raw)?.Step is LayerNormPiece or GeluPiece)
        {
            return false;
        }

        int channels = node.Importer.Graph.Shape(x.Tensor).Channels;
        if (!PerChannel(node.Dims(constantInput), channels, x))
        {
            return false;
        }

        Emit(node, x, new LayerScale());
        return true;
    }

    /// <summary>LayerNormalization over the channels alone: the last axis of a channels-last view or a vector, or axis 1 of a C x 1 x 1 map.</summary>
    public static void LayerNormalization(OnnxNodeContext node)
    {
        ChannelLayout x = Read(node, 0) ?? new ChannelLayout(node.Tensor(0).Index, node.Tensor(0).Index, false, node.SpatialRank + 2);
        FeatureShape shape = node.Importer.Graph.Shape(x.Tensor);
        long axis = node.Int("axis", -1);
        bool channelsAlone = IsChannelAxis(x, axis) && (x.ChannelsLast || x.Rank == 2 || shape.Height * (long)shape.Width == 1);
        if (!channelsAlone)
        {
            throw node.Fail($"normalizes from axis {axis} of a {shape} tensor{(x.ChannelsLast ? " with its channels last" : "")}; InfoField reads LayerNormalization over the channels alone (the last axis after a Transpose that moves the channels last, or axis 1 of a C x 1 x 1 tensor)");
        }

        if (!node.Has(2) || !NormalizedShape(node.Dims(1), shape.Channels) || !NormalizedShape(node.Dims(2), shape.Channels))
        {
            throw node.Fail($"InfoField reads LayerNormalization with a scale and a shift of one value per channel ({shape.Channels})");
        }

        EmitNorm(node, x, new LayerNorm(node.Float("epsilon", 1e-5)));
    }

    /// <summary>Whether <paramref name="dims"/> are [C] or the normalized shape [C, 1, 1] (one value per channel).</summary>
    private static bool NormalizedShape(long[] dims, int channels) =>
        dims.Length is >= 1 and <= 3 && dims[0] == channels && dims.Skip(1).All(dim => dim == 1);

    /// <summary>True when <paramref name="tensor"/> is a vector of features (2 dims in ONNX): made by a flatten or linear layer, or by elementwise ops on one.</summary>
    private static bool IsVector(ImportGraph graph, int tensor)
    {
        for (int depth = 0; depth < 64 && graph.Producer(tensor) is { } producer; depth++)
        {
            switch (producer.Op)
            {
                case Flatten or Linear:
                    return true;
                case ElementwiseOp or LayerNorm when producer.Inputs is [int input]:
                    tensor = input;
                    break;
                default:
                    return false;
            }
        }

        return false;
    }
}
