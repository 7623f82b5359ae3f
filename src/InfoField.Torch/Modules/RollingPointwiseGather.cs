using InfoField.Torch.Building;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>Which computation an RPW layer (<see cref="RollingPointwiseConv2d"/>) runs.</summary>
public enum RpwImplementation
{
    /// <summary>
    /// The banded SIMD kernels for CPU tensors of float32 and float64 (the fast path), the gather form
    /// (<see cref="Gather"/>) for every other device and type.
    /// </summary>
    Auto,

    /// <summary>
    /// Always the device-generic gather form: the input's window channels gathered in window order, then a 1x1
    /// convolution with one group per filter, the form RPW is exported to ONNX in. Made of libtorch operators only, so
    /// it runs on any device libtorch runs on; on the CPU it is slower than the SIMD kernels (docs/performance.md).
    /// </summary>
    Gather,
}

/// <summary>
/// RPW as two libtorch operators: <c>index_select</c> of each filter's window channels along the channel axis (a
/// (N, C_out x w, ...) tensor, window after window), then <c>conv2d</c> with a (C_out, w, 1, 1) weight and C_out groups,
/// so filter c multiplies exactly its own window. Both operators are differentiable in libtorch, so autograd derives the
/// input gradient (a scatter-add of the gathered gradient, <c>index_select</c>'s backward) and the weight and bias
/// gradients (the grouped convolution's backward) with no custom backward pass. It is the ONNX export's form
/// (<c>Gather</c> then a grouped <c>Conv</c>, Onnx/OnnxExportSet.cs) and, unlike the paper's Listing 2, needs one gather
/// instead of C_out slices and a concatenation.
/// </summary>
internal static class RollingPointwiseGather
{
    /// <summary>The input channel each of the C_out x w gathered channels reads: <c>(starts[c] + i) mod C_in</c> at <c>c w + i</c>.</summary>
    public static long[] Indices(IReadOnlyList<int> starts, int inChannels, int width)
    {
        var indices = new long[(long)starts.Count * width];
        for (int c = 0; c < starts.Count; c++)
        {
            for (int i = 0; i < width; i++)
            {
                indices[((long)c * width) + i] = (starts[c] + i) % inChannels;
            }
        }

        return indices;
    }

    /// <summary>
    /// RPW of <paramref name="input"/> (N, C_in, ...) with (C_out, w) <paramref name="weight"/>s and an optional bias;
    /// <paramref name="indices"/> (C_out x w, int64, on the input's device) from <see cref="Indices"/>. The output has the
    /// input's trailing dimensions, and channels-last strides when the input has them.
    /// </summary>
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, Tensor indices)
    {
        using var scope = NewDisposeScope();
        long[] shape = input.shape;
        long outChannels = weight.shape[0], width = weight.shape[1];
        Tensor images = input.dim() == 4 ? input : input.reshape(shape[0], shape[1], 1, -1);
        Tensor windows = images.index_select(1, indices);
        Tensor output = nn.functional.conv2d(windows, weight.view(outChannels, width, 1, 1), bias, groups: outChannels);
        if (input.dim() != 4)
        {
            output = output.reshape([shape[0], outChannels, .. shape.Skip(2)]);
        }
        else if (MemoryLayout.IsChannelsLast(input) && !MemoryLayout.IsChannelsLast(output))
        {
            output = MemoryLayout.ToChannelsLast(output);
        }

        return output.MoveToOuterDisposeScope();
    }
}
