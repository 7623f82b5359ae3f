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
        private readonly List<Tensor> values = [];
        private readonly List<FeatureShape> shapes = [];
        private readonly List<FlatNode> nodes = [];
        private readonly List<int> depths = [0];

        private Dataflow(FeatureShape input, Tensor sample)
        {
            values.Add(sample);
            shapes.Add(input);
        }

        public static FlatGraph Build(FeatureShape input, Tensor sample, Tensor output, List<Call> calls, List<Op> ops)
        {
            var flow = new Dataflow(input, sample);
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
            if (result != flow.nodes.Count)
            {
                throw new TraceException($"cannot trace the model: its output is not made by the last layer run, {flow.nodes[^1].Source}; layers that run after the output is computed are not traced");
            }

            var used = new bool[flow.nodes.Count + 1];
            foreach (FlatNode node in flow.nodes)
            {
                foreach (int t in node.Inputs)
                {
                    used[t] = true;
                }
            }

            int unused = Array.FindIndex(used, 1, flow.nodes.Count - 1, u => !u);
            if (unused > 0)
            {
                throw new TraceException($"cannot trace {flow.nodes[unused - 1].Source}: its output never reaches the model's output (an auxiliary branch? build the model without it)");
            }

            return new FlatGraph(input, 2, flow.nodes, flow.shapes);
        }

        private int Emit(Op op, int[] inputs, string source, Tensor value, FeatureShape shape)
        {
            nodes.Add(new FlatNode(op, inputs, source));
            depths.Add(1 + inputs.Max(t => depths[t]));
            values.Add(value);
            shapes.Add(shape);
            return values.Count - 1;
        }

        private int? Resolve(Tensor x)
        {
            return Exact(x) ?? Single(x) ?? Pair(x) ?? Concatenation(x);
        }

        private int? Exact(Tensor x)
        {
            for (int t = values.Count - 1; t >= 0; t--)
            {
                if (Same(values[t], x))
                {
                    return t;
                }
            }

            return null;
        }

        /// <summary>ReLU, flatten, or global average pooling then flatten, of one earlier tensor.</summary>
        private int? Single(Tensor x)
        {
            for (int t = values.Count - 1; t >= 0; t--)
            {
                Tensor v = values[t];
                if (v.dim() == 4 && x.dim() == 4 && Same(nn.functional.relu(v), x))
                {
                    return Derived(new Activation(ActivationKind.Relu), t, x);
                }

                if (v.dim() == 4 && x.dim() == 2)
                {
                    if (v.numel() == x.numel() && Same(v.flatten(1), x))
                    {
                        return Derived(new Flatten(), t, x);
                    }

                    if (v.shape[1] == x.shape[1] && Same(nn.functional.adaptive_avg_pool2d(v, 1).flatten(1), x))
                    {
                        int pooled = Derived(new AdaptivePooling(PoolKind.Average, 1), t, nn.functional.adaptive_avg_pool2d(v, 1));
                        return Derived(new Flatten(), pooled, x);
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// A sum (or the ReLU of one) or a product (with a 1x1 gate broadcast over space) of two earlier tensors. A sum lists
        /// the deeper tensor first (the residual branch, then the shortcut), as the zoo and the ONNX import do; a product
        /// lists the gated tensor, then the gate.
        /// </summary>
        private int? Pair(Tensor x)
        {
            if (x.dim() != 4)
            {
                return null;
            }

            var candidates = Enumerable.Range(0, values.Count).Reverse()
                .Where(t => values[t].dim() == 4 && values[t].shape[1] == x.shape[1]).ToList();
            foreach (int a in candidates)
            {
                foreach (int b in candidates)
                {
                    if (b >= a)
                    {
                        continue;
                    }

                    Tensor va = values[a], vb = values[b];
                    bool sameShape = va.shape.SequenceEqual(vb.shape) && va.shape.SequenceEqual(x.shape);
                    if (sameShape && (Same(va + vb, x) || Same(vb + va, x)))
                    {
                        return Derived(new Add(), Deeper(a, b), x);
                    }

                    if (sameShape && (Same(nn.functional.relu(va + vb), x) || Same(nn.functional.relu(vb + va), x)))
                    {
                        int sum = Derived(new Add(), Deeper(a, b), va + vb);
                        return Derived(new Activation(ActivationKind.Relu), sum, x);
                    }

                    bool gate = (va.shape.SequenceEqual(x.shape) || vb.shape.SequenceEqual(x.shape)) && (sameShape || va.shape[2] * va.shape[3] == 1 || vb.shape[2] * vb.shape[3] == 1);
                    if (gate && (Same(va * vb, x) || Same(vb * va, x)))
                    {
                        return Derived(new Multiply(), [b, a], x);
                    }
                }
            }

            return null;
        }

        /// <summary>A channel concatenation of earlier tensors (or of their ReLUs, sums or products), in order.</summary>
        private int? Concatenation(Tensor x)
        {
            if (x.dim() != 4)
            {
                return null;
            }

            var parts = new List<int>();
            long offset = 0, channels = x.shape[1];
            while (offset < channels)
            {
                int? part = null;
                for (int t = values.Count - 1; t >= 0 && part is null; t--)
                {
                    Tensor v = values[t];
                    if (v.dim() != 4 || v.shape[2] != x.shape[2] || v.shape[3] != x.shape[3] || v.shape[1] > channels - offset || v.shape[1] == channels)
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
                foreach (long width in values.Where(v => v.dim() == 4 && v.shape[2] == x.shape[2] && v.shape[3] == x.shape[3]).Select(v => v.shape[1]).Distinct().ToList())
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
                offset += values[part.Value].shape[1];
            }

            return parts.Count >= 2 ? Derived(new Concat(), [.. parts], x) : null;
        }

        /// <summary>The two tensors, the one more ops away from the input first (the later one on a tie).</summary>
        private int[] Deeper(int later, int earlier) => depths[earlier] > depths[later] ? [earlier, later] : [later, earlier];

        private int Derived(Op op, int input, Tensor value) => Derived(op, [input], value);

        private int Derived(Op op, int[] inputs, Tensor value)
        {
            FeatureShape shape = op is MergeOp merge ? merge.OutputShape([.. inputs.Select(t => shapes[t])]) : op.OutputShape(shapes[inputs[0]]);
            return Emit(op, inputs, $"a functional {op.Type} (of tensors seen so far)", value, shape);
        }

        private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
    }
}
