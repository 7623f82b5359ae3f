using InfoField.Architecture;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// The plain reference RPW: a dense 1x1 convolution whose C_out x C_in weight is the (C_out, w) window weights
/// scattered into place, zeros elsewhere. Obviously right and as slow as a full pointwise convolution; used by tests
/// and as a baseline of <c>infofield bench rpw</c>, never by networks.
/// </summary>
internal sealed class MaskedRollingPointwiseConv2d : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;

    [ComponentName(Name = "bias")]
    private readonly Parameter? _bias;

    /// <summary>Creates the layer with the same arguments, checks and weight layout as <see cref="RollingPointwiseConv2d"/>.</summary>
    public MaskedRollingPointwiseConv2d(int inChannels, int outChannels, int groups, double overlap, bool hasBias = false)
        : base(nameof(MaskedRollingPointwiseConv2d))
    {
        RollingPointwiseConv2d.Validate(inChannels, outChannels, groups, overlap);
        InChannels = inChannels;
        Starts = RollingWindows.Starts(inChannels, outChannels, groups, overlap);
        (_weight, _bias) = RollingPointwiseConv2d.CreateParameters(outChannels, inChannels / groups, hasBias);
        RegisterComponents();
    }

    /// <summary>C_in.</summary>
    public int InChannels { get; }

    /// <summary>The first input channel of every filter's window.</summary>
    public IReadOnlyList<int> Starts { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Forward(input, _weight, _bias, Starts, InChannels);

    /// <summary>RPW of <paramref name="input"/> computed densely: differentiable in all of input, weight and bias.</summary>
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, IReadOnlyList<int> starts, int inChannels)
    {
        using var scope = NewDisposeScope();
        Tensor dense = RollingWindowMask.Scatter(weight, starts, inChannels);
        long[] shape = input.shape;
        Tensor images = input.dim() == 4 ? input : input.reshape(shape[0], shape[1], 1, -1);
        Tensor output = nn.functional.conv2d(images, dense.view(weight.shape[0], inChannels, 1, 1), bias);
        return (input.dim() == 4 ? output : output.reshape(shape.Take(1).Append(weight.shape[0]).Concat(shape.Skip(2)).ToArray())).MoveToOuterDisposeScope();
    }
}
