using InfoField.Architecture;
using InfoField.Torch.Modules;
using static TorchSharp.torch;
using ArchitectureInterlace = InfoField.Architecture.Interlace;
using Interlace = InfoField.Torch.Modules.Interlace;
using Sequential = TorchSharp.Modules.Sequential;

namespace InfoField.Torch.Building;

/// <summary>
/// Builds TorchSharp modules from architecture models. Every op maps to the TorchSharp layer a PyTorch user would
/// write (Conv2d, BatchNorm2d, ReLU, ...), so parameter counts equal the cost model's; RPW and interlace map to
/// InfoField's own modules. 1-D networks use Conv2d with kernels of height 1 and accept (N, C, L) inputs.
/// </summary>
public static class ModuleBuilder
{
    /// <summary>Builds the whole network.</summary>
    public static NetworkModule Build(Network network)
    {
        var stages = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int s = 0; s < network.Stages.Count; s++)
        {
            Stage stage = network.Stages[s];
            StageLayout layout = network.Layout.Stages[s];
            var children = new List<nn.Module<Tensor, Tensor>>();
            FeatureShape shape = layout.Input;
            foreach (Op entry in stage.Entry)
            {
                children.Add(Build(entry, shape));
                shape = entry.OutputShape(shape);
            }

            for (int u = 0; u < stage.Units.Count; u++)
            {
                children.Add(Build(stage.Units[u].Ops, layout.Units[u].Input));
            }

            stages.Add((s.ToString(System.Globalization.CultureInfo.InvariantCulture), nn.Sequential(children)));
        }

        return new NetworkModule(network, nn.Sequential(stages), Build(network.Head, network.Layout.HeadInput));
    }

    /// <summary>Builds the ops of one unit (or any op sequence) for <paramref name="input"/>.</summary>
    public static Sequential Build(IReadOnlyList<Op> ops, FeatureShape input)
    {
        var modules = new List<nn.Module<Tensor, Tensor>>(ops.Count);
        FeatureShape shape = input;
        foreach (Op op in ops)
        {
            modules.Add(Build(op, shape));
            shape = op.OutputShape(shape);
        }

        return nn.Sequential(modules);
    }

    /// <summary>Builds one op for <paramref name="input"/>.</summary>
    public static nn.Module<Tensor, Tensor> Build(Op op, FeatureShape input)
    {
        long inChannels = input.Channels;
        return op switch
        {
            Convolution c => nn.Conv2d(inChannels, c.OutChannels, (c.Kernel.H, c.Kernel.W), (c.Stride.H, c.Stride.W), (c.Padding.H, c.Padding.W), (c.Dilation.H, c.Dilation.W), groups: c.Groups, bias: c.Bias),
            DepthwiseConvolution d => nn.Conv2d(inChannels, inChannels * d.Multiplier, (d.Kernel.H, d.Kernel.W), (d.Stride.H, d.Stride.W), (d.Padding.H, d.Padding.W), (d.Dilation.H, d.Dilation.W), groups: inChannels, bias: d.Bias),
            PointwiseConvolution p => nn.Conv2d(inChannels, p.OutChannels, (1, 1), (p.Stride.H, p.Stride.W), groups: p.Groups, bias: p.Bias),
            RollingPointwiseConvolution r => new RollingPointwiseConv2d(input.Channels, r.OutChannels, r.Groups, r.Overlap, r.Bias),
            ChannelShuffle s => nn.ChannelShuffle(s.Groups),
            ArchitectureInterlace i => new Interlace(i.Groups),
            Pooling { Kind: PoolKind.Max } p => nn.MaxPool2d((p.Kernel.H, p.Kernel.W), (p.Stride.H, p.Stride.W), (p.Padding.H, p.Padding.W), ceil_mode: p.CeilMode),
            Pooling p => nn.AvgPool2d((p.Kernel.H, p.Kernel.W), (p.Stride.H, p.Stride.W), (p.Padding.H, p.Padding.W), ceil_mode: p.CeilMode),
            AdaptivePooling { Kind: PoolKind.Max } a => nn.AdaptiveMaxPool2d([a.Output.H, a.Output.W]),
            AdaptivePooling a => nn.AdaptiveAvgPool2d((a.Output.H, a.Output.W)),
            BatchNorm => nn.BatchNorm2d(inChannels),
            Activation a => Build(a.Kind),
            Dropout d => nn.Dropout(d.P),
            Flatten => nn.Flatten(),
            Softmax => nn.Softmax(1),
            Linear l => nn.Linear(inChannels, l.OutFeatures, l.Bias),
            Residual r => new ResidualBlock(Build(r.Body, input), Build(r.Shortcut, input)),
            _ => throw new NotSupportedException($"no TorchSharp module for op '{op.Type}'"),
        };
    }

    private static nn.Module<Tensor, Tensor> Build(ActivationKind kind) => kind switch
    {
        ActivationKind.Relu => nn.ReLU(),
        ActivationKind.Relu6 => nn.ReLU6(),
        ActivationKind.LeakyRelu => nn.LeakyReLU(0.01),
        ActivationKind.Sigmoid => nn.Sigmoid(),
        ActivationKind.Tanh => nn.Tanh(),
        ActivationKind.Silu => nn.SiLU(),
        ActivationKind.Gelu => nn.GELU(),
        ActivationKind.Hardswish => nn.Hardswish(),
        _ => throw new NotSupportedException($"no TorchSharp module for activation {kind}"),
    };
}
