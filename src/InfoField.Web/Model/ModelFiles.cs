using InfoField.Files;
using InfoField.Onnx;
using InfoField.Spec;

namespace InfoField.Web.Model;

/// <summary>
/// Reads a model file the user chose or dropped as the command line reads a path: a name ending in <c>.onnx</c> is an
/// ONNX model (<see cref="OnnxImport"/>), anything else a spec file (<see cref="NetworkSpec"/>); both with the command
/// line's size limits and one-line errors (<see cref="BoundedFile"/>), which name the file.
/// </summary>
public static class ModelFiles
{
    /// <summary>The most bytes read for a file called <paramref name="name"/>: the limit of an ONNX model or of a spec file.</summary>
    public static long Limit(string name) => OnnxImport.IsOnnxPath(name) ? BoundedFile.MaxOnnxBytes : BoundedFile.MaxSpecBytes;

    /// <summary>
    /// The bytes of the file called <paramref name="name"/> of <paramref name="size"/> bytes, whose content
    /// <paramref name="open"/> gives (at most the limit it is passed): refused before it is opened when it is larger than
    /// its limit (<see cref="Limit"/>), and when it turns out longer.
    /// </summary>
    public static Task<byte[]> ReadBytesAsync(string name, long size, Func<long, Stream> open, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return BoundedFile.ReadAllBytesAsync(name, size, open, Limit(name), OnnxImport.IsOnnxPath(name) ? "ONNX model" : "spec file", cancel);
    }

    /// <summary>The network in <paramref name="bytes"/>, the content of the file called <paramref name="name"/>.</summary>
    public static LoadedNetwork Read(string name, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(name);
        return OnnxImport.IsOnnxPath(name)
            ? NetworkSource.FromFile(OnnxImport.Read(bytes, Path.GetFileNameWithoutExtension(name), name), "onnx", name)
            : NetworkSource.FromFile(NetworkSpec.Read(bytes, name), "spec", name);
    }

    /// <summary>Reads the model in the file called <paramref name="name"/>: <see cref="ReadBytesAsync"/>, then <see cref="Read"/>.</summary>
    public static async Task<LoadedNetwork> ReadAsync(string name, long size, Func<long, Stream> open, CancellationToken cancel = default) =>
        Read(name, await ReadBytesAsync(name, size, open, cancel));
}
