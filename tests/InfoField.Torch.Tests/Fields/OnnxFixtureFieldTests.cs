using System.Diagnostics;
using System.Globalization;
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Onnx;
using Xunit.Abstractions;

namespace InfoField.Torch.Tests.Fields;

/// <summary>
/// The fields of the ONNX fixtures (tests/fixtures/onnx) re-derived from gradients: each fixture is imported, its units
/// built with the project's module builder, and the engine's field compared with the gradient's (<see cref="GradientTruth"/>).
/// The two small fixtures are checked on every channel in the suite; the torchvision exports (224 x 224, up to 2048
/// channels: minutes of float64 on the CPU) on the neurons where the engine puts each factor it reports, when
/// INFOFIELD_FIXTURE_GRADIENTS=1. The fields are stated in tests/fixtures/onnx/fields.txt, which
/// InfoField.Onnx.Tests' OnnxFixtureFieldsTests holds the engine to.
/// </summary>
[Collection(TorchGlobalState.Name)]
public class OnnxFixtureFieldTests(ITestOutputHelper output)
{
    public static TheoryData<string> Torchvision => new(["squeezenet1_0", "resnet18", "resnet18_folded", "resnet50", "vgg16", "mobilenet_v2", "googlenet", "densenet121", "shufflenet_v2_x1_0", "efficientnet_b0", "regnet_y_400mf", "efficientnet_b1", "fcn_resnet50_opset11", "fcn_resnet50_opset13", "fcn_resnet50_opset17", "convnext_tiny_opset11", "convnext_tiny_opset13", "convnext_tiny_opset17", "convnext_tiny_noweights", "deeplabv3_mobilenet_v3_large_opset11", "deeplabv3_mobilenet_v3_large_opset13", "deeplabv3_mobilenet_v3_large_opset17", "deeplabv3_resnet50_opset11", "deeplabv3_resnet50_opset13", "deeplabv3_resnet50_opset17", "lraspp_mobilenet_v3_large_opset11", "lraspp_mobilenet_v3_large_opset13", "lraspp_mobilenet_v3_large_opset17", "r3d_18_opset11", "r3d_18_opset13", "r3d_18_opset17", "mc3_18_opset11", "mc3_18_opset13", "mc3_18_opset17", "r2plus1d_18_opset11", "r2plus1d_18_opset13", "r2plus1d_18_opset17", "fasterrcnn_mobilenet_v3_large_fpn_levels_opset11", "fasterrcnn_mobilenet_v3_large_fpn_levels_opset13", "fasterrcnn_mobilenet_v3_large_fpn_levels_opset17", "fasterrcnn_mobilenet_v3_large_fpn_backbone_opset11", "fasterrcnn_mobilenet_v3_large_fpn_backbone_opset13", "fasterrcnn_mobilenet_v3_large_fpn_backbone_opset17", "ssdlite320_mobilenet_v3_large_backbone_opset11", "ssdlite320_mobilenet_v3_large_backbone_opset13", "ssdlite320_mobilenet_v3_large_backbone_opset17"]);

    [Theory]
    [InlineData("handmade")]
    [InlineData("signal1d")]
    [InlineData("convnext_variant")]
    public void Small_fixtures_agree_with_gradients_on_every_channel(string fixture)
    {
        Network network = OnnxImport.Load(Repository.OnnxFixture(fixture));
        var clock = Stopwatch.StartNew();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;

        var (disagreements, units, neurons) = WithThreads(() => FieldComparison.Check(network, 21, FieldComparison.EveryChannel), threads: 1);

        output.WriteLine($"{fixture}: {units} units, {neurons} neurons checked in {clock.Elapsed.TotalSeconds:0.0} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.0} s of CPU)");
        foreach (string line in OnnxFixtureFields.Lines(fixture, InformationField.Analyze(network)))
        {
            output.WriteLine(line);
        }

        Assert.True(disagreements.Count == 0, $"{fixture}: {disagreements.Count} disagreements; the first: {disagreements.FirstOrDefault()}");
    }

    [FixtureGradientTheory]
    [MemberData(nameof(Torchvision))]
    public void Torchvision_fixtures_agree_with_gradients_where_the_engine_puts_its_extremes(string fixture)
    {
        Network network = OnnxImport.Load(Repository.OnnxFixture(fixture));
        var clock = Stopwatch.StartNew();

        var (disagreements, units, neurons) = WithThreads(() => FieldComparison.Check(network, 21, FieldComparison.Extremes, unitFactors: false), threads: 2);

        output.WriteLine($"{fixture}: {units} units, {neurons} neurons checked in {clock.Elapsed.TotalSeconds:0} s");
        foreach (string line in OnnxFixtureFields.Lines(fixture, InformationField.Analyze(network)))
        {
            output.WriteLine(line);
        }

        Assert.True(disagreements.Count == 0, $"{fixture}: {disagreements.Count} disagreements; the first: {disagreements.FirstOrDefault()}");
    }

    /// <summary>
    /// Every output's field in the frame of the network's input (<see cref="OutputFields"/>) against the gradients of the
    /// whole network (<see cref="GradientTruth.OfOutputs"/>): for each output, the neurons where the engine puts its
    /// extremes (<see cref="FieldComparison.Extremes"/>), literal and, where global pooling feeds the network, local.
    /// At the fixtures' 128 x 128 every output neuron sees the whole input; at 192 x 192 (<paramref name="size"/>) the
    /// auxiliary head's corner neurons no longer do (its receptive field is 291 pixels), so spans depend on position.
    /// The segmentation models without auxiliary heads are here too (their one reported output); LR-ASPP is not: with
    /// random weights its float64 forward pass overflows, so the gradients say nothing.
    /// </summary>
    [FixtureGradientTheory]
    [InlineData("fcn_resnet50_aux_opset11", 0)]
    [InlineData("deeplabv3_resnet50_aux_opset11", 0)]
    [InlineData("fcn_resnet50_aux_opset11", 192)]
    [InlineData("deeplabv3_mobilenet_v3_large_aux_opset11", 0)]
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_levels_opset11", 0)]
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_levels_opset13", 0)]
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_levels_opset17", 0)]
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_backbone_opset11", 0)]
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_backbone_opset13", 0)]
    [InlineData("fasterrcnn_mobilenet_v3_large_fpn_backbone_opset17", 0)]
    [InlineData("ssdlite320_mobilenet_v3_large_backbone_opset13", 0)]
    [InlineData("fcn_resnet50_opset11", 0)]
    [InlineData("fcn_resnet50_opset13", 0)]
    [InlineData("fcn_resnet50_opset17", 0)]
    [InlineData("deeplabv3_mobilenet_v3_large_opset11", 0)]
    [InlineData("deeplabv3_mobilenet_v3_large_opset13", 0)]
    [InlineData("deeplabv3_mobilenet_v3_large_opset17", 0)]
    [InlineData("deeplabv3_resnet50_opset13", 0)]
    public void Outputs_agree_with_gradients_in_the_frame_of_the_input(string fixture, int size)
    {
        Network network = OnnxImport.Load(Repository.OnnxFixture(fixture));
        if (size > 0)
        {
            network = network.WithInput(new FeatureShape(network.Input.Channels, size, size));
        }

        var clock = Stopwatch.StartNew();
        TensorField[] maps = [.. OutputFields.Maps(network)];
        List<Neuron> neurons = FieldComparison.Extremes(maps);
        bool gated = network.Stages.Any(stage => stage.Units.Any(unit => unit.Ops.Any(op => op is AdaptivePooling { IsGlobal: true })));
        var disagreements = new List<string>();

        var (literal, local) = WithThreads(() => (GradientTruth.OfOutputs(network, neurons, local: false, 21), gated ? GradientTruth.OfOutputs(network, neurons, local: true, 21) : null), threads: 2);

        foreach ((Reach[]? truth, bool isLocal) in new[] { (literal, false), (local, true) })
        {
            for (int b = 0; truth is not null && b < neurons.Count; b++)
            {
                Neuron neuron = neurons[b];
                FieldReach engine = maps[neuron.Unit].Reach(neuron.Channel, [neuron.Y, neuron.X], isLocal);
                if (!FieldComparison.Same(engine, truth[b]))
                {
                    disagreements.Add($"output {neuron.Unit + 1} channel {neuron.Channel} at ({neuron.Y}, {neuron.X}){(isLocal ? ", local" : "")}: gradients {truth[b]}, engine {FieldComparison.Describe(engine)}");
                }
            }
        }

        output.WriteLine($"{fixture} at {network.Input}: {maps.Length} outputs ({string.Join(", ", OutputFields.Of(network).Select(field => $"{field.Name} {field.Literal.IfH}x{field.Literal.IfW} best, {field.Literal.IfHInterior}x{field.Literal.IfWInterior} interior, covers {field.Covers(FieldKind.Literal)}, local {field.Local.IfH}x{field.Local.IfW} best, {field.Local.IfHInterior}x{field.Local.IfWInterior} interior"))}), {neurons.Count} neurons{(gated ? " (literal and local)" : "")} checked in {clock.Elapsed.TotalSeconds:0} s");
        Assert.True(disagreements.Count == 0, $"{fixture}: {disagreements.Count} disagreements; the first: {disagreements.FirstOrDefault()}");
    }

    private static T WithThreads<T>(Func<T> run, int threads)
    {
        int before = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(threads);
        try
        {
            return run();
        }
        finally
        {
            TorchSharp.torch.set_num_threads(before);
        }
    }
}

/// <summary>The lines of tests/fixtures/onnx/fields.txt for one fixture: one per unit.</summary>
internal static class OnnxFixtureFields
{
    public static IEnumerable<string> Lines(string fixture, NetworkField field) =>
        from stage in field.Stages
        from unit in stage.Units
        select string.Create(
            CultureInfo.InvariantCulture,
            $"{fixture}\t{stage.Index}\t{unit.Index}\t{unit.Name}\t{unit.Literal.IfH}\t{unit.Literal.IfHMin}\t{unit.Literal.IfW}\t{unit.Literal.IfWMin}\t{unit.Literal.IfC}\t{unit.Literal.IfCMean:0.###}\t{unit.Literal.IfCMax}\t{unit.Literal.If}\t{unit.Local.If}{(unit.OutputShape.HasDepth ? $"\t{unit.Literal.IfD}\t{unit.Literal.IfDMin}" : "")}");
}

/// <summary>A theory that runs only with INFOFIELD_FIXTURE_GRADIENTS=1 (minutes of CPU), and says so when skipped.</summary>
public sealed class FixtureGradientTheoryAttribute : TheoryAttribute
{
    public FixtureGradientTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("INFOFIELD_FIXTURE_GRADIENTS") != "1")
        {
            Skip = "re-derives the torchvision fixtures' fields from gradients (float64, minutes of CPU): set INFOFIELD_FIXTURE_GRADIENTS=1";
        }
    }
}
