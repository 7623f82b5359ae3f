using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InfoField.Samples.Branched;

/// <summary>
/// A small branched CNN written as TorchSharp users write one: a stem, residual blocks whose shortcut is a functional
/// <c>relu(branch + x)</c>, an Inception-like block that concatenates two branches with <c>cat</c>, global average
/// pooling, and a classifier reached through a functional flatten. The tracer recovers the adds, the concatenation
/// and the flatten by value, since hooks only see the modules.
/// </summary>
public sealed class SmallResNet : nn.Module<Tensor, Tensor>
{
    private readonly Sequential stem;
    private readonly ModuleList<Residual> blocks = new();
    private readonly Mixed mixed;
    private readonly AdaptiveAvgPool2d pool = nn.AdaptiveAvgPool2d(1);
    private readonly Linear classifier;

    /// <summary>Creates the network for 3-channel images.</summary>
    /// <param name="width">Channels of the first stage (the second has twice as many).</param>
    /// <param name="outClass">Number of classes.</param>
    public SmallResNet(int width = 16, int outClass = 10)
        : base("small-resnet")
    {
        stem = nn.Sequential(nn.Conv2d(3, width, 3, padding: 1, bias: false), nn.BatchNorm2d(width), nn.ReLU());
        blocks.Add(new Residual(width, width, 1));
        blocks.Add(new Residual(width, width, 1));
        blocks.Add(new Residual(width, 2 * width, 2));
        mixed = new Mixed(2 * width);
        classifier = nn.Linear(4 * width, outClass);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = stem.call(input);
        foreach (Residual block in blocks)
        {
            x = block.call(x);
        }

        x = mixed.call(x);
        x = pool.call(x).flatten(1);
        return classifier.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>Two 3x3 convolutions and a shortcut (a strided 1x1 convolution where the shape changes).</summary>
    private sealed class Residual : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1, conv2;
        private readonly BatchNorm2d bn1, bn2;
        private readonly ReLU relu = nn.ReLU();
        private readonly Sequential? shortcut;

        public Residual(int inChannels, int outChannels, int stride)
            : base("residual")
        {
            conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
            bn1 = nn.BatchNorm2d(outChannels);
            conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
            bn2 = nn.BatchNorm2d(outChannels);
            if (stride != 1 || inChannels != outChannels)
            {
                shortcut = nn.Sequential(nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false), nn.BatchNorm2d(outChannels));
            }

            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            Tensor branch = bn2.call(conv2.call(relu.call(bn1.call(conv1.call(input)))));
            Tensor identity = shortcut is null ? input : shortcut.call(input);
            return nn.functional.relu(branch + identity).MoveToOuterDisposeScope();
        }
    }

    /// <summary>An Inception-like block: a 1x1 branch and a 1x1-then-3x3 branch, concatenated on channels.</summary>
    private sealed class Mixed : nn.Module<Tensor, Tensor>
    {
        private readonly Sequential narrow, wide;

        public Mixed(int channels)
            : base("mixed")
        {
            narrow = nn.Sequential(nn.Conv2d(channels, channels, 1), nn.ReLU());
            wide = nn.Sequential(nn.Conv2d(channels, channels / 2, 1), nn.ReLU(), nn.Conv2d(channels / 2, channels, 3, padding: 1), nn.ReLU());
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            return cat([narrow.call(input), wide.call(input)], 1).MoveToOuterDisposeScope();
        }
    }
}
