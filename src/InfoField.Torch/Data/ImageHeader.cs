using System.Buffers.Binary;
using System.Globalization;

namespace InfoField.Torch.Data;

/// <summary>
/// The size an image file declares, read from its header before anything is decoded: PNG's <c>IHDR</c> chunk, JPEG's
/// start-of-frame segment. A file that declares 26000 x 26000 pixels in 105 bytes is refused from these bytes, instead
/// of after the decoder allocated 2.6 GB for it.
/// </summary>
/// <param name="Format"><c>PNG</c> or <c>JPEG</c>.</param>
/// <param name="Width">Pixels per row.</param>
/// <param name="Height">Rows.</param>
public sealed record ImageHeader(string Format, int Width, int Height)
{
    /// <summary>The most pixels an image may declare: 2^26 (for example 8192 x 8192), 256 MiB decoded as RGBA.</summary>
    public const long MaxPixels = 1L << 26;

    /// <summary>The largest image file read: 64 MiB.</summary>
    public const long MaxFileBytes = 64L << 20;

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// The format and size <paramref name="bytes"/> declare; throws <see cref="DataException"/> naming <paramref name="path"/>
    /// when they are not a PNG or JPEG header, or declare an empty image or more than <see cref="MaxPixels"/> pixels.
    /// </summary>
    public static ImageHeader Read(string path, ReadOnlySpan<byte> bytes)
    {
        ImageHeader header = bytes.StartsWith(PngSignature) ? Png(path, bytes)
            : bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8 ? Jpeg(path, bytes)
            : throw new DataException($"{path}: not a PNG or JPEG image (it starts with neither signature)");
        if (header.Width < 1 || header.Height < 1)
        {
            throw new DataException(string.Create(CultureInfo.InvariantCulture, $"{path}: the {header.Format} header declares an empty image ({header.Width} x {header.Height})"));
        }

        long pixels = (long)header.Width * header.Height;
        return pixels <= MaxPixels
            ? header
            : throw new DataException(string.Create(CultureInfo.InvariantCulture, $"{path}: the {header.Format} header declares {header.Width:N0} x {header.Height:N0} = {pixels:N0} pixels, more than the limit of {MaxPixels:N0} for one image; resize it first"));
    }

    private static ImageHeader Png(string path, ReadOnlySpan<byte> bytes)
    {
        // Signature, then the first chunk, which must be IHDR: length 13, type, width, height (big-endian, at most 2^31 - 1).
        const int Start = 8;
        if (bytes.Length < Start + 16 || !bytes.Slice(Start + 4, 4).SequenceEqual("IHDR"u8))
        {
            throw new DataException($"{path}: truncated or corrupted PNG: it does not start with an IHDR chunk");
        }

        uint width = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(Start + 8, 4));
        uint height = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(Start + 12, 4));
        return new ImageHeader("PNG", (int)Math.Min(width, int.MaxValue), (int)Math.Min(height, int.MaxValue));
    }

    private static ImageHeader Jpeg(string path, ReadOnlySpan<byte> bytes)
    {
        // Segments after SOI: 0xFF, a marker, and (for most markers) a 2-byte big-endian length that counts itself.
        int at = 2;
        while (at < bytes.Length)
        {
            if (bytes[at] != 0xFF)
            {
                throw new DataException($"{path}: corrupted JPEG: no segment marker at byte {at:N0}");
            }

            while (at < bytes.Length && bytes[at] == 0xFF)
            {
                at++; // fill bytes
            }

            if (at >= bytes.Length)
            {
                break;
            }

            byte marker = bytes[at++];
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // markers without a length
            }

            if (marker is 0xD9 or 0xDA)
            {
                throw new DataException($"{path}: corrupted JPEG: its image data starts before a frame header declares its size");
            }

            if (at + 2 > bytes.Length)
            {
                break;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(at, 2));
            if (length < 2)
            {
                throw new DataException($"{path}: corrupted JPEG: a segment of length {length}");
            }

            bool frame = marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);
            if (frame)
            {
                if (length < 7 || at + 7 > bytes.Length)
                {
                    break;
                }

                int height = BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(at + 3, 2));
                int width = BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(at + 5, 2));
                return new ImageHeader("JPEG", width, height);
            }

            at += length;
        }

        throw new DataException($"{path}: truncated or corrupted JPEG: no frame header declares its size");
    }
}
