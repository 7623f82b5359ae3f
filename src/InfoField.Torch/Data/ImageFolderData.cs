using InfoField.Architecture;
using SkiaSharp;

namespace InfoField.Torch.Data;

/// <summary>
/// Your own images: <c>&lt;dir&gt;/train/&lt;class&gt;/*.png|jpg|jpeg</c> and <c>&lt;dir&gt;/test/&lt;class&gt;/...</c>, one
/// folder per class (classes sorted by name give the labels). Every image is decoded with SkiaSharp (which TorchSharp
/// already brings), resized to the network's input and converted to grayscale or RGB as the input's channels ask.
/// </summary>
public static class ImageFolderData
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>The class folders of <c>&lt;directory&gt;/train</c>, sorted: they define the labels.</summary>
    public static IReadOnlyList<string> Classes(string directory)
    {
        string train = Path.Combine(directory, "train");
        if (!Directory.Exists(train))
        {
            throw new DataException($"{directory}: an image-folder dataset needs {Path.Combine(directory, "train")}/<class>/*.png and {Path.Combine(directory, "test")}/<class>/*.png (one folder per class); '{train}' does not exist");
        }

        var classes = Directory.GetDirectories(train).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
        {
            throw new DataException($"{train}: found {classes.Count} class folder(s); a classification dataset needs at least two, one folder per class");
        }

        return classes;
    }

    /// <summary>Loads the train or test split, images resized to <paramref name="shape"/> (1 or 3 channels).</summary>
    public static ImageSet Load(string directory, bool train, FeatureShape shape)
    {
        if (shape.Channels is not (1 or 3))
        {
            throw new DataException($"{directory}: images can be read as 1 (grayscale) or 3 (RGB) channels, not {shape.Channels}; give an input shape of 1xHxW or 3xHxW");
        }

        IReadOnlyList<string> classes = Classes(directory);
        string split = Path.Combine(directory, train ? "train" : "test");
        if (!Directory.Exists(split))
        {
            throw new DataException($"{split}: folder not found; an image-folder dataset needs both train/ and test/, each with one folder per class");
        }

        foreach (string folder in Directory.GetDirectories(split))
        {
            if (!classes.Contains(Path.GetFileName(folder)))
            {
                throw new DataException($"{folder}: class '{Path.GetFileName(folder)}' is not among the training classes ({string.Join(", ", classes)})");
            }
        }

        var files = new List<(string Path, byte Label)>();
        for (int label = 0; label < classes.Count; label++)
        {
            string folder = Path.Combine(split, classes[label]);
            if (Directory.Exists(folder))
            {
                files.AddRange(Directory.GetFiles(folder)
                    .Where(file => Extensions.Contains(Path.GetExtension(file).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal)
                    .Select(file => (file, (byte)label)));
            }
        }

        if (classes.Count > 256)
        {
            throw new DataException($"{split}: {classes.Count} classes; at most 256 are supported");
        }

        if (files.Count == 0)
        {
            throw new DataException($"{split}: no .png, .jpg or .jpeg images in its class folders");
        }

        int size = shape.Channels * shape.Height * shape.Width;
        MemoryBudget.Check($"{split}: {files.Count:N0} images of {shape}", (double)files.Count * size);
        var pixels = new byte[(long)files.Count * size];
        for (int i = 0; i < files.Count; i++)
        {
            Decode(files[i].Path, shape).CopyTo(pixels, (long)i * size);
        }

        return ImageSet.FromBytes(pixels, files.Select(file => file.Label).ToArray(), shape, classes);
    }

    /// <summary>Decodes one PNG or JPEG to planar bytes [C, H, W] of <paramref name="shape"/>.</summary>
    public static byte[] Decode(string path, FeatureShape shape)
    {
        using SKBitmap decoded = DecodeFile(path);
        using SKBitmap resized = decoded.Width == shape.Width && decoded.Height == shape.Height
            ? decoded.Copy()
            : decoded.Resize(new SKImageInfo(shape.Width, shape.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), SKFilterQuality.Medium)
              ?? throw new DataException($"{path}: could not resize the image to {shape.Width}x{shape.Height}");
        int plane = shape.Height * shape.Width;
        var result = new byte[shape.Channels * plane];
        for (int y = 0; y < shape.Height; y++)
        {
            for (int x = 0; x < shape.Width; x++)
            {
                SKColor color = resized.GetPixel(x, y);
                int at = (y * shape.Width) + x;
                if (shape.Channels == 1)
                {
                    result[at] = (byte)Math.Round((0.299 * color.Red) + (0.587 * color.Green) + (0.114 * color.Blue));
                }
                else
                {
                    result[at] = color.Red;
                    result[plane + at] = color.Green;
                    result[(2 * plane) + at] = color.Blue;
                }
            }
        }

        return result;
    }

    private static SKBitmap DecodeFile(string path)
    {
        // Bounded like every input: a regular file of at most 64 MiB, whose header's size is checked before decoding.
        byte[] bytes;
        try
        {
            bytes = InfoField.Files.BoundedFile.ReadAllBytes(path, ImageHeader.MaxFileBytes, "PNG or JPEG image");
        }
        catch (InfoFieldException error) when (error is not DataException)
        {
            throw new DataException(error.Message, error);
        }

        ImageHeader header = ImageHeader.Read(path, bytes);
        MemoryBudget.Check($"{path}: decoding a {header.Width:N0} x {header.Height:N0} image", 4.0 * header.Width * header.Height);
        using SKData data = SKData.CreateCopy(bytes);
        using SKCodec? codec = SKCodec.Create(data)
            ?? throw new DataException($"{path}: not a readable PNG or JPEG image (corrupted, or another format)");
        if (codec.Info.Width != header.Width || codec.Info.Height != header.Height)
        {
            throw new DataException($"{path}: corrupted {header.Format}: the decoder reads {codec.Info.Width} x {codec.Info.Height} where the header declares {header.Width} x {header.Height}");
        }

        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new DataException(result == SKCodecResult.IncompleteInput
                ? $"{path}: truncated image: the file ends before the image data does"
                : $"{path}: corrupted image: decoding failed ({result})");
        }

        return bitmap;
    }
}
