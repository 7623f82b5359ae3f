using System.Collections.Immutable;

namespace InfoField.Architecture;

/// <summary>
/// An immutable description of a convolutional network: input shape, stages of units, and the classifier head.
/// Shapes are inferred and every rule is checked when it is constructed, so a <see cref="Network"/> that
/// exists is valid; an invalid one throws <see cref="ArchitectureException"/> naming where and which rule.
/// </summary>
public sealed record Network
{
    /// <summary>Creates and validates a network.</summary>
    /// <param name="name">A name for reports, e.g. <c>vgg16</c>.</param>
    /// <param name="input">Shape of one input sample (C x H x W; a 1-D signal of length L is C x 1 x L).</param>
    /// <param name="stages">The stages, at least one.</param>
    /// <param name="head">The classifier: ops after the last stage (may be empty).</param>
    /// <param name="spatialRank">2 for images, 1 for 1-D signals (then every kernel has height 1).</param>
    public Network(string name, FeatureShape input, ValueList<Stage> stages, ValueList<Op> head, int spatialRank = 2)
    {
        Name = name;
        Input = input;
        Stages = stages;
        Head = head;
        SpatialRank = spatialRank;
        Layout = NetworkLayout.Validate(this);
    }

    /// <summary>A name for reports.</summary>
    public string Name { get; }

    /// <summary>Shape of one input sample.</summary>
    public FeatureShape Input { get; }

    /// <summary>2 for images, 1 for 1-D signals.</summary>
    public int SpatialRank { get; }

    /// <summary>The stages.</summary>
    public ValueList<Stage> Stages { get; }

    /// <summary>The classifier head.</summary>
    public ValueList<Op> Head { get; }

    /// <summary>The inferred shapes of every stage and unit.</summary>
    public NetworkLayout Layout { get; }

    /// <summary>Shape of the network's output.</summary>
    public FeatureShape Output => Layout.Output;

    /// <summary>All units, stage by stage.</summary>
    public IEnumerable<Unit> Units => Stages.SelectMany(stage => stage.Units);

    /// <summary>A validated copy with other stages.</summary>
    public Network WithStages(ValueList<Stage> stages) => new(Name, Input, stages, Head, SpatialRank);

    /// <summary>A validated copy with another input shape.</summary>
    public Network WithInput(FeatureShape input) => new(Name, input, Stages, Head, SpatialRank);

    /// <summary>A copy with another name.</summary>
    public Network WithName(string name) => new(name, Input, Stages, Head, SpatialRank);

    /// <inheritdoc />
    public bool Equals(Network? other) =>
        other is not null
        && Name == other.Name
        && Input == other.Input
        && SpatialRank == other.SpatialRank
        && Stages == other.Stages
        && Head == other.Head;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Input, SpatialRank, Stages, Head);
}

/// <summary>The shapes a unit receives and produces.</summary>
/// <param name="Input">Shape entering the unit.</param>
/// <param name="Output">Shape leaving the unit.</param>
/// <param name="Tensors">The shape of every tensor of the unit's graph: [0] is the input, [i + 1] node i's output.</param>
public readonly record struct UnitLayout(FeatureShape Input, FeatureShape Output, ImmutableArray<FeatureShape> Tensors);

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
    /// <summary>Infers every shape of <paramref name="network"/> and checks the architecture rules.</summary>
    internal static NetworkLayout Validate(Network network)
    {
        ValidateInput(network);
        Limits.RequireSize(network.Stages, network.Head);
        if (network.Stages.Count == 0)
        {
            throw new ArchitectureException("stages", "a network needs at least one stage");
        }

        var stages = ImmutableArray.CreateBuilder<StageLayout>(network.Stages.Count);
        FeatureShape shape = network.Input;
        bool bodySeen = false;
        bool tailSeen = false;
        for (int s = 0; s < network.Stages.Count; s++)
        {
            string path = $"stages[{s}]";
            StageLayout layout = ValidateStage(network, network.Stages[s], shape, path);
            if (s > 0 && layout.Output.SameResolution(stages[s - 1].Output))
            {
                throw new ArchitectureException(
                    path,
                    $"has the same {layout.Output.Resolution} resolution as stages[{s - 1}]; a stage is a maximal run of units with the same output size, so merge the two");
            }

            for (int u = 0; u < network.Stages[s].Units.Count; u++)
            {
                UnitRole role = network.Stages[s].Units[u].Role;
                string unitPath = $"{path}.units[{u}].role";
                if (role == UnitRole.Stem && (bodySeen || tailSeen))
                {
                    throw new ArchitectureException(unitPath, "stem units must come before every body and tail unit");
                }

                if (role == UnitRole.Body && tailSeen)
                {
                    throw new ArchitectureException(unitPath, "body units must come before every tail unit");
                }

                bodySeen |= role == UnitRole.Body;
                tailSeen |= role == UnitRole.Tail;
            }

            stages.Add(layout);
            shape = layout.Output;
        }

        FeatureShape output = ValidateOps(network, network.Head, shape, "head", allowHeadOps: true);
        return new NetworkLayout(stages.MoveToImmutable(), shape, output);
    }

    private static void ValidateInput(Network network)
    {
        FeatureShape input = network.Input;
        if (input.Channels < 1 || input.Height < 1 || input.Width < 1)
        {
            throw new ArchitectureException("input", $"every dimension must be at least 1 (got {input})");
        }

        Limits.RequireShape("input", input);

        if (network.SpatialRank is not (1 or 2))
        {
            throw new ArchitectureException("input", $"spatial rank must be 1 (signals) or 2 (images), got {network.SpatialRank}");
        }

        if (network.SpatialRank == 1 && input.Height != 1)
        {
            throw new ArchitectureException("input", $"a 1-D input has height 1 (got {input})");
        }
    }

    private static StageLayout ValidateStage(Network network, Stage stage, FeatureShape input, string path)
    {
        if (stage.Units.Count == 0)
        {
            throw new ArchitectureException($"{path}.units", "a stage needs at least one unit");
        }

        for (int e = 0; e < stage.Entry.Count; e++)
        {
            if (stage.Entry[e] is not (Pooling or AdaptivePooling))
            {
                throw new ArchitectureException(
                    $"{path}.entry[{e}].type",
                    $"a stage's entry holds only the pooling that opens it, not '{stage.Entry[e].Type}'; put it in a unit");
            }
        }

        FeatureShape unitsInput = ValidateOps(network, stage.Entry, input, $"{path}.entry", allowHeadOps: false);
        bool openedByEntry = !unitsInput.SameResolution(input);
        var units = ImmutableArray.CreateBuilder<UnitLayout>(stage.Units.Count);
        FeatureShape shape = unitsInput;
        for (int u = 0; u < stage.Units.Count; u++)
        {
            string unitPath = $"{path}.units[{u}]";
            Unit unit = stage.Units[u];
            ImmutableArray<FeatureShape> tensors = ValidateGraph(network, unit.Graph, shape, $"{unitPath}.ops");
            FeatureShape output = tensors[^1];
            if (!output.SameResolution(shape) && (u > 0 || openedByEntry))
            {
                throw new ArchitectureException(
                    unitPath,
                    u > 0
                        ? $"changes the resolution from {shape.Resolution} to {output.Resolution} inside a stage; a unit that changes the resolution opens a new stage"
                        : $"changes the resolution from {shape.Resolution} to {output.Resolution} after the stage's entry pooling already did; a stage changes resolution once, so give this unit a stage of its own");
            }

            units.Add(new UnitLayout(shape, output, tensors));
            shape = output;
        }

        return new StageLayout(input, unitsInput, units.MoveToImmutable());
    }

    private static FeatureShape ValidateOps(Network network, IReadOnlyList<Op> ops, FeatureShape input, string path, bool allowHeadOps)
    {
        FeatureShape shape = input;
        string? vector = null;
        for (int i = 0; i < ops.Count; i++)
        {
            string opPath = $"{path}[{i}]";
            Op op = ops[i];
            if (!allowHeadOps && op is HeadOp)
            {
                throw new ArchitectureException($"{opPath}.type", $"'{op.Type}' belongs in the head, after the last stage");
            }

            // After a flatten or linear layer the tensor is a batch of vectors: only vector ops can follow.
            if (vector is not null && op is not (HeadOp or Dropout or Activation))
            {
                throw new ArchitectureException($"{opPath}.type", $"'{op.Type}' needs a feature map but follows the {vector} that turned it into a vector; only linear, softmax, dropout and activations can follow");
            }

            vector ??= op is Flatten or Linear ? op.Type : null;

            try
            {
                if (network.SpatialRank == 1)
                {
                    CheckOneDimensional(op, shape);
                }

                shape = op.OutputShape(shape);
            }
            catch (ArchitectureException error)
            {
                throw error.Within(opPath);
            }
        }

        return shape;
    }

    private static ImmutableArray<FeatureShape> ValidateGraph(Network network, OpGraph graph, FeatureShape input, string path)
    {
        for (int i = 0; i < graph.Count; i++)
        {
            if (graph.Nodes[i].Op is HeadOp)
            {
                throw new ArchitectureException($"{path}[{i}].type", $"'{graph.Nodes[i].Op.Type}' belongs in the head, after the last stage");
            }
        }

        FeatureShape[] tensors;
        try
        {
            tensors = graph.Shapes(input);
        }
        catch (ArchitectureException error)
        {
            throw error.Within(path[..^".ops".Length]);
        }

        for (int i = 0; i < graph.Count; i++)
        {
            GraphNode node = graph.Nodes[i];
            string opPath = $"{path}[{i}]";
            if (network.SpatialRank == 1)
            {
                try
                {
                    CheckOneDimensional(node.Op, tensors[node.Inputs[0]]);
                }
                catch (ArchitectureException error)
                {
                    throw error.Within(opPath);
                }
            }
        }

        return [.. tensors];
    }

    private static void CheckOneDimensional(Op op, FeatureShape input)
    {
        switch (op)
        {
            case LayerOp layer when layer.Window(input).H != AxisWindow.Point:
                throw new ArchitectureException("kernel", "a 1-D network needs kernels, strides and dilations of height 1");
            case Pooling { Padding.H: not 0 } or Convolution { Padding.H: not 0 } or DepthwiseConvolution { Padding.H: not 0 }:
                throw new ArchitectureException("padding", "a 1-D network pads only along its length");
        }
    }
}
