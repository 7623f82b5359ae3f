using System.Buffers.Binary;
using System.IO.Compression;

namespace InfoField.Torch.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed: a 4-byte magic (two zero bytes, the element
/// type, the number of dimensions), one big-endian 32-bit size per dimension, then the unsigned bytes.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByte = 0x08;

    /// <summary>
    /// Reads an IDX file of unsigned bytes with <paramref name="rank"/> dimensions. Throws <see cref="DataException"/>
    /// naming the file when it is missing, not IDX, of another rank, not valid gzip, or shorter or longer than its header says.
    /// </summary>
    public static (int[] Dimensions, byte[] Data) Read(string path, int rank)
    {
        if (!File.Exists(path))
        {
            throw new DataException($"{path}: file not found");
        }

        byte[] bytes;
        bool compressed = false;
        try
        {
            bytes = File.ReadAllBytes(path);
            if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            {
                compressed = true;
                using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var output = new MemoryStream();
                input.CopyTo(output);
                bytes = output.ToArray();
            }
        }
        catch (Exception error) when (error is InvalidDataException or EndOfStreamException)
        {
            throw new DataException($"{path}: corrupted gzip data ({error.Message}); download the file again", error);
        }
        catch (IOException error)
        {
            throw new DataException($"{path}: cannot read: {error.Message}", error);
        }

        int header = 4 + (4 * rank);
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
        {
            throw new DataException(compressed
                ? $"{path}: corrupted: its decompressed contents do not start with the IDX magic number 0x0000{UnsignedByte:X2}{rank:X2}; download it again"
                : $"{path}: not an IDX file (it does not start with the IDX magic number 0x0000{UnsignedByte:X2}{rank:X2})");
        }

        if (bytes[2] != UnsignedByte || bytes[3] != rank)
        {
            throw new DataException($"{path}: expected an IDX file of unsigned bytes with {rank} dimensions (magic 0x0000{UnsignedByte:X2}{rank:X2}), found type 0x{bytes[2]:X2} with {bytes[3]} dimensions");
        }

        if (bytes.Length < header)
        {
            throw new DataException($"{path}: truncated: the file ends inside its {header}-byte header");
        }

        var dimensions = new int[rank];
        long expected = 1;
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + (4 * d)));
            if (size > int.MaxValue)
            {
                throw new DataException($"{path}: corrupted header: dimension {d + 1} is {size}");
            }

            dimensions[d] = (int)size;
            expected *= size;
        }

        long actual = bytes.Length - header;
        if (actual != expected)
        {
            string shape = string.Join(" x ", dimensions);
            throw new DataException(actual < expected
                ? $"{path}: truncated: the header announces {shape} = {expected:N0} bytes of data but the file holds {actual:N0}; download it again"
                : $"{path}: corrupted: the header announces {shape} = {expected:N0} bytes of data but the file holds {actual:N0}");
        }

        return (dimensions, bytes[header..]);
    }
}
