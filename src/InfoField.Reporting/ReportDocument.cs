using InfoField.Architecture;
using InfoField.Field;
using InfoField.Kernels;

namespace InfoField.Reporting;

/// <summary>
/// Everything <c>infofield report</c> draws, as one JSON document (<c>--format json</c> writes it): the page is rendered
/// from this document alone, and its parts are the documents the other commands emit.
/// </summary>
/// <param name="Schema">Always <c>infofield-report/1</c>.</param>
/// <param name="Analysis">The analysis, as <c>infofield analyze --json</c>.</param>
/// <param name="Optimization">The organizer's run, as <c>infofield optimize --json</c>.</param>
/// <param name="Theta">The theta line drawn on the dIF bars.</param>
/// <param name="Connectivity">Channel-connectivity pictures of factorized blocks.</param>
/// <param name="Results">Study results (accuracy against cost), possibly empty.</param>
/// <param name="ResultsSource">Where the results came from, or null.</param>
/// <param name="ConnectivityNotes">Blocks of the network that are not pictured, and why (too wide for a picture).</param>
public sealed record ReportDocument(
    string Schema,
    AnalysisDocument Analysis,
    OptimizationDocument Optimization,
    double Theta,
    IReadOnlyList<ConnectivityDocument> Connectivity,
    IReadOnlyList<ResultPointDocument> Results,
    string? ResultsSource,
    IReadOnlyList<string>? ConnectivityNotes = null)
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-report/1";

    /// <summary>Blocks of the network that are not pictured, and why; empty when every block is.</summary>
    public IReadOnlyList<string> ConnectivityNotes { get; init; } = ConnectivityNotes ?? [];
}

/// <summary>Which input channels reach each output channel after one and after two consecutive copies of a block.</summary>
/// <param name="Block">The block's name, e.g. <c>dw-rpw-64</c> or <c>F (g=2, o=0.5)</c>.</param>
/// <param name="Source">Where the block comes from: a unit of the network (<c>stage 2, unit 3</c>) or <c>--block</c>.</param>
/// <param name="Channels">Input channels of the block.</param>
/// <param name="Ops">The block's ops, e.g. <c>dw, bn, relu, rpw</c>.</param>
/// <param name="After">The reach after 1 and after 2 blocks.</param>
public sealed record ConnectivityDocument(
    string Block,
    string Source,
    int Channels,
    string Ops,
    IReadOnlyList<ReachDocument> After)
{
    /// <summary>
    /// The connectivity of <paramref name="ops"/> on <paramref name="channels"/> channels, one and two copies (when a copy
    /// maps the channels to themselves). A picture has a budget: at most <see cref="Connectivity.MaxPictureChannels"/>
    /// channels and <see cref="Connectivity.MaxPictureRanges"/> ranges in all; beyond it <see cref="InfoFieldException"/>
    /// says so before the work (channels) or as soon as the ranges pass it.
    /// </summary>
    public static ConnectivityDocument Of(string block, string source, IReadOnlyList<Op> ops, int channels)
    {
        Connectivity.RequirePicturable(channels);
        var input = new FeatureShape(channels, 8, 8);
        long ranges = 0;
        var reaches = new List<ReachDocument> { Reach(ops, input, 1, ref ranges) };
        if (OpSequence.OutputShape(ops, input) == input)
        {
            reaches.Add(Reach([.. ops, .. ops], input, 2, ref ranges));
        }

        return new ConnectivityDocument(block, source, channels, string.Join(", ", ops.Select(op => op.Type)), reaches);
    }

    private static ReachDocument Reach(IReadOnlyList<Op> ops, FeatureShape input, int blocks, ref long ranges)
    {
        var network = new Network("block", input, [new Stage([new Unit("block", ops.ToValueList())])], []);
        ChannelCoverage coverage = ChannelCoverage.Identity(input.Channels);
        FeatureShape shape = input;
        foreach (Op op in ops)
        {
            coverage = Through(coverage, op, shape);
            shape = op.OutputShape(shape);
        }

        var rows = new List<int[][]>(coverage.Channels);
        for (int c = 0; c < coverage.Channels; c++)
        {
            int[][] row = Ranges(coverage.Inputs(c));
            ranges += row.Length;
            if (ranges > Connectivity.MaxPictureRanges)
            {
                throw new PictureBudgetException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the connectivity picture of {input.Channels:N0} channels would draw more than {Connectivity.MaxPictureRanges:N0} ranges of input channels, the limit of a picture"));
            }

            rows.Add(row);
        }

        UnitField field = InformationField.Analyze(network).Stages[0].Last;
        return new ReachDocument(blocks, coverage.Minimum(), coverage.Mean(), field.If, rows);
    }

    private static ChannelCoverage Through(ChannelCoverage coverage, Op op, FeatureShape shape) => op switch
    {
        LayerOp layer => coverage.Through(layer.Channels(shape.Channels)),
        MergeOp => throw new InfoFieldException("connectivity pictures take chains of ops, not branched blocks"),
        _ => coverage,
    };

    private static int[][] Ranges(int[] members)
    {
        var ranges = new List<int[]>();
        foreach (int member in members)
        {
            if (ranges.Count > 0 && ranges[^1][1] == member - 1)
            {
                ranges[^1][1] = member;
            }
            else
            {
                ranges.Add([member, member]);
            }
        }

        return [.. ranges];
    }
}

/// <summary>The reach after some copies of a block: per output channel, the input channels reaching it as [first, last] ranges.</summary>
/// <param name="Blocks">How many copies.</param>
/// <param name="MinimumCoverage">IF^c, the fewest input channels reaching an output channel.</param>
/// <param name="MeanCoverage">The mean number.</param>
/// <param name="If">The IF of the copies on an 8x8 input.</param>
/// <param name="Rows">Per output channel, ranges of input channels.</param>
public sealed record ReachDocument(
    int Blocks,
    int MinimumCoverage,
    double MeanCoverage,
    long If,
    IReadOnlyList<int[][]> Rows);

/// <summary>One model's study result: cost and accuracy over its runs.</summary>
/// <param name="Model">The model.</param>
/// <param name="Params">Parameters.</param>
/// <param name="Macs">MACs.</param>
/// <param name="AccuracyMean">Mean test accuracy (fraction).</param>
/// <param name="AccuracyStd">Sample standard deviation of the test accuracy (0 for one run).</param>
/// <param name="Runs">Number of runs.</param>
public sealed record ResultPointDocument(
    string Model,
    long Params,
    long Macs,
    double AccuracyMean,
    double AccuracyStd,
    int Runs);

/// <summary>One variant of an insertion study: its gain dIF against the accuracy it added.</summary>
/// <param name="Label">The variant.</param>
/// <param name="Series">Its group in the chart (for example the inserted kernel, <c>3x3</c>).</param>
/// <param name="DeltaIf">The dIF of the inserted unit.</param>
/// <param name="Change">Mean test accuracy minus the base's (fraction).</param>
/// <param name="StdError">Standard error of <paramref name="Change"/> (fraction); 0 when unknown.</param>
public sealed record GainPointDocument(
    string Label,
    string Series,
    double DeltaIf,
    double Change,
    double StdError);

/// <summary>Builds the connectivity pictures a report shows.</summary>
public static class Connectivity
{
    /// <summary>The most distinct blocks a report pictures from a network.</summary>
    public const int MaxBlocks = 4;

    /// <summary>
    /// The most channels a connectivity picture draws: 4,096 (its matrix is 240 pixels wide, so each row is already
    /// under a tenth of a pixel; the work and the document grow with the square of the channels).
    /// </summary>
    public const int MaxPictureChannels = 4096;

    /// <summary>The most [first, last] ranges of input channels one picture holds, over its one- and two-block matrices.</summary>
    public const long MaxPictureRanges = 1L << 20;

    /// <summary>Throws <see cref="InfoFieldException"/> when a picture of <paramref name="channels"/> channels is over budget.</summary>
    public static void RequirePicturable(int channels)
    {
        if (channels > MaxPictureChannels)
        {
            throw new PictureBudgetException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"a connectivity picture draws at most {MaxPictureChannels:N0} channels, not {channels:N0} (the rule command checks blocks of any width up to {Limits.MaxChannels:N0})"));
        }
    }

    /// <summary>
    /// The network's factorized blocks (units holding depthwise, grouped or rolling convolutions, shuffles or interlaces,
    /// without residuals), one per distinct (ops, channels), at most <see cref="MaxBlocks"/>.
    /// </summary>
    public static IReadOnlyList<ConnectivityDocument> OfNetwork(Network network) => OfNetwork(network, []);

    /// <summary>
    /// <see cref="OfNetwork(Network)"/>, adding to <paramref name="notes"/> one line per block left out because its
    /// picture would be over budget (<see cref="MaxPictureChannels"/>, <see cref="MaxPictureRanges"/>).
    /// </summary>
    public static IReadOnlyList<ConnectivityDocument> OfNetwork(Network network, IList<string> notes)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(notes);
        var seen = new HashSet<string>();
        var documents = new List<ConnectivityDocument>();
        for (int s = 0; s < network.Stages.Count && documents.Count < MaxBlocks; s++)
        {
            for (int u = 0; u < network.Stages[s].Units.Count && documents.Count < MaxBlocks; u++)
            {
                Unit unit = network.Stages[s].Units[u];
                FeatureShape input = network.Layout.Stages[s].Units[u].Input;
                FeatureShape output = network.Layout.Stages[s].Units[u].Output;
                bool factorized = unit.Ops.Any(op => op.Form.IsFactorized() || op.Role == OpRole.Routing);
                if (!factorized || !unit.Graph.IsChain || input.Channels != output.Channels)
                {
                    continue;
                }

                string key = $"{string.Join(",", unit.Ops)}@{input.Channels}";
                if (seen.Add(key))
                {
                    try
                    {
                        documents.Add(ConnectivityDocument.Of(unit.Name, $"stage {s + 1}, unit {u + 1}", unit.Ops, input.Channels));
                    }
                    catch (PictureBudgetException error)
                    {
                        notes.Add($"stage {s + 1}, unit {u + 1} ({unit.Name}) is not pictured: {error.Message}");
                    }
                }
            }
        }

        return documents;
    }

    /// <summary>The picture of one of the paper's blocks asked for with <c>--block</c> (one unit, C channels in and out).</summary>
    public static ConnectivityDocument OfBlock(FactorizedBlock block, int channels, BlockSettings settings) =>
        ConnectivityDocument.Of(KernelReplacementRule.Name(block, settings), "--block", FactorizedBlocks.Stack(block, channels, channels, 1, settings), channels);
}

/// <summary>A connectivity picture over its budget (<see cref="Connectivity.MaxPictureChannels"/>, <see cref="Connectivity.MaxPictureRanges"/>).</summary>
internal sealed class PictureBudgetException(string message) : InfoFieldException(message);
