using InfoField.Architecture;
using InfoField.Torch.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ArchitectureInterlace = InfoField.Architecture.Interlace;
using Interlace = InfoField.Torch.Modules.Interlace;

namespace InfoField.Torch.Tracing;

/// <summary>
/// Reads the architecture of a TorchSharp model by running one forward pass with hooks on its leaf modules. Every
/// call of a leaf module is recorded with its input and output (a module may run more than once, as TorchVision's
/// ResNet blocks reuse one ReLU), then the data flow is rebuilt by value: a call reads the model's input, an earlier
/// call's output, or a functional combination the hooks cannot see, found by exact tensor comparison: a sum (residual
/// add), a product (gating), a channel concatenation, or a ReLU, flatten or global average pooling of earlier tensors.
/// <para>
/// A chain (each layer reads the previous layer's output) is grouped as in the paper's Listing 1: each convolution
/// starts a unit and the batch norms, activations, shuffles and dropouts after it join that unit; a pointwise (or
/// rolling pointwise) convolution right after a depthwise one joins the depthwise unit; a pooling layer or a strided
/// unit starts a stage; everything from the first flatten or linear layer on is the head. A model that branches is
/// cut into units, stages and head by the same rules as an ONNX import (<see cref="GraphStructure"/>).
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
        var kept = new List<Tensor>();
        List<Call> calls;
        List<Op> ops;
        FlatGraph graph;
        try
        {
            using var scope = NewDisposeScope();
            calls = Record(model, input, kept, out Tensor sample, out Tensor output);
            ops = calls.Select(ToOp).ToList();
            graph = Dataflow.Build(input, sample, output, calls, ops);
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

        return new Network(name, input, stages, [.. trailing, .. head]);
    }

    private static List<Call> Record(nn.Module<Tensor, Tensor> model, FeatureShape input, List<Tensor> kept, out Tensor sample, out Tensor output)
    {
        var leaves = new List<(string Name, nn.Module<Tensor, Tensor> Module)>();
        foreach (var (name, module) in model.named_modules())
        {
            if (module.children().Any())
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
            Tensor copy = tensor.detach().clone().DetachFromDisposeScope();
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
                    calls.Add(new Call(name, module, Shape(x), Keep(x)));
                    return x;
                })));
                removers.Add(new HookHandle(module.register_forward_hook((_, _, y) =>
                {
                    calls[^1] = calls[^1] with { Output = Shape(y), OutputValue = Keep(y) };
                    return y;
                })));
            }

            model.eval();
            using var noGrad = no_grad();
            sample = randn(1, input.Channels, input.Height, input.Width, device: Devices.Of(model));
            output = model.call(sample.clone()).detach().clone();
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

    private static Op ToOp(Call call)
    {
        Op op = call.Module switch
        {
            Conv2d conv => ReadConvolution(conv, call),
            RollingPointwiseConv2d rpw => new RollingPointwiseConvolution(rpw.OutChannels, rpw.Groups, rpw.Overlap, rpw.Bias is not null),
            BatchNorm2d { affine: true } bn => new Architecture.BatchNorm(bn.eps),
            BatchNorm2d => throw Unsupported(call, "batch norm without affine parameters"),
            ReLU => new Activation(ActivationKind.Relu),
            ReLU6 => new Activation(ActivationKind.Relu6),
            LeakyReLU => new Activation(ActivationKind.LeakyRelu),
            Sigmoid => new Activation(ActivationKind.Sigmoid),
            Tanh => new Activation(ActivationKind.Tanh),
            SiLU => new Activation(ActivationKind.Silu),
            GELU => new Activation(ActivationKind.Gelu),
            Hardswish => new Activation(ActivationKind.Hardswish),
            MaxPool2d pool when pool.dilation is null || pool.dilation.All(d => d == 1) =>
                new Pooling(PoolKind.Max, Pair2(pool.kernel_size), Pair2(pool.stride ?? pool.kernel_size), Pair2(pool.padding ?? [0]), pool.ceil_mode),
            AvgPool2d pool => new Pooling(PoolKind.Average, Pair2(pool.kernel_size), Pair2(pool.stride ?? pool.kernel_size), Pair2(pool.padding ?? [0]), pool.ceil_mode),
            AdaptiveAvgPool2d => new AdaptivePooling(PoolKind.Average, new Pair(call.Output.Height, call.Output.Width)),
            AdaptiveMaxPool2d => new AdaptivePooling(PoolKind.Max, new Pair(call.Output.Height, call.Output.Width)),
            TorchSharp.Modules.Dropout dropout => new Architecture.Dropout(Probability(dropout.p)),
            Dropout2d dropout => new Architecture.Dropout(Probability(dropout.p)),
            TorchSharp.Modules.Flatten { start_dim: 1 } => new Architecture.Flatten(),
            TorchSharp.Modules.Linear linear => new Architecture.Linear((int)linear.out_features, linear.bias is not null),
            TorchSharp.Modules.Softmax => new Architecture.Softmax(),
            TorchSharp.Modules.ChannelShuffle shuffle => new Architecture.ChannelShuffle((int)shuffle.groups),
            Interlace interlace => new ArchitectureInterlace((int)interlace.Groups),
            _ => throw Unsupported(call, "this layer type"),
        };

        FeatureShape expected = op.TryOutputShape(call.Input).OrThrow(broken => new TraceException($"cannot trace '{call.Name}': {broken.Message}"));

        if (expected != call.Output)
        {
            throw new TraceException($"cannot trace '{call.Name}' ({call.Module.GetType().Name}): it turned {call.Input} into {call.Output}, but read as '{op.Type}' it would give {expected}");
        }

        return op;
    }

    /// <summary>A dropout probability as written (TorchVision stores 0.2 as a float, 0.20000000298...).</summary>
    private static double Probability(double p) => (double)(decimal)(float)p;

    private static Op ReadConvolution(Conv2d conv, Call call)
    {
        if (conv.padding_mode != PaddingModes.Zeros || conv.transposed)
        {
            throw Unsupported(call, "padding modes other than zeros and transposed convolutions");
        }

        Pair kernel = Pair2(conv.kernel_size);
        Pair stride = Pair2(conv.stride);
        Pair dilation = Pair2(conv.dilation);
        Pair padding = conv.padding_type switch
        {
            Padding.Same => new Pair(dilation.H * (kernel.H - 1) / 2, dilation.W * (kernel.W - 1) / 2),
            Padding.Valid => Pair.Square(0),
            _ => Pair2(conv.padding ?? [0]),
        };
        int inChannels = (int)conv.in_channels, outChannels = (int)conv.out_channels, groups = (int)conv.groups;
        bool bias = conv.bias is not null;
        if (groups == inChannels && inChannels > 1 && outChannels % inChannels == 0)
        {
            return new DepthwiseConvolution(kernel, stride, padding, dilation, outChannels / inChannels, bias);
        }

        return kernel == Pair.Square(1) && padding == Pair.Square(0)
            ? new PointwiseConvolution(outChannels, groups, stride, bias)
            : new Architecture.Convolution(outChannels, kernel, stride, padding, dilation, groups, bias);
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
            inHead |= op is HeadOp;
            if (inHead)
            {
                head.Add(op);
                continue;
            }

            bool changesResolution = !calls[i].Output.SameResolution(calls[i].Input);
            switch (op)
            {
                case PointwiseConvolution or RollingPointwiseConvolution when current.Count > 0 && current[0] is DepthwiseConvolution && !current.Skip(1).Any(IsCompute):
                    current.Add(op);
                    break;
                case Architecture.Convolution or DepthwiseConvolution or PointwiseConvolution or RollingPointwiseConvolution:
                    Close();
                    current.AddRange(pending);
                    pending.Clear();
                    current.Add(op);
                    break;
                case Pooling or AdaptivePooling when changesResolution:
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

    private static bool IsCompute(Op op) => op is Architecture.Convolution or DepthwiseConvolution or PointwiseConvolution or RollingPointwiseConvolution;

    private static string UnitName(List<Op> ops)
    {
        Op first = ops.First(IsCompute);
        Op? pointwise = ops.Skip(ops.IndexOf(first) + 1).FirstOrDefault(IsCompute);
        return (first, pointwise) switch
        {
            (DepthwiseConvolution, PointwiseConvolution pw) => $"dw-{pw.Type}-{pw.OutChannels}",
            (DepthwiseConvolution, RollingPointwiseConvolution rpw) => $"dw-rpw-{rpw.OutChannels}",
            (Architecture.Convolution conv, _) => $"conv{conv.Kernel}-{conv.OutChannels}",
            (PointwiseConvolution pw, _) => $"{pw.Type}-{pw.OutChannels}",
            (RollingPointwiseConvolution rpw, _) => $"rpw-{rpw.OutChannels}",
            _ => first.Type,
        };
    }

    private static FeatureShape Shape(Tensor tensor)
    {
        long[] shape = tensor.shape;
        return shape.Length switch
        {
            4 => new FeatureShape((int)shape[1], (int)shape[2], (int)shape[3]),
            2 => new FeatureShape((int)shape[1], 1, 1),
            _ => throw new TraceException($"cannot trace tensors of shape [{string.Join(", ", shape)}]; expected (N, C, H, W) or (N, features)"),
        };
    }

    private static Pair Pair2(long[] values) => values.Length == 1 ? Pair.Square((int)values[0]) : new Pair((int)values[0], (int)values[1]);

    private static TraceException Unsupported(Call call, string what) =>
        new($"cannot trace '{call.Name}' ({call.Module.GetType().Name}): {what} is not supported; describe the network with a spec file instead");

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
