using InfoField.Architecture;
using InfoField.Torch.Building;
using InfoField.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

/// <summary>The zoo's ImageNet definitions are torchvision's: same parameters, in the same order, and the same function.</summary>
public class TorchVisionTests
{
    public static TheoryData<string> ImageNetModels() => ["vgg11", "vgg13", "vgg16", "vgg19", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "mobilenetv2", "googlenet", "mobilenetv3-large"];

    [Theory]
    [MemberData(nameof(ImageNetModels))]
    public void ImageNet_models_have_torchvisions_parameter_shapes_in_order(string model)
    {
        using var scope = NewDisposeScope();
        using NetworkModule ours = ModuleBuilder.Build(ModelZoo.Create(model, "imagenet"));
        using nn.Module<Tensor, Tensor> reference = TorchVision(model);

        var expected = InForwardOrder(reference).Select(p => string.Join("x", p.shape)).ToList();
        var actual = ours.parameters().Select(p => string.Join("x", p.shape)).ToList();

        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("vgg11")]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    [InlineData("mobilenetv2")]
    [InlineData("googlenet")]
    [InlineData("mobilenetv3-large")]
    public void ImageNet_models_compute_what_torchvision_computes_with_the_same_weights(string model)
    {
        using var scope = NewDisposeScope();
        var request = new ZooRequest(DatasetInfo.ImageNet, InputOverride: new FeatureShape(3, 64, 64));
        using NetworkModule ours = ModuleBuilder.Build(ModelZoo.Create(model, request));
        using nn.Module<Tensor, Tensor> reference = TorchVision(model);
        using (no_grad())
        {
            foreach (var (source, target) in InForwardOrder(reference).Zip(ours.parameters()))
            {
                target.copy_(source);
            }
        }

        ours.eval();
        reference.eval();
        using var noGrad = no_grad();
        Tensor input = randn(2, 3, 64, 64, generator: new Generator(7));

        Tensor expected = reference.forward(input);
        Tensor actual = ours.forward(input);

        // Relative to the outputs' scale: freshly initialized MobileNets give logits near 1e-10, where any fixed tolerance passes.
        float scale = expected.abs().max().item<float>();
        float difference = (actual - expected).abs().max().item<float>();
        Assert.True(scale > 0, $"{model}: torchvision's outputs are all zero, so they cannot be compared");
        Assert.True(difference <= 1e-4 * scale, $"{model}: max difference {difference} for outputs of scale {scale}");
    }

    /// <summary>TorchSharp's MobileNetV2 and MobileNetV3 register their classifiers before their features; forward order puts them last.</summary>
    private static IEnumerable<TorchSharp.Modules.Parameter> InForwardOrder(nn.Module<Tensor, Tensor> model) =>
        model.named_parameters().OrderBy(p => p.name.StartsWith("classifier.", StringComparison.Ordinal) || p.name.StartsWith("fc.", StringComparison.Ordinal)).Select(p => p.parameter);

    private static nn.Module<Tensor, Tensor> TorchVision(string model) => model switch
    {
        "vgg11" => torchvision.models.vgg11(),
        "vgg13" => torchvision.models.vgg13(),
        "vgg16" => torchvision.models.vgg16(),
        "vgg19" => torchvision.models.vgg19(),
        "resnet18" => torchvision.models.resnet18(),
        "resnet34" => torchvision.models.resnet34(),
        "resnet50" => torchvision.models.resnet50(),
        "resnet101" => torchvision.models.resnet101(),
        "resnet152" => torchvision.models.resnet152(),
        "mobilenetv2" => torchvision.models.mobilenet_v2(1000),
        "googlenet" => torchvision.models.googlenet(1000),
        "mobilenetv3-large" => torchvision.models.mobilenet_v3_large(),
        _ => throw new ArgumentException(model, nameof(model)),
    };
}
