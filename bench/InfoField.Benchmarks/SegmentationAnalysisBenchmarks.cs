using BenchmarkDotNet.Attributes;
using InfoField.Architecture;
using InfoField.Onnx;
using InfoField.Reporting;

namespace InfoField.Benchmarks;

/// <summary>
/// How long analysing torchvision's DeepLabV3 on MobileNetV3-Large (tests/fixtures/onnx, 128 x 128, opset 11) takes
/// after its file is read (docs/performance.md; issue 23 asks under 50 ms): <see cref="Import"/> reads the ONNX bytes into
/// a network, <see cref="Analyze"/> is what <c>infofield analyze</c> computes (every stage's field, the verdicts with the
/// organizer's outlook, every output's field in the input frame), <see cref="ImportAndAnalyze"/> both.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class SegmentationAnalysisBenchmarks
{
    private byte[] _bytes = null!;
    private LoadedNetwork _loaded = null!;

    [GlobalSetup]
    public void Setup()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfoField.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("InfoField.slnx not found above the benchmark's folder");
        }

        _bytes = File.ReadAllBytes(Path.Combine(root, "tests", "fixtures", "onnx", "deeplabv3_mobilenet_v3_large_opset11.onnx"));
        _loaded = new LoadedNetwork(Import(), "onnx", null, 1.0, "deeplabv3_mobilenet_v3_large_opset11.onnx");
    }

    [Benchmark]
    public Network Import() => OnnxImport.Read(_bytes, "deeplabv3_mobilenet_v3_large", "deeplabv3_mobilenet_v3_large_opset11.onnx");

    [Benchmark]
    public AnalysisDocument Analyze() => NetworkAnalysis.Of(_loaded).Document(_loaded);

    [Benchmark(Baseline = true)]
    public AnalysisDocument ImportAndAnalyze()
    {
        var loaded = new LoadedNetwork(Import(), "onnx", null, 1.0, "deeplabv3_mobilenet_v3_large_opset11.onnx");
        return NetworkAnalysis.Of(loaded).Document(loaded);
    }
}
