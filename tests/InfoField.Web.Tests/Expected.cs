using InfoField.Field;
using InfoField.Onnx;
using InfoField.Reporting;
using InfoField.Zoo;

namespace InfoField.Web.Tests;

/// <summary>What the command line gives for a model, computed in-process by the library code it calls.</summary>
internal static class Expected
{
    /// <summary>The network <c>infofield analyze PATH</c> reads from an ONNX fixture (the CLI's reader: <see cref="OnnxImport.LoadNetwork"/>).</summary>
    public static LoadedNetwork Onnx(string path) => OnnxImport.LoadNetwork(path);

    /// <summary>The network <c>infofield analyze NAME --dataset D --width W</c> builds.</summary>
    public static LoadedNetwork Zoo(string name, string dataset = "cifar10", double width = 1) => NetworkSource.Zoo(name, DatasetInfo.Find(dataset), width);

    /// <summary>The document of <c>infofield analyze MODEL --json</c> (<see cref="NetworkAnalysis"/>, as AnalyzeCommand builds it).</summary>
    public static AnalysisDocument Analysis(LoadedNetwork loaded, FieldOptions? options = null, double? theta = null) =>
        NetworkAnalysis.Of(loaded, options, theta).Document(loaded);

    /// <summary>The text <c>infofield analyze MODEL --json</c> prints.</summary>
    public static string AnalysisJson(LoadedNetwork loaded, FieldOptions? options = null, double? theta = null) =>
        DocumentJson.Serialize(Analysis(loaded, options, theta));
}
