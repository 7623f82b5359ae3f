using InfoField.Kernels;
using InfoField.Torch.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Interlace = InfoField.Torch.Modules.Interlace;

namespace InfoField.Torch;

/// <summary>
/// The factorized kernels of the paper's Section 2.3 and 4.2 as TorchSharp modules, with their arguments checked:
/// PW, GC, DW and GPW are <see cref="Conv2d"/> configurations, the channel shuffle is TorchSharp's
/// <see cref="ChannelShuffle"/>, and interlace and RPW are InfoField's modules. Every factory throws
/// <see cref="ArgumentException"/> naming the argument that is wrong and what it must be. The channel connectivity
/// of each module is the <see cref="InfoField.Architecture.ChannelMap"/> of the matching Core op (tested).
/// </summary>
public static class FactorizedKernels
{
    /// <summary>PW: a 1x1 convolution, every output channel reads every input channel.</summary>
    public static Conv2d Pointwise(int inChannels, int outChannels, int stride = 1, bool bias = false)
    {
        RequireChannels(inChannels, outChannels);
        RequirePositive(stride, nameof(stride));
        return nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: bias);
    }

    /// <summary>GC: a k x k convolution in <paramref name="groups"/> groups; padding defaults to (k - 1) / 2.</summary>
    public static Conv2d GroupConvolution(int inChannels, int outChannels, int kernel, int groups, int stride = 1, int? padding = null, bool bias = false)
    {
        RequireChannels(inChannels, outChannels);
        RequireGroups(groups, inChannels, outChannels);
        RequirePositive(kernel, nameof(kernel));
        RequirePositive(stride, nameof(stride));
        return nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: Padding(kernel, padding), groups: groups, bias: bias);
    }

    /// <summary>DW: a k x k convolution per channel (<paramref name="multiplier"/> filters each); padding defaults to (k - 1) / 2.</summary>
    public static Conv2d Depthwise(int channels, int kernel = 3, int stride = 1, int? padding = null, int multiplier = 1, bool bias = false)
    {
        RequirePositive(channels, nameof(channels));
        RequirePositive(kernel, nameof(kernel));
        RequirePositive(stride, nameof(stride));
        RequirePositive(multiplier, nameof(multiplier));
        return nn.Conv2d(channels, (long)channels * multiplier, kernel, stride: stride, padding: Padding(kernel, padding), groups: channels, bias: bias);
    }

    /// <summary>GPW: a 1x1 convolution in <paramref name="groups"/> groups.</summary>
    public static Conv2d GroupedPointwise(int inChannels, int outChannels, int groups, bool bias = false)
    {
        RequireChannels(inChannels, outChannels);
        RequireGroups(groups, inChannels, outChannels);
        return nn.Conv2d(inChannels, outChannels, 1, groups: groups, bias: bias);
    }

    /// <summary>ShuffleNet's channel shuffle with <paramref name="groups"/> groups (the count must divide the channels it gets).</summary>
    public static ChannelShuffle Shuffle(int groups)
    {
        RequirePositive(groups, nameof(groups));
        return nn.ChannelShuffle(groups);
    }

    /// <summary>clcNet's interlace with <paramref name="groups"/> groups (the count must divide the channels it gets).</summary>
    public static Interlace Interlace(int groups)
    {
        RequirePositive(groups, nameof(groups));
        return new Interlace(groups);
    }

    /// <summary>RPW(C_in, C_out, g, o): g must divide C_in, 0 &lt;= o &lt; 1.</summary>
    public static RollingPointwiseConv2d RollingPointwise(int inChannels, int outChannels, int groups, double overlap, bool bias = false) =>
        new(inChannels, outChannels, groups, overlap, bias);

    /// <summary>One of the blocks A-F (<see cref="FactorizedBlocks"/>), built from its op sequence.</summary>
    public static FactorizedBlockModule Block(FactorizedBlock block, int inChannels, int outChannels, BlockSettings? settings = null, int stride = 1, bool normalize = false) =>
        new(block, inChannels, outChannels, settings, stride, normalize);

    private static long Padding(int kernel, int? padding)
    {
        int value = padding ?? ((kernel - 1) / 2);
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(padding), value, "the padding must be 0 or more");
        }

        return value;
    }

    private static void RequireChannels(int inChannels, int outChannels)
    {
        RequirePositive(inChannels, nameof(inChannels));
        RequirePositive(outChannels, nameof(outChannels));
    }

    private static void RequireGroups(int groups, int inChannels, int outChannels)
    {
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"groups g = {groups} must be at least 1 and divide both the {inChannels} input and the {outChannels} output channels", nameof(groups));
        }
    }

    private static void RequirePositive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1");
        }
    }
}
