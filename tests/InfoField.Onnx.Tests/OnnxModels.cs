using Google.Protobuf;
using Onnx;

namespace InfoField.Onnx.Tests;

/// <summary>Builds ONNX models for the tests with the official onnx.proto's types (OnnxSharp), and finds the fixtures.</summary>
internal static class OnnxModels
{
    /// <summary>A 1 x 3 x 8 x 8 input 'x', a 3x3 conv 'conv' to 4 channels (weights 'w' without data) making 'conv_out'.</summary>
    public static ModelProto Small(long[]? pads = null, string? autoPad = null, long opset = 13)
    {
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        model.Graph.Input.Add(Value("x", 1, 3, 8, 8));
        model.Graph.Output.Add(Value("conv_out", 1, 4, 8, 8));
        model.Graph.Initializer.Add(Weight("w", 4, 3, 3, 3));
        NodeProto conv = Node("Conv", "conv", ["x", "w"], ["conv_out"]);
        if (autoPad is not null)
        {
            conv.Attribute.Add(new AttributeProto { Name = "auto_pad", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(autoPad) });
        }
        else
        {
            conv.Attribute.Add(Ints("pads", pads ?? [1, 1, 1, 1]));
        }

        model.Graph.Node.Add(conv);
        return model;
    }

    /// <summary>Appends <paramref name="node"/> and makes its first output the graph's output.</summary>
    public static ModelProto Then(this ModelProto model, NodeProto node)
    {
        model.Graph.Node.Add(node);
        model.Graph.Output[0].Name = node.Output[0];
        return model;
    }

    /// <summary>A float initializer of <paramref name="dims"/> without data (the importer reads dims only).</summary>
    public static TensorProto Weight(string name, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(dims);
        return tensor;
    }

    /// <summary>A 1-D int64 initializer.</summary>
    public static TensorProto Integers(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        return tensor;
    }

    /// <summary>A float scalar initializer.</summary>
    public static TensorProto Real(string name, float value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.FloatData.Add(value);
        return tensor;
    }

    public static NodeProto Node(string type, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = type, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        return node;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    public static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dims.Select(d => d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    /// <summary>Imports <paramref name="model"/> from its bytes, as <c>m.onnx</c>.</summary>
    public static Architecture.Network Import(this ModelProto model, OnnxReaderSet? readers = null) =>
        OnnxImport.Read(model.ToByteArray(), "m", "m.onnx", readers);

    /// <summary>The one-line error importing <paramref name="model"/> gives (the test fails when it imports).</summary>
    public static string Error(this ModelProto model, OnnxReaderSet? readers = null)
    {
        var error = Assert.Throws<InfoFieldException>(() => model.Import(readers));
        Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }

    public static string Fixture(string name) => Path.Combine(FixtureDirectory, name + ".onnx");

    public static string FixtureDirectory => Path.Combine(Root, "tests", "fixtures", "onnx");

    /// <summary>The repository's root: the first folder above the tests that holds InfoField.slnx.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfoField.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("InfoField.slnx not found above the test's folder");
        }

        return root;
    }

    /// <summary>Every fixture's name.</summary>
    public static string[] Fixtures => [.. Directory.GetFiles(FixtureDirectory, "*.onnx").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];

    /// <summary>A new empty folder under the temp directory.</summary>
    public static string TempFolder()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"infofield-onnx-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return directory;
    }
}
