using InfoField.Architecture;
using InfoField.Torch.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Tracing;

/// <summary>
/// Reads the architecture of a TorchSharp model by running one forward pass with hooks on its leaf modules. Every
/// call of a leaf module is recorded with its input and output (a module may run more than once, as TorchVision's
/// ResNet blocks reuse one ReLU), then the data flow is rebuilt by value: a call reads the model's input, an earlier
/// call's output, or a functional combination the hooks cannot see, found by exact tensor comparison: a sum (residual
/// add), a product (gating), a channel concatenation, or a ReLU, flatten or global average pooling of earlier tensors.
/// <para>
/// Which op a module is comes from the <see cref="TraceSet"/> (<see cref="TraceOptions.Readers"/>, by default
/// <see cref="TraceSet.Default"/>: a reader per module type); which merges the data flow may hold, too.
/// </para>
/// <para>
/// A chain (each layer reads the previous layer's output) is grouped as in the paper's Listing 1: each kernel
/// (<see cref="OpRole.Kernel"/>) starts a unit and the batch norms, activations, shuffles and dropouts after it join that
/// unit, except where <see cref="GraphStructure.JoinsUnit"/> joins a kernel to the unit before it (a pointwise
/// convolution after a depthwise one); a pooling layer or a strided unit starts a stage; everything from the first
/// head op (flatten, linear, softmax) on is the head. A model that branches is cut into units, stages and head by the
/// same rules as an ONNX import (<see cref="GraphStructure"/>).
/// </para>
/// </summary>
public static partial class ModelTracer
{
    /// <summary>
    /// Traces <paramref name="model"/> on one random sample of shape <paramref name="input"/>. Throws
    /// <see cref="TraceException"/>, naming the module, when a layer is not supported or its input cannot be read as
    /// the model's input, an earlier layer's output or a combination of them.
    /// </summary>
    public static Network Trace(nn.Module<Tensor, Tensor> model, FeatureShape input, TraceOptions? options = null)
    {
        options ??= new TraceOptions();
        TraceSet readers = options.Readers ?? TraceSet.Default;
        int rank = options.SpatialRank;
        if (rank is not (1 or 2 or 3) || (rank == 1 && input.Height != 1) || (rank == 3) != input.HasDepth)
        {
            throw new ArgumentException(
                rank switch
                {
                    1 => $"a model of signals reads an input of height 1, not {input}",
                    2 => $"a model of images reads an input without depth, not {input}",
                    3 => $"a model of volumes reads an input with a depth (FeatureShape.Volume3d), not {input}",
                    _ => $"the spatial rank is 1 (signals), 2 (images) or 3 (volumes), not {rank}",
                },
                nameof(options));
        }

        var kept = new List<Tensor>();
        List<Call> calls;
        List<Op> ops;
        FlatGraph graph;
        try
        {
            using var scope = NewDisposeScope();
            calls = Record(model, input, rank, kept, out Tensor sample, out Tensor output);
            ops = calls.Select(call => ToOp(call, readers, rank)).ToList();
            graph = Dataflow.Build(input, rank, sample, output, calls, ops, readers);
        }
        finally
        {
            foreach (Tensor tensor in kept)
            {
                tensor.Dispose();
            }
        }

        string name = options.Name ?? model.GetName();
        if (graph.Nodes.Count != calls.Count || graph.Nodes.Select((node, i) => node.Inputs.SequenceEqual([i])).Any(chained => !chained))
        {
            try
            {
                return GraphStructure.Build(name, graph);
            }
            catch (StructureException error)
            {
                throw new TraceException($"cannot trace the model: {error.Message}");
            }
        }

        var (pieces, head) = Group(ops, calls, options.StemUnits);
        var (stages, trailing) = StagePartition.Split(input, pieces);
        if (stages.Count == 0)
        {
            throw new TraceException("the model has no convolution before its classifier, so it has no stage to analyse");
        }

        return new Network(name, input, stages, [.. trailing, .. head], rank);
    }

    /// <remarks>
    /// A model of signals runs on N x C x L; every tensor the hooks see is kept as N x C x 1 x L (a 1-D module's
    /// tensors, like those of InfoField's height-1 2-D modules), so that the data flow compares maps of one rank.
    /// </remarks>
    private static List<Call> Record(nn.Module<Tensor, Tensor> model, FeatureShape input, int rank, List<Tensor> kept, out Tensor sample, out Tensor output)
    {
        var leaves = new List<(string Name, nn.Module<Tensor, Tensor> Module)>();
        foreach (var (name, module) in model.named_modules())
        {
            // Merge modules (a GraphModule's add, mul, concat) join several tensors outside the hooks: the data flow finds them by value.
            if (module.children().Any() || module is MergeModule)
            {
                continue;
            }

            if (module is not nn.Module<Tensor, Tensor> layer)
            {
                throw new TraceException($"cannot trace '{name}' ({module.GetType().Name}): only modules from tensor to tensor can be read");
            }

            leaves.Add((name, layer));
        }

        if (leaves.Count == 0)
        {
            leaves.Add((model.GetName(), model));
        }

        // Copies outlive the model's own dispose scopes (TorchVision's forward() disposes its intermediates); they
        // belong to the caller's scope.
        Tensor Keep(Tensor tensor)
        {
            using Tensor map = rank == 1 && tensor.dim() == 3 ? tensor.unsqueeze(2) : tensor.alias();
            Tensor copy = map.detach().clone().DetachFromDisposeScope();
            kept.Add(copy);
            return copy;
        }

        var calls = new List<Call>();
        var removers = new List<IDisposable>();
        bool wasTraining = model.training;
        try
        {
            foreach (var (name, module) in leaves)
            {
                removers.Add(new HookHandle(module.register_forward_pre_hook((_, x) =>
                {
                    calls.Add(new Call(name, module, Shape(x, rank), Keep(x)));
                    return x;
                })));
                removers.Add(new HookHandle(module.register_forward_hook((_, _, y) =>
                {
                    calls[^1] = calls[^1] with { Output = Shape(y, rank), OutputValue = Keep(y) };
                    return y;
                })));
            }

            model.eval();
            using var noGrad = no_grad();
            Tensor drawn = rank switch
            {
                1 => randn(1, input.Channels, input.Width, device: Devices.Of(model)),
                3 => randn([1, input.Channels, input.Depth, input.Height, input.Width], device: Devices.Of(model)),
                _ => randn(1, input.Channels, input.Height, input.Width, device: Devices.Of(model)),
            };
            using Tensor result = model.call(drawn.clone());
            sample = rank == 1 ? drawn.unsqueeze(2) : drawn;
            output = Keep(result);
            RequireAllRan(leaves, calls);
        }
        finally
        {
            foreach (IDisposable remover in removers)
            {
                remover.Dispose();
            }

            model.train(wasTraining);
        }

        return calls;
    }

    private static void RequireAllRan(List<(string Name, nn.Module<Tensor, Tensor> Module)> leaves, List<Call> calls)
    {
        var silent = leaves.Where(leaf => !calls.Any(call => ReferenceEquals(call.Module, leaf.Module))).Select(leaf => $"'{leaf.Name}'").ToList();
        if (silent.Count > 0)
        {
            throw new TraceException(
                $"cannot trace the model: {string.Join(", ", silent)} never ran through TorchSharp's hooks. Either the layer is unused, or forward() invokes it as layer.forward(x); TorchSharp runs hooks only for layer.call(x) (Sequential does this for its children), so call layers with call(x)");
        }
    }

    private static Op ToOp(Call call, TraceSet readers, int rank)
    {
        Op op = readers.Read(call.Module, new LayerCall(call.Name, call.Input, call.Output) { SpatialRank = rank });
        FeatureShape expected = op.TryOutputShape(call.Input).OrThrow(broken => new TraceException($"cannot trace '{call.Name}': {broken.Message}"));

        if (expected != call.Output)
        {
            throw new TraceException($"cannot trace '{call.Name}' ({call.Module.GetType().Name}): it turned {call.Input} into {call.Output}, but read as '{op.Type}' it would give {expected}");
        }

        return op;
    }

    private static (List<object> Pieces, List<Op> Head) Group(List<Op> ops, List<Call> calls, int stemUnits)
    {
        var pieces = new List<object>();
        var head = new List<Op>();
        var current = new List<Op>();
        var pending = new List<Op>();
        int units = 0;
        bool inHead = false;
        for (int i = 0; i < ops.Count; i++)
        {
            Op op = ops[i];
            inHead |= op.Role == OpRole.Head;
            if (inHead)
            {
                head.Add(op);
                continue;
            }

            bool changesResolution = !calls[i].Output.SameResolution(calls[i].Input);
            switch (op.Role)
            {
                case OpRole.Kernel when GraphStructure.JoinsUnit(op, current.LastOrDefault(IsCompute), current.Count(IsCompute)):
                    current.Add(op);
                    break;
                case OpRole.Kernel:
                    Close();
                    current.AddRange(pending);
                    pending.Clear();
                    current.Add(op);
                    break;
                case OpRole.Pooling when changesResolution:
                    Close();
                    pieces.Add(op);
                    break;
                default:
                    (current.Count > 0 ? current : pending).Add(op);
                    break;
            }
        }

        Close();
        if (pending.Count > 0)
        {
            throw new TraceException($"cannot trace the model: '{pending[0].Type}' layers follow pooling with no convolution after them; move them into the classifier");
        }

        return (pieces, head);

        void Close()
        {
            if (current.Count == 0)
            {
                return;
            }

            UnitRole role = units < stemUnits ? UnitRole.Stem : UnitRole.Body;
            pieces.Add(new Unit(UnitName(current), current.ToValueList(), role));
            units++;
            current.Clear();
        }
    }

    private static bool IsCompute(Op op) => op.Role == OpRole.Kernel;

    private static string UnitName(List<Op> ops)
    {
        Op first = ops.First(IsCompute);
        Op? pointwise = ops.Skip(ops.IndexOf(first) + 1).FirstOrDefault(IsCompute);
        return (first, pointwise) switch
        {
            (DepthwiseConvolution, PointwiseConvolution pw) => $"dw-{pw.Type}-{pw.OutChannels}",
            (DepthwiseConvolution, RollingPointwiseConvolution rpw) => $"dw-rpw-{rpw.OutChannels}",
            (Convolution conv, _) => $"conv{conv.Kernel}-{conv.OutChannels}",
            (PointwiseConvolution pw, _) => $"{pw.Type}-{pw.OutChannels}",
            (RollingPointwiseConvolution rpw, _) => $"rpw-{rpw.OutChannels}",
            _ => first.Type,
        };
    }

    private static FeatureShape Shape(Tensor tensor, int rank)
    {
        long[] shape = tensor.shape;
        return shape.Length switch
        {
            5 when rank == 3 => FeatureShape.Volume3d((int)shape[1], (int)shape[2], (int)shape[3], (int)shape[4]),
            4 when rank != 3 => new FeatureShape((int)shape[1], (int)shape[2], (int)shape[3]),
            3 when rank == 1 => new FeatureShape((int)shape[1], 1, (int)shape[2]),
            2 => new FeatureShape((int)shape[1], 1, 1),
            _ => throw new TraceException($"cannot trace tensors of shape [{string.Join(", ", shape)}]; expected {rank switch { 1 => "(N, C, L), (N, C, 1, L)", 3 => "(N, C, D, H, W)", _ => "(N, C, H, W)" }} or (N, features)"),
        };
    }

    private sealed record Call(string Name, nn.Module<Tensor, Tensor> Module, FeatureShape Input, Tensor InputValue)
    {
        public FeatureShape Output { get; init; }

        public Tensor? OutputValue { get; init; }
    }

    private sealed class HookHandle(nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover remover) : IDisposable
    {
        public void Dispose() => remover.remove();
    }
}

/// <summary>A model cannot be traced into an architecture; the message says which layer and why.</summary>
public sealed class TraceException(string message) : InfoFieldException(message);
