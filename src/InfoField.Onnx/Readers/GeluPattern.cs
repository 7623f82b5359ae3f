using System.Globalization;
using InfoField.Architecture;
using InfoField.Onnx.Import;

namespace InfoField.Onnx.Readers;

/// <summary>
/// GELU as exporters write it before opset 20: Div(x, sqrt(2)), Erf, Add 1, Mul by x, Mul by 0.5 (on a feature map or a
/// channels-last view). Each node is read as its piece (<see cref="GeluPiece"/>) after checking the pieces it reads and
/// its constant (sqrt(2) to float precision, 1, 0.5 exactly); the last Mul is the GELU <see cref="Activation"/>.
/// </summary>
internal static class GeluPattern
{
    /// <summary>Div(x, sqrt(2)); false when the divisor is not a constant.</summary>
    public static bool Div(OnnxNodeContext node)
    {
        if (!node.IsConstant(1) || ChannelsLast.Read(node, 0) is not { } x || LayerNormPattern.Piece(node, 0) is LayerNormPiece or GeluPiece)
        {
            return false;
        }

        double? divisor = ChannelsLast.ScalarConstant(node, 1);
        if (divisor is not { } d || Math.Abs(d - Math.Sqrt(2)) > 1e-6)
        {
            throw node.Fail(string.Create(CultureInfo.InvariantCulture, $"divides a tensor by {(divisor is { } v ? v.ToString(CultureInfo.InvariantCulture) : $"a constant of dims [{string.Join(", ", node.Dims(1))}]")}; InfoField reads Div of a tensor by a constant only as GELU's x / sqrt(2)"));
        }

        LayerNormPattern.Add(node, new GeluScaledStep(x), x);
        return true;
    }

    /// <summary>Erf(x / sqrt(2)).</summary>
    public static void Erf(OnnxNodeContext node)
    {
        if (LayerNormPattern.Piece(node, 0) is GeluScaledStep scaled)
        {
            LayerNormPattern.Add(node, new GeluErfStep(scaled.X), scaled.X);
            return;
        }

        throw node.Fail("InfoField reads Erf only inside GELU (of x / sqrt(2))");
    }

    /// <summary>Add(erf, 1); false when the tensor is not the Erf of GELU.</summary>
    public static bool Add(OnnxNodeContext node, int tensorInput, int constantInput)
    {
        if (LayerNormPattern.Piece(node, tensorInput) is not GeluErfStep erf)
        {
            return false;
        }

        if (ChannelsLast.ScalarConstant(node, constantInput) != 1)
        {
            throw node.Fail("adds to GELU's Erf a value other than the one number 1");
        }

        LayerNormPattern.Add(node, new GeluOnePlusStep(erf.X), erf.X);
        return true;
    }

    /// <summary>Mul(x, 1 + erf) in either order; false when neither input is that piece.</summary>
    public static bool MulTensors(OnnxNodeContext node)
    {
        for (int k = 0; k < 2; k++)
        {
            if (LayerNormPattern.Piece(node, k) is GeluOnePlusStep onePlus)
            {
                if (LayerNormPattern.Tensor(node, 1 - k) != onePlus.X.Raw)
                {
                    throw node.Fail("multiplies GELU's 1 + erf(x / sqrt(2)) by a value other than that x");
                }

                LayerNormPattern.Add(node, new GeluProductStep(onePlus.X), onePlus.X);
                return true;
            }
        }

        return false;
    }

    /// <summary>Mul(x (1 + erf), 0.5): GELU; false when the tensor is not that product.</summary>
    public static bool MulConstant(OnnxNodeContext node, int tensorInput, int constantInput)
    {
        if (LayerNormPattern.Piece(node, tensorInput) is not GeluProductStep product)
        {
            return false;
        }

        if (ChannelsLast.ScalarConstant(node, constantInput) != 0.5)
        {
            throw node.Fail("multiplies GELU's x (1 + erf(x / sqrt(2))) by a value other than the one number 0.5");
        }

        ChannelsLast.Emit(node, product.X, new Activation(ActivationKind.Gelu));
        return true;
    }
}
