using InfoField.Architecture;

namespace InfoField.Torch.Data;

/// <summary>
/// Labelled images held in memory as raw bytes, [N, C, H, W] in <see cref="Pixels"/> and one class index per image in
/// <see cref="Labels"/>. Batches are cut, augmented and normalized from it on a background thread in plain C#
/// (see <see cref="BatchStream"/>), so preparing data never competes with training for libtorch's threads.
/// </summary>
public sealed class ImageSet
{
    private readonly byte[] _pixels;
    private readonly int[] _labels;

    /// <summary>A set of <paramref name="labels"/>.Length images of <paramref name="shape"/>; the arrays are kept, not copied.</summary>
    public ImageSet(byte[] pixels, int[] labels, FeatureShape shape, IReadOnlyList<string> classes)
    {
        if (pixels.LongLength != (long)labels.Length * shape.Channels * shape.Height * shape.Width)
        {
            throw new ArgumentException($"{labels.Length} images of {shape} need {(long)labels.Length * shape.Volume} bytes, got {pixels.LongLength}", nameof(pixels));
        }

        int bad = Array.FindIndex(labels, label => label < 0 || label >= classes.Count);
        if (bad >= 0)
        {
            throw new ArgumentException($"label {labels[bad]} of image {bad} is not a class index (0-{classes.Count - 1})", nameof(labels));
        }

        _pixels = pixels;
        _labels = labels;
        Shape = shape;
        Classes = classes;
    }

    /// <summary>Raw pixel bytes, [N, C, H, W].</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>Class indices, one per image.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Shape of one image.</summary>
    public FeatureShape Shape { get; }

    /// <summary>Bytes of one image.</summary>
    public int ImageBytes => Shape.Channels * Shape.Height * Shape.Width;

    /// <summary>Builds a set from raw bytes laid out [N, C, H, W] and one label byte per image.</summary>
    public static ImageSet FromBytes(byte[] pixels, byte[] labels, FeatureShape shape, IReadOnlyList<string> classes) =>
        new(pixels, Array.ConvertAll(labels, label => (int)label), shape, classes);

    /// <summary>The bytes of image <paramref name="index"/>, [C, H, W].</summary>
    public ReadOnlySpan<byte> Image(int index) => _pixels.AsSpan(index * ImageBytes, ImageBytes);

    /// <summary>The first <paramref name="count"/> images (all of them when there are fewer), as a new set.</summary>
    public ImageSet Take(int count)
    {
        int n = Math.Clamp(count, 0, Count);
        return new ImageSet(_pixels[..(n * ImageBytes)], _labels[..n], Shape, Classes);
    }
}
