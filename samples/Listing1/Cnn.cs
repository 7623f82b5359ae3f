using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InfoField.Samples.Listing1;

/// <summary>
/// The paper's Listing 1 in C#: a CNN whose stages are sequential blocks of 3x3 convolutions (each with batch norm
/// and ReLU, closed by 2x2 max pooling), followed by a linear classifier. With depths {2, 2, 3, 3, 3} and widths
/// {64, 128, 256, 512, 512} it is VGG-16 for CIFAR-10. Layers are invoked with <c>call</c>, as PyTorch's
/// <c>stg(out)</c>, so that forward hooks (which InfoField's tracer uses) run.
/// </summary>
public sealed class Cnn : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Sequential> stages = new();
    private readonly Sequential classifier;

    /// <summary>Creates the network.</summary>
    /// <param name="stageDepth">Convolutions per stage.</param>
    /// <param name="stageWidth">Channels of each stage's convolutions.</param>
    /// <param name="outClass">Number of classes.</param>
    /// <param name="inChannels">Channels of the input image.</param>
    public Cnn(int[] stageDepth, int[] stageWidth, int outClass = 10, int inChannels = 3)
        : base("CNN")
    {
        int channels = inChannels;
        for (int s = 0; s < stageDepth.Length; s++)
        {
            stages.Add(MakeStage(stageDepth[s], channels, stageWidth[s]));
            channels = stageWidth[s];
        }

        classifier = nn.Sequential(nn.Flatten(), nn.Linear(channels, outClass));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        Tensor output = input;
        foreach (Sequential stage in stages)
        {
            Tensor next = stage.call(output);
            if (!ReferenceEquals(output, input))
            {
                output.Dispose();
            }

            output = next;
        }

        using (output)
        {
            return classifier.call(output);
        }
    }

    private static Sequential MakeStage(int depth, int inChannels, int outChannels)
    {
        var layers = nn.Sequential();
        for (int i = 0; i < depth; i++)
        {
            layers.append(nn.Conv2d(i == 0 ? inChannels : outChannels, outChannels, 3, padding: 1));
            layers.append(nn.BatchNorm2d(outChannels));
            layers.append(nn.ReLU(inplace: true));
        }

        layers.append(nn.MaxPool2d(2));
        return layers;
    }
}
