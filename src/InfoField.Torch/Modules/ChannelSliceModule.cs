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
