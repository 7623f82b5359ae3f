using InfoField.Architecture;

namespace InfoField.Core.Tests;

/// <summary>
/// A seeded generator of valid multi-stage branched networks, the kind spec files describe: channel splits into 2 to 4
/// parts (with a branch that transforms one part), fixed channel slices, Inception-like concats that change the
/// channel count, squeeze-and-excitation gates (a mul with a pooled branch), residual adds, depthwise and grouped units
/// with shuffles, squeeze units that narrow the channels, strided units and pooling entries that open stages, stems,
/// tails, and heads with or without a linear classifier (without one, a last 1x1 convolution to the classes is the
/// classifier, as in SqueezeNet). Many units tie their shapes to the channel count they receive (a split must divide
/// it, a gate and a residual add must match it), so an edit upstream that changes a channel count can break them.
/// </summary>
internal static class BranchedNetworks
{
    /// <summary>The channel counts the generator uses: multiples of 2, 3 and 4 so that splits into 2, 3 or 4 parts divide some and not others.</summary>
    private static readonly int[] Widths = [8, 12, 16, 24, 32, 36, 48];

    /// <summary>The network of <paramref name="seed"/>; the same seed gives the same network.</summary>
    public static Network Generate(int seed)
    {
        var random = new Random(seed);
        int size = random.Next(2) == 0 ? 32 : 24;
        int channels = random.Next(3) switch { 0 => 1, 1 => 3, _ => 4 };
        int stageCount = random.Next(2, 5);
        bool linearHead = random.Next(4) != 0;
        int c = channels;
        var stages = new List<Stage>();
        for (int s = 0; s < stageCount; s++)
        {
            var units = new List<Unit>();
            ValueList<Op> entry = [];
            if (s == 0 && random.Next(3) == 0)
            {
                int width = Pick(random);
                units.Add(new Unit($"stem-{width}", [Ops.Conv(width, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()], UnitRole.Stem));
                c = width;
            }
            else if (s > 0 && random.Next(2) == 0)
            {
                entry = [Ops.MaxPool(2)];
            }
            else if (s > 0)
            {
                int width = Pick(random);
                units.Add(new Unit($"down-{width}", [Ops.Conv(width, 3, stride: 2, padding: 1), Ops.BatchNorm(), Ops.Relu()]));
                c = width;
            }

            int count = random.Next(1, 6);
            for (int u = 0; u < count; u++)
            {
                Unit unit = RandomUnit(random, c, units.Count);
                c = unit.OutputShape(new FeatureShape(c, 8, 8)).Channels;
                units.Add(unit);
            }

            bool last = s == stageCount - 1;
            if (last && !linearHead)
            {
                // No linear layer in the head: the last 1x1 convolution maps to the classes (SqueezeNet's classifier).
                units.Add(new Unit("pw-10", [Ops.Pointwise(10), Ops.Relu()]));
                c = 10;
            }
            else if (last && random.Next(3) == 0)
            {
                int width = 2 * Pick(random);
                units.Add(new Unit($"tail-{width}", [Ops.Pointwise(width), Ops.BatchNorm(), Ops.Relu()], UnitRole.Tail));
                c = width;
            }

            stages.Add(new Stage(entry, units.ToValueList()));
        }

        ValueList<Op> head = linearHead ? [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(10)] : [Ops.GlobalAvgPool(), Ops.Flatten()];
        return new Network($"branched-{seed}", new FeatureShape(channels, size, size), stages.ToValueList(), head);
    }

    private static int Pick(Random random) => Widths[random.Next(Widths.Length)];

    private static Unit RandomUnit(Random random, int c, int index)
    {
        string name = $"u{index}";
        while (true)
        {
            int parts = random.Next(2, 5);
            int kind = random.Next(9);
            switch (kind)
            {
                case 0:
                    int width = random.Next(2) == 0 ? c : Pick(random);
                    int kernel = random.Next(2) == 0 ? 1 : 3;
                    return new Unit($"conv{kernel}-{width}", [Ops.Conv(width, kernel, padding: kernel / 2), Ops.BatchNorm(), Ops.Relu()]);
                case 1:
                    // A squeeze: narrows the channels and sees one position (it adds nothing to the field).
                    int narrow = Math.Max(2, c / (random.Next(2) + 2) / 2 * 2);
                    return new Unit($"pw-{narrow}", [Ops.Pointwise(narrow), Ops.Relu()]);
                case 2 when c % parts == 0:
                    // A split into equal parts, the last transformed: the parts must divide what the unit receives.
                    int part = c / parts;
                    var kept = Enumerable.Range(0, parts - 1).Select(p => OpGraph.Chain([Ops.Split(p, parts)]));
                    OpGraph transformed = [Ops.Split(parts - 1, parts), Ops.Conv(part, 3, padding: 1), Ops.Relu()];
                    return new Unit($"{name}-split{parts}", OpGraph.Parallel(Ops.Concat(), [.. kept, transformed]));
                case 3 when c >= 4:
                    // Fixed slices: they must lie within what the unit receives.
                    int first = 1 + random.Next(c - 1);
                    OpGraph left = [Ops.Slice(0, first)];
                    OpGraph right = [Ops.Slice(first, c - first), Ops.Depthwise(3), Ops.Relu()];
                    return new Unit($"{name}-slice", OpGraph.Parallel(Ops.Concat(), left, right));
                case 4:
                    // Inception-like: the branches' widths add up to a new channel count.
                    int a = Pick(random) / 2, b = Pick(random) / 2, d = Pick(random) / 4;
                    OpGraph one = [Ops.Pointwise(a), Ops.Relu()];
                    OpGraph three = [Ops.Pointwise(Math.Max(2, b / 2)), Ops.Relu(), Ops.Conv(b, 3, padding: 1), Ops.Relu()];
                    OpGraph pool = [Ops.MaxPool(3, stride: 1, padding: 1), Ops.Pointwise(d)];
                    return new Unit($"concat-{a + b + d}", OpGraph.Parallel(Ops.Concat(), one, three, pool));
                case 5:
                    // A squeeze-and-excitation gate: the gate's width must match what the unit receives.
                    OpGraph gate = [Ops.GlobalAvgPool(), Ops.Pointwise(Math.Max(1, c / 4)), Ops.Relu(), Ops.Pointwise(c), Ops.Sigmoid()];
                    return new Unit($"{name}-se", OpGraph.Parallel(Ops.Multiply(), OpGraph.Identity, gate));
                case 6:
                    // A residual add with an identity shortcut: the body's width must match what the unit receives.
                    return new Unit($"{name}-res", Ops.Residual([Ops.Conv(c, 3, padding: 1), Ops.BatchNorm(), Ops.Relu(), Ops.Conv(c, 3, padding: 1), Ops.BatchNorm()]).Then(Ops.Relu()));
                case 7:
                    int outWidth = random.Next(2) == 0 ? c : Pick(random);
                    return new Unit($"dw-pw-{outWidth}", [Ops.Depthwise(3), Ops.BatchNorm(), Ops.Relu(), Ops.Pointwise(outWidth), Ops.BatchNorm(), Ops.Relu()]);
                case 8 when c % parts == 0:
                    // A grouped pointwise convolution and a shuffle: the groups must divide the channels.
                    return new Unit($"{name}-gpw{parts}", [Ops.Pointwise(c, groups: parts), Ops.Shuffle(parts), Ops.Depthwise(3), Ops.Relu()]);
            }
        }
    }
}
