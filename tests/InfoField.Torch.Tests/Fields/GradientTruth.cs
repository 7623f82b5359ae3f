using InfoField.Architecture;
using InfoField.Torch.Building;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests.Fields;

/// <summary>One output neuron of a unit of a stage: the unit (from 0), its channel and its position (<c>Z</c>: its frame in a 3-D network).</summary>
internal readonly record struct Neuron(int Unit, int Channel, int Y, int X, int Z = 0)
{
    /// <summary>Its position as the engine takes it: one index per spatial axis (height, width, then depth in a 3-D network).</summary>
    public int[] Position(int axes) => axes == 3 ? [Y, X, Z] : [Y, X];
}

/// <summary>
/// The exact dependency set of one neuron on its stage's input tensor, as the gradient finds it: the stage input channels
/// with a nonzero derivative anywhere, and per axis the first and last input position with one (Lo &gt; Hi when none).
/// </summary>
internal sealed record Reach(int[] Channels, int LoH, int HiH, int LoW, int HiW, int LoD = 0, int HiD = -1)
{
    public bool IsEmpty => Channels.Length == 0;

    public int SpanH => IsEmpty ? 0 : HiH - LoH + 1;

    public int SpanW => IsEmpty ? 0 : HiW - LoW + 1;

    public int SpanD => IsEmpty ? 0 : HiD - LoD + 1;

    public override string ToString() =>
        IsEmpty ? "nothing" : $"channels {{{string.Join(",", Channels)}}}, rows {LoH}..{HiH}, columns {LoW}..{HiW}{(HiD >= LoD ? $", frames {LoD}..{HiD}" : "")}";
}

/// <summary>
/// Ground truth for the IF engine: the stage's units are built with the project's <see cref="ModuleBuilder"/> in float64,
/// with every activation replaced by the smooth, strictly increasing <c>x + tanh(x) / 2</c> (its derivative is at least 1,
/// so no gradient vanishes), max pooling by average pooling of the same window (the same positions, every one with a
/// nonzero derivative), and random weights of magnitude 0.5 to 1.5 over the square root of their fan-in (never zero).
/// Each requested neuron gets a sample of its own in a batch, and one backward pass gives the derivative of every neuron with respect to its own copy of the stage
/// input: nonzero exactly where the neuron depends on it (float64 runs libtorch's reference kernels, which add no
/// products of positions outside a window; a derivative below 1e-9 of the sample's largest counts as zero, for the
/// rounding of a linear resize's source coordinates). With <c>local</c>, global pooling is detached, so only what
/// reaches a neuron through windows counts (the engine's local field).
/// </summary>
internal static class GradientTruth
{
    /// <summary>Elements of activations one batch may hold (times 8 bytes, and what autograd keeps): about 2 GB.</summary>
    private const long BatchElements = 80_000_000;

    public static Reach[] Of(Network network, int stage, IReadOnlyList<Neuron> neurons, bool local, int seed)
    {
        StageLayout layout = network.Layout.Stages[stage];
        IReadOnlyList<Unit> units = network.Stages[stage].Units;
        var generator = new Generator((ulong)seed);
        ModuleSet set = Smooth(local);
        var modules = new List<nn.Module<Tensor, Tensor>>();
        for (int u = 0; u < units.Count; u++)
        {
            nn.Module<Tensor, Tensor> module = ModuleBuilder.BuildGraph(units[u].Graph, layout.Units[u], set);
            Randomize(module, generator);
            modules.Add(module);
        }

        // Large stages (the ImageNet fixtures) run in batches that fit in memory.
        long perSample = layout.Units.Sum(unit => unit.Tensors.Skip(1).Sum(tensor => tensor.Volume)) + layout.UnitsInput.Volume;
        int batch = (int)Math.Clamp(BatchElements / Math.Max(perSample, 1), 1, 4096);
        var reaches = new Reach[neurons.Count];
        try
        {
            for (int first = 0; first < neurons.Count; first += batch)
            {
                int count = Math.Min(batch, neurons.Count - first);
                Reach[] part = Batch(layout, stage, units, modules, [.. neurons.Skip(first).Take(count)], generator);
                part.CopyTo(reaches, first);
            }
        }
        finally
        {
            foreach (var module in modules)
            {
                module.Dispose();
            }
        }

        return reaches;
    }

    /// <summary>
    /// Float64, eval mode, and random weights of magnitude 0.5 to 1.5 over the square root of their fan-in (never zero),
    /// with no gradient of their own.
    /// </summary>
    private static void Randomize(nn.Module module, Generator generator)
    {
        module.to(ScalarType.Float64);
        module.eval();
        using (no_grad())
        using (NewDisposeScope())
        {
            foreach (var parameter in module.parameters())
            {
                // Weights are divided by the square root of their fan-in, so activations keep their size through
                // deep stages: a squeeze-and-excitation gate multiplies a map by a function of itself, and with
                // weights of magnitude 1 the values squared unit after unit and overflowed (inf, then NaN gradients
                // everywhere) in RegNetY's and EfficientNet-B1's longest stages.
                double scale = parameter.shape.Length < 2 ? 1 : 1 / Math.Sqrt(parameter.shape.Skip(1).Aggregate(1L, (a, b) => a * b));
                using Tensor magnitude = (rand(parameter.shape, ScalarType.Float64, generator: generator) + 0.5) * scale;
                using Tensor sign = (randint(0, 2, parameter.shape, ScalarType.Float64, generator: generator) * 2) - 1;
                parameter.copy_(magnitude * sign);
                parameter.requires_grad_(false);
            }
        }
    }

    /// <summary>
    /// The dependency sets of neurons of the network's outputs on the network's input (<see cref="Neuron.Unit"/> is the
    /// output: 0 the main one, then the further ones in order), the whole network built as one module
    /// (<see cref="NetworkModule.ForwardOutputs"/>); outputs that are maps only.
    /// </summary>
    public static Reach[] OfOutputs(Network network, IReadOnlyList<Neuron> neurons, bool local, int seed)
    {
        var generator = new Generator((ulong)seed);
        using NetworkModule module = ModuleBuilder.Build(network, Smooth(local));
        Randomize(module, generator);
        module.ChannelsLast = false;
        FeatureShape[] shapes = [network.Layout.Output, .. network.Layout.Outputs];
        long perSample = network.Layout.Stages.Sum(stage => stage.Units.Sum(unit => unit.Tensors.Sum(tensor => tensor.Volume))) + shapes.Sum(shape => shape.Volume);
        int batch = (int)Math.Clamp(BatchElements / Math.Max(perSample, 1), 1, 4096);
        var reaches = new Reach[neurons.Count];
        for (int first = 0; first < neurons.Count; first += batch)
        {
            Neuron[] part = [.. neurons.Skip(first).Take(Math.Min(batch, neurons.Count - first))];
            Batch(network.Input, shapes, x => Finite(module.ForwardOutputs(x)), part, generator).CopyTo(reaches, first);
        }

        return reaches;
    }

    private static Tensor[] Finite(Tensor[] outputs)
    {
        for (int i = 0; i < outputs.Length; i++)
        {
            if (!isfinite(outputs[i]).all().item<bool>())
            {
                throw new InvalidOperationException($"the float64 forward pass overflowed at output {i + 1}: no gradient truth");
            }
        }

        return outputs;
    }

    /// <remarks>
    /// A unit's skip from a unit of the same stage is that unit's output; one from an earlier stage is a random tensor of
    /// its shape that does not depend on the stage's input (it is made before it), as the engine reads it.
    /// </remarks>
    private static Reach[] Batch(StageLayout layout, int stage, IReadOnlyList<Unit> units, List<nn.Module<Tensor, Tensor>> modules, Neuron[] neurons, Generator generator)
    {
        int count = neurons.Length;
        int lastUnit = neurons.Max(neuron => neuron.Unit);
        return Batch(layout.UnitsInput, [.. layout.Units.Select(unit => unit.Output)], x =>
        {
            var outputs = new List<Tensor>();
            Tensor y = x;
            var constants = new Dictionary<UnitReference, Tensor>();
            for (int u = 0; u <= lastUnit; u++)
            {
                nn.Module<Tensor, Tensor> module = modules[u];
                y = units[u].Skips.Count == 0 ? module.call(y) : ((Modules.GraphModule)module).Forward(y, [.. units[u].Skips.Select((skip, j) => skip.Stage == stage ? outputs[skip.Unit]
                    : constants.TryGetValue(skip, out Tensor? known) ? known
                    : constants[skip] = randn(Sample(count, layout.Units[u].Skips[j]), ScalarType.Float64, generator: generator))]);
                if (!isfinite(y).all().item<bool>())
                {
                    // A value that overflowed makes every derivative after it NaN, which would read as "depends on everything".
                    throw new InvalidOperationException($"the float64 forward pass overflowed at unit {outputs.Count + 1}: no gradient truth");
                }

                outputs.Add(y);
            }

            return [.. outputs];
        }, neurons, generator);
    }

    /// <summary>The dimensions of <paramref name="count"/> samples of <paramref name="shape"/>: N x C x H x W, or N x C x D x H x W with a depth.</summary>
    internal static long[] Sample(int count, FeatureShape shape) =>
        shape.HasDepth ? [count, shape.Channels, shape.Depth, shape.Height, shape.Width] : [count, shape.Channels, shape.Height, shape.Width];

    /// <summary>
    /// One backward pass over a batch of one sample per neuron: <paramref name="run"/> gives the tensors the neurons are
    /// read from (<see cref="Neuron.Unit"/> indexes them; their shapes <paramref name="shapes"/>) for an input of shape
    /// <paramref name="input"/>.
    /// </summary>
    private static Reach[] Batch(FeatureShape input, FeatureShape[] shapes, Func<Tensor, Tensor[]> run, Neuron[] neurons, Generator generator)
    {
        using var scope = NewDisposeScope();
        bool volume = input.HasDepth;
        int count = neurons.Length;
        Tensor x = randn(Sample(count, input), ScalarType.Float64, generator: generator).requires_grad_(true);
        Tensor[] outputs = run(x);

        Tensor loss = zeros(1, ScalarType.Float64);
        foreach (var group in Enumerable.Range(0, count).GroupBy(b => neurons[b].Unit))
        {
            int[] samples = [.. group];
            FeatureShape shape = shapes[group.Key];
            long frames = shape.HasDepth ? shape.Depth : 1;
            long[] flat = [.. samples.Select(b => ((((long)neurons[b].Channel * frames) + neurons[b].Z) * shape.Height * shape.Width) + ((long)neurons[b].Y * shape.Width) + neurons[b].X)];
            Tensor rows = outputs[group.Key].index_select(0, tensor(samples.Select(b => (long)b).ToArray())).reshape(samples.Length, -1);
            loss = loss + rows.gather(1, tensor(flat).unsqueeze(1)).sum();
        }

        if (!loss.requires_grad)
        {
            // Nothing reaches these neurons through what the gradient follows (everything came through detached pooling).
            return [.. neurons.Select(_ => new Reach([], 0, -1, 0, -1, 0, -1))];
        }

        loss.backward();
        // Nonzero, up to rounding: a linear resize computes its source coordinates in floating point, so where the exact
        // coordinate is a whole number (weight exactly 0 on the neighbour) it can leave a weight of about 1e-16 there.
        // Every real dependency is many orders of magnitude above 1e-9 of the sample's largest derivative.
        Tensor magnitude = x.grad!.abs();
        long[] after = [.. Enumerable.Range(1, (int)magnitude.dim() - 1).Select(axis => (long)axis)];
        Tensor nonzero = magnitude.gt(magnitude.amax(after, keepdim: true) * 1e-9);
        // Per sample, along one axis of (N, C, [D,] H, W): whether any element at each index of that axis is nonzero.
        bool[] Along(int axis) => Flags(nonzero.movedim([axis], [1]).flatten(2).any(2));
        int last = (int)nonzero.dim() - 1;
        bool[] channels = Along(1);
        bool[] rowsSeen = Along(last - 1);
        bool[] columnsSeen = Along(last);
        bool[]? framesSeen = volume ? Along(2) : null;
        var reaches = new Reach[count];
        for (int b = 0; b < count; b++)
        {
            int[] seen = [.. Enumerable.Range(0, input.Channels).Where(c => channels[(b * input.Channels) + c])];
            (int loH, int hiH) = Hull(rowsSeen, b, input.Height);
            (int loW, int hiW) = Hull(columnsSeen, b, input.Width);
            (int loD, int hiD) = framesSeen is null ? (0, -1) : Hull(framesSeen, b, input.Depth);
            reaches[b] = new Reach(seen, loH, hiH, loW, hiW, loD, hiD);
        }

        return reaches;
    }

    /// <summary>Every neuron of every unit of stage <paramref name="stage"/>.</summary>
    public static List<Neuron> AllNeurons(Network network, int stage)
    {
        var neurons = new List<Neuron>();
        StageLayout layout = network.Layout.Stages[stage];
        for (int u = 0; u < layout.Units.Length; u++)
        {
            FeatureShape shape = layout.Units[u].Output;
            for (int c = 0; c < shape.Channels; c++)
            {
                for (int z = 0; z < (shape.HasDepth ? shape.Depth : 1); z++)
                {
                    for (int i = 0; i < shape.Height; i++)
                    {
                        for (int j = 0; j < shape.Width; j++)
                        {
                            neurons.Add(new Neuron(u, c, i, j, z));
                        }
                    }
                }
            }
        }

        return neurons;
    }

    private static bool[] Flags(Tensor mask)
    {
        using Tensor bytes = mask.to_type(ScalarType.Byte).contiguous();
        return [.. bytes.data<byte>().Select(value => value != 0)];
    }

    private static (int Lo, int Hi) Hull(bool[] seen, int sample, int length)
    {
        int lo = int.MaxValue, hi = int.MinValue;
        for (int i = 0; i < length; i++)
        {
            if (seen[(sample * length) + i])
            {
                lo = Math.Min(lo, i);
                hi = Math.Max(hi, i);
            }
        }

        return lo > hi ? (0, -1) : (lo, hi);
    }

    /// <summary>The module set of the ground truth: smooth activations, average pooling for max pooling, global pooling detached when <paramref name="local"/>.</summary>
    internal static ModuleSet Smooth(bool local) => ModuleSet.Default
        .With<Activation>((_, _) => new SmoothActivation())
        .With<Pooling>((p, input) => input.HasDepth
            ? nn.AvgPool3d((p.Kernel.DepthOr(1), p.Kernel.H, p.Kernel.W), (p.Stride.DepthOr(1), p.Stride.H, p.Stride.W), (p.Padding.D, p.Padding.H, p.Padding.W), ceil_mode: p.CeilMode)
            : nn.AvgPool2d((p.Kernel.H, p.Kernel.W), (p.Stride.H, p.Stride.W), (p.Padding.H, p.Padding.W), ceil_mode: p.CeilMode))
        .With<AdaptivePooling>((a, input) => local && a.IsGlobal ? new DetachedGlobalPooling()
            : input.HasDepth ? nn.AdaptiveAvgPool3d((a.OutputShape(input).Depth, a.OutputShape(input).Height, a.OutputShape(input).Width))
            : nn.AdaptiveAvgPool2d((a.Output.H, a.Output.W)));

    /// <summary>x + tanh(x) / 2: smooth and strictly increasing, with a derivative of at least 1.</summary>
    private sealed class SmoothActivation() : nn.Module<Tensor, Tensor>("smooth")
    {
        public override Tensor forward(Tensor input) => input + (tanh(input) * 0.5);
    }

    /// <summary>Global average pooling whose output carries no gradient: what reaches a neuron only through it is left out.</summary>
    private sealed class DetachedGlobalPooling() : nn.Module<Tensor, Tensor>("detached")
    {
        public override Tensor forward(Tensor input) => input.mean([.. Enumerable.Range(2, (int)input.dim() - 2).Select(axis => (long)axis)], keepdim: true).detach();
    }
}
