namespace InfoField.Torch.Tests;

/// <summary>Where the repository's files are, for tests that read committed fixtures, samples and docs.</summary>
internal static class Repository
{
    /// <summary>The repository's root: the first folder above the tests that holds InfoField.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The committed ONNX fixture <paramref name="name"/> (tests/fixtures/onnx/<paramref name="name"/>.onnx).</summary>
    public static string OnnxFixture(string name) => Path.Combine(Root, "tests", "fixtures", "onnx", name + ".onnx");

    private static string FindRoot()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfoField.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("the repository root (InfoField.slnx) is not above the test's folder");
        }

        return root;
    }
}
