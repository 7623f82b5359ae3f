using InfoField.Architecture;
using InfoField.Torch.Modules;
using InfoField.Torch.Onnx;
using static InfoField.Torch.Onnx.OnnxOpWriter;
using static TorchSharp.torch;
using ArchitectureInterlace = InfoField.Architecture.Interlace;
using Interlace = InfoField.Torch.Modules.Interlace;

namespace InfoField.Torch.Kinds;

/// <summary>The Torch halves of the channel routing ops: shuffle, interlace, slice and split.</summary>
internal static class ChannelKinds
{
    /// <summary>shuffle: <c>ChannelShuffle</c>; in ONNX Reshape, Transpose, Reshape.</summary>
    public static TorchOpKind Shuffle { get; } = TorchOpKind.Of<ChannelShuffle>(
        (s, _) => nn.ChannelShuffle(s.Groups),
        (s, w) => Permute(w, s.Groups, w.Shape.Channels / s.Groups))
        .Reads<TorchSharp.Modules.ChannelShuffle>((shuffle, _) => new ChannelShuffle((int)shuffle.groups));

    /// <summary>interlace: InfoField's <see cref="Interlace"/>; in ONNX the shuffle's Reshape, Transpose, Reshape with the group sizes swapped.</summary>
    public static TorchOpKind Interlace { get; } = TorchOpKind.Of<ArchitectureInterlace>(
        (i, _) => new Interlace(i.Groups),
        (i, w) => Permute(w, w.Shape.Channels / i.Groups, i.Groups))
        .Reads<Interlace>((interlace, _) => new ArchitectureInterlace((int)interlace.Groups));

    /// <summary>slice: <see cref="ChannelSliceModule"/>; in ONNX a Slice on the channel axis.</summary>
    public static TorchOpKind Slice { get; } = TorchOpKind.Of<ChannelSlice>(
        (s, _) => new ChannelSliceModule(s.Start, s.Count),
        (s, w) => SliceForm(w, s.Start, s.Count))
        .Reads<ChannelSliceModule>((slice, _) => new ChannelSlice(slice.Start, slice.Count));

    /// <summary>split: <see cref="ChannelSplitModule"/>; in ONNX the Slice of its part.</summary>
    public static TorchOpKind Split { get; } = TorchOpKind.Of<ChannelSplit>(
        (s, _) => new ChannelSplitModule(s.Part, s.Parts),
        (s, w) => SliceForm(w, s.AsSlice(w.Shape.Channels).Start, s.AsSlice(w.Shape.Channels).Count))
        .Reads<ChannelSplitModule>((split, _) => new ChannelSplit(split.Part, split.Parts));

    /// <summary>Reshape to (N, a, b, H, W) (or (N, a, b, L)), swap a and b, reshape back: a shuffle with a = g, an interlace with a = C / g.</summary>
    private static string Permute(OnnxOpWriter w, int a, int b)
    {
        FeatureShape shape = w.Shape;
        long[] resolution = w.Resolution(shape);
        string split = w.Node("Reshape", [w.Input, w.Constant("shape", [0, a, b, .. resolution])]);
        string swapped = w.Node("Transpose", [split], Ints("perm", [0, 2, 1, .. Enumerable.Range(3, resolution.Length).Select(axis => (long)axis)]));
        return w.Node("Reshape", [swapped, w.Constant("shape", [0, shape.Channels, .. resolution])]);
    }

    private static string SliceForm(OnnxOpWriter w, int start, int count) =>
        w.Node("Slice", [w.Input, w.Constant("starts", [start]), w.Constant("ends", [start + count]), w.Constant("axes", [1])]);
}
