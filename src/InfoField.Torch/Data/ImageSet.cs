using InfoField.Architecture;
using static TorchSharp.torch;

namespace InfoField.Torch.Data;

/// <summary>
/// Labelled images held in memory: <see cref="Images"/> is a byte tensor [N, C, H, W] of raw pixel values,
/// <see cref="Labels"/> an int64 tensor [N]. Batches are cut, augmented and normalized from it (see <see cref="BatchStream"/>).
/// </summary>
public sealed class ImageSet : IDisposable
{
    /// <summary>Wraps <paramref name="images"/> and <paramref name="labels"/>; the set owns and disposes both.</summary>
    public ImageSet(Tensor images, Tensor labels, IReadOnlyList<string> classes)
    {
        if (images.dtype != ScalarType.Byte || images.dim() != 4)
        {
            throw new ArgumentException($"images must be a byte tensor [N, C, H, W], got {images.dtype} [{string.Join(", ", images.shape)}]", nameof(images));
        }

        if (labels.dtype != ScalarType.Int64 || labels.dim() != 1 || labels.shape[0] != images.shape[0])
        {
            throw new ArgumentException($"labels must be an int64 tensor [{images.shape[0]}], got {labels.dtype} [{string.Join(", ", labels.shape)}]", nameof(labels));
        }

        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        Classes = classes;
    }

    /// <summary>Raw pixels, byte [N, C, H, W].</summary>
    public Tensor Images { get; }

    /// <summary>Class indices, int64 [N].</summary>
    public Tensor Labels { get; }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Number of images.</summary>
    public int Count => (int)Images.shape[0];

    /// <summary>Shape of one image.</summary>
    public FeatureShape Shape => new((int)Images.shape[1], (int)Images.shape[2], (int)Images.shape[3]);

    /// <summary>Builds a set from raw bytes laid out [N, C, H, W] and one label byte per image.</summary>
    public static ImageSet FromBytes(byte[] pixels, byte[] labels, FeatureShape shape, IReadOnlyList<string> classes)
    {
        using var scope = NewDisposeScope();
        Tensor images = tensor(pixels, [labels.Length, shape.Channels, shape.Height, shape.Width], ScalarType.Byte);
        Tensor targets = tensor(labels, [labels.Length], ScalarType.Byte).to_type(ScalarType.Int64);
        return new ImageSet(images, targets, classes);
    }

    /// <summary>The first <paramref name="count"/> images (all of them when there are fewer), as a new set.</summary>
    public ImageSet Take(int count)
    {
        int n = Math.Min(count, Count);
        using var scope = NewDisposeScope();
        return new ImageSet(Images.narrow(0, 0, n).clone(), Labels.narrow(0, 0, n).clone(), Classes);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
