namespace InfoField.Onnx;

/// <summary>
/// The importer's own limits (docs/guarantees.md), on top of the architecture model's (<see cref="Architecture.Limits"/>):
/// what a file may hold before it is refused with one line, so that memory and time stay bounded whatever it declares.
/// </summary>
public static class OnnxLimits
{
    /// <summary>The most nodes a graph may have: 262,144 (4 per op the network may have, for shape arithmetic and pass-through nodes).</summary>
    public const int MaxNodes = 1 << 18;

    /// <summary>The most initializers, inputs or outputs a graph may have: 1,048,576.</summary>
    public const int MaxValues = 1 << 20;

    /// <summary>The longest name (of a node, an op type, a value) or string attribute: 65,536 bytes.</summary>
    public const int MaxStringBytes = 1 << 16;

    /// <summary>The most values in one list attribute (pads, kernel_shape, perm, split, ...) or inputs of one node: 65,536.</summary>
    public const int MaxListValues = 1 << 16;

    /// <summary>The most dims of a tensor or a value's shape: 64.</summary>
    public const int MaxRank = 64;

    /// <summary>The most values of a constant whose values are read (shapes, pads, indices of a channel gather): 2^24.</summary>
    public const int MaxConstantValues = 1 << 24;

    /// <summary>The most values one folded constant (the result of shape arithmetic) may have: 65,536.</summary>
    public const int MaxFoldedValues = 1 << 16;

    /// <summary>The most dims one folded constant may have: 8.</summary>
    public const int MaxFoldedRank = 8;

    /// <summary>The most values all folded constants of a graph may have together: 2^22.</summary>
    public const int MaxFoldedTotal = 1 << 22;
}
