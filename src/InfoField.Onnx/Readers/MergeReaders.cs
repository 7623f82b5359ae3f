using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Readers;

/// <summary>Add, Mul and Concat: merges of tensors, or shape arithmetic when every input is an integer constant.</summary>
internal static class MergeReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        new("Add", 1, Add) { MinInputs = 2, MaxInputs = 2, ParameterInputs = [0, 1] },
        new("Mul", 1, Mul) { MinInputs = 2, MaxInputs = 2, ParameterInputs = [0, 1] },
        new("Concat", 1, Concat) { MaxInputs = int.MaxValue },
    ];

    /// <summary>
    /// Two tensors: a residual sum. A tensor and a constant: a piece of a layer norm or GELU written as arithmetic, the
    /// bias of a MatMul on channels-last tokens (<see cref="ChannelsLast"/>), or a bias after a MatMul on flat features
    /// (<see cref="Passes.LinearBias"/>).
    /// </summary>
    private static void Add(OnnxNodeContext node)
    {
        if (ShapeArithmetic.AllIntegerConstants(node))
        {
            ShapeArithmetic.Arithmetic(node);
            return;
        }

        bool constantA = node.IsConstant(0), constantB = node.IsConstant(1);
        if (constantA && constantB)
        {
            throw node.Fail("adds two constants that are not integers; InfoField folds integer shape arithmetic only");
        }

        if (constantA || constantB)
        {
            int tensor = constantA ? 1 : 0;
            if (LayerNormPattern.Add(node, tensor, 1 - tensor) || GeluPattern.Add(node, tensor, 1 - tensor) || ChannelsLast.Add(node, tensor, 1 - tensor))
            {
                return;
            }

            FlatTensor x = node.Tensor(constantA ? 1 : 0);
            node.SetOutput(0, new FlatTensor(node.Importer.AddPending(node, new BiasStep(node.Dims(constantA ? 0 : 1)), [x.Index], node.Shape(x))));
            return;
        }

        node.SetOutput(0, node.Add(new Architecture.Add(), node.Tensor(0), node.Tensor(1)));
    }

    /// <summary>
    /// Two tensors: a gate (a C x 1 x 1 tensor or one of equal shape); x times sigmoid(x) is fused by
    /// <see cref="Passes.GatedActivations"/>. A tensor times a scalar constant 0 (PyTorch's <c>x.mul(0.)</c>,
    /// NAS-Bench-201's <c>none</c> edge) is <see cref="Zero"/>: zeros of the tensor's shape; by a per-channel constant,
    /// a layer norm's scale (<see cref="LayerNormPattern"/>) or else <see cref="LayerScale"/>; GELU's products are
    /// <see cref="GeluPattern"/>'s.
    /// </summary>
    private static void Mul(OnnxNodeContext node)
    {
        if (ShapeArithmetic.AllIntegerConstants(node))
        {
            ShapeArithmetic.Arithmetic(node);
            return;
        }

        for (int constant = 0; constant < 2; constant++)
        {
            if (node.IsConstant(constant) && !node.IsConstant(1 - constant) && node.Dims(constant).All(dim => dim == 1) && node.Reals(constant, 1)[0] == 0)
            {
                node.SetOutput(0, node.Add(new Zero(), node.Tensor(1 - constant)));
                return;
            }
        }

        for (int constant = 0; constant < 2; constant++)
        {
            if (node.IsConstant(constant) && !node.IsConstant(1 - constant)
                && (LayerNormPattern.Mul(node, 1 - constant, constant) || GeluPattern.MulConstant(node, 1 - constant, constant) || ChannelsLast.Mul(node, 1 - constant, constant)))
            {
                return;
            }
        }

        if (!node.IsConstant(0) && !node.IsConstant(1) && GeluPattern.MulTensors(node))
        {
            return;
        }

        if (node.IsConstant(0) || node.IsConstant(1))
        {
            int constant = node.IsConstant(0) ? 0 : 1;
            throw node.Importer.Lookup(node, constant) is ImportConstant { IsWeightInput: true } input
                ? node.Fail($"multiplies by the graph input '{input.Name}', read as a weight because only parameter inputs read it; InfoField reads networks with one input (a second input that gates a feature map is not read)")
                : node.Fail("multiplies by a constant; InfoField reads Mul of two tensors (a gate, or x times sigmoid(x) or hard-sigmoid(x))");
        }

        node.SetOutput(0, node.Add(new Multiply(), node.Tensor(0), node.Tensor(1)));
    }

    /// <summary>Channel concatenation (a concat of an earlier concat's inputs is nested by <see cref="Passes.NestedConcat"/>), or a 1-D concat of integer constants.</summary>
    private static void Concat(OnnxNodeContext node)
    {
        if (ShapeArithmetic.AllIntegerConstants(node))
        {
            var values = new List<long>();
            for (int i = 0; i < node.InputCount; i++)
            {
                if (!node.Has(i))
                {
                    continue;
                }

                long[] part = ShapeArithmetic.Input(node, i).Values;
                if (values.Count + part.Length > OnnxLimits.MaxFoldedValues)
                {
                    throw node.Fail($"concatenates constants of more than {OnnxLimits.MaxFoldedValues:N0} values; InfoField folds shape arithmetic of at most that many");
                }

                values.AddRange(part);
            }

            ShapeArithmetic.Fold(node, [.. values]);
            return;
        }

        node.RequireChannelAxis(node.Int("axis", 1));
        if (node.InputCount == 1)
        {
            node.PassOn();
            return;
        }

        var inputs = new FlatTensor[node.InputCount];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = node.Tensor(i);
        }

        node.SetOutput(0, node.Add(new Architecture.Concat(), inputs));
    }
}
