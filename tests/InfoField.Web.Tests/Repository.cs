namespace InfoField.Web.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repository
{
    /// <summary>The folder holding InfoField.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Every committed ONNX fixture (tests/fixtures/onnx/*.onnx), by name.</summary>
    public static IReadOnlyList<string> OnnxFixtures { get; } =
        [.. Directory.GetFiles(Path.Combine(Root, "tests", "fixtures", "onnx"), "*.onnx").Order(StringComparer.Ordinal)];

    private static string FindRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "InfoField.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("the repository root (InfoField.slnx) is not above the test's folder");
    }
}
