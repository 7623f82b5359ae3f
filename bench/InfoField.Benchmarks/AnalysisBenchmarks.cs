using BenchmarkDotNet.Attributes;
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Zoo;

namespace InfoField.Benchmarks;

/// <summary>
/// How long the Information Field analysis of the largest zoo networks takes in-process (docs/performance.md): the
/// deepest chain of residual blocks (ResNet-152) and the largest branched ones (DenseNet-121: 58 concatenating dense
/// layers; EfficientNet-B0: MBConv blocks with squeeze-and-excitation gates). Analyze measures the engine on a built
/// network; BuildAndAnalyze adds building and validating the network from the zoo.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class AnalysisBenchmarks
{
    private Network _resnet152 = null!;
    private Network _densenet121 = null!;
    private Network _efficientnetB0 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _resnet152 = ModelZoo.Create("resnet152", "imagenet");
        _densenet121 = ModelZoo.Create("densenet121", "imagenet");
        _efficientnetB0 = ModelZoo.Create("efficientnet-b0", "imagenet");
    }

    [Benchmark]
    public NetworkField Analyze() => InformationField.Analyze(_resnet152);

    [Benchmark]
    public NetworkField BuildAndAnalyze() => InformationField.Analyze(ModelZoo.Create("resnet152", "imagenet"));

    [Benchmark]
    public Network Build() => ModelZoo.Create("resnet152", "imagenet");

    [Benchmark]
    public NetworkField AnalyzeDenseNet121() => InformationField.Analyze(_densenet121);

    [Benchmark]
    public NetworkField AnalyzeEfficientNetB0() => InformationField.Analyze(_efficientnetB0);
}
