using InfoField.Architecture;
using InfoField.Field;
using InfoField.Organizer;
using InfoField.Spec;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

/// <summary>Properties of the organizer over random valid networks (seeded, so failures reproduce).</summary>
public class OrganizerPropertyTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 150)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_organizer_is_safe_on_random_networks(int seed)
    {
        var random = new Random(seed);
        Network network = RandomNetwork(random);
        var options = new OrganizerOptions(
            random.Next(2) == 0 ? CoordinateFrame.Input : CoordinateFrame.Output,
            random.Next(2) == 0 ? OrganizerPolicy.Literal : OrganizerPolicy.Saturated,
            new[] { 0, 0, 0.05, 0.3, 1.0 }[random.Next(5)],
            new[] { 3.0, 1.0, 5.0 }[random.Next(3)],
            random.Next(0, 25));

        OrganizerResult result = StageOrganizer.Optimize(network, options);

        // Terminates within its bound, with a stop.
        Assert.InRange(result.Steps.Count, 1, options.MaxIterations + 1);
        Assert.Equal(OrganizerAction.Stop, result.Steps[^1].Action);
        Assert.All(result.Steps.SkipLast(1), step => Assert.NotEqual(OrganizerAction.Stop, step.Action));

        Network previous = network;
        foreach (OrganizerStep step in result.Steps)
        {
            Network after = step.Architecture;

            // Every intermediate network is valid: it survives a rebuild through its spec.
            Assert.Equal(after, NetworkSpec.Parse(NetworkSpec.Serialize(after)));

            // Never touches stem or tail units, a stage's first unit, or the stage structure.
            Assert.Equal(network.Stages.Count, after.Stages.Count);
            for (int s = 0; s < network.Stages.Count; s++)
            {
                Assert.Equal(network.Stages[s].Units[0], after.Stages[s].Units[0]);
                Assert.Equal(network.Stages[s].Entry, after.Stages[s].Entry);
                Assert.Equal(Fixed(network.Stages[s]), Fixed(after.Stages[s]));
            }

            // Moves keep the unit total; removals take exactly one.
            int change = Total(after) - Total(previous);
            Assert.Equal(step.Action == OrganizerAction.Remove ? -1 : 0, change);
            Assert.Equal(step.StageUnits, StageUnits.Of(after));
            previous = after;
        }

        Assert.Equal(previous, result.After);

        // Idempotent when it stopped by a decision (not by the bound or a cycle guard).
        if (!result.StopReason.Contains("iteration bound", StringComparison.Ordinal) && !result.StopReason.Contains("earlier architecture", StringComparison.Ordinal))
        {
            OrganizerResult again = StageOrganizer.Optimize(result.After, options);
            Assert.False(again.Changed, again.StopReason);
            Assert.Equal(result.After, again.After);
        }
    }

    private static int Total(Network network) => network.Units.Count(unit => unit.Role == UnitRole.Body);

    private static List<Unit> Fixed(Stage stage) => [.. stage.Units.Where(unit => unit.Role != UnitRole.Body)];

    private static Network RandomNetwork(Random random)
    {
        int stages = random.Next(2, 6);
        int size = random.Next(2) == 0 ? 32 : 48;
        int channels = random.Next(2) == 0 ? 1 : 3;
        string kind = new[] { "vgg", "dw-pw", "basic", "generic", "residual" }[random.Next(5)];
        var list = new List<Stage>();
        int width = 8 * random.Next(1, 4);
        int inChannels = channels;
        for (int s = 0; s < stages; s++)
        {
            var units = new List<Unit>();
            if (s == 0 && random.Next(2) == 0)
            {
                units.Add(new Unit("stem", [Ops.Conv(width, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()], UnitRole.Stem));
                inChannels = width;
            }

            bool strided = s > 0 && kind is "dw-pw" or "basic" && random.Next(2) == 0;
            int count = random.Next(1, 5);
            for (int u = 0; u < count; u++)
            {
                int stride = strided && u == 0 ? 2 : 1;
                units.Add(kind switch
                {
                    "vgg" => Vgg.ConvUnit(width, random.Next(2) == 0),
                    "dw-pw" => MobileNet.DepthwiseSeparable(width, stride),
                    "basic" => ResNet.Basic(inChannels, width, stride),
                    "generic" => new Unit($"conv3-{width}", [Ops.Conv(width, 3, padding: 1), Ops.Relu()]),
                    _ => new Unit($"res-{width}", Ops.Residual([Ops.Conv(width, 3, padding: 1), Ops.BatchNorm()], inChannels == width ? [] : [Ops.Pointwise(width), Ops.BatchNorm()]).Then(Ops.Relu())),
                });
                inChannels = width;
            }

            if (s == stages - 1 && random.Next(3) == 0)
            {
                units.Add(new Unit("tail", [Ops.Pointwise(width * 2), Ops.Relu()], UnitRole.Tail));
                inChannels = width * 2;
            }

            list.Add(new Stage(s == 0 || strided ? [] : [Ops.MaxPool(2)], units.ToValueList()));
            width *= random.Next(1, 3);
        }

        return new Network($"random-{kind}", new FeatureShape(channels, size, size), list.ToValueList(), [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(10)]);
    }
}
