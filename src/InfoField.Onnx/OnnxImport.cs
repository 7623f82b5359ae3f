using Google.Protobuf;
using InfoField.Architecture;
using InfoField.Files;
using Onnx;

namespace InfoField.Onnx;

/// <summary>
/// Reads an ONNX model (opsets 9 to 18) into InfoField's architecture model: its nodes become ops, and the network's
/// stages, units and head are found from the graph itself (docs/onnx.md). Only what shapes and parameter counts need
/// is read: initializers' dims and a few small constants, never the weights, so weights stored in external data files
/// are not opened and a model whose weights were stripped reads the same.
/// </summary>
public static class OnnxImport
{
    /// <summary>The lowest opset of the default ONNX domain read.</summary>
    public const int MinOpset = 9;

    /// <summary>The highest opset of the default ONNX domain read.</summary>
    public const int MaxOpset = 18;

    /// <summary>True when <paramref name="path"/> names an ONNX model (it ends in <c>.onnx</c>).</summary>
    public static bool IsOnnxPath(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Loads the ONNX model at <paramref name="path"/> as a validated network named after the file. Throws
    /// <see cref="InfoFieldException"/> with one line naming the file (and the node, for a node that cannot be read)
    /// when the file is not ONNX, is truncated, or holds something InfoField cannot describe.
    /// </summary>
    public static Network Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = BoundedFile.ReadAllBytes(path, BoundedFile.MaxOnnxBytes, "ONNX model");
        return Read(bytes, Path.GetFileNameWithoutExtension(path), path);
    }

    /// <summary>
    /// The ONNX model at <paramref name="path"/> (<see cref="Load"/>) as a <see cref="LoadedNetwork"/> of kind
    /// <c>onnx</c>, with <paramref name="input"/> as its input when given (<see cref="NetworkSource.FromFile"/>).
    /// </summary>
    public static LoadedNetwork LoadNetwork(string path, InputShape? input = null) =>
        NetworkSource.FromFile(Load(path), "onnx", path, input);

    /// <summary>Reads a network named <paramref name="name"/> from the bytes of an ONNX model; errors name <paramref name="source"/>.</summary>
    public static Network Read(byte[] bytes, string name, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ModelProto model = Parse(bytes, source);
        try
        {
            FlatGraph graph = OnnxNodeReader.Read(model);
            return GraphStructure.Build(name, graph);
        }
        catch (Exception error) when (error is OnnxReadException or StructureException)
        {
            throw new InfoFieldException($"{source}: {error.Message}", error);
        }
        catch (ArchitectureException error)
        {
            throw new InfoFieldException($"{source}: the imported network is not valid: {error.Message}", error);
        }
    }

    private static ModelProto Parse(byte[] bytes, string source)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new InfoFieldException($"{source}: not an ONNX model, or a truncated one (the protobuf cannot be read: {error.Message})", error);
        }

        if (model.IrVersion <= 0 || model.Graph is null || model.Graph.Node.Count == 0)
        {
            throw new InfoFieldException($"{source}: not an ONNX model, or a truncated one (no IR version or no graph nodes)");
        }

        long opset = model.OpsetImport.Where(import => import.Domain is "" or "ai.onnx").Select(import => import.Version).DefaultIfEmpty(0).Max();
        if (opset < MinOpset || opset > MaxOpset)
        {
            throw new InfoFieldException($"{source}: uses opset {opset} of the default ONNX domain; InfoField reads opsets {MinOpset} to {MaxOpset} (re-export with opset_version in that range)");
        }

        return model;
    }
}

/// <summary>A node or a value of an ONNX graph that cannot be read; the message names it.</summary>
internal sealed class OnnxReadException(string message) : Exception(message);
