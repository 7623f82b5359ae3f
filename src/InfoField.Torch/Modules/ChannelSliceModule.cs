using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>Channels <c>[start, start + count)</c> of an (N, C, H, W) tensor, one part of a channel split.</summary>
public sealed class ChannelSliceModule : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the slice.</summary>
    public ChannelSliceModule(int start, int count, string name = "ChannelSlice")
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Start = start;
        Count = count;
    }

    /// <summary>The first channel taken.</summary>
    public int Start { get; }

    /// <summary>The number of channels taken.</summary>
    public int Count { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input.narrow(1, Start, Count);
}

/// <summary>Part <c>part</c> of <c>parts</c> equal parts of the channels of an (N, C, H, W) tensor, whatever C is.</summary>
public sealed class ChannelSplitModule : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the split.</summary>
    public ChannelSplitModule(int part, int parts, string name = "ChannelSplit")
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(part, parts);
        Part = part;
        Parts = parts;
    }

    /// <summary>Which part, from 0.</summary>
    public int Part { get; }

    /// <summary>Into how many equal parts the channels are split.</summary>
    public int Parts { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        long width = input.shape[1] / Parts;
        return input.narrow(1, Part * width, width);
    }
}
