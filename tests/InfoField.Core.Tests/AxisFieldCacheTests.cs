using InfoField.Architecture;
using InfoField.Field;

namespace InfoField.Core.Tests;

/// <summary>
/// The axis fields the engine makes are looked up before they are made (<see cref="AxisFieldCache"/>): the same step on
/// the same field gives the same object, and once the cache has started afresh an equal one.
/// </summary>
public sealed class AxisFieldCacheTests
{
    private static int[] Intervals(AxisField field) =>
        [.. Enumerable.Range(0, field.Length).SelectMany(i => new[] { field.Lo(i), field.Hi(i) })];

    [Fact]
    public void The_same_step_on_the_same_field_gives_the_same_object()
    {
        AxisField input = AxisField.Identity(32);
        Assert.Same(input, AxisField.Identity(32));

        AxisField once = input.Through(new AxisWindow(3, 1, 1), 32);
        Assert.Same(once, input.Through(new AxisWindow(3, 1, 1), 32));
        Assert.NotSame(once, input.Through(new AxisWindow(3, 1, 0), 30));
        Assert.Equal([0, 1, 0, 2, 1, 3], Intervals(once)[..6]);

        AxisField strided = input.Through(new AxisWindow(3, 2, 1), 16);
        Assert.Same(AxisField.Hull(once, once.Through(new AxisWindow(5, 1, 2), 32)), AxisField.Hull(once, once.Through(new AxisWindow(5, 1, 2), 32)));
        Assert.Same(strided, input.Through(new AxisWindow(3, 2, 1), 16));
        AxisField one = AxisField.Identity(1);
        Assert.Same(one.Broadcast(8), one.Broadcast(8));
        Assert.Equal(Enumerable.Repeat(0, 16), Intervals(one.Broadcast(8)));
    }

    [Fact]
    public void A_cache_that_starts_afresh_gives_equal_fields_again()
    {
        AxisField input = AxisField.Identity(4000);
        AxisField first = input.Through(new AxisWindow(7, 1, 3), 4000);
        int[] intervals = Intervals(first);

        // Each field of 4,000 positions holds 8,000 ints: 600 of them pass the cache's bound of 4M.
        for (int dilation = 2; dilation < 602; dilation++)
        {
            _ = input.Through(new AxisWindow(3, 1, dilation, dilation), 4000);
        }

        AxisField again = input.Through(new AxisWindow(7, 1, 3), 4000);
        Assert.NotSame(first, again);
        Assert.Equal(intervals, Intervals(again));
    }
}
