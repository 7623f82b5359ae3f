using BenchmarkDotNet.Attributes;
using InfoField.Architecture;
using InfoField.Onnx;

namespace InfoField.Benchmarks;

/// <summary>
/// How long importing torchvision's ResNet-50 from ONNX takes in-process (docs/performance.md): reading the file
/// (tests/fixtures/onnx/resnet50.onnx, weights stripped), parsing the protobuf, mapping the nodes, finding units and
/// stages and validating the network.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class OnnxImportBenchmarks
{
    private string _path = null!;

    [GlobalSetup]
    public void Setup()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfoField.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("InfoField.slnx not found above the benchmark's folder");
        }

        _path = Path.Combine(root, "tests", "fixtures", "onnx", "resnet50.onnx");
    }

    [Benchmark]
    public Network ImportResNet50() => OnnxImport.Load(_path);
}
