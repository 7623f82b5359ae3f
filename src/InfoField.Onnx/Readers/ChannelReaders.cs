using System.Globalization;
using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Readers;

/// <summary>Split and Slice on the channel axis (or of integer constants), and Gather of channels (RPW's windows).</summary>
internal static class ChannelReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("Split", 1, node => Split(node, node.Ints("split"))) { MaxOutputs = int.MaxValue },
        new("Split", 13, node => Split(node, node.Has(1) ? node.Integers(1, OnnxLimits.MaxListValues) : null)) { MaxInputs = 2, MaxOutputs = int.MaxValue },
        new("Split", 18, Split18) { MaxInputs = 2, MaxOutputs = int.MaxValue },
        new("Slice", 1, SliceFromAttributes),
        new("Slice", 10, SliceFromInputs) { MinInputs = 3, MaxInputs = 5 },
        new("Gather", 1, Gather) { MinInputs = 2, MaxInputs = 2 },
    ];

    private static void Split18(OnnxNodeContext node)
    {
        if (node.HasAttribute("num_outputs") && node.Int("num_outputs", 0) != node.OutputCount)
        {
            throw node.Fail($"has num_outputs {node.Int("num_outputs", 0)} but {node.OutputCount} outputs");
        }

        Split(node, node.Has(1) ? node.Integers(1, OnnxLimits.MaxListValues) : null);
    }

    /// <summary>Channel slices, one per output: of the given sizes, or equal parts.</summary>
    private static void Split(OnnxNodeContext node, long[]? sizes)
    {
        FlatTensor x = node.Tensor(0);
        node.RequireChannelAxis(node.Int("axis", 0));
        int channels = node.Shape(x).Channels;
        int parts = node.OutputCount;
        if (sizes is null)
        {
            sizes = channels % parts == 0
                ? [.. Enumerable.Repeat((long)(channels / parts), parts)]
                : throw node.Fail($"splits {channels} channels into {parts} parts, which do not divide them");
        }

        long total = 0;
        foreach (long size in sizes)
        {
            total = size is >= 1 && size <= channels ? total + size : long.MaxValue;
            if (total > channels)
            {
                break;
            }
        }

        if (sizes.Length != parts || total != channels)
        {
            string shown = sizes.Length <= 16 ? string.Join(", ", sizes) : string.Join(", ", sizes.Take(16)) + ", ...";
            throw node.Fail(string.Create(CultureInfo.InvariantCulture, $"splits {channels} channels into [{shown}] for {parts} outputs; expected {parts} positive sizes adding up to {channels}"));
        }

        int start = 0;
        for (int i = 0; i < parts; i++)
        {
            node.SetOutput(i, node.Add(new ChannelSlice(start, (int)sizes[i]), x));
            start += (int)sizes[i];
        }
    }

    private static void SliceFromAttributes(OnnxNodeContext node)
    {
        long[] starts = node.Ints("starts") ?? throw node.Fail("has no starts");
        long[] ends = node.Ints("ends") ?? throw node.Fail("has no ends");
        long[] axes = node.Ints("axes") ?? [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        Slice(node, starts, ends, axes, null);
    }

    private static void SliceFromInputs(OnnxNodeContext node)
    {
        const int Most = OnnxLimits.MaxFoldedRank;
        long[] starts = node.Integers(1, Most);
        long[] ends = node.Integers(2, Most);
        long[] axes = node.Has(3) ? node.Integers(3, Most) : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        long[]? steps = node.Has(4) ? node.Integers(4, Most) : null;
        if (node.IsConstant(0))
        {
            FoldSlice(node, starts, ends, axes, steps);
            return;
        }

        Slice(node, starts, ends, axes, steps);
    }

    /// <summary>A range of a 1-D integer constant (torch writes this for shapes).</summary>
    private static void FoldSlice(OnnxNodeContext node, long[] starts, long[] ends, long[] axes, long[]? steps)
    {
        var (values, dims) = ShapeArithmetic.Input(node, 0);
        if (!node.Constant(0).IsInteger || dims.Length != 1 || starts.Length != 1 || ends.Length != 1 || axes.Length != 1 || (axes[0] != 0 && axes[0] != -1)
            || (steps is not null && steps.Any(step => step != 1)))
        {
            throw node.Fail("slices a constant in a way InfoField does not fold (it folds a range with step 1 of a 1-D integer constant)");
        }

        long from = ShapeArithmetic.Clamp(starts[0], values.Length);
        long to = ShapeArithmetic.Clamp(ends[0], values.Length);
        ShapeArithmetic.Fold(node, to > from ? values[(int)from..(int)to] : []);
    }

    private static void Slice(OnnxNodeContext node, long[] starts, long[] ends, long[] axes, long[]? steps)
    {
        FlatTensor x = node.Tensor(0);
        if (axes.Length != 1 || starts.Length != 1 || ends.Length != 1 || (steps is not null && (steps.Length != 1 || steps[0] != 1)))
        {
            throw node.Fail("InfoField reads Slice of a range of channels with step 1 only");
        }

        node.RequireChannelAxis(axes[0]);
        int channels = node.Shape(x).Channels;
        long start = ShapeArithmetic.Clamp(starts[0], channels);
        long end = ShapeArithmetic.Clamp(ends[0], channels);
        if (end <= start)
        {
            throw node.Fail($"takes no channel (from {starts[0]} to {ends[0]} of {channels})");
        }

        node.SetOutput(0, node.Add(new ChannelSlice((int)start, (int)(end - start)), x));
    }

    /// <summary>
    /// A gather from an integer constant (shape arithmetic), or a gather of channels (axis 1, constant indices), kept
    /// for <see cref="Passes.RollingConvolution"/>, which reads it with the grouped 1x1 Conv after it as RPW.
    /// </summary>
    private static void Gather(OnnxNodeContext node)
    {
        if (ShapeArithmetic.AllIntegerConstants(node))
        {
            var (data, dataDims) = ShapeArithmetic.Input(node, 0);
            var (indices, indexDims) = ShapeArithmetic.Input(node, 1);
            if (node.Int("axis", 0) != 0 || dataDims.Length > 1 || indices.Any(i => i < -data.Length || i >= data.Length))
            {
                throw node.Fail("gathers from a constant in a way InfoField does not fold (it folds indices within a 1-D integer constant, axis 0)");
            }

            ShapeArithmetic.Fold(node, [.. indices.Select(i => data[i < 0 ? i + data.Length : i])], indexDims);
            return;
        }

        FlatTensor x = node.Tensor(0);
        if (node.Int("axis", 0) != 1 || !node.IsConstant(1))
        {
            throw node.Fail("InfoField reads Gather only as the channel windows of a rolling pointwise convolution: constant indices on axis 1, read by one 1x1 Conv with one group per filter");
        }

        long[] windows = node.Integers(1, OnnxLimits.MaxConstantValues);
        FeatureShape shape = node.Shape(x);
        FeatureShape gathered = shape.WithChannels(windows.Length);
        int tensor = node.Importer.AddPending(node, new GatherStep(windows, node.Importer.Doc(node.Node)), [x.Index], gathered);
        node.SetOutput(0, new FlatTensor(tensor));
    }
}
