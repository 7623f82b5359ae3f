using InfoField.Torch.Kinds;
using InfoField.Torch.Onnx;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static InfoField.Torch.Onnx.OnnxOpWriter;
using static TorchSharp.torch;
using LayerNorm = InfoField.Architecture.LayerNorm;

namespace InfoField.Torch.Modules;

/// <summary>
/// Layer normalization over the channels of each position of an (N, C, ...) tensor, as ConvNeXt's <c>LayerNorm2d</c>
/// (the module of <see cref="LayerNorm"/>): the channels are moved last, normalized with a scale and a shift per
/// channel (<c>weight</c> and <c>bias</c>, as <c>nn.LayerNorm</c> names them), and moved back. A channels-last input
/// is already laid out with the channels last, so the moves cost no copy.
/// </summary>
public sealed class LayerNorm2d : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;

    [ComponentName(Name = "bias")]
    private readonly Parameter _bias;

    /// <summary>Creates the layer for <paramref name="channels"/> channels: scale 1, shift 0.</summary>
    public LayerNorm2d(long channels, double eps = LayerNorm.DefaultEps, string name = "LayerNorm2d")
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(eps);
        Channels = channels;
        Eps = eps;
        _weight = new Parameter(ones(channels));
        _bias = new Parameter(zeros(channels));
        RegisterComponents();
    }

    /// <summary>C.</summary>
    public long Channels { get; }

    /// <summary>The value added to the variance.</summary>
    public double Eps { get; }

    /// <summary>The Torch half of <see cref="LayerNorm"/>: this module, the tracer reading it back, and the ONNX form.</summary>
    internal static TorchOpKind Kind { get; } = TorchOpKind.Of<LayerNorm>((op, input) => new LayerNorm2d(input.Channels, op.Eps), Onnx)
        .Reads<LayerNorm2d>((module, _) => new LayerNorm(module.Eps));

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using Tensor last = input.movedim([1L], [-1L]);
        using Tensor normalized = nn.functional.layer_norm(last, [Channels], _weight, _bias, Eps);
        return normalized.movedim([-1L], [1L]);
    }

    /// <summary>
    /// ONNX's LayerNormalization (opset 17) over the channels: on a C x 1 x 1 tensor (a head after global pooling) the
    /// node alone, over axis 1; on a larger map between a Transpose that moves the channels last and one that moves
    /// them back, as PyTorch exports ConvNeXt's <c>LayerNorm2d</c>.
    /// </summary>
    private static string Onnx(LayerNorm op, OnnxOpWriter w)
    {
        int channels = w.Shape.Channels;
        if (w.Shape.IsFlat)
        {
            using Tensor scale = w.State("weight").reshape(w.PerChannel(channels));
            using Tensor shift = w.State("bias").reshape(w.PerChannel(channels));
            return w.Node("LayerNormalization", [w.Input, w.Initializer(w.Prefix + "weight", scale), w.Initializer(w.Prefix + "bias", shift)], Int("axis", 1), Float("epsilon", op.Eps));
        }

        // Channels last and back: (0, 2, .., n + 1, 1), then (0, n + 1, 1, .., n) for n spatial axes.
        int n = w.SpatialRank;
        string last = w.Node("Transpose", [w.Input], Ints("perm", [0, .. Enumerable.Range(2, n).Select(axis => (long)axis), 1]));
        string normalized = w.Node("LayerNormalization", [last, w.Weight("weight"), w.Weight("bias")], Int("axis", -1), Float("epsilon", op.Eps));
        return w.Node("Transpose", [normalized], Ints("perm", [0, n + 1, .. Enumerable.Range(1, n).Select(axis => (long)axis)]));
    }
}
