using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using InfoField.Architecture;
using InfoField.Onnx;
using Onnx;

namespace InfoField.Benchmarks;

/// <summary>
/// How long importing torchvision's ResNet-50 from ONNX takes in-process (docs/performance.md): reading the file,
/// mapping the nodes through the import table, the passes, finding units and stages and validating the network. The
/// fixture (tests/fixtures/onnx/resnet50.onnx) has its weights stripped; <see cref="ImportResNet50WithWeights"/> reads
/// the same model with every float initializer's data written out (102 MB, zeros), made in <see cref="Setup"/> in a
/// temporary folder: the import reads the same few bytes of either, so the two should take the same time.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class OnnxImportBenchmarks
{
    private string _path = null!;
    private string _withWeights = null!;

    [GlobalSetup]
    public void Setup()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfoField.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("InfoField.slnx not found above the benchmark's folder");
        }

        _path = Path.Combine(root, "tests", "fixtures", "onnx", "resnet50.onnx");
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(_path));
        foreach (TensorProto tensor in model.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float))
        {
            long count = tensor.Dims.Aggregate(1L, (a, b) => a * b);
            if (tensor.RawData.Length == 0 && tensor.FloatData.Count == 0)
            {
                tensor.RawData = UnsafeByteOperations.UnsafeWrap(new byte[count * sizeof(float)]);
            }
        }

        _withWeights = Path.Combine(Path.GetTempPath(), $"infofield-bench-{Guid.NewGuid():N}.onnx");
        using FileStream stream = File.Create(_withWeights);
        model.WriteTo(stream);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_withWeights);

    [Benchmark(Baseline = true)]
    public Network ImportResNet50() => OnnxImport.Load(_path);

    [Benchmark]
    public Network ImportResNet50WithWeights() => OnnxImport.Load(_withWeights);
}
