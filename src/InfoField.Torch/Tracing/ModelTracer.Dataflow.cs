using InfoField.Architecture;
using static TorchSharp.torch;

namespace InfoField.Torch.Tracing;

/// <content>Rebuilding the data flow of recorded calls by value.</content>
public static partial class ModelTracer
{
    /// <summary>
    /// Turns recorded calls into one graph: tensor 0 is the model's input, and each call's input is found among the
    /// tensors seen so far by exact comparison, directly or as a functional combination of them (which adds nodes).
    /// </summary>
    private sealed class Dataflow
    {
        private readonly List<Tensor> _values = [];
        private readonly List<FeatureShape> _shapes = [];
        private readonly List<FlatNode> _nodes = [];
        private readonly List<int> _depths = [0];
        private readonly List<FunctionalMerge> _unions;
        private readonly List<FunctionalMerge> _stacks;

        private Dataflow(FeatureShape input, Tensor sample, TraceSet readers)
        {
            _values.Add(sample);
            _shapes.Add(input);
            _unions = [.. readers.Merges.Where(merge => merge.Op.Join == ChannelJoin.Union)];
            _stacks = [.. readers.Merges.Where(merge => merge.Op.Join == ChannelJoin.Stack)];
        }

        public static FlatGraph Build(FeatureShape input, int rank, Tensor sample, Tensor output, List<Call> calls, List<Op> ops, TraceSet readers)
        {
            var flow = new Dataflow(input, sample, readers);
            for (int i = 0; i < calls.Count; i++)
            {
                Call call = calls[i];
                int source = flow.Resolve(call.InputValue)
                    ?? throw new TraceException(
                        $"cannot trace '{call.Name}' ({call.Module.GetType().Name}): its input is neither the model's input, nor an earlier layer's output, nor a sum, product, channel concatenation, ReLU, flatten or global average pooling of them; a functional op between layers that tracing cannot see (call it as a module, or describe the network with a spec file)");
                flow.Emit(ops[i], [source], $"'{call.Name}'", call.OutputValue!, call.Output);
            }

            int result = flow.Resolve(output)
                ?? throw new TraceException($"cannot trace the model: its output is not the output of a layer or a combination of them; a functional op after the last layer '{calls[^1].Name}' is not traced");
            if (result != flow._nodes.Count)
            {
                throw new TraceException($"cannot trace the model: its output is not made by the last layer run, {flow._nodes[^1].Source}; layers that run after the output is computed are not traced");
            }

            var used = new bool[flow._nodes.Count + 1];
            foreach (FlatNode node in flow._nodes)
            {
                foreach (int t in node.Inputs)
                {
                    used[t] = true;
                }
            }

            int unused = Array.FindIndex(used, 1, flow._nodes.Count - 1, u => !u);
            if (unused > 0)
            {
                throw new TraceException($"cannot trace {flow._nodes[unused - 1].Source}: its output never reaches the model's output (an auxiliary branch? build the model without it)");
            }

            return new FlatGraph(input, rank, flow._nodes, flow._shapes);
        }

        private int Emit(Op op, int[] inputs, string source, Tensor value, FeatureShape shape)
        {
            _nodes.Add(new FlatNode(op, inputs, source));
            _depths.Add(1 + inputs.Max(t => _depths[t]));
            _values.Add(value);
            _shapes.Add(shape);
            return _values.Count - 1;
        }

        private int? Resolve(Tensor x)
        {
            return Exact(x) ?? Single(x) ?? Pair(x) ?? Concatenation(x);
        }

        private int? Exact(Tensor x)
        {
            for (int t = _values.Count - 1; t >= 0; t--)
            {
                if (Same(_values[t], x))
                {
                    return t;
                }
            }

            return null;
        }

        /// <summary>ReLU, flatten, or global average pooling then flatten, of one earlier tensor.</summary>
        private int? Single(Tensor x)
        {
            for (int t = _values.Count - 1; t >= 0; t--)
            {
                Tensor v = _values[t];
                if (IsMap(v) && IsMap(x) && Same(nn.functional.relu(v), x))
                {
                    return Derived(new Activation(ActivationKind.Relu), t, x);
                }

                if (IsMap(v) && x.dim() == 2)
                {
                    if (v.numel() == x.numel() && Same(v.flatten(1), x))
                    {
                        return Derived(new Flatten(), t, x);
                    }

                    if (v.shape[1] == x.shape[1] && Same(GlobalAverage(v).flatten(1), x))
                    {
                        int pooled = Derived(new AdaptivePooling(PoolKind.Average, 1), t, GlobalAverage(v));
                        return Derived(new Flatten(), pooled, x);
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// A union merge of the <see cref="TraceSet"/> (a sum, a product with a 1x1 gate broadcast over space), or the ReLU
        /// of one, of two earlier tensors: the shapes must join into the tensor's shape (<see cref="MergeOp.OutputShape(IReadOnlyList{FeatureShape})"/>)
        /// and the merge's function of them must equal it. The inputs are listed in the merge's order: for a sum the
        /// deeper tensor first (the residual branch, then the shortcut), as the zoo and the ONNX import do; for a product
        /// the gated tensor, then the gate.
        /// </summary>
        private int? Pair(Tensor x)
        {
            if (!IsMap(x) || _unions.Count == 0)
            {
                return null;
            }

            FeatureShape target = ShapeOf(x);
            var candidates = Enumerable.Range(0, _values.Count).Reverse()
                .Where(t => IsMap(_values[t]) && _values[t].shape[1] == x.shape[1]).ToList();
            foreach (int a in candidates)
            {
                foreach (int b in candidates)
                {
                    if (b >= a)
                    {
                        continue;
                    }

                    Tensor va = _values[a], vb = _values[b];
                    foreach (FunctionalMerge merge in _unions)
                    {
                        if (!Joins(merge.Op, [_shapes[a], _shapes[b]], target))
                        {
                            continue;
                        }

                        int[] inputs = merge.Order == MergeOrder.DeeperFirst ? Deeper(a, b) : [b, a];
                        if (Same(merge.Apply([va, vb]), x) || Same(merge.Apply([vb, va]), x))
                        {
                            return Derived(merge.Op, inputs, x);
                        }

                        Tensor joined = merge.Apply([va, vb]);
                        if (Same(nn.functional.relu(joined), x) || Same(nn.functional.relu(merge.Apply([vb, va])), x))
                        {
                            int made = Derived(merge.Op, inputs, joined);
                            return Derived(new Activation(ActivationKind.Relu), made, x);
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// A stacking merge of the <see cref="TraceSet"/> (a channel concatenation) of earlier tensors (or of their ReLUs,
        /// or of union merges of them), in order.
        /// </summary>
        private int? Concatenation(Tensor x)
        {
            if (!IsMap(x) || _stacks.Count == 0 || Parts(x) is not { Count: >= 2 } parts)
            {
                return null;
            }

            Tensor[] inputs = [.. parts.Select(t => _values[t])];
            FunctionalMerge? merge = _stacks.FirstOrDefault(merge => Same(merge.Apply(inputs), x));
            return merge is null ? null : Derived(merge.Op, [.. parts], x);
        }

        /// <summary>The earlier tensors (or their ReLUs, or union merges of them) that lie side by side along the channels of <paramref name="x"/>, or null.</summary>
        private List<int>? Parts(Tensor x)
        {
            var parts = new List<int>();
            long offset = 0, channels = x.shape[1];
            while (offset < channels)
            {
                int? part = null;
                for (int t = _values.Count - 1; t >= 0 && part is null; t--)
                {
                    Tensor v = _values[t];
                    if (!IsMap(v) || !SameResolution(v, x) || v.shape[1] > channels - offset || v.shape[1] == channels)
                    {
                        continue;
                    }

                    Tensor slice = x.narrow(1, offset, v.shape[1]);
                    if (Same(v, slice))
                    {
                        part = t;
                    }
                    else if (Same(nn.functional.relu(v), slice))
                    {
                        part = Derived(new Activation(ActivationKind.Relu), t, slice.clone());
                    }
                }

                // A part may itself be a sum or a product that only the concatenation reads (a gated branch).
                foreach (long width in _values.Where(v => IsMap(v) && SameResolution(v, x)).Select(v => v.shape[1]).Distinct().ToList())
                {
                    if (part is null && width <= channels - offset && width < channels)
                    {
                        part = Pair(x.narrow(1, offset, width).clone());
                    }
                }

                if (part is null)
                {
                    return null;
                }

                parts.Add(part.Value);
                offset += _values[part.Value].shape[1];
            }

            return parts;
        }

        /// <summary>True when <paramref name="merge"/> joins tensors of <paramref name="inputs"/> shapes into one of <paramref name="output"/>.</summary>
        private static bool Joins(MergeOp merge, FeatureShape[] inputs, FeatureShape output)
        {
            try
            {
                return merge.OutputShape(inputs) == output;
            }
            catch (ArchitectureException)
            {
                return false;
            }
        }

        private static FeatureShape ShapeOf(Tensor x) => x.dim() == 5
            ? FeatureShape.Volume3d((int)x.shape[1], (int)x.shape[2], (int)x.shape[3], (int)x.shape[4])
            : new((int)x.shape[1], (int)x.shape[2], (int)x.shape[3]);

        /// <summary>True for a feature map: (N, C, H, W), or (N, C, D, H, W) in a model of volumes (signals are kept as (N, C, 1, L)).</summary>
        private static bool IsMap(Tensor x) => x.dim() is 4 or 5;

        /// <summary>True when two maps have the same rank and spatial sizes.</summary>
        private static bool SameResolution(Tensor a, Tensor b) => a.dim() == b.dim() && a.shape.AsSpan(2).SequenceEqual(b.shape.AsSpan(2));

        /// <summary>Global average pooling of a map of any rank, as its functional form computes it (the value a hook sees).</summary>
        private static Tensor GlobalAverage(Tensor v) => v.dim() == 5 ? nn.functional.adaptive_avg_pool3d(v, [1, 1, 1]) : nn.functional.adaptive_avg_pool2d(v, 1);

        /// <summary>The two tensors, the one more ops away from the input first (the later one on a tie).</summary>
        private int[] Deeper(int later, int earlier) => _depths[earlier] > _depths[later] ? [earlier, later] : [later, earlier];

        private int Derived(Op op, int input, Tensor value) => Derived(op, [input], value);

        private int Derived(Op op, int[] inputs, Tensor value)
        {
            FeatureShape shape = op is MergeOp merge ? merge.OutputShape([.. inputs.Select(t => _shapes[t])]) : op.OutputShape(_shapes[inputs[0]]);
            return Emit(op, inputs, $"a functional {op.Type} (of tensors seen so far)", value, shape);
        }

        private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
    }
}
