using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using InfoField.Architecture;
using InfoField.Field;

namespace InfoField.Reporting;

/// <summary>
/// One output of the network in <see cref="AnalysisDocument.Outputs"/>: its field in the frame of the network's input
/// (docs/information-field.md, "Outputs"), with the factors of the field the analysis uses.
/// </summary>
/// <param name="Name">The output's name (<c>out</c> for the main output).</param>
/// <param name="Stage">The stage of the unit the output's head reads, from 1.</param>
/// <param name="Unit">That unit, from 1.</param>
/// <param name="Shape">The map the field is measured at [C, H, W] (the output unless <paramref name="Vector"/>).</param>
/// <param name="Vector">True when the output's head turns that map into vectors.</param>
/// <param name="StrideH">Input rows per row of the map (the output stride; 1 at the input's resolution).</param>
/// <param name="StrideW">Input columns per column of the map.</param>
/// <param name="IfH">Input rows the best-placed neuron reaches (maximum over channels).</param>
/// <param name="IfW">Input columns the best-placed neuron reaches.</param>
/// <param name="IfC">Input channels every neuron reaches (minimum over channels).</param>
/// <param name="IfHInterior">Input rows every neuron away from the borders is guaranteed (the interior minimum).</param>
/// <param name="IfWInterior">Input columns every neuron away from the borders is guaranteed.</param>
/// <param name="ReceptiveFieldH">The receptive field in image pixels along the height on an infinite plane (no border).</param>
/// <param name="ReceptiveFieldW">The receptive field in image pixels along the width on an infinite plane.</param>
/// <param name="Covers">True when the field covers the input: every channel's best-placed neuron spans the whole input and every input channel.</param>
public sealed record OutputDocument(
    string Name,
    int Stage,
    int Unit,
    int[] Shape,
    bool Vector,
    double StrideH,
    double StrideW,
    int IfH,
    int IfW,
    int IfC,
    int IfHInterior,
    int IfWInterior,
    long ReceptiveFieldH,
    long ReceptiveFieldW,
    bool Covers)
{
    /// <summary>The document of <paramref name="field"/> with the factors of <paramref name="kind"/>.</summary>
    public static OutputDocument From(OutputField field, FieldKind kind)
    {
        ArgumentNullException.ThrowIfNull(field);
        FieldFactors factors = field.Factors(kind);
        return new OutputDocument(
            field.Name,
            field.Stage + 1,
            field.Unit + 1,
            AnalysisDocument.Shape(field.Shape),
            field.Vector,
            field.StrideH,
            field.StrideW,
            factors.IfH,
            factors.IfW,
            factors.IfC,
            factors.IfHInterior,
            factors.IfWInterior,
            field.ReceptiveFieldH,
            field.ReceptiveFieldW,
            field.Covers(kind))
        {
            StrideD = field.Input.HasDepth ? field.StrideD : null,
            IfD = UnitDocument.Depth(field.Input, factors.IfD),
            IfDInterior = UnitDocument.Depth(field.Input, factors.IfDInterior),
            ReceptiveFieldD = field.Input.HasDepth ? field.ReceptiveFieldD : null,
            Reads = field.Reads,
        };
    }

    /// <summary>Input frames per frame of the map along the depth of a 3-D network; absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? StrideD { get; init; }

    /// <summary>Input frames the best-placed neuron reaches along the depth of a 3-D network; absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfD { get; init; }

    /// <summary>Input frames every neuron away from the borders is guaranteed along the depth; absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfDInterior { get; init; }

    /// <summary>The receptive field in input frames along the depth on an infinite volume; absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ReceptiveFieldD { get; init; }

    /// <summary>
    /// The further output whose map this output's head continues (<see cref="NetworkOutput.Reads"/>; its stage and unit
    /// are that output's), or null (and not written) when the head reads its unit's output.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reads { get; init; }

    /// <summary>The fields of the outputs <c>analyze</c> reports for <paramref name="network"/>: none unless <see cref="Reported"/>.</summary>
    internal static System.Collections.Immutable.ImmutableArray<OutputField> ReportedFields(Network network) => Reported(network) ? OutputFields.Of(network) : [];

    /// <summary>The documents of <paramref name="outputs"/> with the factors of <paramref name="kind"/>.</summary>
    internal static OutputDocument[] From(IEnumerable<OutputField> outputs, FieldKind kind) => [.. outputs.Select(output => From(output, kind))];

    /// <summary>
    /// True when <c>analyze</c> reports the outputs of <paramref name="network"/>: it has further outputs, or its main
    /// output is a feature map (no flatten or linear in its head); a classifier's one vector output is left out.
    /// </summary>
    public static bool Reported(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Outputs.Count > 0 || network.Head.All(op => op.Role != OpRole.Head);
    }

    /// <summary>
    /// The outputs as text: one line per output saying how much of the input one of its neurons sees, at which output
    /// stride, and whether its field covers the input; empty when there are none.
    /// </summary>
    public static string Render(IReadOnlyList<OutputDocument> outputs, FeatureShape input)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Title(AnalysisDocument.Shape(input))}:");
        foreach (OutputDocument output in outputs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {Printable.Text(output.Describe(AnalysisDocument.Shape(input)))}");
        }

        return text.ToString();
    }

    /// <summary>The heading of the outputs' lines for a network whose input is <paramref name="input"/> [C, H, W] or [C, D, H, W].</summary>
    public static string Title(int[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return string.Create(CultureInfo.InvariantCulture, $"Outputs (fields in the frame of the {Times(input)} input)");
    }

    /// <summary>
    /// One line: how much of the input <paramref name="input"/> [C, H, W] (or [C, D, H, W]: frames too) one neuron of
    /// this output sees, at which output stride, and whether its field covers the input.
    /// </summary>
    public string Describe(int[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool volume = input.Length == 4;
        string where = Vector ? $"the {Times(Shape)} map before its head's vectors" : Times(Shape);
        string stride = (volume ? $"{Number(StrideD ?? 0)} x " : "") + $"{Number(StrideH)} x {Number(StrideW)}";
        string depth = volume ? string.Create(CultureInfo.InvariantCulture, $"{IfD} x ") : "", interiorDepth = volume ? string.Create(CultureInfo.InvariantCulture, $"{IfDInterior} x ") : "";
        string receptiveDepth = volume ? string.Create(CultureInfo.InvariantCulture, $"{ReceptiveFieldD} x ") : "";
        string pixels = volume ? "input voxels" : "input pixels", unit = volume ? "voxels" : "px";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Name} ({HeadReads()}; {where}, output stride {stride}): one neuron sees up to {depth}{IfH} x {IfW} of {Times(input.AsSpan(1))} {pixels} ({interiorDepth}{IfHInterior} x {IfWInterior} guaranteed away from the borders; receptive field {receptiveDepth}{ReceptiveFieldH} x {ReceptiveFieldW} {unit} without borders) and {IfC} of {input[0]} channels; {(Covers ? "its field covers the input" : "its field does not cover the input")}");
    }

    /// <summary>What the output's head reads: <c>stage 2, unit 3</c>, or <c>output 'level1', stage 2, unit 3</c> for an output that reads another.</summary>
    public string HeadReads() =>
        Reads is null
            ? string.Create(CultureInfo.InvariantCulture, $"stage {Stage}, unit {Unit}")
            : string.Create(CultureInfo.InvariantCulture, $"output '{Reads}', stage {Stage}, unit {Unit}");

    private static string Times(ReadOnlySpan<int> values) => string.Join(" x ", values.ToArray());

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
