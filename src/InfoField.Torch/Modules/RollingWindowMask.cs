using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>Scatters RPW's (C_out, w) window weights into the dense C_out x C_in matrix they stand for.</summary>
internal static class RollingWindowMask
{
    /// <summary>The dense matrix: row c holds <c>weight[c, i]</c> at column <c>(starts[c] + i) mod C_in</c>, zeros elsewhere. Differentiable in <paramref name="weight"/>.</summary>
    public static Tensor Scatter(Tensor weight, IReadOnlyList<int> starts, int inChannels)
    {
        long outChannels = weight.shape[0];
        long width = weight.shape[1];
        var columns = new long[outChannels * width];
        for (int c = 0; c < outChannels; c++)
        {
            for (int i = 0; i < width; i++)
            {
                columns[(c * width) + i] = (starts[c] + i) % inChannels;
            }
        }

        using var scope = NewDisposeScope();
        Tensor index = tensor(columns, [outChannels, width], device: weight.device);
        return zeros(outChannels, inChannels, dtype: weight.dtype, device: weight.device).scatter(1, index, weight).MoveToOuterDisposeScope();
    }
}
