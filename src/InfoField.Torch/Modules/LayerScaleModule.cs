using InfoField.Architecture;
using InfoField.Torch.Kinds;
using InfoField.Torch.Onnx;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// The module of <see cref="LayerScale"/>: every channel of an (N, C, ...) tensor times a learned value of its own
/// (<c>weight</c>, C values, started at the op's <see cref="LayerScale.Init"/>), as torchvision's ConvNeXt block
/// multiplies its residual branch by <c>layer_scale</c>.
/// </summary>
public sealed class LayerScaleModule : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;

    /// <summary>Creates the layer for <paramref name="channels"/> channels, every scale <paramref name="init"/>.</summary>
    public LayerScaleModule(long channels, double init = LayerScale.DefaultInit, string name = "LayerScale")
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (!double.IsFinite(init))
        {
            throw new ArgumentOutOfRangeException(nameof(init), init, "the starting scale must be a finite number");
        }

        Channels = channels;
        Init = init;
        _weight = new Parameter(full(channels, init));
        RegisterComponents();
    }

    /// <summary>C.</summary>
    public long Channels { get; }

    /// <summary>The value every scale started at.</summary>
    public double Init { get; }

    /// <summary>The Torch half of <see cref="LayerScale"/>: this module, the tracer reading it back, and the ONNX form (Mul by a C x 1 x 1 initializer, C x 1 for signals).</summary>
    internal static TorchOpKind Kind { get; } = TorchOpKind.Of<LayerScale>((op, input) => new LayerScaleModule(input.Channels, op.Init), Onnx)
        .Reads<LayerScaleModule>((module, _) => new LayerScale(module.Init));

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        long[] shape = new long[input.dim() - 1];
        Array.Fill(shape, 1L);
        shape[0] = Channels;
        using Tensor scale = _weight.view(shape);
        return input * scale;
    }

    private static string Onnx(LayerScale op, OnnxOpWriter w)
    {
        using Tensor scale = w.State("weight").reshape(w.PerChannel(w.Shape.Channels));
        return w.Node("Mul", [w.Input, w.Initializer(w.Prefix + "weight", scale)]);
    }
}
