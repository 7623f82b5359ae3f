using static TorchSharp.torch;

namespace InfoField.Torch.Building;

/// <summary>
/// Channels-last layout of image batches: a (N, C, H, W) tensor whose channels are adjacent in memory (NHWC strides).
/// libtorch keeps the layout an op receives, so converting a network's input once is enough (see
/// <see cref="NetworkModule.ChannelsLast"/>).
/// </summary>
public static class MemoryLayout
{
    /// <summary>Whether <paramref name="tensor"/> is a 4-D tensor with more than one channel laid out channels-last (channel stride 1, pixels apart by at least C).</summary>
    public static bool IsChannelsLast(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.dim() != 4 || tensor.shape[1] < 2)
        {
            return false;
        }

        long[] strides = tensor.stride();
        return strides[1] == 1 && strides[3] >= tensor.shape[1] && strides[2] >= strides[3] * tensor.shape[3];
    }

    /// <summary>
    /// <paramref name="batch"/> (N, C, H, W) with channels-last strides: a view when it has one channel or already has
    /// that layout, else a copy.
    /// </summary>
    public static Tensor ToChannelsLast(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.dim() != 4)
        {
            throw new ArgumentException($"expected a batch of shape (N, C, H, W), got {batch.dim()} dimensions", nameof(batch));
        }

        long channels = batch.shape[1], height = batch.shape[2], width = batch.shape[3];
        if (channels == 1 && batch.is_contiguous())
        {
            return batch.as_strided(batch.shape, [height * width, 1, width, 1]);
        }

        if (IsChannelsLast(batch))
        {
            return batch.alias();
        }

        using Tensor pixels = batch.permute(0, 2, 3, 1);
        using Tensor packed = pixels.contiguous();
        return packed.permute(0, 3, 1, 2);
    }
}
