using InfoField.Architecture;

namespace InfoField.Onnx.Readers;

/// <summary>Activations and batch normalization: one op per node, shape kept.</summary>
internal static class ActivationReaders
{
    /// <summary>The entries.</summary>
    public static IEnumerable<OnnxReader> All =>
    [
        Activation("Relu", 1, ActivationKind.Relu),
        Activation("LeakyRelu", 1, ActivationKind.LeakyRelu),
        Activation("Sigmoid", 1, ActivationKind.Sigmoid),
        Activation("HardSigmoid", 1, ActivationKind.Hardsigmoid),
        Activation("HardSwish", 14, ActivationKind.Hardswish),
        Activation("Tanh", 1, ActivationKind.Tanh),
        new("Clip", 1, node => Clip(node, node.Float("min", double.NegativeInfinity), node.Float("max", double.PositiveInfinity))),
        new("Clip", 11, node => Clip(node, node.Has(1) ? node.Scalar(1) : double.NegativeInfinity, node.Has(2) ? node.Scalar(2) : double.PositiveInfinity)) { MaxInputs = 3 },
        new("BatchNormalization", 1, BatchNormalization) { MinInputs = 5, MaxInputs = 5, MaxOutputs = 5, ParameterInputs = [1, 2, 3, 4] },
        new("Softmax", 1, node => node.Emit(new Softmax())),
    ];

    private static OnnxReader Activation(string opType, int since, ActivationKind kind) =>
        new(opType, since, node => node.Emit(new Activation(kind)));

    private static void Clip(OnnxNodeContext node, double min, double max)
    {
        ActivationKind kind = (min, max) switch
        {
            (0, 6) => ActivationKind.Relu6,
            (0, double.PositiveInfinity) => ActivationKind.Relu,
            _ => throw node.Fail($"clips to [{min}, {max}]; InfoField reads Clip(0, 6) as ReLU6 and Clip(0) as ReLU"),
        };
        node.Emit(new Activation(kind));
    }

    /// <summary>Batch norm: its scale, shift, mean and variance must each hold one value per channel.</summary>
    private static void BatchNormalization(OnnxNodeContext node)
    {
        FlatTensor x = node.Tensor(0);
        int channels = node.Shape(x).Channels;
        string[] names = ["scale", "shift", "running mean", "running variance"];
        for (int i = 1; i <= 4; i++)
        {
            node.RequireVector(i, channels, names[i - 1]);
        }

        node.SetOutput(0, node.Add(new BatchNorm(node.Float("epsilon", 1e-5)), x));
    }
}
