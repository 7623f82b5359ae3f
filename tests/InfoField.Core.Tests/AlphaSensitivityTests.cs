using InfoField.Architecture;
using InfoField.Organizer;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

public class AlphaSensitivityTests
{
    [Fact]
    public void Each_alpha_is_compared_with_the_reference_unit_for_unit()
    {
        Network vgg16 = ModelZoo.Create("vgg16", "cifar10");
        Network vgg11 = ModelZoo.Create("vgg11-variant1", "cifar10");

        AlphaSensitivity study = AlphaSensitivity.Of([("vgg16", "cifar10", vgg16), ("vgg11-variant1", "cifar10", vgg11)], [0.5, 3, 10]);

        AlphaSensitivityRow row = study.Rows[0];
        Assert.Equal([[4, 4, 3, 1, 1], [5, 4, 2, 1, 1], [6, 3, 2, 1, 1]], row.After.Select(after => after.ToArray()));
        Assert.Equal([false, true, false], row.SameAsReference);
        Assert.False(study.Rows[1].Differs);
        Assert.Equal([1, 0, 1], Enumerable.Range(0, 3).Select(study.Differing));
    }

    [Fact]
    public void The_reference_must_be_among_the_alphas() =>
        Assert.Throws<ArgumentException>(() => AlphaSensitivity.Of([], [1, 2], reference: 3));
}
