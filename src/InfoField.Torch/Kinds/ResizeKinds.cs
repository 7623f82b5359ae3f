using InfoField.Architecture;
using InfoField.Torch.Onnx;
using TorchSharp.Modules;
using static InfoField.Torch.Onnx.OnnxOpWriter;
using static TorchSharp.torch;

namespace InfoField.Torch.Kinds;

/// <summary>The Torch half of resizing: <c>Upsample</c> (the transposed convolution's is its module's, <see cref="Modules.TransposedConv2d"/>).</summary>
internal static class ResizeKinds
{
    /// <summary>resize: <c>Upsample</c> (nearest, or bilinear with or without aligned corners); in ONNX Resize.</summary>
    public static TorchOpKind Resize { get; } = TorchOpKind.Of<Architecture.Resize>(
        (r, input) => input.HasDepth
            ? nn.Upsample(
                r.Size is not null ? [r.OutputShape(input).Depth, r.OutputShape(input).Height, r.OutputShape(input).Width] : null,
                r.Scale is Pair cube ? [cube.DepthOr(1), cube.H, cube.W] : null,
                r.Mode == ResizeMode.Nearest ? UpsampleMode.Nearest : UpsampleMode.Trilinear,
                r.Mode == ResizeMode.Nearest ? null : r.Coordinates == ResizeCoordinates.AlignCorners)
            : nn.Upsample(
                r.Size is Pair size ? [size.H, size.W] : null,
                r.Scale is Pair scale ? [scale.H, scale.W] : null,
                r.Mode == ResizeMode.Nearest ? UpsampleMode.Nearest : UpsampleMode.Bilinear,
                r.Mode == ResizeMode.Nearest ? null : r.Coordinates == ResizeCoordinates.AlignCorners),
        ResizeForm)
        .Reads<Upsample>(ReadUpsample);

    /// <summary>An <c>Upsample</c> read as a resize: whole-number scale factors as scales, anything else as the output size the call produced.</summary>
    private static Op ReadUpsample(Upsample upsample, Tracing.LayerCall call)
    {
        ResizeMode mode = upsample.mode switch
        {
            UpsampleMode.Nearest => ResizeMode.Nearest,
            UpsampleMode.Linear or UpsampleMode.Bilinear or UpsampleMode.Trilinear => ResizeMode.Linear,
            _ => throw call.Unsupported(upsample, $"{upsample.mode} upsampling"),
        };
        ResizeCoordinates coordinates = mode == ResizeMode.Nearest ? ResizeCoordinates.Asymmetric
            : upsample.align_corners == true ? ResizeCoordinates.AlignCorners : ResizeCoordinates.HalfPixel;
        double[] factors = upsample.scale_factor.ToArray();
        bool whole = factors.Length > 0 && factors.All(f => f >= 1 && f == Math.Floor(f) && f <= int.MaxValue);
        if (whole)
        {
            var scale = (factors.Length, call.SpatialRank) switch
            {
                (1, 1) => Pair.Line((int)factors[0]),
                (1, 3) => Pair.Cube((int)factors[0]),
                (1, _) => Pair.Square((int)factors[0]),
                (3, _) => Pair.Of3d((int)factors[0], (int)factors[1], (int)factors[2]),
                _ => new Pair((int)factors[0], (int)factors[1]),
            };
            if (call.Input.Height * (long)scale.H == call.Output.Height && call.Input.Width * (long)scale.W == call.Output.Width
                && call.Input.Depth * (long)scale.DepthOr(1) == call.Output.Depth)
            {
                return new Architecture.Resize(mode, scale, null, coordinates);
            }
        }

        if (factors.Length > 0)
        {
            // A fractional factor computes its source coordinates from the factor, not from the sizes: not the same op.
            throw call.Unsupported(upsample, "upsampling by a fractional scale factor (give whole-number factors or an output size)");
        }

        return new Architecture.Resize(mode, null, new Pair(call.Output.Height, call.Output.Width) { D = call.Output.Depth }, coordinates);
    }

    /// <summary>
    /// Resize with scales (whole-number factors) or sizes (the input's batch and channels from its Shape, then the output
    /// size); nearest reads asymmetric coordinates rounded down (PyTorch's nearest), linear half-pixel (as PyTorch 1.13 writes
    /// <c>align_corners=False</c>; equal to it at every output length) or aligned corners.
    /// </summary>
    private static string ResizeForm(Architecture.Resize r, OnnxOpWriter w)
    {
        string coordinates = r.Coordinates switch
        {
            ResizeCoordinates.Asymmetric => "asymmetric",
            ResizeCoordinates.HalfPixel => "half_pixel",
            _ => "align_corners",
        };
        var attributes = new List<global::Onnx.AttributeProto>
        {
            Text("mode", r.Mode == ResizeMode.Nearest ? "nearest" : "linear"),
            Text("coordinate_transformation_mode", coordinates),
        };
        if (r.Mode == ResizeMode.Nearest)
        {
            attributes.Add(Text("nearest_mode", "floor"));
        }

        if (r.Scale is Pair scale)
        {
            using Tensor scales = tensor([1f, 1f, .. w.Axes(scale).Select(factor => (float)factor)]);
            string name = w.Initializer(w.Prefix + "scales", scales);
            return w.Node("Resize", [w.Input, string.Empty, name], [.. attributes]);
        }

        string shape = w.Node("Shape", [w.Input]);
        string leading = w.Node("Slice", [shape, w.Constant("start", [0]), w.Constant("end", [2])]);
        string sizes = w.Node("Concat", [leading, w.Constant("size", w.Resolution(r.OutputShape(w.Shape)))], Int("axis", 0));
        return w.Node("Resize", [w.Input, string.Empty, string.Empty, sizes], [.. attributes]);
    }

    private static global::Onnx.AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = global::Onnx.AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(value) };
}
