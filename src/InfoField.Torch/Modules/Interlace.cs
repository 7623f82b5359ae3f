using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// clcNet's interlace with g groups: output group k holds input channels k, k + g, k + 2g, ... (output channel j is
/// input channel <c>(j mod (C/g)) g + j div (C/g)</c>), the permutation of <see cref="InfoField.Architecture.Interlace"/>.
/// </summary>
public sealed class Interlace : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the permutation for <paramref name="groups"/> groups.</summary>
    public Interlace(long groups, string name = "Interlace")
        : base(name)
    {
        if (groups < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups, "groups must be at least 1");
        }

        Groups = groups;
    }

    /// <summary>The number of groups g.</summary>
    public long Groups { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        long channels = input.shape[1];
        if (channels % Groups != 0)
        {
            throw new ArgumentException($"interlace: {Groups} groups do not divide the {channels} input channels", nameof(input));
        }

        long perGroup = channels / Groups;
        long[] shape = input.shape;
        long[] split = [shape[0], perGroup, Groups, .. shape[2..]];
        using Tensor view = input.reshape(split);
        using Tensor swapped = view.transpose(1, 2);
        return swapped.reshape(shape);
    }
}
