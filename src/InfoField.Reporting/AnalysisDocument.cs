using System.Text.Json.Serialization;
using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Zoo;

namespace InfoField.Reporting;

/// <summary>
/// The JSON contract of <c>infofield analyze --json</c> (docs/cli.md): one source of truth for the CLI's output and
/// for anything drawn from it. Shapes are arrays [C, H, W]; indices count from 1.
/// </summary>
/// <param name="Schema">Always <c>infofield-analysis/1</c>.</param>
/// <param name="Model">The model's name.</param>
/// <param name="Source"><c>zoo</c>, <c>spec</c> or <c>onnx</c>.</param>
/// <param name="Dataset">The dataset of a zoo model, or null.</param>
/// <param name="Width">The width multiplier.</param>
/// <param name="Input">Input shape [C, H, W].</param>
/// <param name="Alpha">The alpha used.</param>
/// <param name="Frame"><c>input</c> or <c>output</c>.</param>
/// <param name="Field">
/// The field the headline factors, IF and dIF of every unit and op are of, and the verdicts use: <c>local</c> (default)
/// or <c>literal</c>; each unit and op also gives both in <c>local</c> and <c>literal</c>.
/// </param>
/// <param name="Params">Total parameters.</param>
/// <param name="Macs">Total multiply-accumulates per sample.</param>
/// <param name="Stages">Per stage.</param>
/// <param name="Head">The classifier head's cost.</param>
/// <param name="Verdicts">What the numbers mean (<see cref="VerdictsDocument"/>); null when not asked for.</param>
public sealed record AnalysisDocument(
    string Schema,
    string Model,
    string Source,
    string? Dataset,
    double Width,
    int[] Input,
    double Alpha,
    string Frame,
    string Field,
    long Params,
    long Macs,
    IReadOnlyList<StageDocument> Stages,
    CostDocument Head,
    VerdictsDocument? Verdicts = null)
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-analysis/1";

    /// <summary>
    /// Every output's field in the frame of the network's input (the main output <c>out</c> first), for networks with
    /// further outputs or whose main output is a feature map (<see cref="OutputDocument.Reported"/>); empty otherwise.
    /// </summary>
    public IReadOnlyList<OutputDocument> Outputs { get; init; } = [];

    /// <summary>The document for a report of a loaded network.</summary>
    public static AnalysisDocument From(NetworkField field, LoadedNetwork loaded) => new(
        SchemaName,
        field.Network.Name,
        loaded.Kind,
        loaded.Dataset?.Name,
        loaded.Width,
        Shape(field.Network.Input),
        field.Options.Alpha,
        field.Options.Frame.ToString().ToLowerInvariant(),
        field.Options.FieldKind.ToString().ToLowerInvariant(),
        field.Cost.Total.Parameters,
        field.Cost.Total.Macs,
        field.Stages.Select(StageDocument.From).ToList(),
        new CostDocument(field.Cost.Head.Parameters, field.Cost.Head.Macs));

    /// <summary>A shape as [C, H, W] ([C, D, H, W] for a volume).</summary>
    public static int[] Shape(FeatureShape shape) => shape.HasDepth ? [shape.Channels, shape.Depth, shape.Height, shape.Width] : [shape.Channels, shape.Height, shape.Width];
}

/// <summary>One stage in <see cref="AnalysisDocument"/>.</summary>
/// <param name="Index">Stage number, from 1.</param>
/// <param name="InputShape">The measured tensor [c0, h0, w0] (per the frame).</param>
/// <param name="OutputShape">The stage's output [C, H, W].</param>
/// <param name="V0">h0 x w0 x c0.</param>
/// <param name="OpensWithStridedUnit">Whether the frame matters for this stage.</param>
/// <param name="Params">Parameters of the stage.</param>
/// <param name="Macs">MACs of the stage.</param>
/// <param name="Units">Per unit.</param>
public sealed record StageDocument(
    int Index,
    int[] InputShape,
    int[] OutputShape,
    long V0,
    bool OpensWithStridedUnit,
    long Params,
    long Macs,
    IReadOnlyList<UnitDocument> Units)
{
    /// <summary>The document of a stage report.</summary>
    public static StageDocument From(StageField stage) => new(
        stage.Index,
        AnalysisDocument.Shape(stage.InputShape),
        AnalysisDocument.Shape(stage.OutputShape),
        stage.V0,
        stage.OpensWithStridedUnit,
        stage.Cost.Parameters,
        stage.Cost.Macs,
        stage.Units.Select(UnitDocument.From).ToList());
}

/// <summary>One unit in <see cref="StageDocument"/>.</summary>
/// <param name="Index">Position in the stage, from 1.</param>
/// <param name="Name">The unit's name.</param>
/// <param name="Role"><c>body</c>, <c>stem</c> or <c>tail</c>.</param>
/// <param name="OutputShape">The unit's output [C, H, W].</param>
/// <param name="IfH">Spatial field along the height: the farthest reach of an output neuron (maximum over channels), at most h0.</param>
/// <param name="IfW">Spatial field along the width: the farthest reach of an output neuron (maximum over channels), at most w0.</param>
/// <param name="IfC">Guaranteed (minimum) channel coverage.</param>
/// <param name="IfCMean">Mean channel coverage.</param>
/// <param name="IfCMax">Maximum channel coverage.</param>
/// <param name="If">IfH x IfW x IfC.</param>
/// <param name="DeltaIf">The IF gain; null for a stage's first unit.</param>
/// <param name="ReceptiveField">Uncapped receptive field [h, w] in input-image pixels ([h, w, d] in a 3-D network).</param>
/// <param name="Params">Parameters.</param>
/// <param name="Macs">MACs.</param>
/// <param name="Ops">The field at the output of every op of the unit's graph; empty when the analysis gave none (<see cref="FieldOptions.OpFields"/>: <c>analyze --json --detail false</c>).</param>
/// <param name="IfHMin">Guaranteed spatial field along the height (minimum over channels).</param>
/// <param name="IfWMin">Guaranteed spatial field along the width (minimum over channels).</param>
/// <param name="Local">The local field, with its gain: through windows only, without global pooling.</param>
/// <param name="Literal">The literal field, with its gain: global pooling included.</param>
/// <param name="DeadOps">The ops on dead branches (node numbers, from 1): their output does not lead to the unit's output; they are costed and not in the field.</param>
public sealed record UnitDocument(
    int Index,
    string Name,
    string Role,
    int[] OutputShape,
    int IfH,
    int IfW,
    int IfC,
    double IfCMean,
    int IfCMax,
    long If,
    double? DeltaIf,
    long[] ReceptiveField,
    long Params,
    long Macs,
    IReadOnlyList<OpDocument> Ops,
    int IfHMin,
    int IfWMin,
    UnitFactorsDocument Local,
    UnitFactorsDocument Literal,
    IReadOnlyList<int> DeadOps)
{
    /// <summary>The document of a unit report.</summary>
    public static UnitDocument From(UnitField unit) => new(
        unit.Index,
        unit.Name,
        unit.Role.ToString().ToLowerInvariant(),
        AnalysisDocument.Shape(unit.OutputShape),
        unit.IfH,
        unit.IfW,
        unit.IfC,
        unit.IfCMean,
        unit.IfCMax,
        unit.If,
        unit.DeltaIf,
        unit.OutputShape.HasDepth ? [unit.ReceptiveFieldH, unit.ReceptiveFieldW, unit.ReceptiveFieldD] : [unit.ReceptiveFieldH, unit.ReceptiveFieldW],
        unit.Cost.Parameters,
        unit.Cost.Macs,
        unit.Ops.Select(OpDocument.From).ToList(),
        unit.IfHMin,
        unit.IfWMin,
        UnitFactorsDocument.From(unit.Local, unit.LocalDeltaIf, unit.OutputShape),
        UnitFactorsDocument.From(unit.Literal, unit.LiteralDeltaIf, unit.OutputShape),
        [.. unit.DeadOps])
    {
        IfHInterior = unit.IfHInterior,
        IfWInterior = unit.IfWInterior,
        Skips = unit.Skips.Count == 0 ? null : [.. unit.Skips.Select(skip => new SkipDocument(skip.Stage + 1, skip.Unit + 1))],
        IfD = Depth(unit.OutputShape, unit.IfD),
        IfDMin = Depth(unit.OutputShape, unit.IfDMin),
        IfDInterior = Depth(unit.OutputShape, unit.IfDInterior),
    };

    /// <summary>A depth factor, or null for a tensor without depth (the factor is then not written).</summary>
    internal static int? Depth(FeatureShape shape, int value) => shape.HasDepth ? value : null;

    /// <summary>
    /// The guaranteed spatial field along the height at interior neurons (minimum over channels of each channel's
    /// narrowest interior neuron; docs/information-field.md): below <c>ifH</c> where resolution goes up.
    /// </summary>
    public int IfHInterior { get; init; }

    /// <summary>The guaranteed spatial field along the width at interior neurons (as <see cref="IfHInterior"/>).</summary>
    public int IfWInterior { get; init; }

    /// <summary>
    /// The earlier units' outputs the unit reads (skips across stages: an op's input <c>-1 - j</c> is skip <c>j</c>), or
    /// null (and not written) when it reads none.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SkipDocument>? Skips { get; init; }

    /// <summary>Spatial field along the depth of a 3-D network (time in video), maximum over channels; absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfD { get; init; }

    /// <summary>Spatial field along the depth, minimum over channels; absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfDMin { get; init; }

    /// <summary>The guaranteed spatial field along the depth at interior neurons (as <see cref="IfHInterior"/>); absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfDInterior { get; init; }
}

/// <summary>An earlier unit whose output a unit reads (<see cref="UnitDocument.Skips"/>).</summary>
/// <param name="Stage">The stage, from 1.</param>
/// <param name="Unit">The unit in that stage, from 1.</param>
public sealed record SkipDocument(int Stage, int Unit);

/// <summary>One op of a unit in <see cref="UnitDocument"/>: the field at its output, measured like the unit's.</summary>
/// <param name="Index">The op's node number, from 1; it makes tensor <c>index</c> (tensor 0 is the unit's input).</param>
/// <param name="Type">The op's type.</param>
/// <param name="Inputs">The tensors it reads: 0 the unit's input, <c>i</c> op i's output, <c>-1 - j</c> the unit's skip j.</param>
/// <param name="OutputShape">Its output [C, H, W].</param>
/// <param name="IfH">Spatial field along the height (maximum over channels), at most h0.</param>
/// <param name="IfW">Spatial field along the width (maximum over channels), at most w0.</param>
/// <param name="IfC">Guaranteed channel coverage.</param>
/// <param name="If">IfH x IfW x IfC.</param>
/// <param name="IfHMin">Spatial field along the height, minimum over channels.</param>
/// <param name="IfWMin">Spatial field along the width, minimum over channels.</param>
/// <param name="IfCMax">Channel coverage, maximum over channels.</param>
/// <param name="Local">The op's local field (windows only, without global pooling).</param>
/// <param name="Literal">The op's literal field (global pooling included).</param>
public sealed record OpDocument(
    int Index,
    string Type,
    IReadOnlyList<int> Inputs,
    int[] OutputShape,
    int IfH,
    int IfW,
    int IfC,
    long If,
    int IfHMin,
    int IfWMin,
    int IfCMax,
    FactorsDocument Local,
    FactorsDocument Literal)
{
    /// <summary>The document of an op's field.</summary>
    public static OpDocument From(OpField op) =>
        new(op.Index, op.Type, [.. op.Inputs], AnalysisDocument.Shape(op.OutputShape), op.IfH, op.IfW, op.IfC, op.If, op.IfHMin, op.IfWMin, op.IfCMax, FactorsDocument.From(op.Local, op.OutputShape), FactorsDocument.From(op.Literal, op.OutputShape))
        {
            IfHInterior = op.IfHInterior,
            IfWInterior = op.IfWInterior,
            IfD = UnitDocument.Depth(op.OutputShape, op.IfD),
            IfDMin = UnitDocument.Depth(op.OutputShape, op.IfDMin),
            IfDInterior = UnitDocument.Depth(op.OutputShape, op.IfDInterior),
        };

    /// <summary>
    /// The guaranteed spatial field along the height at interior neurons (minimum over channels of each channel's
    /// narrowest interior neuron; docs/information-field.md): below <c>ifH</c> where resolution goes up.
    /// </summary>
    public int IfHInterior { get; init; }

    /// <summary>The guaranteed spatial field along the width at interior neurons (as <see cref="IfHInterior"/>).</summary>
    public int IfWInterior { get; init; }

    /// <summary>The name of tensor <paramref name="tensor"/> of a unit in tables: <c>in</c>, <c>t{i}</c>, or <c>skip{j}</c> for a skip.</summary>
    public static string TensorName(int tensor) => tensor == 0 ? "in" : tensor > 0 ? $"t{tensor}" : $"skip{-1 - tensor}";

    /// <summary>Spatial field along the depth of a 3-D network (time in video), maximum over channels; absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfD { get; init; }

    /// <summary>Spatial field along the depth, minimum over channels; absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfDMin { get; init; }

    /// <summary>The guaranteed spatial field along the depth at interior neurons (as <see cref="IfHInterior"/>); absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfDInterior { get; init; }
}

/// <summary>Field factors over a tensor's output channels (<see cref="FieldFactors"/>), as in <c>local</c>.</summary>
/// <param name="IfH">Spatial field along the height, maximum over channels.</param>
/// <param name="IfHMin">Spatial field along the height, minimum over channels.</param>
/// <param name="IfW">Spatial field along the width, maximum over channels.</param>
/// <param name="IfWMin">Spatial field along the width, minimum over channels.</param>
/// <param name="IfC">Channel coverage, minimum over channels.</param>
/// <param name="IfCMean">Channel coverage, mean over channels.</param>
/// <param name="IfCMax">Channel coverage, maximum over channels.</param>
/// <param name="If">IfH x IfW x IfC.</param>
public sealed record FactorsDocument(
    int IfH,
    int IfHMin,
    int IfW,
    int IfWMin,
    int IfC,
    double IfCMean,
    int IfCMax,
    long If)
{
    /// <summary>
    /// The documents made on this thread, by their factors (by identity: the engine shares equal factors between tensors
    /// and networks) and depth: a slot per hash of the factors, the last one made there kept.
    /// </summary>
    [ThreadStatic]
    private static (FieldFactors Factors, FactorsDocument Document)[]? _made;

    /// <summary>
    /// The document of field factors (<paramref name="shape"/>: the tensor's, whose depth decides whether the depth
    /// factors are written). Documents are immutable, so the same factors object may give the same document (on a thread,
    /// among the last ones made): ops that share their factors then share their document, and a batch's writer its JSON.
    /// </summary>
    public static FactorsDocument From(FieldFactors factors, FeatureShape shape = default)
    {
        ArgumentNullException.ThrowIfNull(factors);
        (FieldFactors Factors, FactorsDocument Document)[] made = _made ??= new (FieldFactors, FactorsDocument)[2048];
        int slot = ((System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(factors) << 1) | (shape.HasDepth ? 1 : 0)) & (made.Length - 1);
        if (ReferenceEquals(made[slot].Factors, factors))
        {
            return made[slot].Document;
        }

        var document = new FactorsDocument(factors.IfH, factors.IfHMin, factors.IfW, factors.IfWMin, factors.IfC, factors.IfCMean, factors.IfCMax, factors.If)
        {
            IfHInterior = factors.IfHInterior,
            IfWInterior = factors.IfWInterior,
            IfD = UnitDocument.Depth(shape, factors.IfD),
            IfDMin = UnitDocument.Depth(shape, factors.IfDMin),
            IfDInterior = UnitDocument.Depth(shape, factors.IfDInterior),
        };
        made[slot] = (factors, document);
        return document;
    }

    /// <summary>
    /// The guaranteed spatial field along the height at interior neurons (minimum over channels of each channel's
    /// narrowest interior neuron; docs/information-field.md): below <c>ifH</c> where resolution goes up.
    /// </summary>
    public int IfHInterior { get; init; }

    /// <summary>The guaranteed spatial field along the width at interior neurons (as <see cref="IfHInterior"/>).</summary>
    public int IfWInterior { get; init; }
    /// <summary>Spatial field along the depth of a 3-D network (time in video), maximum over channels; absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfD { get; init; }

    /// <summary>Spatial field along the depth, minimum over channels; absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfDMin { get; init; }

    /// <summary>The guaranteed spatial field along the depth at interior neurons (as <see cref="IfHInterior"/>); absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfDInterior { get; init; }
}

/// <summary>One field of a unit in <see cref="UnitDocument"/> (<c>local</c> or <c>literal</c>): its factors and its gain.</summary>
/// <param name="IfH">Spatial field along the height, maximum over channels.</param>
/// <param name="IfHMin">Spatial field along the height, minimum over channels.</param>
/// <param name="IfW">Spatial field along the width, maximum over channels.</param>
/// <param name="IfWMin">Spatial field along the width, minimum over channels.</param>
/// <param name="IfC">Channel coverage, minimum over channels.</param>
/// <param name="IfCMean">Channel coverage, mean over channels.</param>
/// <param name="IfCMax">Channel coverage, maximum over channels.</param>
/// <param name="If">IfH x IfW x IfC.</param>
/// <param name="DeltaIf">The gain of this field over the previous unit's same field; null for a stage's first unit.</param>
public sealed record UnitFactorsDocument(
    int IfH,
    int IfHMin,
    int IfW,
    int IfWMin,
    int IfC,
    double IfCMean,
    int IfCMax,
    long If,
    double? DeltaIf)
{
    /// <summary>The document of a unit's field and its gain (<paramref name="shape"/>: the unit's output, whose depth decides whether the depth factors are written).</summary>
    public static UnitFactorsDocument From(FieldFactors factors, double? gain, FeatureShape shape = default) =>
        new(factors.IfH, factors.IfHMin, factors.IfW, factors.IfWMin, factors.IfC, factors.IfCMean, factors.IfCMax, factors.If, gain)
        {
            IfD = UnitDocument.Depth(shape, factors.IfD),
            IfDMin = UnitDocument.Depth(shape, factors.IfDMin),
        };

    /// <summary>Spatial field along the depth of a 3-D network (time in video), maximum over channels; absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfD { get; init; }

    /// <summary>Spatial field along the depth, minimum over channels; absent without depth.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? IfDMin { get; init; }
}

/// <summary>Parameters and MACs.</summary>
/// <param name="Params">Parameters.</param>
/// <param name="Macs">MACs.</param>
public sealed record CostDocument(
    long Params,
    long Macs);

/// <summary>The JSON contract of <c>infofield models --json</c>.</summary>
/// <param name="Schema">Always <c>infofield-models/1</c>.</param>
/// <param name="Dataset">The dataset the counts are for.</param>
/// <param name="Width">The width multiplier.</param>
/// <param name="Models">Per model.</param>
public sealed record ModelsDocument(
    string Schema,
    string Dataset,
    double Width,
    IReadOnlyList<ModelDocument> Models)
{
    /// <summary>The schema tag.</summary>
    public const string SchemaName = "infofield-models/1";

    /// <summary>The zoo models that build for <paramref name="request"/>'s dataset, with their parameters and MACs at its width.</summary>
    public static ModelsDocument Of(ZooRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var datasets = DatasetInfo.All.Select(d => d.Name).ToList();
        return new(
            SchemaName,
            request.Dataset.Name,
            request.Width,
            ModelZoo.Entries
                .Where(entry => entry.Supports(request.Dataset))
                .Select(entry => (Entry: entry, Cost: CostModel.Of(entry.Build(request)).Total))
                .Select(row => new ModelDocument(row.Entry.Name, row.Entry.Family, row.Entry.Description, datasets.Where(d => row.Entry.Supports(DatasetInfo.Find(d))).ToList(), row.Cost.Parameters, row.Cost.Macs))
                .ToList());
    }
}

/// <summary>One zoo model in <see cref="ModelsDocument"/>.</summary>
/// <param name="Name">Name.</param>
/// <param name="Family">Family.</param>
/// <param name="Description">One line.</param>
/// <param name="Datasets">Datasets it builds for.</param>
/// <param name="Params">Parameters for the document's dataset.</param>
/// <param name="Macs">MACs for the document's dataset.</param>
public sealed record ModelDocument(
    string Name,
    string Family,
    string Description,
    IReadOnlyList<string> Datasets,
    long Params,
    long Macs);
