using InfoField.Onnx.Import;

namespace InfoField.Onnx.Readers;

/// <summary>Nodes that pass a value on (Identity, Dropout) or make a constant (Constant).</summary>
internal static class ValueReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("Identity", 1, node => node.PassOn()) { PassesOn = true },
        new("Dropout", 1, node => node.PassOn()) { MaxOutputs = 2, PassesOn = true },
        new("Dropout", 12, node => node.PassOn()) { MaxInputs = 3, MaxOutputs = 2, PassesOn = true },
        new("Constant", 1, Constant) { MinInputs = 0, MaxInputs = 0 },
    ];

    /// <summary>A Constant's <c>value</c> tensor, or (opset 12 on) its <c>value_int</c> or <c>value_ints</c>.</summary>
    private static void Constant(OnnxNodeContext node)
    {
        string name = node.Node.Outputs[0];
        if (node.Attribute("value")?.T is { } tensor)
        {
            node.Importer.Bind(node, 0, ImportConstant.FromTensor(name, tensor));
        }
        else if (node.Attribute("value_ints") is { } ints)
        {
            long[] values = [.. ints.Ints ?? []];
            node.Importer.SetFolded(node, 0, values, [values.LongLength]);
        }
        else if (node.Attribute("value_int") is { } scalar)
        {
            node.Importer.SetFolded(node, 0, [scalar.I], []);
        }
        else
        {
            throw node.Fail("only Constant nodes with a 'value' tensor (or value_int, value_ints) are read");
        }
    }
}
