using BenchmarkDotNet.Attributes;
using InfoField.Architecture;
using InfoField.Organizer;
using InfoField.Zoo;

namespace InfoField.Benchmarks;

/// <summary>How long the stage-level organizer takes in-process on the largest zoo networks, chained and branched (docs/performance.md).</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class OrganizerBenchmarks
{
    private Network _resnet152 = null!;
    private Network _vgg16 = null!;
    private Network _densenet121 = null!;
    private Network _efficientnetB0 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _resnet152 = ModelZoo.Create("resnet152", "imagenet");
        _vgg16 = ModelZoo.Create("vgg16", "cifar10");
        _densenet121 = ModelZoo.Create("densenet121", "imagenet");
        _efficientnetB0 = ModelZoo.Create("efficientnet-b0", "imagenet");
    }

    [Benchmark]
    public OrganizerResult OptimizeResNet152ImageNet() => StageOrganizer.Optimize(_resnet152);

    [Benchmark]
    public OrganizerResult OptimizeVgg16Cifar10() => StageOrganizer.Optimize(_vgg16);

    [Benchmark]
    public OrganizerResult OptimizeDenseNet121ImageNet() => StageOrganizer.Optimize(_densenet121);

    [Benchmark]
    public OrganizerResult OptimizeEfficientNetB0ImageNet() => StageOrganizer.Optimize(_efficientnetB0);

    /// <summary>The work of <c>infofield study alpha</c>: the organizer on every zoo model and dataset (151) at six alphas.</summary>
    [Benchmark]
    public AlphaSensitivity AlphaStudy() => AlphaSensitivity.OfZoo();
}
