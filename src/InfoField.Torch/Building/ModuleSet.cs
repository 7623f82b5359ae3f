using System.Collections.Immutable;
using InfoField.Architecture;
using InfoField.Torch.Modules;
using static TorchSharp.torch;
using ArchitectureInterlace = InfoField.Architecture.Interlace;
using Interlace = InfoField.Torch.Modules.Interlace;

namespace InfoField.Torch.Building;

/// <summary>
/// Which TorchSharp module each op kind becomes: an immutable table keyed by the op's record type, the Torch half of an
/// op kind (its Core half is the op record with its spec <see cref="Spec.OpKind"/>). Every op maps to the layer a PyTorch
/// user would write (Conv2d, BatchNorm2d, ReLU, ...), so parameter counts equal the cost model's; RPW and interlace map
/// to InfoField's own modules. Add kinds with <see cref="With{TOp}"/>.
/// </summary>
public sealed class ModuleSet
{
    private readonly ImmutableDictionary<Type, Func<Op, FeatureShape, nn.Module<Tensor, Tensor>>> _factories;

    /// <summary>Whether activations are the built-in modules, so a ReLU may run in place (<see cref="Build(Op, FeatureShape, Op?)"/>).</summary>
    private readonly bool _builtInActivations;

    private ModuleSet(ImmutableDictionary<Type, Func<Op, FeatureShape, nn.Module<Tensor, Tensor>>> factories, bool builtInActivations)
    {
        _factories = factories;
        _builtInActivations = builtInActivations;
    }

    /// <summary>The modules of every built-in op.</summary>
    public static ModuleSet Default { get; } = new ModuleSet(ImmutableDictionary<Type, Func<Op, FeatureShape, nn.Module<Tensor, Tensor>>>.Empty, builtInActivations: false)
        .With<Convolution>((c, input) => nn.Conv2d(input.Channels, c.OutChannels, (c.Kernel.H, c.Kernel.W), (c.Stride.H, c.Stride.W), (c.Padding.H, c.Padding.W), (c.Dilation.H, c.Dilation.W), groups: c.Groups, bias: c.Bias))
        .With<DepthwiseConvolution>((d, input) => nn.Conv2d(input.Channels, (long)input.Channels * d.Multiplier, (d.Kernel.H, d.Kernel.W), (d.Stride.H, d.Stride.W), (d.Padding.H, d.Padding.W), (d.Dilation.H, d.Dilation.W), groups: input.Channels, bias: d.Bias))
        .With<PointwiseConvolution>((p, input) => nn.Conv2d(input.Channels, p.OutChannels, (1, 1), (p.Stride.H, p.Stride.W), groups: p.Groups, bias: p.Bias))
        .With<RollingPointwiseConvolution>((r, input) => new RollingPointwiseConv2d(input.Channels, r.OutChannels, r.Groups, r.Overlap, r.Bias))
        .With<ChannelShuffle>((s, _) => nn.ChannelShuffle(s.Groups))
        .With<ArchitectureInterlace>((i, _) => new Interlace(i.Groups))
        .With<ChannelSlice>((s, _) => Slice(s))
        .With<ChannelSplit>((s, input) => Slice(s.AsSlice(input.Channels)))
        .With<Pooling>((p, _) => p.Kind == PoolKind.Max
            ? nn.MaxPool2d((p.Kernel.H, p.Kernel.W), (p.Stride.H, p.Stride.W), (p.Padding.H, p.Padding.W), ceil_mode: p.CeilMode)
            : nn.AvgPool2d((p.Kernel.H, p.Kernel.W), (p.Stride.H, p.Stride.W), (p.Padding.H, p.Padding.W), ceil_mode: p.CeilMode))
        .With<AdaptivePooling>((a, _) => a.Kind == PoolKind.Max
            ? nn.AdaptiveMaxPool2d([a.Output.H, a.Output.W])
            : nn.AdaptiveAvgPool2d((a.Output.H, a.Output.W)))
        .With<BatchNorm>((b, input) => nn.BatchNorm2d(input.Channels, eps: b.Eps))
        .With<Activation>((a, _) => Activation(a.Kind))
        .With<Dropout>((d, _) => nn.Dropout(d.P))
        .With<Flatten>((_, _) => nn.Flatten())
        .With<Softmax>((_, _) => nn.Softmax(1))
        .With<Linear>((l, input) => nn.Linear(input.Channels, l.OutFeatures, l.Bias))
        .WithBuiltInActivations();

    /// <summary>This set with <paramref name="factory"/> building the module of every <typeparamref name="TOp"/> (replacing any before).</summary>
    public ModuleSet With<TOp>(Func<TOp, FeatureShape, nn.Module<Tensor, Tensor>> factory)
        where TOp : Op
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new ModuleSet(_factories.SetItem(typeof(TOp), (op, input) => factory((TOp)op, input)), _builtInActivations && typeof(TOp) != typeof(Activation));
    }

    /// <summary>Builds the module of <paramref name="op"/> for <paramref name="input"/>.</summary>
    /// <exception cref="NotSupportedException">No module is registered for the op's type.</exception>
    public nn.Module<Tensor, Tensor> Build(Op op, FeatureShape input)
    {
        ArgumentNullException.ThrowIfNull(op);
        return _factories.TryGetValue(op.GetType(), out var factory)
            ? factory(op, input)
            : throw new NotSupportedException($"no TorchSharp module for op '{op.Type}' ({op.GetType().Name}); register one with ModuleSet.With");
    }

    /// <summary>
    /// Builds <paramref name="op"/> as the op after <paramref name="producer"/> in a chain, where the producer's output
    /// has no other reader. A ReLU then overwrites that output in place, as <c>nn.ReLU(inplace=True)</c> in PyTorch
    /// code, when the producer is a built-in op that neither returns a view of its input nor keeps its output for the
    /// backward pass (convolutions, batch norm, linear, pooling): the same values and gradients, one activation tensor
    /// less to allocate and write per layer.
    /// </summary>
    internal nn.Module<Tensor, Tensor> Build(Op op, FeatureShape input, Op? producer) =>
        _builtInActivations && op is Activation { Kind: ActivationKind.Relu } && producer is not null && KeepsOnlyItsInput(producer)
            ? nn.ReLU(inplace: true)
            : Build(op, input);

    /// <summary>Built-in ops whose output is a new tensor that their backward pass does not read.</summary>
    private static bool KeepsOnlyItsInput(Op op) =>
        op is Convolution or DepthwiseConvolution or PointwiseConvolution or RollingPointwiseConvolution or BatchNorm or Linear or Pooling or AdaptivePooling;

    private ModuleSet WithBuiltInActivations() => new(_factories, builtInActivations: true);

    private static ChannelSliceModule Slice(ChannelSlice slice) => new(slice.Start, slice.Count);

    private static nn.Module<Tensor, Tensor> Activation(ActivationKind kind) => kind switch
    {
        ActivationKind.Relu => nn.ReLU(),
        ActivationKind.Relu6 => nn.ReLU6(),
        ActivationKind.LeakyRelu => nn.LeakyReLU(0.01),
        ActivationKind.Sigmoid => nn.Sigmoid(),
        ActivationKind.Tanh => nn.Tanh(),
        ActivationKind.Silu => nn.SiLU(),
        ActivationKind.Gelu => nn.GELU(),
        ActivationKind.Hardswish => nn.Hardswish(),
        ActivationKind.Hardsigmoid => nn.Hardsigmoid(),
        _ => throw new NotSupportedException($"no TorchSharp module for activation {kind}"),
    };
}
