using Microsoft.Win32.SafeHandles;

namespace InfoField.Onnx.Protobuf;

/// <summary>
/// Random access to the bytes of an ONNX file: the importer reads the graph and the tensors' headers and jumps over
/// their data, so only what it reads is ever read (a file's weights are never touched).
/// </summary>
internal abstract class ByteSource : IDisposable
{
    /// <summary>The number of bytes.</summary>
    public abstract long Length { get; }

    /// <summary>How many bytes have been read so far (tests check that weights are skipped, not read).</summary>
    public long BytesRead { get; private set; }

    /// <summary>Copies the bytes at <paramref name="offset"/> into <paramref name="destination"/>, which must lie within <see cref="Length"/>.</summary>
    public void Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || destination.Length > Length - offset)
        {
            throw new ProtobufException("a field runs past the end of the file");
        }

        ReadCore(offset, destination);
        BytesRead += destination.Length;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the source holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Copies the bytes at <paramref name="offset"/> (already checked) into <paramref name="destination"/>.</summary>
    protected abstract void ReadCore(long offset, Span<byte> destination);
}

/// <summary>Bytes already in memory (a whole file read by the caller, a browser's upload).</summary>
internal sealed class MemorySource(ReadOnlyMemory<byte> bytes) : ByteSource
{
    /// <summary>The bytes.</summary>
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    /// <inheritdoc />
    public override long Length => Bytes.Length;

    /// <inheritdoc />
    protected override void ReadCore(long offset, Span<byte> destination) => Bytes.Span.Slice((int)offset, destination.Length).CopyTo(destination);
}

/// <summary>An open regular file, read at positions (<see cref="RandomAccess"/>), so skipping a tensor's data costs nothing.</summary>
internal sealed class FileSource(SafeFileHandle handle, long length) : ByteSource
{
    /// <inheritdoc />
    public override long Length { get; } = length;

    /// <inheritdoc />
    protected override void ReadCore(long offset, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            int read = RandomAccess.Read(handle, destination, offset);
            if (read <= 0)
            {
                throw new ProtobufException("the file ended before its length (it changed while being read)");
            }

            destination = destination[read..];
            offset += read;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            handle.Dispose();
        }
    }
}

/// <summary>
/// Bytes that are not a well-formed protobuf message (a truncated or damaged file, or not ONNX at all), or, when
/// <see cref="IsLimit"/>, a well-formed one that holds more than a limit allows.
/// </summary>
internal sealed class ProtobufException(string message, bool isLimit = false) : Exception(message)
{
    /// <summary>True when the bytes are well formed but exceed a limit (<see cref="OnnxLimits"/>).</summary>
    public bool IsLimit { get; } = isLimit;
}
