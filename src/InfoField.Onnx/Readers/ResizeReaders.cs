using System.Globalization;
using InfoField.Architecture;

namespace InfoField.Onnx.Readers;

/// <summary>
/// Resize (opsets 10, 11, 13; 18 without its new options) and Upsample (opset 9, deprecated at 10): resizing by whole-number scales or
/// to sizes, nearest (rounded down, as PyTorch writes it) or linear, with asymmetric, half-pixel or align-corners coordinates.
/// </summary>
internal static class ResizeReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("Upsample", 9, node => Read(node, node.Reals(1, 8), null, "asymmetric", "floor")) { MinInputs = 2, MaxInputs = 2 },
        new("Resize", 10, node => Read(node, node.Reals(1, 8), null, "asymmetric", "floor")) { MinInputs = 2, MaxInputs = 2 },
        new("Resize", 11, Resize) { MinInputs = 1, MaxInputs = 4 },
        new("Resize", 18, node =>
        {
            if (node.Int("antialias", 0) != 0 || node.HasAttribute("axes") || node.Text("keep_aspect_ratio_policy", "stretch") != "stretch")
            {
                throw node.Fail("uses antialias, axes or keep_aspect_ratio_policy; InfoField reads Resize over every axis without them");
            }

            Resize(node);
        }) { MinInputs = 1, MaxInputs = 4 },
    ];

    /// <summary>Resize from opset 11: X, roi, scales, sizes (scales or sizes; roi only for tf_crop_and_resize, which is refused).</summary>
    private static void Resize(OnnxNodeContext node)
    {
        double[]? scales = node.Has(2) ? node.Reals(2, 8) : null;
        long[]? sizes = node.Has(3) ? node.Integers(3, 8) : null;
        if (scales is { Length: 0 })
        {
            scales = null;
        }

        string nearest = node.Text("nearest_mode", "round_prefer_floor");
        Read(node, scales, sizes, node.Text("coordinate_transformation_mode", "half_pixel"), nearest);
    }

    private static void Read(OnnxNodeContext node, double[]? scales, long[]? sizes, string coordinates, string nearestMode)
    {
        FlatTensor x = node.Tensor(0);
        FeatureShape input = node.Shape(x);
        int rank = node.SpatialRank;
        string modeName = node.Text("mode", "nearest");
        ResizeMode mode = modeName switch
        {
            "nearest" => ResizeMode.Nearest,
            "linear" or "bilinear" => ResizeMode.Linear,
            _ => throw node.Fail($"resizes by '{modeName}' interpolation; InfoField reads nearest and linear"),
        };

        int[] lengths = node.Lengths(input);
        int[] output = new int[rank];
        int[]? factors = null;
        if (sizes is not null && scales is null)
        {
            if (sizes.Length != rank + 2 || sizes[1] != input.Channels)
            {
                throw node.Fail($"has sizes [{string.Join(", ", sizes)}]; expected [N, {input.Channels}, {rank switch { 3 => "D, H, W", 2 => "H, W", _ => "L" }}] (resizing the spatial axes only)");
            }

            for (int a = 0; a < rank; a++)
            {
                output[a] = node.Narrow("sizes", sizes[a + 2], 1);
            }
        }
        else if (scales is not null && sizes is null)
        {
            if (scales.Length != rank + 2 || scales[0] != 1 || scales[1] != 1)
            {
                throw node.Fail($"has scales [{string.Join(", ", scales.Select(s => s.ToString(CultureInfo.InvariantCulture)))}]; expected [1, 1, {rank switch { 3 => "s_d, s_h, s_w", 2 => "s_h, s_w", _ => "s" }}] (resizing the spatial axes only)");
            }

            factors = new int[rank];
            bool whole = true;
            for (int a = 0; a < rank; a++)
            {
                double factor = scales[a + 2];
                double length = Math.Floor(lengths[a] * factor);
                if (factor >= 1 && factor == Math.Floor(factor) && length <= int.MaxValue)
                {
                    factors[a] = (int)factor;
                }
                else if (length >= 1 && length <= int.MaxValue && length / lengths[a] == factor)
                {
                    // A fraction that gives a whole number of positions: the same coordinates as that size.
                    whole = false;
                }
                else
                {
                    throw node.Fail(string.Create(CultureInfo.InvariantCulture, $"scales axis {a + 2} by {factor}, which gives {lengths[a]} x {factor} positions; InfoField reads whole-number scales, or scales that give a whole number of positions"));
                }

                output[a] = (int)length;
            }

            factors = whole ? factors : null;
        }
        else
        {
            throw node.Fail("gives both scales and sizes, or neither; expected one of them");
        }

        ResizeCoordinates transform = coordinates switch
        {
            "asymmetric" => ResizeCoordinates.Asymmetric,
            "half_pixel" => ResizeCoordinates.HalfPixel,
            "pytorch_half_pixel" when output.All(length => length > 1) => ResizeCoordinates.HalfPixel,
            "align_corners" => ResizeCoordinates.AlignCorners,
            _ => throw node.Fail($"maps coordinates by '{coordinates}'{(coordinates == "pytorch_half_pixel" ? " to a length of 1" : "")}; InfoField reads asymmetric, half_pixel, pytorch_half_pixel (to lengths above 1) and align_corners"),
        };

        bool resized = !output.SequenceEqual(lengths);
        if (mode == ResizeMode.Nearest && resized && (transform != ResizeCoordinates.Asymmetric || nearestMode != "floor"))
        {
            throw node.Fail($"resizes by nearest with {coordinates} coordinates rounded by '{nearestMode}'; InfoField reads nearest as PyTorch writes it (asymmetric, floor)");
        }

        Pair? scale = factors is null ? null : node.PerAxis(factors);
        Pair? size = factors is null ? node.PerAxis(output) : null;
        var op = new Resize(mode, scale, size, mode == ResizeMode.Nearest ? ResizeCoordinates.Asymmetric : transform);
        FeatureShape shape = op.TryOutputShape(input).OrThrow(broken => node.Fail($"read as 'resize': {broken.Message}"));
        node.SetOutput(0, node.Add(op, x));
        _ = shape;
    }
}
