namespace InfoField.Architecture;

/// <summary>
/// Resizing by interpolation, as PyTorch's <c>nn.Upsample</c>/<c>F.interpolate</c> and ONNX's Resize: nearest or linear
/// (bilinear on a map), by whole-number scale factors (output <c>n s</c>) or to fixed sizes, with the source coordinates of
/// <see cref="ResizeCoordinates"/>. Per channel, no parameters, no MACs (like pooling, InfoField counts the multiply-adds
/// of convolutions and linear layers only). Output position i reads, along each axis, the input positions its
/// interpolation weights are nonzero at (<see cref="AxisRule.Interpolated"/>): the field of a neuron after it depends on
/// where the neuron sits (docs/information-field.md).
/// </summary>
/// <param name="Mode">Nearest or linear.</param>
/// <param name="Scale">Whole-number scale factor per axis (null when <paramref name="Size"/> is given).</param>
/// <param name="Size">Output size per axis (null when <paramref name="Scale"/> is given).</param>
/// <param name="Coordinates">
/// How output positions map to source coordinates: nearest resizing reads asymmetric coordinates (PyTorch's nearest);
/// linear reads half-pixel (PyTorch's default) or align-corners coordinates: what PyTorch computes, and so what the
/// TorchSharp module and the gradient check can.
/// </param>
public sealed record Resize(ResizeMode Mode, Pair? Scale, Pair? Size, ResizeCoordinates Coordinates) : LayerOp
{
    /// <summary>Nearest resizing by whole-number factors (PyTorch's <c>nn.Upsample(scale_factor=s)</c>).</summary>
    public static Resize Nearest(Pair scale) => new(ResizeMode.Nearest, scale, null, ResizeCoordinates.Asymmetric);

    /// <summary>Linear resizing by whole-number factors, half-pixel or align-corners coordinates.</summary>
    public static Resize Linear(Pair scale, bool alignCorners = false) =>
        new(ResizeMode.Linear, scale, null, alignCorners ? ResizeCoordinates.AlignCorners : ResizeCoordinates.HalfPixel);

    /// <inheritdoc />
    public override string Type => "resize";

    /// <inheritdoc />
    public override Op Rescaled(Func<int, int> channels) => this with { Scale = Pair.Square(1), Size = null };

    /// <summary>The spec-file kind of this op.</summary>
    public static Spec.OpKind Kind { get; } = new("resize", ["mode", "scale", "size", "coordinates"], Read);

    /// <summary>The coordinates a mode reads when a spec file does not say: asymmetric for nearest, half-pixel for linear.</summary>
    public static ResizeCoordinates DefaultCoordinates(ResizeMode mode) => mode == ResizeMode.Nearest ? ResizeCoordinates.Asymmetric : ResizeCoordinates.HalfPixel;

    /// <summary>The spec-file name of a mode: <c>nearest</c>, <c>linear</c>.</summary>
    public static string Name(ResizeMode mode) => mode == ResizeMode.Nearest ? "nearest" : "linear";

    /// <summary>The spec-file name of a coordinate mode: <c>asymmetric</c>, <c>half_pixel</c>, <c>align_corners</c>.</summary>
    public static string Name(ResizeCoordinates coordinates) => coordinates switch
    {
        ResizeCoordinates.Asymmetric => "asymmetric",
        ResizeCoordinates.HalfPixel => "half_pixel",
        _ => "align_corners",
    };

    /// <inheritdoc />
    public override void Write(Spec.OpWriter writer)
    {
        writer.String("mode", Name(Mode));
        if (Scale is Pair scale)
        {
            writer.Pair("scale", scale);
        }

        if (Size is Pair size)
        {
            writer.Pair("size", size);
        }

        if (Coordinates != DefaultCoordinates(Mode))
        {
            writer.String("coordinates", Name(Coordinates));
        }
    }

    /// <inheritdoc />
    public override Checked<FeatureShape> TryOutputShape(FeatureShape input)
    {
        if (Rule() is Violation broken)
        {
            return broken;
        }

        Pair output = Output(input);
        return Windowing.CheckDepth(input, ("scale", Scale ?? default), ("size", Size ?? default))
            ?? Limits.CheckRange("scale", (long)input.Height * (Scale?.H ?? 1), 1, Limits.MaxExtent)
            ?? Limits.CheckRange("scale", (long)input.Width * (Scale?.W ?? 1), 1, Limits.MaxExtent)
            ?? (input.HasDepth ? Limits.CheckRange("scale", (long)input.Depth * (Scale?.DepthOr(1) ?? 1), 1, Limits.MaxExtent) : null)
            ?? Limits.CheckShape("size", input with { Height = output.H, Width = output.W, Depth = output.D });
    }

    /// <inheritdoc />
    public override Violation? WindowRule() => Rule();

    /// <inheritdoc />
    public override SpatialWindow Window(FeatureShape input)
    {
        if (Rule() is Violation broken)
        {
            throw broken.ToException();
        }

        Pair output = Output(input);
        return new(Axis(input.Height, output.H), Axis(input.Width, output.W)) { D = Axis(input.Depth, output.D) };
    }

    /// <inheritdoc />
    public override ChannelMap Channels(int inputChannels) => ChannelMap.Identity(inputChannels);

    /// <summary>
    /// The output size per axis for <paramref name="input"/>; along a depth axis a scale or size without a depth part keeps
    /// the input's depth (0 when the input has none).
    /// </summary>
    private Pair Output(FeatureShape input) =>
        Size is Pair size ? size with { D = input.HasDepth ? size.DepthOr(input.Depth) : 0 }
        : new Pair(Scaled(input.Height, Scale!.Value.H), Scaled(input.Width, Scale!.Value.W)) { D = input.HasDepth ? Scaled(input.Depth, Scale!.Value.DepthOr(1)) : 0 };

    private static int Scaled(int length, int scale) => (int)Math.Min((long)length * scale, int.MaxValue);

    /// <summary>One position each where the axis keeps its length (every coordinate mode is then the identity).</summary>
    private AxisWindow Axis(int input, int output) => input == output ? AxisWindow.Point : AxisWindow.Interpolated(Mode, Coordinates);

    private Violation? Rule()
    {
        if ((Scale is null) == (Size is null))
        {
            return Broken("scale", "give either 'scale' (whole-number factors) or 'size' (the output size), not both or neither");
        }

        if (Mode == ResizeMode.Nearest && Coordinates != ResizeCoordinates.Asymmetric)
        {
            return Broken("coordinates", $"nearest resizing reads asymmetric coordinates (PyTorch's nearest), not {Name(Coordinates)}");
        }

        if (Mode == ResizeMode.Linear && Coordinates == ResizeCoordinates.Asymmetric)
        {
            return Broken("coordinates", "linear resizing reads half_pixel or align_corners coordinates (PyTorch's align_corners=False and True), not asymmetric");
        }

        return Scale is Pair scale ? Limits.CheckExtent("scale", scale, 1) : Limits.CheckExtent("size", Size!.Value, 1);
    }

    private static Resize Read(Spec.OpReader op)
    {
        string modeName = op.String("mode");
        ResizeMode mode = modeName switch
        {
            "nearest" => ResizeMode.Nearest,
            "linear" => ResizeMode.Linear,
            _ => throw op.Error($"unknown mode '{modeName}' (expected nearest or linear)", "mode"),
        };
        ResizeCoordinates coordinates = DefaultCoordinates(mode);
        if (op.Has("coordinates"))
        {
            string name = op.String("coordinates");
            coordinates = name switch
            {
                "asymmetric" => ResizeCoordinates.Asymmetric,
                "half_pixel" => ResizeCoordinates.HalfPixel,
                "align_corners" => ResizeCoordinates.AlignCorners,
                _ => throw op.Error($"unknown coordinates '{name}' (expected asymmetric, half_pixel or align_corners)", "coordinates"),
            };
        }

        return new Resize(mode, op.Has("scale") ? op.Pair("scale") : null, op.Has("size") ? op.Pair("size") : null, coordinates);
    }
}
