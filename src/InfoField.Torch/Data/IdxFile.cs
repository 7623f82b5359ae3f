using System.Buffers.Binary;
using System.IO.Compression;
using InfoField.Files;

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

        FileStream opened;
        try
        {
            opened = BoundedFile.OpenRegular(path, "IDX file");
        }
        catch (InfoFieldException error) when (error is not DataException)
        {
            throw new DataException(error.Message, error);
        }

        try
        {
            using FileStream file = opened;
            bool compressed = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
            file.Position = 0;
            using Stream input = compressed ? new GZipStream(file, CompressionMode.Decompress) : file;
            return Read(path, rank, input, compressed);
        }
        catch (Exception error) when (error is InvalidDataException or EndOfStreamException)
        {
            throw new DataException($"{path}: corrupted gzip data ({error.Message}); download the file again", error);
        }
        catch (IOException error)
        {
            throw new DataException($"{path}: cannot read: {error.Message}", error);
        }
    }

    /// <summary>
    /// Reads the header first and then exactly the data it announces, so a gzip bomb or a lying header is refused
    /// from its header (size limit and memory budget) instead of after decompressing everything.
    /// </summary>
    internal static (int[] Dimensions, byte[] Data) Read(string path, int rank, Stream input, bool compressed)
    {
        int header = 4 + (4 * rank);
        byte[] head = new byte[header];
        int headLength = ReadFully(input, head);
        if (headLength < 4 || head[0] != 0 || head[1] != 0)
        {
            throw new DataException(compressed
                ? $"{path}: corrupted: its decompressed contents do not start with the IDX magic number 0x0000{UnsignedByte:X2}{rank:X2}; download it again"
                : $"{path}: not an IDX file (it does not start with the IDX magic number 0x0000{UnsignedByte:X2}{rank:X2})");
        }

        if (head[2] != UnsignedByte || head[3] != rank)
        {
            throw new DataException($"{path}: expected an IDX file of unsigned bytes with {rank} dimensions (magic 0x0000{UnsignedByte:X2}{rank:X2}), found type 0x{head[2]:X2} with {head[3]} dimensions");
        }

        if (headLength < header)
        {
            throw new DataException($"{path}: truncated: the file ends inside its {header}-byte header");
        }

        var dimensions = new int[rank];
        double expected = 1;
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4 + (4 * d)));
            if (size > int.MaxValue)
            {
                throw new DataException($"{path}: corrupted header: dimension {d + 1} is {size}");
            }

            dimensions[d] = (int)size;
            expected *= size;
        }

        string shape = string.Join(" x ", dimensions);
        if (expected > MaxDataBytes)
        {
            throw new DataException($"{path}: the header announces {shape} = {expected:N0} bytes of data, more than the limit of {MaxDataBytes:N0} for one IDX file");
        }

        MemoryBudget.Check($"{path} ({shape} bytes)", expected);
        var data = new byte[(int)expected];
        int actual = ReadFully(input, data);
        if (actual < data.Length)
        {
            throw new DataException($"{path}: truncated: the header announces {shape} = {expected:N0} bytes of data but the file holds {actual:N0}; download it again");
        }

        long extra = 0;
        var rest = new byte[4096];
        int read;
        while (extra <= MaxTrailingBytes && (read = input.Read(rest, 0, rest.Length)) > 0)
        {
            extra += read;
        }

        return extra == 0
            ? (dimensions, data)
            : throw new DataException($"{path}: corrupted: the header announces {shape} = {expected:N0} bytes of data but the file holds {(extra > MaxTrailingBytes ? "far more" : (data.Length + extra).ToString("N0", System.Globalization.CultureInfo.InvariantCulture))}");
    }

    /// <summary>The largest data section read from one IDX file: 1 GiB (MNIST's training images are 47 MB).</summary>
    public const int MaxDataBytes = 1 << 30;

    /// <summary>How far past its announced data a file is read to tell a little trailing garbage from far more.</summary>
    internal const long MaxTrailingBytes = 64L << 20;

    private static int ReadFully(Stream input, byte[] buffer)
    {
        int total = 0;
        int read;
        while (total < buffer.Length && (read = input.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        return total;
    }
}
