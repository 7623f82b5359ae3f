using InfoField.Architecture;
using InfoField.Kernels;
using InfoField.Organizer;
using InfoField.Torch.Building;
using InfoField.Zoo;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

[Collection(TorchGlobalState.Name)]
public class InPlaceReluTests
{
    /// <summary>The built-in activations, but registered again: a set whose activations are not the built-in ones builds every ReLU out of place.</summary>
    private static readonly ModuleSet OutOfPlace = ModuleSet.Default.With<Activation>((a, _) => a.Kind == ActivationKind.Relu ? nn.ReLU() : throw new NotSupportedException(a.Kind.ToString()));

    public static TheoryData<string> Networks() => ["vgg11", "mobilenet", "resnet18", "vgg16-opt+dw-rpw"];

    [Theory]
    [MemberData(nameof(Networks))]
    public void In_place_relus_train_bit_for_bit_as_out_of_place_ones(string name)
    {
        Network network = Create(name);
        (float[] lossesInPlace, float[] weightsInPlace, int inPlace) = Train(network, ModuleSet.Default);
        (float[] losses, float[] weights, int none) = Train(network, OutOfPlace);

        Assert.True(inPlace > 0, $"{name}: no ReLU ran in place");
        Assert.Equal(0, none);
        Assert.Equal(losses, lossesInPlace);
        Assert.Equal(weights, weightsInPlace);
    }

    [Fact]
    public void A_relu_runs_in_place_only_after_an_op_that_neither_returns_a_view_nor_keeps_its_output()
    {
        var shape = new FeatureShape(8, 4, 4);
        using var scope = NewDisposeScope();

        // First op of a chain (its input is the caller's), after a channel slice (a view of the input), after a
        // sigmoid (whose backward reads its output), and after a ReLU: out of place; after conv and batch norm: in place.
        Sequential chain = ModuleBuilder.Build(
            [new Activation(ActivationKind.Relu), Ops.Conv(8, 3, padding: 1), new Activation(ActivationKind.Relu), new ChannelSlice(0, 4),
             new Activation(ActivationKind.Relu), new Activation(ActivationKind.Sigmoid), new Activation(ActivationKind.Relu),
             Ops.BatchNorm(), new Activation(ActivationKind.Relu), new Activation(ActivationKind.Relu)],
            shape);

        Assert.Equal([false, true, false, false, true, false], chain.children().OfType<ReLU>().Select(InPlace).ToArray());
        Tensor input = randn(2, 8, 4, 4);
        Tensor copy = input.clone();
        chain.call(input);
        Assert.True(input.eq(copy).all().item<bool>(), "the chain changed its input");
    }

    private static bool InPlace(ReLU relu) => relu.inplace;

    private static Network Create(string name) => name == "vgg16-opt+dw-rpw"
        ? Decomposer.Decompose(StageOrganizer.Optimize(ModelZoo.Create("vgg16", new ZooRequest(DatasetInfo.Cifar10, 0.125))).After, ReplacementBlock.DwRpw, new BlockSettings(2, 0.5)).After
        : ModelZoo.Create(name, new ZooRequest(DatasetInfo.Cifar10, 0.125));

    private static (float[] Losses, float[] Weights, int InPlace) Train(Network network, ModuleSet modules)
    {
        manual_seed(11);
        using var scope = NewDisposeScope();
        using NetworkModule module = ModuleBuilder.Build(network, modules);
        int inPlace = module.modules().OfType<ReLU>().Count(InPlace);
        Tensor images = randn(8, 3, 32, 32);
        Tensor labels = randint(0, 10, [8], dtype: int64);
        float[] losses = SgdSteps.Run(module, images, labels, steps: 3, learningRate: 0.05, weightDecay: 5e-4);
        float[] weights = [.. module.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray())];
        return (losses, weights, inPlace);
    }
}
