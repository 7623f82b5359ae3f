using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>Pieces several zoo families share: squeeze-and-excitation gates and torchvision's channel rounding.</summary>
internal static class ZooBlocks
{
    /// <summary>
    /// torchvision's <c>_make_divisible</c>: <paramref name="value"/> rounded to the nearest multiple of
    /// <paramref name="divisor"/>, at least <paramref name="divisor"/>, and not more than 10% below the value.
    /// </summary>
    public static int MakeDivisible(double value, int divisor = 8)
    {
        int rounded = Math.Max(divisor, (int)(value + (divisor / 2.0)) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }

    /// <summary>
    /// Squeeze-and-excitation as a gate (torchvision's <c>SqueezeExcitation</c>): the input times
    /// <c>gate(fc2(activation(fc1(avgpool(input)))))</c>, where fc1 and fc2 are 1x1 convolutions with bias to
    /// <paramref name="squeeze"/> and back to <paramref name="channels"/> channels, joined by a <c>mul</c> merge.
    /// </summary>
    public static OpGraph SqueezeExcitation(int channels, int squeeze, Activation activation, Activation gate)
    {
        OpGraph scale = [Ops.GlobalAvgPool(), Ops.Pointwise(squeeze, bias: true), activation, Ops.Pointwise(channels, bias: true), gate];
        return OpGraph.Parallel(Ops.Multiply(), OpGraph.Identity, scale);
    }

    /// <summary>The first op of type <typeparamref name="T"/> in <paramref name="unit"/> and the shape it reads, or null.</summary>
    public static (T Op, FeatureShape Input)? First<T>(Unit unit, FeatureShape input)
        where T : Op
    {
        FeatureShape[] shapes = unit.Graph.Shapes(input);
        foreach (GraphNode node in unit.Graph.Nodes)
        {
            if (node.Op is T op)
            {
                return (op, shapes[node.Inputs[0]]);
            }
        }

        return null;
    }
}
