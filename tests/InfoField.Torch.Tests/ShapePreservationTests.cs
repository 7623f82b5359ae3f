using Google.Protobuf;
using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Kernels;
using InfoField.Onnx;
using InfoField.Organizer;
using InfoField.Samples.Branched;
using InfoField.Samples.Listing1;
using InfoField.Spec;
using InfoField.Torch.Building;
using InfoField.Torch.Onnx;
using InfoField.Zoo;
using Onnx;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

/// <summary>
/// An optimized or decomposed network keeps the input and output shapes of the original, on every network InfoField
/// reads: every zoo model on every dataset, every spec under samples/, every ONNX fixture, and traced TorchSharp models
/// (TorchVision's and the samples'); for every organizer preset and several decompositions. ONNX models written from
/// the results read back with the same shapes. (Before the organizer checked its edits, SqueezeNet's optimized
/// output was 512 features instead of 1000.)
/// </summary>
public class ShapePreservationTests
{
    /// <summary>The organizer settings of every preset: the defaults and the paper preset's three rows.</summary>
    private static readonly OrganizerOptions[] Presets =
    [
        OrganizerOptions.Default,
        new(Policy: OrganizerPolicy.Saturated, Theta: 0.05),
        new(Frame: CoordinateFrame.Output, Policy: OrganizerPolicy.Saturated, Theta: 0),
        new(Policy: OrganizerPolicy.Saturated, Theta: 0.4),
    ];

    private static readonly (ReplacementBlock Block, BlockSettings Settings)[] Decompositions =
    [
        (ReplacementBlock.DwPw, new BlockSettings()),
        (ReplacementBlock.DwGpw, new BlockSettings(Groups: 2)),
        (ReplacementBlock.DwShuffleGpw, new BlockSettings(Groups: 4)),
        (ReplacementBlock.DwRpw, new BlockSettings(Groups: 4, Overlap: 0.33)),
    ];

    public static TheoryData<string, string> ZooModels()
    {
        var data = new TheoryData<string, string>();
        foreach (ZooEntry entry in ModelZoo.Entries)
        {
            foreach (DatasetInfo dataset in DatasetInfo.All.Where(entry.Supports))
            {
                data.Add(entry.Name, dataset.Name);
            }
        }

        return data;
    }

    public static TheoryData<string> Files() => [.. FilePaths()];

    public static TheoryData<string> TracedModels() => ["resnet18", "resnet50", "mobilenet_v2", "googlenet", "listing1-cnn", "branched-smallresnet"];

    [Fact]
    public void Every_network_kind_is_covered()
    {
        Assert.True(ZooModels().Count() >= 151, $"{ZooModels().Count()} zoo networks");
        Assert.Contains(FilePaths(), path => path.EndsWith(".json", StringComparison.Ordinal));
        Assert.True(FilePaths().Count(path => path.EndsWith(".onnx", StringComparison.Ordinal)) >= 12);
        Assert.Contains(FilePaths(), path => path.EndsWith("squeezenet1_0.onnx", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ZooModels))]
    public void Zoo_models_keep_their_shapes(string model, string dataset) =>
        KeepsShapes(ModelZoo.Create(model, dataset), onnxRoundTrip: false);

    [Theory]
    [MemberData(nameof(Files))]
    public void Spec_samples_and_onnx_fixtures_keep_their_shapes(string file)
    {
        string path = Path.Combine(Root, file);
        bool onnx = OnnxImport.IsOnnxPath(path);
        KeepsShapes(onnx ? OnnxImport.Load(path) : NetworkSpec.Load(path), onnxRoundTrip: onnx);
    }

    [Theory]
    [MemberData(nameof(TracedModels))]
    public void Traced_models_keep_their_shapes(string model)
    {
        using var scope = NewDisposeScope();
        using nn.Module<Tensor, Tensor> module = model switch
        {
            "resnet18" => TorchSharp.torchvision.models.resnet18(),
            "resnet50" => TorchSharp.torchvision.models.resnet50(),
            "mobilenet_v2" => TorchSharp.torchvision.models.mobilenet_v2(),
            "googlenet" => TorchSharp.torchvision.models.googlenet(transform_input: false),
            "listing1-cnn" => new Cnn([2, 2, 3, 3, 3], [64, 128, 256, 512, 512], outClass: 10),
            _ => new SmallResNet(),
        };
        var input = model is "listing1-cnn" or "branched-smallresnet" ? new FeatureShape(3, 32, 32) : new FeatureShape(3, 64, 64);

        KeepsShapes(module.ToArchitecture(input), onnxRoundTrip: false);
    }

    [Fact]
    public void SqueezeNet_keeps_its_classifier_and_its_1000_outputs()
    {
        Network squeezenet = OnnxImport.Load(Path.Combine(Root, "tests", "fixtures", "onnx", "squeezenet1_0.onnx"));
        Assert.Equal(new FeatureShape(1000, 1, 1), squeezenet.Output);

        OrganizerResult result = StageOrganizer.Optimize(squeezenet);

        Assert.Equal(new FeatureShape(1000, 1, 1), result.After.Output);
        Assert.Equal("pw-1000", result.After.Stages[^1].Units[^1].Name);
        Assert.Equal([6, 8, 3], result.BeforeStageUnits);
        Assert.Equal([6, 6, 4], result.AfterStageUnits);
        Assert.DoesNotContain(result.Steps, step => step.SourceUnit == "pw-1000");
    }

    private static void KeepsShapes(Network network, bool onnxRoundTrip)
    {
        var results = new List<(string What, Network After)>();
        foreach (OrganizerOptions options in Presets)
        {
            OrganizerResult result = StageOrganizer.Optimize(network, options);
            results.AddRange(result.Steps.Select(step => ($"optimize ({options.Policy}, theta {options.Theta}, {options.Frame}) step {step.Iteration}", step.Architecture)));
        }

        foreach (var (block, settings) in Decompositions)
        {
            results.Add(($"decompose {Decomposer.Name(block, settings)}", Decomposer.Decompose(network, block, settings).After));
        }

        results.Add(("decompose --rule", Decomposer.DecomposeByRule(network, new BlockSettings(Groups: 2, Overlap: 0.5)).After));
        Network optimized = StageOrganizer.Optimize(network).After;
        results.Add(("decompose --optimized dw-rpw", Decomposer.Decompose(optimized, ReplacementBlock.DwRpw, new BlockSettings(Groups: 2, Overlap: 0.5)).After));

        foreach (var (what, after) in results)
        {
            Assert.True(
                after.Input == network.Input && after.Output == network.Output && after.SpatialRank == network.SpatialRank,
                $"{network.Name}, {what}: {after.Input} -> {after.Output} where the original is {network.Input} -> {network.Output}");
        }

        // 1-D networks too: InfoField writes them 1-D throughout (N x C x L), which its importer reads back.
        if (onnxRoundTrip)
        {
            ReadsBackWithTheSameShapes(network, optimized, "optimized");

            // The decomposed networks' ONNX form (RPW as a Gather and a grouped Conv) too, where writing weights is quick.
            Network decomposed = Decomposer.Decompose(network, ReplacementBlock.DwRpw, new BlockSettings(Groups: 2, Overlap: 0.5)).After;
            if (CostModel.Of(decomposed).Total.Parameters < 30_000_000)
            {
                ReadsBackWithTheSameShapes(network, decomposed, "decomposed");
            }
        }
    }

    /// <summary>Writes <paramref name="after"/> as ONNX (as <c>optimize -o x.onnx</c> does) and reads it back.</summary>
    private static void ReadsBackWithTheSameShapes(Network original, Network after, string what)
    {
        using var scope = NewDisposeScope();
        byte[] bytes;
        using (NetworkModule module = ModuleBuilder.Build(after))
        {
            // The importer reads shapes only: large weights are dropped before writing, as the fixtures' export script does.
            ModelProto model = OnnxExport.ToModel(module);
            foreach (TensorProto weight in model.Graph.Initializer.Where(weight => weight.RawData.Length > 64))
            {
                weight.RawData = ByteString.Empty;
            }

            bytes = model.ToByteArray();
        }

        Network read = OnnxImport.Read(bytes, after.Name, $"{what}.onnx");
        Assert.True(
            read.Input == original.Input && read.Output == original.Output && read.SpatialRank == original.SpatialRank,
            $"{original.Name} {what}, written as ONNX and read back: {read.Input} -> {read.Output} (rank {read.SpatialRank}) where the original is {original.Input} -> {original.Output} (rank {original.SpatialRank})");
    }

    /// <summary>Every spec under samples/ (not the samples' build outputs) and every ONNX fixture, relative to the repository.</summary>
    private static List<string> FilePaths() =>
    [
        .. Directory.GetFiles(Path.Combine(Root, "samples"), "*.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Root, path))
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal),
        .. Directory.GetFiles(Path.Combine(Root, "tests", "fixtures", "onnx"), "*.onnx").Select(path => Path.GetRelativePath(Root, path)).Order(StringComparer.Ordinal),
    ];

    private static string Root => Repository.Root;
}
