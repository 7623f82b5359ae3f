using System.Globalization;
using System.Text;
using InfoField.Architecture;
using InfoField.Onnx;
using InfoField.Spec;

namespace InfoField.Web.Model;

/// <summary>
/// Reads a model file the user chose or dropped, as the command line reads a path: a name ending in <c>.onnx</c> is an
/// ONNX model, anything else a spec file; both with the command line's size limits and its one-line errors, which name
/// the file.
/// </summary>
public static class ModelFiles
{
    /// <summary>The most bytes read for a file called <paramref name="name"/>: the limit of an ONNX model or of a spec file.</summary>
    public static long Limit(string name) => OnnxImport.IsOnnxPath(name) ? BoundedFile.MaxOnnxBytes : BoundedFile.MaxSpecBytes;

    /// <summary>
    /// Reads the model in <paramref name="content"/>, a file called <paramref name="name"/> of <paramref name="size"/> bytes;
    /// refuses a file over its limit before reading it, and stops reading at the limit whatever the size said.
    /// </summary>
    public static async Task<LoadedNetwork> ReadAsync(string name, long size, Func<long, Stream> content, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(content);
        bool onnx = OnnxImport.IsOnnxPath(name);
        string what = onnx ? "ONNX model" : "spec file";
        long limit = Limit(name);
        if (size > limit)
        {
            throw TooLarge(name, limit, what);
        }

        byte[] bytes;
        try
        {
            await using Stream stream = content(limit);
            bytes = await ReadBounded(stream, limit, name, what, cancel);
        }
        catch (Exception error) when (error is IOException or OutOfMemoryException or InvalidOperationException)
        {
            throw new InfoFieldException($"{name}: cannot read the {what}: {error.Message}", error);
        }

        return Read(name, bytes);
    }

    /// <summary>The network in <paramref name="bytes"/>, the content of a file called <paramref name="name"/>.</summary>
    public static LoadedNetwork Read(string name, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        string stem = Path.GetFileNameWithoutExtension(name);
        if (OnnxImport.IsOnnxPath(name))
        {
            return new LoadedNetwork(OnnxImport.Read(bytes, stem, name), "onnx", null, 1.0, name);
        }

        string json = new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
        Network network = NetworkSpec.Parse(json, name, stem);
        return new LoadedNetwork(network, "spec", null, 1.0, name);
    }

    private static async Task<byte[]> ReadBounded(Stream stream, long limit, string name, string what, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancel)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(name, limit, what);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static InfoFieldException TooLarge(string name, long limit, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{name}: larger than {limit:N0} bytes, the limit for a {what}"));
}
