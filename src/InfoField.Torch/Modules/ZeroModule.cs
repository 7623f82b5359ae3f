using InfoField.Architecture;
using InfoField.Torch.Kinds;
using InfoField.Torch.Onnx;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// The zero op (<see cref="Architecture.Zero"/>): the input times zero, at every <c>stride</c>-th position (as
/// NAS-Bench-201's <c>none</c> edge computes it, <c>x[:, :, ::s, ::s].mul(0.)</c>, so the ops before it still receive a
/// gradient, of zero), or zeros of <c>outChannels</c> channels when the channel count changes.
/// </summary>
public sealed class ZeroModule : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the op for an input of <paramref name="inputChannels"/> channels.</summary>
    public ZeroModule(int inputChannels, int outChannels, int strideH, int strideW, string name = "Zero")
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideH, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideW, 1);
        InputChannels = inputChannels;
        OutChannels = outChannels;
        StrideH = strideH;
        StrideW = strideW;
    }

    /// <summary>Channels of the input.</summary>
    public int InputChannels { get; }

    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; }

    /// <summary>Stride along the height.</summary>
    public int StrideH { get; }

    /// <summary>Stride along the width.</summary>
    public int StrideW { get; }

    /// <summary>The Torch half of <see cref="Zero"/>: this module, the tracer reading it back, and the ONNX form.</summary>
    internal static TorchOpKind Kind { get; } = TorchOpKind.Of<Zero>(
        (z, input) => input.HasDepth && (z.Stride.H != 1 || z.Stride.W != 1 || z.Stride.DepthOr(1) != 1)
            ? throw new InfoFieldException($"a strided zero op on a {input} volume has no TorchSharp module (its module strides (N, C, H, W) maps); analyse the 3-D network without building it")
            : new ZeroModule(input.Channels, z.OutChannels ?? input.Channels, z.Stride.H, z.Stride.W),
        Onnx)
        .Reads<ZeroModule>((zero, _) => new Zero(zero.OutChannels == zero.InputChannels ? null : zero.OutChannels, new Pair(zero.StrideH, zero.StrideW)));

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor kept = StrideH == 1 && StrideW == 1
            ? input.alias()
            : input[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(null, null, StrideH), TensorIndex.Slice(null, null, StrideW)];
        Tensor result = OutChannels == InputChannels
            ? kept.mul(0.0)
            : zeros([kept.shape[0], OutChannels, .. kept.shape[2..]], dtype: input.dtype, device: input.device);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The input (every stride-th position) times zero, as PyTorch exports <c>x[:, :, ::s, ::s].mul(0.)</c>: a Slice
    /// with steps on the spatial axes when strided, then a Mul by a scalar 0. Zeros of another channel count have no
    /// such form.
    /// </summary>
    private static string Onnx(Zero z, OnnxOpWriter w)
    {
        if (z.OutChannels is int channels && channels != w.Shape.Channels)
        {
            throw new InfoFieldException($"{w.NetworkName}: the zero op with {channels} output channels from {w.Shape.Channels} has no ONNX form here (only zeros of the input's channels, as x * 0)");
        }

        string kept = z.Stride.H == 1 && z.Stride.W == 1 && z.Stride.DepthOr(1) == 1
            ? w.Input
            : w.SpatialRank == 1
                ? w.Node("Slice", [w.Input, w.Constant("starts", [0]), w.Constant("ends", [long.MaxValue]), w.Constant("axes", [2]), w.Constant("steps", [z.Stride.W])])
                : w.Node("Slice", [w.Input, w.Constant("starts", [0, 0]), w.Constant("ends", [long.MaxValue, long.MaxValue]), w.Constant("axes", [2, 3]), w.Constant("steps", [z.Stride.H, z.Stride.W])]);
        return w.Node("Mul", [kept, w.Scalar("zero", 0f)]);
    }
}
