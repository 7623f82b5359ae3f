using System.Buffers.Binary;
using System.IO.Compression;

namespace InfoField.Cli.Tests;

/// <summary>Decodes 8-bit RGB or RGBA PNG files (what Chromium's screenshots are), enough to inspect their pixels.</summary>
internal sealed class PngImage
{
    private PngImage(int width, int height, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public int Channels { get; }

    public byte[] Pixels { get; }

    public static PngImage Decode(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }), "not a PNG file");
        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"PNG color type {data[9]} is not RGB or RGBA") };
                Assert.Equal(0, data[12]);
            }
            else if (type == "IDAT")
            {
                compressed.Write(data);
            }

            at += 12 + length;
        }

        compressed.Position = 0;
        using var inflater = new ZLibStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflater.CopyTo(raw);
        byte[] scanlines = raw.ToArray();
        int stride = width * channels;
        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            byte filter = scanlines[y * (stride + 1)];
            for (int x = 0; x < stride; x++)
            {
                byte value = scanlines[(y * (stride + 1)) + 1 + x];
                int left = x >= channels ? pixels[(y * stride) + x - channels] : 0;
                int up = y > 0 ? pixels[((y - 1) * stride) + x] : 0;
                int upLeft = x >= channels && y > 0 ? pixels[((y - 1) * stride) + x - channels] : 0;
                int predicted = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"PNG filter {filter}"),
                };
                pixels[(y * stride) + x] = (byte)(value + predicted);
            }
        }

        return new PngImage(width, height, channels, pixels);
    }

    /// <summary>The fraction of pixels that are not (nearly) white.</summary>
    public double InkFraction()
    {
        long ink = 0;
        for (int p = 0; p < Pixels.Length; p += Channels)
        {
            if (Pixels[p] < 240 || Pixels[p + 1] < 240 || Pixels[p + 2] < 240)
            {
                ink++;
            }
        }

        return (double)ink / (Width * Height);
    }

    /// <summary>How many distinct colours, coarsened to 32 levels per channel, cover at least 0.05% of the image.</summary>
    public int ProminentColours()
    {
        var counts = new Dictionary<int, int>();
        for (int p = 0; p < Pixels.Length; p += Channels)
        {
            int key = ((Pixels[p] >> 3) << 10) | ((Pixels[p + 1] >> 3) << 5) | (Pixels[p + 2] >> 3);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts.Values.Count(count => count >= Width * Height / 2000);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
