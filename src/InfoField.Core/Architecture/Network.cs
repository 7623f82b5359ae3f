using System.Collections.Immutable;
using System.Globalization;

namespace InfoField.Architecture;

/// <summary>
/// An immutable description of a convolutional network: input shape, stages of units, and the classifier head.
/// Shapes are inferred and every rule is checked when it is constructed, so a <see cref="Network"/> that
/// exists is valid; an invalid one throws <see cref="ArchitectureException"/> naming where and which rule.
/// </summary>
public sealed record Network
{
    /// <summary>Creates and validates a network; throws <see cref="ArchitectureException"/> naming where and which rule it breaks.</summary>
    /// <param name="name">A name for reports, e.g. <c>vgg16</c>.</param>
    /// <param name="input">Shape of one input sample (C x H x W; a 1-D signal of length L is C x 1 x L).</param>
    /// <param name="stages">The stages, at least one.</param>
    /// <param name="head">The classifier: ops after the last stage (may be empty).</param>
    /// <param name="spatialRank">2 for images, 1 for 1-D signals (then every kernel has height 1), 3 for volumes (the input has a <see cref="FeatureShape.Depth"/>).</param>
    public Network(string name, FeatureShape input, ValueList<Stage> stages, ValueList<Op> head, int spatialRank = 2)
        : this(name, input, stages, head, spatialRank, NetworkLayout.Check(input, stages, head, spatialRank, null).Value)
    {
    }

    private Network(string name, FeatureShape input, ValueList<Stage> stages, ValueList<Op> head, int spatialRank, NetworkLayout layout, ValueList<NetworkOutput> outputs = default)
    {
        Name = name;
        Outputs = outputs;
        Input = input;
        Stages = stages;
        Head = head;
        SpatialRank = spatialRank;
        Layout = layout;
    }

    /// <summary>
    /// As the constructor, but a unit graph whose shapes <paramref name="known"/> holds for its input is not checked again,
    /// and the graphs checked are kept there (the fast spec reader, whose networks share unit objects).
    /// </summary>
    internal Network(string name, FeatureShape input, ValueList<Stage> stages, ValueList<Op> head, int spatialRank, GraphShapes known)
        : this(name, input, stages, head, spatialRank, NetworkLayout.Check(input, stages, head, spatialRank, null, known: known).Value)
    {
    }

    /// <summary>
    /// The network, or the first rule it breaks (the same rules, paths and words as the constructor's
    /// <see cref="ArchitectureException"/>): for callers that try edits and go on when one is not valid.
    /// </summary>
    public static Checked<Network> TryCreate(string name, FeatureShape input, ValueList<Stage> stages, ValueList<Op> head, int spatialRank = 2) =>
        Create(name, input, stages, head, spatialRank, null);

    /// <summary>The name of the main output (the last stage's output through <see cref="Head"/>) in reports: <c>out</c>.</summary>
    public const string MainOutputName = "out";

    /// <summary>A name for reports.</summary>
    public string Name { get; }

    /// <summary>The further outputs, each a head read from one unit's output (empty for a network with one output).</summary>
    public ValueList<NetworkOutput> Outputs { get; }

    /// <summary>Shape of one input sample.</summary>
    public FeatureShape Input { get; }

    /// <summary>2 for images, 1 for 1-D signals, 3 for volumes.</summary>
    public int SpatialRank { get; }

    /// <summary>The stages.</summary>
    public ValueList<Stage> Stages { get; }

    /// <summary>The classifier head.</summary>
    public ValueList<Op> Head { get; }

    /// <summary>The inferred shapes of every stage and unit.</summary>
    public NetworkLayout Layout { get; }

    /// <summary>Shape of the network's output.</summary>
    public FeatureShape Output => Layout.Output;

    /// <summary>
    /// The index in <see cref="Outputs"/> of the earlier output whose tensor the head of output <paramref name="output"/>
    /// reads (<see cref="NetworkOutput.Reads"/>), or -1 when it reads its unit's output.
    /// </summary>
    public int OutputRead(int output) => Layout.OutputReads.IsDefaultOrEmpty ? -1 : Layout.OutputReads[output];

    /// <summary>The shape the head of further output <paramref name="output"/> reads: its unit's output, or the earlier output it reads.</summary>
    public FeatureShape OutputHeadInput(int output) =>
        OutputRead(output) is int read and >= 0 ? Layout.Outputs[read] : Layout.Stages[Outputs[output].Stage].Units[Outputs[output].Unit].Output;

    /// <summary>All units, stage by stage.</summary>
    public IEnumerable<Unit> Units => Stages.SelectMany(stage => stage.Units);

    /// <summary>A validated copy with other stages.</summary>
    public Network WithStages(ValueList<Stage> stages) => TryWithStages(stages).Value;

    /// <summary>
    /// A validated copy with other stages, or the first rule it breaks. Stages that are the same objects as this
    /// network's and receive the same input shape keep their validated layout, so an edit costs the stages it changes.
    /// </summary>
    public Checked<Network> TryWithStages(ValueList<Stage> stages) => Create(Name, Input, stages, Head, SpatialRank, this, Outputs);

    /// <summary>A validated copy with another input shape.</summary>
    public Network WithInput(FeatureShape input) => Create(Name, input, Stages, Head, SpatialRank, null, Outputs).Value;

    /// <summary>A copy with another name.</summary>
    public Network WithName(string name) => new(name, Input, Stages, Head, SpatialRank, Layout, Outputs);

    /// <summary>A validated copy with other further outputs; throws <see cref="ArchitectureException"/> naming the first rule an output breaks.</summary>
    public Network WithOutputs(ValueList<NetworkOutput> outputs) => TryWithOutputs(outputs).Value;

    /// <summary>
    /// A validated copy with other further outputs, or the first rule one breaks (<c>outputs[i]...</c>): each reads an
    /// existing unit (or, with <see cref="NetworkOutput.Reads"/>, a further output declared before it that is a feature
    /// map, with the same stage and unit), has a unique name other than <see cref="MainOutputName"/>, and its head
    /// applies to what it reads.
    /// </summary>
    public Checked<Network> TryWithOutputs(ValueList<NetworkOutput> outputs) => Create(Name, Input, Stages, Head, SpatialRank, this, outputs);

    private static Checked<Network> Create(string name, FeatureShape input, ValueList<Stage> stages, ValueList<Op> head, int spatialRank, Network? previous, ValueList<NetworkOutput> outputs = default) =>
        NetworkLayout.Check(input, stages, head, spatialRank, previous, outputs).TryGet(out NetworkLayout layout, out Violation? broken)
            ? new Network(name, input, stages, head, spatialRank, layout, outputs)
            : broken;

    /// <inheritdoc />
    public bool Equals(Network? other) =>
        other is not null
        && Name == other.Name
        && Input == other.Input
        && SpatialRank == other.SpatialRank
        && Stages == other.Stages
        && Head == other.Head
        && Outputs == other.Outputs;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Input, SpatialRank, Stages, Head, Outputs);
}

/// <summary>The shapes a unit receives and produces.</summary>
/// <param name="Input">Shape entering the unit.</param>
/// <param name="Output">Shape leaving the unit.</param>
/// <param name="Tensors">The shape of every tensor of the unit's graph: [0] is the input, [i + 1] node i's output.</param>
public readonly record struct UnitLayout(FeatureShape Input, FeatureShape Output, ImmutableArray<FeatureShape> Tensors)
{
    /// <summary>The shape of each of the unit's skips (<see cref="Unit.Skips"/>), in their order (empty for a unit without skips).</summary>
    public ImmutableArray<FeatureShape> Skips { get; init; } = [];

    /// <summary>The shape of tensor <paramref name="tensor"/> of the unit's graph: the input, a node's output, or a skip (negative, <see cref="OpGraph.SkipTensor"/>).</summary>
    public FeatureShape Tensor(int tensor) => tensor >= 0 ? Tensors[tensor] : Skips[-1 - tensor];
}

/// <summary>The shapes of one stage.</summary>
/// <param name="Input">Shape entering the stage, before its entry pooling.</param>
/// <param name="UnitsInput">Shape entering the first unit (after entry pooling): the stage's input tensor.</param>
/// <param name="Units">Shapes of each unit.</param>
public sealed record StageLayout(FeatureShape Input, FeatureShape UnitsInput, ImmutableArray<UnitLayout> Units)
{
    /// <summary>Shape leaving the stage.</summary>
    public FeatureShape Output => Units[^1].Output;

    /// <summary>True when the first unit changes the resolution (a strided unit opens the stage).</summary>
    public bool OpensWithStridedUnit => !Units[0].Output.SameResolution(UnitsInput);
}

/// <summary>The inferred shapes of a network.</summary>
/// <param name="Stages">Shapes of each stage.</param>
/// <param name="HeadInput">Shape entering the head.</param>
/// <param name="Output">Shape leaving the network.</param>
public sealed record NetworkLayout(ImmutableArray<StageLayout> Stages, FeatureShape HeadInput, FeatureShape Output)
{
    /// <summary>The shape of each further output (<see cref="Network.Outputs"/>), in their order.</summary>
    public ImmutableArray<FeatureShape> Outputs { get; init; } = [];

    /// <summary>For each further output, the index of the earlier output whose tensor its head reads (<see cref="NetworkOutput.Reads"/>), or -1 when it reads its unit's output.</summary>
    public ImmutableArray<int> OutputReads { get; init; } = [];

    /// <summary>
    /// Infers every shape of a network and checks the architecture rules; the first rule broken, with its path.
    /// Stages of <paramref name="previous"/> that are the same objects and receive the same input keep their layout.
    /// </summary>
    internal static Checked<NetworkLayout> Check(FeatureShape input, ValueList<Stage> stages, ValueList<Op> head, int spatialRank, Network? previous, ValueList<NetworkOutput> outputs = default, GraphShapes? known = null)
    {
        Violation? broken = CheckInput(input, spatialRank) ?? Limits.CheckSize(stages, head);
        if (broken is not null)
        {
            return broken;
        }

        if (stages.Count == 0)
        {
            return new Violation("stages", "a network needs at least one stage");
        }

        var layouts = ImmutableArray.CreateBuilder<StageLayout>(stages.Count);
        FeatureShape shape = input;
        bool bodySeen = false;
        bool tailSeen = false;
        bool earlierKept = true;
        for (int s = 0; s < stages.Count; s++)
        {
            string path = $"stages[{s}]";
            StageLayout layout;
            if (previous is not null && s < previous.Stages.Count && ReferenceEquals(stages[s], previous.Stages[s]) && previous.Layout.Stages[s].Input == shape
                && (earlierKept || !stages[s].Units.Any(unit => unit.Skips.Count > 0)))
            {
                layout = previous.Layout.Stages[s];
            }
            else if (!CheckStage(stages[s], shape, spatialRank, path, new SkipShapes(stages, layouts, s), known).TryGet(out layout!, out broken))
            {
                return broken;
            }
            else
            {
                earlierKept = false;
            }

            if (s > 0 && layout.Output.SameResolution(layouts[s - 1].Output))
            {
                return new Violation(
                    path,
                    $"has the same {layout.Output.Resolution} resolution as stages[{s - 1}]; a stage is a maximal run of units with the same output size, so merge the two");
            }

            for (int u = 0; u < stages[s].Units.Count; u++)
            {
                UnitRole role = stages[s].Units[u].Role;
                if (role == UnitRole.Stem && (bodySeen || tailSeen))
                {
                    return new Violation($"{path}.units[{u}].role", "stem units must come before every body and tail unit");
                }

                if (role == UnitRole.Body && tailSeen)
                {
                    return new Violation($"{path}.units[{u}].role", "body units must come before every tail unit");
                }

                bodySeen |= role == UnitRole.Body;
                tailSeen |= role == UnitRole.Tail;
            }

            layouts.Add(layout);
            shape = layout.Output;
        }

        if (!CheckOps(head, shape, spatialRank, "head", allowHeadOps: true).TryGet(out FeatureShape output, out broken))
        {
            return broken;
        }

        ImmutableArray<StageLayout> stageLayouts = layouts.MoveToImmutable();
        var reads = ImmutableArray.CreateBuilder<int>(outputs.Count);
        if (!CheckOutputs(outputs, stages, stageLayouts, spatialRank, reads).TryGet(out ImmutableArray<FeatureShape> outputShapes, out broken))
        {
            return broken;
        }

        return new NetworkLayout(stageLayouts, shape, output) { Outputs = outputShapes, OutputReads = reads.MoveToImmutable() };
    }

    private static Checked<ImmutableArray<FeatureShape>> CheckOutputs(ValueList<NetworkOutput> outputs, ValueList<Stage> stages, ImmutableArray<StageLayout> layouts, int spatialRank, ImmutableArray<int>.Builder reads)
    {
        if (outputs.Count == 0)
        {
            return ImmutableArray<FeatureShape>.Empty;
        }

        if (Limits.CheckRange("outputs", outputs.Count, 0, Limits.MaxUnits) is { } tooMany)
        {
            return tooMany;
        }

        if (outputs.Sum(output => (long)(output?.Head.Count ?? 0)) > Limits.MaxOps)
        {
            return new Violation("outputs", string.Create(CultureInfo.InvariantCulture, $"the outputs' heads hold more ops than the limit of {Limits.MaxOps:N0}"));
        }

        var shapes = ImmutableArray.CreateBuilder<FeatureShape>(outputs.Count);
        var names = new HashSet<string>(StringComparer.Ordinal) { Network.MainOutputName };
        for (int i = 0; i < outputs.Count; i++)
        {
            NetworkOutput output = outputs[i];
            string path = $"outputs[{i}]";
            if (output is null)
            {
                return new Violation(path, "an output is required");
            }

            if (string.IsNullOrWhiteSpace(output.Name))
            {
                return new Violation($"{path}.name", "an output needs a name");
            }

            if (!names.Add(output.Name))
            {
                return new Violation(
                    $"{path}.name",
                    output.Name == Network.MainOutputName
                        ? $"'{Network.MainOutputName}' names the main output (the last stage through the head); give this output another name"
                        : $"'{output.Name}' names an earlier output; output names must be unique");
            }

            if (output.Stage < 0 || output.Stage >= stages.Count)
            {
                return new Violation($"{path}.stage", $"must name one of the {stages.Count} stages, from 0 (got {output.Stage})");
            }

            int units = stages[output.Stage].Units.Count;
            if (output.Unit < 0 || output.Unit >= units)
            {
                return new Violation($"{path}.unit", $"must name one of the {units} units of stages[{output.Stage}], from 0 (got {output.Unit})");
            }

            int read = -1;
            if (output.Reads is not null)
            {
                for (int j = 0; j < i && read < 0; j++)
                {
                    read = outputs[j].Name == output.Reads ? j : -1;
                }

                if (ReadViolation(outputs, i, read) is { } wrong)
                {
                    return wrong;
                }
            }

            FeatureShape headInput = read >= 0 ? shapes[read] : layouts[output.Stage].Units[output.Unit].Output;
            if (!CheckOps(output.Head, headInput, spatialRank, $"{path}.head", allowHeadOps: true).TryGet(out FeatureShape shape, out Violation? broken))
            {
                return broken;
            }

            shapes.Add(shape);
            reads.Add(read);
        }

        return shapes.MoveToImmutable();
    }

    /// <summary>Why output <paramref name="i"/> cannot read the earlier output <paramref name="read"/> (-1: none has its <see cref="NetworkOutput.Reads"/> name), or null.</summary>
    private static Violation? ReadViolation(ValueList<NetworkOutput> outputs, int i, int read)
    {
        NetworkOutput output = outputs[i];
        string path = $"outputs[{i}]";
        if (read < 0)
        {
            return new Violation(
                $"{path}.reads",
                output.Reads == Network.MainOutputName
                    ? $"'{output.Reads}' is the main output; an output reads a further output declared before it"
                    : $"'{output.Reads}' names no further output declared before this one; an output reads a further output declared before it");
        }

        NetworkOutput earlier = outputs[read];
        if (earlier.Stage != output.Stage || earlier.Unit != output.Unit)
        {
            return new Violation(
                earlier.Stage != output.Stage ? $"{path}.stage" : $"{path}.unit",
                $"output '{output.Name}' reads output '{earlier.Name}', which reads stages[{earlier.Stage}].units[{earlier.Unit}]; an output that reads another names the same stage and unit");
        }

        return earlier.Head.FirstOrDefault(op => op.Role == OpRole.Head) is { } vector
            ? new Violation($"{path}.reads", $"output '{earlier.Name}' is a vector (its head has a '{vector.Type}'); an output reads another output's feature map")
            : null;
    }

    private static Violation? CheckInput(FeatureShape input, int spatialRank)
    {
        if (input.Channels < 1 || input.Height < 1 || input.Width < 1)
        {
            return new Violation("input", $"every dimension must be at least 1 (got {input})");
        }

        if (spatialRank == 3 && input.Depth < 1)
        {
            return new Violation("input", $"every dimension must be at least 1 (got depth {input.Depth})");
        }

        if (Limits.CheckShape("input", input).Violation is { } broken)
        {
            return broken;
        }

        if (spatialRank is not (1 or 2 or 3))
        {
            return new Violation("input", $"spatial rank must be 1 (signals), 2 (images) or 3 (volumes), got {spatialRank}");
        }

        if (input.HasDepth != (spatialRank == 3))
        {
            return new Violation("input", spatialRank == 3 ? $"a 3-D input has a depth (got {input})" : $"a {spatialRank}-D input has no depth (got {input}); a volume's network has spatial rank 3");
        }

        return spatialRank == 1 && input.Height != 1
            ? new Violation("input", $"a 1-D input has height 1 (got {input})")
            : null;
    }

    private static Checked<StageLayout> CheckStage(Stage stage, FeatureShape input, int spatialRank, string path, SkipShapes skipShapes, GraphShapes? known)
    {
        if (stage.Units.Count == 0)
        {
            return new Violation($"{path}.units", "a stage needs at least one unit");
        }

        for (int e = 0; e < stage.Entry.Count; e++)
        {
            if (stage.Entry[e].Role != OpRole.Pooling)
            {
                return new Violation(
                    $"{path}.entry[{e}].type",
                    $"a stage's entry holds only the pooling that opens it, not '{stage.Entry[e].Type}'; put it in a unit");
            }
        }

        if (!CheckOps(stage.Entry, input, spatialRank, $"{path}.entry", allowHeadOps: false).TryGet(out FeatureShape unitsInput, out Violation? broken))
        {
            return broken;
        }

        bool openedByEntry = !unitsInput.SameResolution(input);
        var units = ImmutableArray.CreateBuilder<UnitLayout>(stage.Units.Count);
        FeatureShape shape = unitsInput;
        for (int u = 0; u < stage.Units.Count; u++)
        {
            // A unit repeated as the same object at the same input (a search space's repeated cell) has the same shapes.
            OpGraph graph = stage.Units[u].Graph;
            ImmutableArray<FeatureShape> tensors;
            if (!skipShapes.Of(stage.Units[u], u, units, $"{path}.units[{u}]").TryGet(out ImmutableArray<FeatureShape> skips, out broken))
            {
                return broken;
            }

            if (u > 0 && skips.IsEmpty && ReferenceEquals(graph, stage.Units[u - 1].Graph) && units[u - 1].Input == shape)
            {
                tensors = units[u - 1].Tensors;
            }
            else if (skips.IsEmpty && known is not null && known.TryGet(graph, shape, spatialRank, out tensors))
            {
                // Checked before, in another network: the same graph object at the same input and rank.
            }
            else if (!CheckGraph(graph, shape, stage.Units[u].Skips, skips, spatialRank, path, u).TryGet(out tensors, out broken))
            {
                return broken;
            }
            else if (skips.IsEmpty)
            {
                known?.Add(graph, shape, spatialRank, tensors);
            }

            FeatureShape output = tensors[^1];
            if (!output.SameResolution(shape) && (u > 0 || openedByEntry))
            {
                return new Violation(
                    $"{path}.units[{u}]",
                    u > 0
                        ? $"changes the resolution from {shape.Resolution} to {output.Resolution} inside a stage; a unit that changes the resolution opens a new stage"
                        : $"changes the resolution from {shape.Resolution} to {output.Resolution} after the stage's entry pooling already did; a stage changes resolution once, so give this unit a stage of its own");
            }

            units.Add(new UnitLayout(shape, output, tensors) { Skips = skips });
            shape = output;
        }

        return new StageLayout(input, unitsInput, units.MoveToImmutable());
    }

    private static Checked<FeatureShape> CheckOps(IReadOnlyList<Op> ops, FeatureShape input, int spatialRank, string path, bool allowHeadOps)
    {
        FeatureShape shape = input;
        string? vector = null;
        for (int i = 0; i < ops.Count; i++)
        {
            Op op = ops[i];
            if (!allowHeadOps && op.Role == OpRole.Head)
            {
                return new Violation($"{path}[{i}].type", $"'{op.Type}' belongs in the head, after the last stage");
            }

            // After a flatten or linear layer (any head op) the tensor is a batch of vectors: only ops that read vectors can follow.
            if (vector is not null && !op.ReadsVectors)
            {
                return new Violation($"{path}[{i}].type", $"'{op.Type}' needs a feature map but follows the {vector} that turned it into a vector; only linear, softmax, dropout and activations can follow");
            }

            vector ??= op.Role == OpRole.Head ? op.Type : null;
            Violation? broken = spatialRank == 1 ? CheckOneDimensional(op, shape) : null;
            if (broken is not null || !op.TryOutputShape(shape).TryGet(out shape, out broken))
            {
                return broken.Within($"{path}[{i}]");
            }
        }

        return shape;
    }

    /// <summary>The shapes of a unit's graph; paths (<c>{stagePath}.units[{unit}]...</c>) are written only for a violation.</summary>
    private static Checked<ImmutableArray<FeatureShape>> CheckGraph(OpGraph graph, FeatureShape input, ValueList<UnitReference> references, ImmutableArray<FeatureShape> skips, int spatialRank, string stagePath, int unit)
    {
        for (int i = 0; i < graph.Count; i++)
        {
            if (graph.Nodes[i].Op.Role == OpRole.Head)
            {
                return new Violation($"{stagePath}.units[{unit}].ops[{i}].type", $"'{graph.Nodes[i].Op.Type}' belongs in the head, after the last stage");
            }
        }

        if (!graph.TryShapes(input, skips).TryGet(out FeatureShape[] tensors, out Violation? broken))
        {
            return SkipsNamed(broken, graph, references, skips).Within($"{stagePath}.units[{unit}]");
        }

        if (graph.SkipsRead < skips.Length)
        {
            return new Violation($"{stagePath}.units[{unit}].skips[{skips.Length - 1}]", "no op reads this skip; a unit declares only the earlier outputs it reads");
        }

        if (spatialRank == 1)
        {
            for (int i = 0; i < graph.Count; i++)
            {
                GraphNode node = graph.Nodes[i];
                if (CheckOneDimensional(node.Op, node.Inputs[0] >= 0 ? tensors[node.Inputs[0]] : skips[-1 - node.Inputs[0]]) is { } flat)
                {
                    return flat.Within($"{stagePath}.units[{unit}].ops[{i}]");
                }
            }
        }

        return ImmutableArray.Create(tensors);
    }

    /// <summary>A rule broken at a node (<c>ops[i]...</c>) that reads skips, with what each of its skips reads and its shape.</summary>
    private static Violation SkipsNamed(Violation broken, OpGraph graph, ValueList<UnitReference> references, ImmutableArray<FeatureShape> skips)
    {
        if (skips.IsEmpty || !broken.Path.StartsWith("ops[", StringComparison.Ordinal)
            || !int.TryParse(broken.Path.AsSpan(4, broken.Path.IndexOf(']', StringComparison.Ordinal) - 4), CultureInfo.InvariantCulture, out int node)
            || node >= graph.Count)
        {
            return broken;
        }

        var read = graph.Nodes[node].Inputs.Where(tensor => tensor < 0 && -1 - tensor < skips.Length).Select(tensor => -1 - tensor).ToList();
        return read.Count == 0
            ? broken
            : broken with { Rule = $"{broken.Rule} ({string.Join("; ", read.Select(j => $"skip {j} reads {references[j]}, {skips[j]}"))})" };
    }

    /// <summary>The shapes of the earlier units' outputs that the units of stage <c>stage</c> may read as skips.</summary>
    private readonly record struct SkipShapes(ValueList<Stage> Stages, ImmutableArray<StageLayout>.Builder Earlier, int Stage)
    {
        /// <summary>The shape of each of <paramref name="unit"/>'s skips (<paramref name="index"/> in its stage, whose earlier units have <paramref name="before"/>), or the first reference that names no earlier unit.</summary>
        public Checked<ImmutableArray<FeatureShape>> Of(Unit unit, int index, ImmutableArray<UnitLayout>.Builder before, string path)
        {
            if (unit.Skips.Count == 0)
            {
                return ImmutableArray<FeatureShape>.Empty;
            }

            var shapes = ImmutableArray.CreateBuilder<FeatureShape>(unit.Skips.Count);
            for (int j = 0; j < unit.Skips.Count; j++)
            {
                UnitReference skip = unit.Skips[j];
                bool earlierStage = skip.Stage >= 0 && skip.Stage < Stage && skip.Unit >= 0 && skip.Unit < Stages[skip.Stage].Units.Count;
                if (!earlierStage && !(skip.Stage == Stage && skip.Unit >= 0 && skip.Unit < index))
                {
                    return new Violation(
                        $"{path}.skips[{j}]",
                        $"reads {skip}, which is not a unit before this one; a unit reads the outputs of units of earlier stages or earlier in its own stage");
                }

                shapes.Add(earlierStage ? Earlier[skip.Stage].Units[skip.Unit].Output : before[skip.Unit].Output);
            }

            return shapes.MoveToImmutable();
        }
    }

    private static Violation? CheckOneDimensional(Op op, FeatureShape input)
    {
        if (op is LayerOp layer)
        {
            if (layer.WindowRule() is { } broken)
            {
                return broken;
            }

            // Padding is checked below, with its own message: only kernel, stride and dilation (and adaptive pooling) count here.
            if (layer.Window(input).H is { Rule: not (AxisRule.Sliding or AxisRule.Transposed) } or { Kernel: not 1 } or { Stride: not 1 } or { Dilation: not 1 })
            {
                return new Violation("kernel", "a 1-D network needs kernels, strides and dilations of height 1");
            }

            if (layer.SpatialPadding.H != 0)
            {
                return new Violation("padding", "a 1-D network pads only along its length");
            }
        }

        return null;
    }
}
