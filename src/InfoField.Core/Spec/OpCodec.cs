using System.Text.Json;
using InfoField.Architecture;

namespace InfoField.Spec;

/// <summary>
/// Reads and writes ops as JSON objects <c>{"type": ..., fields}</c>. Defaults follow PyTorch (stride 1,
/// padding 0, dilation 1, groups 1, no bias except for linear layers; pooling stride = kernel) and are omitted when writing.
/// </summary>
internal static class OpCodec
{
    private delegate Op Reader(JsonCursor op, int rank);

    private static readonly Dictionary<string, (string[] Fields, Reader Read)> Readers = CreateReaders();

    /// <summary>The op types a spec may use.</summary>
    public static IEnumerable<string> Types => Readers.Keys;

    public static Op Read(JsonCursor op, int rank)
    {
        op.RequireObject();
        string type = op.String("type");
        if (!Readers.TryGetValue(type, out var reader))
        {
            throw op.Error($"unknown op '{type}'; expected one of {string.Join(", ", Readers.Keys)}", "type");
        }

        op.AllowOnly(["type", .. reader.Fields]);
        return reader.Read(op, rank);
    }

    public static void Write(Utf8JsonWriter json, Op op, int rank)
    {
        json.WriteStartObject();
        json.WriteString("type", op.Type);
        switch (op)
        {
            case Convolution conv:
                json.WriteNumber("out", conv.OutChannels);
                WritePair(json, "kernel", conv.Kernel, rank);
                WriteWindow(json, conv.Stride, conv.Padding, conv.Dilation, rank);
                WriteIf(json, "groups", conv.Groups, 1);
                WriteIf(json, "bias", conv.Bias, false);
                break;
            case DepthwiseConvolution dw:
                WritePair(json, "kernel", dw.Kernel, rank);
                WriteWindow(json, dw.Stride, dw.Padding, dw.Dilation, rank);
                WriteIf(json, "multiplier", dw.Multiplier, 1);
                WriteIf(json, "bias", dw.Bias, false);
                break;
            case PointwiseConvolution pw:
                json.WriteNumber("out", pw.OutChannels);
                WriteIf(json, "groups", pw.Groups, 1);
                WriteWindow(json, pw.Stride, Pair.Square(0), Pair.Square(1), rank);
                WriteIf(json, "bias", pw.Bias, false);
                break;
            case RollingPointwiseConvolution rpw:
                json.WriteNumber("out", rpw.OutChannels);
                json.WriteNumber("groups", rpw.Groups);
                json.WriteNumber("overlap", rpw.Overlap);
                WriteIf(json, "bias", rpw.Bias, false);
                break;
            case ChannelShuffle shuffle:
                json.WriteNumber("groups", shuffle.Groups);
                break;
            case Interlace interlace:
                json.WriteNumber("groups", interlace.Groups);
                break;
            case Pooling pool:
                WritePair(json, "kernel", pool.Kernel, rank);
                if (pool.Stride != pool.Kernel)
                {
                    WritePair(json, "stride", pool.Stride, rank);
                }

                WriteWindow(json, pool.Kernel, pool.Padding, Pair.Square(1), rank, writeStride: false);
                WriteIf(json, "ceil", pool.CeilMode, false);
                break;
            case AdaptivePooling { IsGlobal: false } adaptive:
                WritePair(json, "output", adaptive.Output, rank: 2);
                break;
            case Dropout dropout:
                WriteIf(json, "p", dropout.P, 0.5);
                break;
            case Linear linear:
                json.WriteNumber("out", linear.OutFeatures);
                WriteIf(json, "bias", linear.Bias, true);
                break;
            case Residual residual:
                WriteOps(json, "body", residual.Body, rank);
                if (!residual.HasIdentityShortcut)
                {
                    WriteOps(json, "shortcut", residual.Shortcut, rank);
                }

                break;
        }

        json.WriteEndObject();
    }

    public static void WriteOps(Utf8JsonWriter json, string name, IEnumerable<Op> ops, int rank)
    {
        json.WriteStartArray(name);
        foreach (Op op in ops)
        {
            Write(json, op, rank);
        }

        json.WriteEndArray();
    }

    public static ValueList<Op> ReadOps(JsonCursor parent, string name, int rank, bool required) =>
        parent.Items(name, required).Select(op => Read(op, rank)).ToValueList();

    private static Dictionary<string, (string[], Reader)> CreateReaders()
    {
        string[] window = ["kernel", "stride", "padding", "dilation"];
        var readers = new Dictionary<string, (string[], Reader)>
        {
            ["conv"] = ([.. window, "out", "groups", "bias"], (op, rank) => new Convolution(
                op.Int("out"), ReadPair(op, "kernel", rank, null), ReadPair(op, "stride", rank, 1), ReadPair(op, "padding", rank, 0),
                ReadPair(op, "dilation", rank, 1), op.Int("groups", 1), op.Bool("bias", false))),
            ["dw"] = ([.. window, "multiplier", "bias"], (op, rank) => new DepthwiseConvolution(
                ReadPair(op, "kernel", rank, null), ReadPair(op, "stride", rank, 1), ReadPair(op, "padding", rank, 0),
                ReadPair(op, "dilation", rank, 1), op.Int("multiplier", 1), op.Bool("bias", false))),
            ["pw"] = (["out", "groups", "stride", "bias"], ReadPointwise),
            ["gpw"] = (["out", "groups", "stride", "bias"], ReadPointwise),
            ["rpw"] = (["out", "groups", "overlap", "bias"], (op, _) => new RollingPointwiseConvolution(
                op.Int("out"), op.Int("groups"), ReadOverlap(op), op.Bool("bias", false))),
            ["shuffle"] = (["groups"], (op, _) => new ChannelShuffle(op.Int("groups"))),
            ["interlace"] = (["groups"], (op, _) => new Interlace(op.Int("groups"))),
            ["maxpool"] = (["kernel", "stride", "padding", "ceil"], (op, rank) => ReadPool(op, rank, PoolKind.Max)),
            ["avgpool"] = (["kernel", "stride", "padding", "ceil"], (op, rank) => ReadPool(op, rank, PoolKind.Average)),
            ["globalavgpool"] = ([], (_, _) => new AdaptivePooling(PoolKind.Average, 1)),
            ["globalmaxpool"] = ([], (_, _) => new AdaptivePooling(PoolKind.Max, 1)),
            ["adaptiveavgpool"] = (["output"], (op, _) => new AdaptivePooling(PoolKind.Average, ReadPair(op, "output", 2, null))),
            ["adaptivemaxpool"] = (["output"], (op, _) => new AdaptivePooling(PoolKind.Max, ReadPair(op, "output", 2, null))),
            ["bn"] = ([], (_, _) => new BatchNorm()),
            ["dropout"] = (["p"], (op, _) => new Dropout(op.Double("p", 0.5))),
            ["flatten"] = ([], (_, _) => new Flatten()),
            ["softmax"] = ([], (_, _) => new Softmax()),
            ["linear"] = (["out", "bias"], (op, _) => new Linear(op.Int("out"), op.Bool("bias", true))),
            ["residual"] = (["body", "shortcut"], (op, rank) => new Residual(ReadOps(op, "body", rank, required: true), ReadOps(op, "shortcut", rank, required: false))),
        };
        foreach (var (name, kind) in Activation.Names)
        {
            readers[name] = ([], (_, _) => new Activation(kind));
        }

        return readers;
    }

    /// <summary>The overlap exactly as written: a value with more significant digits than a double keeps is refused, not rounded.</summary>
    private static double ReadOverlap(JsonCursor op)
    {
        double overlap = op.Double("overlap");
        JsonCursor field = op.Property("overlap");
        if (!field.Element.TryGetDecimal(out decimal written) || RollingWindows.ExactDecimal(overlap) != written)
        {
            throw field.Error($"{JsonCursor.Shorten(field.Element.GetRawText())} cannot be used exactly: write the overlap with at most 17 significant digits, as its shortest form {overlap.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
        }

        return overlap;
    }

    private static PointwiseConvolution ReadPointwise(JsonCursor op, int rank) =>
        new(op.Int("out"), op.Int("groups", 1), ReadPair(op, "stride", rank, 1), op.Bool("bias", false));

    private static Pooling ReadPool(JsonCursor op, int rank, PoolKind kind)
    {
        Pair kernel = ReadPair(op, "kernel", rank, null);
        Pair stride = op.Has("stride") ? ReadPair(op, "stride", rank, null) : kernel;
        return new Pooling(kind, kernel, stride, ReadPair(op, "padding", rank, 0), op.Bool("ceil", false));
    }

    /// <summary>A scalar means both axes in 2-D and the length axis in 1-D (height 1, or 0 for padding); [h, w] is explicit.</summary>
    private static Pair ReadPair(JsonCursor op, string name, int rank, int? fallback)
    {
        int heightInOneD = name == "padding" ? 0 : 1;
        if (!op.Has(name))
        {
            return fallback is int value
                ? rank == 1 ? Pair.Line(value, heightInOneD) : Pair.Square(value)
                : throw op.Error($"missing field '{name}' (an integer or [height, width])");
        }

        JsonCursor field = op.Property(name);
        if (field.Element.ValueKind == JsonValueKind.Array)
        {
            var items = field.Element.EnumerateArray().ToList();
            if (items.Count != 2)
            {
                throw field.Error($"expected an integer or [height, width], got an array of {items.Count}");
            }

            return new Pair(PairItem(items[0], field), PairItem(items[1], field));
        }

        int scalar = field.AsInt();
        return rank == 1 ? Pair.Line(scalar, heightInOneD) : Pair.Square(scalar);
    }

    private static int PairItem(JsonElement item, JsonCursor field) =>
        item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int value)
            ? value
            : throw field.Error($"expected an integer or [height, width] of integers, got {JsonCursor.Describe(field.Element)}");

    private static void WriteWindow(Utf8JsonWriter json, Pair stride, Pair padding, Pair dilation, int rank, bool writeStride = true)
    {
        if (writeStride && stride != Default(rank, 1))
        {
            WritePair(json, "stride", stride, rank);
        }

        if (padding != Default(rank, 0))
        {
            WritePair(json, "padding", padding, rank);
        }

        if (dilation != Default(rank, 1))
        {
            WritePair(json, "dilation", dilation, rank);
        }
    }

    private static Pair Default(int rank, int value) => rank == 1 ? Pair.Line(value, value == 0 ? 0 : 1) : Pair.Square(value);

    private static void WritePair(Utf8JsonWriter json, string name, Pair pair, int rank)
    {
        bool scalar = rank == 1 ? pair.H == (name == "padding" ? 0 : 1) : pair.IsSquare;
        if (scalar)
        {
            json.WriteNumber(name, rank == 1 ? pair.W : pair.H);
            return;
        }

        json.WriteStartArray(name);
        json.WriteNumberValue(pair.H);
        json.WriteNumberValue(pair.W);
        json.WriteEndArray();
    }

    private static void WriteIf<T>(Utf8JsonWriter json, string name, T value, T fallback)
        where T : IEquatable<T>
    {
        if (value.Equals(fallback))
        {
            return;
        }

        switch (value)
        {
            case int number:
                json.WriteNumber(name, number);
                break;
            case double real:
                json.WriteNumber(name, real);
                break;
            case bool flag:
                json.WriteBoolean(name, flag);
                break;
        }
    }
}
