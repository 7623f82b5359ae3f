using BenchmarkDotNet.Attributes;
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Zoo;

namespace InfoField.Benchmarks;

/// <summary>
/// How long the Information Field analysis of the largest zoo network takes in-process (docs/performance.md).
/// Analyze measures the engine on a built network; BuildAndAnalyze adds building and validating the network from the zoo.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class AnalysisBenchmarks
{
    private Network _resnet152 = null!;

    [GlobalSetup]
    public void Setup() => _resnet152 = ModelZoo.Create("resnet152", "imagenet");

    [Benchmark]
    public NetworkField Analyze() => InformationField.Analyze(_resnet152);

    [Benchmark]
    public NetworkField BuildAndAnalyze() => InformationField.Analyze(ModelZoo.Create("resnet152", "imagenet"));

    [Benchmark]
    public Network Build() => ModelZoo.Create("resnet152", "imagenet");
}
