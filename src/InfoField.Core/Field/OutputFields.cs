using System.Collections.Immutable;
using InfoField.Architecture;

namespace InfoField.Field;

/// <summary>
/// The field of one output of a network in the frame of the network's input (docs/information-field.md, "Outputs"): what
/// one output neuron depends on among the input's pixels and channels, border effects included. Where a head turns the
/// map into vectors (flatten, linear), the field is that of the last feature map before it.
/// </summary>
/// <param name="Name">The output's name (<see cref="Network.MainOutputName"/> for the main output).</param>
/// <param name="Stage">The stage (from 0) of the unit the output's head reads.</param>
/// <param name="Unit">The unit (from 0) in that stage whose output the head reads.</param>
/// <param name="Shape">The shape of the feature map the field is measured at (the output itself unless <paramref name="Vector"/>).</param>
/// <param name="Vector">True when the output's head turns that map into vectors (its field is then measured before).</param>
/// <param name="Input">The network's input shape, the frame of the field.</param>
/// <param name="Local">The local field (through windows; what reaches a neuron only through global pooling left out).</param>
/// <param name="Literal">The literal field (everything a neuron is computed from).</param>
/// <param name="ReceptiveFieldH">The widest receptive field in image pixels along the height on an infinite plane (no border).</param>
/// <param name="ReceptiveFieldW">The widest receptive field in image pixels along the width on an infinite plane (no border).</param>
public sealed record OutputField(
    string Name,
    int Stage,
    int Unit,
    FeatureShape Shape,
    bool Vector,
    FeatureShape Input,
    FieldFactors Local,
    FieldFactors Literal,
    long ReceptiveFieldH,
    long ReceptiveFieldW)
{
    /// <summary>The further output whose map this output's head continues (<see cref="NetworkOutput.Reads"/>), or null when it reads its unit's output.</summary>
    public string? Reads { get; init; }

    /// <summary>The output stride along the height: input rows per row of the map (1 when the map is at the input's resolution).</summary>
    public double StrideH => (double)Input.Height / Shape.Height;

    /// <summary>The output stride along the width: input columns per column of the map.</summary>
    public double StrideW => (double)Input.Width / Shape.Width;

    /// <summary>The output stride along the depth of a 3-D network: input frames per frame of the map (0 without depth).</summary>
    public double StrideD => Input.HasDepth ? (double)Input.Depth / Shape.Depth : 0;

    /// <summary>The widest receptive field in input frames along the depth of a 3-D network on an infinite volume (0 without depth).</summary>
    public long ReceptiveFieldD { get; init; }

    /// <summary>The factors of <paramref name="kind"/>.</summary>
    public FieldFactors Factors(FieldKind kind) => kind == FieldKind.Local ? Local : Literal;

    /// <summary>
    /// True when the output's field covers the input: in every channel the best-placed neuron spans the input's whole
    /// height and width (and depth, in a 3-D network), and every channel depends on every input channel.
    /// </summary>
    public bool Covers(FieldKind kind)
    {
        FieldFactors factors = Factors(kind);
        return factors.IfHMin == Input.Height && factors.IfWMin == Input.Width && (!Input.HasDepth || factors.IfDMin == Input.Depth)
            && factors.IfC == Input.Channels;
    }
}

/// <summary>The fields of a network's outputs in the frame of its input.</summary>
public static class OutputFields
{
    /// <summary>
    /// The field of the main output and of every further output of <paramref name="network"/> in the frame of its input:
    /// the whole network traced as one stage whose input is the network's input (c0 = its channels, w0 and h0 its size),
    /// a unit's skips (<see cref="Unit.Skips"/>) with the fields of the earlier outputs they read, and an output that reads
    /// another (<see cref="NetworkOutput.Reads"/>) with the field of that output's map.
    /// </summary>
    public static ImmutableArray<OutputField> Of(Network network) =>
        [.. Trace(network).Select((head, i) => new OutputField(
            head.Name,
            head.Stage,
            head.Unit,
            head.Map.Shape,
            head.Vector,
            network.Input,
            head.Map.Factors(FieldKind.Local),
            head.Map.Factors(FieldKind.Literal),
            head.Map.ReceptiveField(0),
            head.Map.ReceptiveField(1))
        {
            ReceptiveFieldD = head.Map.Shape.HasDepth ? head.Map.ReceptiveField(2) : 0,
            Reads = i > 0 ? network.Outputs[i - 1].Reads : null,
        })];

    /// <summary>
    /// The tensor field of the map each output's field is measured at (<see cref="OutputField.Shape"/>), in the order of
    /// <see cref="Of"/>, in the frame of the network's input: which input pixels and channels each neuron of it depends on
    /// (<see cref="TensorField.Reach"/>).
    /// </summary>
    public static ImmutableArray<TensorField> Maps(Network network) => [.. Trace(network).Select(head => head.Map)];

    private static List<(string Name, int Stage, int Unit, TensorField Map, bool Vector)> Trace(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        InformationField.CheckMemory(network);
        var frame = new StageFrame(network.Input, Strided: false, HonorStride: true);
        TensorField state = TensorField.Start(frame, network.Input, null);
        TensorField start = state;
        var taps = new Dictionary<(int Stage, int Unit), TensorField>();
        foreach (NetworkOutput output in network.Outputs)
        {
            taps[(output.Stage, output.Unit)] = null!;
        }

        var skips = new SkipFields(network, oneFrame: true);
        for (int s = 0; s < network.Stages.Count; s++)
        {
            Stage stage = network.Stages[s];
            foreach (Op op in stage.Entry)
            {
                state = state.Through((LayerOp)op, frame);
            }

            for (int u = 0; u < stage.Units.Count; u++)
            {
                Unit unit = stage.Units[u];
                state = InformationField.Trace(state, unit.Graph, frame, skips.Of(unit, network.Layout.Stages[s].Units[u], s, start, frame))[^1];
                skips.Keep(s, u, state);
                if (taps.ContainsKey((s, u)))
                {
                    taps[(s, u)] = state;
                }
            }
        }

        int lastStage = network.Stages.Count - 1;
        var heads = new List<(string Name, int Stage, int Unit, TensorField Map, bool Vector)>(network.Outputs.Count + 1)
        {
            Head(Network.MainOutputName, lastStage, network.Stages[lastStage].Units.Count - 1, state, network.Head, frame),
        };
        for (int i = 0; i < network.Outputs.Count; i++)
        {
            // An output that reads another continues that output's map (a feature map: never vectors), whose field composes through the read output's head.
            NetworkOutput output = network.Outputs[i];
            int read = network.OutputRead(i);
            heads.Add(Head(output.Name, output.Stage, output.Unit, read >= 0 ? heads[read + 1].Map : taps[(output.Stage, output.Unit)], output.Head, frame));
        }

        return heads;
    }

    private static (string, int, int, TensorField, bool) Head(string name, int stage, int unit, TensorField state, IReadOnlyList<Op> head, StageFrame frame)
    {
        bool vector = false;
        foreach (Op op in head)
        {
            if (op.Role == OpRole.Head || op is not LayerOp layer)
            {
                vector = true;
                break;
            }

            state = state.Through(layer, frame);
        }

        return (name, stage, unit, state, vector);
    }
}
