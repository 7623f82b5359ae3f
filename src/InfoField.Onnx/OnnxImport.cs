using System.Globalization;
using InfoField.Architecture;
using InfoField.Files;
using InfoField.Onnx.Import;
using InfoField.Onnx.Model;
using InfoField.Onnx.Protobuf;

namespace InfoField.Onnx;

/// <summary>
/// Reads an ONNX model (opsets 9 to 18 of the default domain) into InfoField's architecture model: its nodes become
/// ops through the import table (<see cref="OnnxReaderSet"/>), and the network's stages, units and head are found
/// from the graph itself (docs/onnx.md). The file is read in place, by its own small protobuf reader: the graph and
/// the initializers' headers (names, types, dims) are read, a tensor's data is skipped without being read, and only
/// small constants (shapes, pads, indices, clip bounds) are read when a node needs them. So the time and memory do
/// not grow with the weights, weights stored in external data files are never opened, and a model exported without
/// weights (<c>export_params=False</c>) or stripped of them reads the same.
/// </summary>
public static class OnnxImport
{
    /// <summary>The lowest opset of the default ONNX domain read.</summary>
    public const int MinOpset = OnnxReaderSet.MinOpset;

    /// <summary>The highest opset of the default ONNX domain read.</summary>
    public const int MaxOpset = OnnxReaderSet.MaxOpset;

    /// <summary>True when <paramref name="path"/> names an ONNX model (it ends in <c>.onnx</c>).</summary>
    public static bool IsOnnxPath(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Loads the ONNX model at <paramref name="path"/> as a validated network named after the file, reading its nodes
    /// with <paramref name="readers"/> (default <see cref="OnnxReaderSet.Default"/>). Throws
    /// <see cref="InfoFieldException"/> with one line naming the file (and the node, for a node that cannot be read)
    /// when the file is not ONNX, is truncated, or holds something InfoField cannot describe.
    /// </summary>
    public static Network Load(string path, OnnxReaderSet? readers = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = BoundedFile.OpenRegular(path, "ONNX model");
        if (stream.Length > BoundedFile.MaxOnnxBytes)
        {
            throw new InfoFieldException(string.Create(CultureInfo.InvariantCulture, $"{path}: larger than {BoundedFile.MaxOnnxBytes:N0} bytes, the limit for an ONNX model"));
        }

        using var source = new FileSource(stream.SafeFileHandle, stream.Length);
        return Read(source, Path.GetFileNameWithoutExtension(path), path, readers);
    }

    /// <summary>
    /// The ONNX model at <paramref name="path"/> (<see cref="Load"/>) as a <see cref="LoadedNetwork"/> of kind
    /// <c>onnx</c>, with <paramref name="input"/> as its input when given (<see cref="NetworkSource.FromFile"/>).
    /// </summary>
    public static LoadedNetwork LoadNetwork(string path, InputShape? input = null, OnnxReaderSet? readers = null) =>
        NetworkSource.FromFile(Load(path, readers), "onnx", path, input);

    /// <summary>Reads a network named <paramref name="name"/> from the bytes of an ONNX model; errors name <paramref name="source"/>.</summary>
    public static Network Read(byte[] bytes, string name, string source, OnnxReaderSet? readers = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Read(new ReadOnlyMemory<byte>(bytes), name, source, readers);
    }

    /// <summary>Reads a network named <paramref name="name"/> from the bytes of an ONNX model; errors name <paramref name="source"/>.</summary>
    public static Network Read(ReadOnlyMemory<byte> bytes, string name, string source, OnnxReaderSet? readers = null)
    {
        using var memory = new MemorySource(bytes);
        return Read(memory, name, source, readers);
    }

    internal static Network Read(ByteSource bytes, string name, string source, OnnxReaderSet? readers)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(source);
        OnnxModel model = Parse(bytes, source);
        try
        {
            FlatGraph graph = GraphImporter.Read(model, readers ?? OnnxReaderSet.Default);
            return GraphStructure.Build(name, graph);
        }
        catch (ArchitectureException error)
        {
            throw new InfoFieldException($"{source}: the imported network is not valid: {error.Message}", error);
        }
        catch (InfoFieldException error)
        {
            throw new InfoFieldException($"{source}: {error.Message}", error);
        }
        catch (ProtobufException error)
        {
            throw Unreadable(source, error);
        }
    }

    private static OnnxModel Parse(ByteSource bytes, string source)
    {
        OnnxModel model;
        try
        {
            model = OnnxModelReader.Read(bytes);
        }
        catch (ProtobufException error)
        {
            throw Unreadable(source, error);
        }

        if (model.IrVersion <= 0 || model.Graph.Nodes.Count == 0)
        {
            throw new InfoFieldException($"{source}: not an ONNX model, or a truncated one (no IR version or no graph nodes)");
        }

        long opset = model.Opsets.GetValueOrDefault(string.Empty);
        if (opset < MinOpset || opset > MaxOpset)
        {
            throw new InfoFieldException(string.Create(CultureInfo.InvariantCulture, $"{source}: uses opset {opset} of the default ONNX domain; InfoField reads opsets {MinOpset} to {MaxOpset} (re-export with opset_version in that range)"));
        }

        return model;
    }

    private static InfoFieldException Unreadable(string source, ProtobufException error) =>
        error.IsLimit
            ? new InfoFieldException($"{source}: {error.Message}", error)
            : new InfoFieldException($"{source}: not an ONNX model, or a truncated one (the protobuf cannot be read: {error.Message})", error);
}
