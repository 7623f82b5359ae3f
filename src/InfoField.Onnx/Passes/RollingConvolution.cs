using System.Globalization;
using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Passes;

/// <summary>
/// A Gather of C_out windows of w consecutive channels (wrapping), read only by a 1x1 Conv with C_out groups:
/// RPW(C_in, C_out, C_in / w, o), with o from the exporter's note on the Gather (<c>overlap=o</c>) or, without one,
/// from a whole step between windows; the windows must be exactly RPW's (docs/onnx.md, "ONNX out").
/// </summary>
internal static class RollingConvolution
{
    private const string Pattern = "Gather then Conv is read as a rolling pointwise convolution only when";

    /// <summary>Reads every Gather-then-Conv pair as RPW.</summary>
    public static void Run(GraphImporter importer, ImportGraph graph)
    {
        List<int>[] consumers = graph.Consumers();
        for (int n = 0; n < graph.Nodes.Count; n++)
        {
            if (graph.Nodes[n].Step is not GatherStep gather || consumers[n + 1] is not [int only])
            {
                continue;
            }

            ImportNode conv = graph.Nodes[only];
            if (conv.Step is not ConvStep { Form: var form } || conv.Inputs is not [_] || importer.OnnxConsumers(conv.InputNames[0]) != 1)
            {
                continue;
            }

            int x = graph.Nodes[n].Inputs[0];
            conv.Step = new OpStep(Read(conv, form, graph.Shape(x).Channels, gather));
            conv.Inputs = [x];
        }
    }

    private static RollingPointwiseConvolution Read(ImportNode conv, ConvolutionForm form, int inputChannels, GatherStep gather)
    {
        long[] indices = gather.Indices;
        int outChannels = form.OutChannels;
        long width = form.Groups > 0 ? indices.LongLength / form.Groups : 0;
        if (!IsOne(form.Kernel) || form.Groups != outChannels || width < 1 || inputChannels % width != 0 || indices.LongLength != outChannels * width
            || !IsOne(form.Stride) || form.Padding != Pair.Square(0))
        {
            throw Fail(conv, $"{Pattern} the Conv is 1x1 with one group per filter and the Gather takes w channels per filter, w dividing the {inputChannels} input channels");
        }

        int groups = (int)(inputChannels / width);
        var candidates = new List<double>();
        const string Key = "overlap=";
        int at = gather.Hint.IndexOf(Key, StringComparison.Ordinal);
        if (at >= 0 && double.TryParse(gather.Hint[(at + Key.Length)..].Split(' ', ';', ',')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double noted))
        {
            candidates.Add(noted);
        }

        if (outChannels > 1)
        {
            long step = ((indices[width] - indices[0]) % inputChannels + inputChannels) % inputChannels;
            candidates.Add(1 - ((double)step / width));
        }

        candidates.Add(0);
        foreach (double overlap in candidates.Where(o => o >= 0 && o < 1))
        {
            int[] starts = RollingWindows.Starts(inputChannels, outChannels, groups, overlap);
            bool same = true;
            for (int c = 0; c < outChannels && same; c++)
            {
                for (int i = 0; i < width && same; i++)
                {
                    same = indices[(c * width) + i] == (starts[c] + i) % inputChannels;
                }
            }

            if (same)
            {
                return new RollingPointwiseConvolution(outChannels, groups, overlap, form.Bias);
            }
        }

        throw Fail(conv, $"{Pattern} the Gather's indices are RPW's windows (filter c reads channels floor(c (1 - o) w) mod C_in onward); these are not, for any overlap noted or implied");
    }

    private static OnnxReadException Fail(ImportNode conv, string what) => new($"{conv.Source}: {what}");

    /// <summary>True for a pair of ones (one along a 3-D network's depth too).</summary>
    private static bool IsOne(Pair pair) => pair.H == 1 && pair.W == 1 && pair.DepthOr(1) == 1;
}
