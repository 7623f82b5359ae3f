using InfoField.Architecture;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// RPW composed as the paper's Listing 2 composes it: slice each filter's window out of the input (two slices and a
/// concatenation for a window that wraps around), concatenate all windows along the channels, and run one grouped
/// 1x1 convolution with one group per window. The baseline of <c>infofield bench rpw</c>; never used by networks.
/// </summary>
/// <remarks>
/// As printed, the listing deduplicates windows into a set and builds <c>Conv2d(width * len(item_set), len(item_set),
/// groups=len(item_set))</c>, one output per distinct window, while its forward loop reads the first
/// <c>len(item_set)</c> entries of the per-filter list rather than the set: the result has fewer channels than
/// RPW(C_out) whenever windows repeat. This version keeps the listing's operators and their order but gives every one
/// of the C_out filters its own window slice and group, so its output is RPW's (with the canonical windows of
/// <see cref="RollingWindows.Starts"/>; the listing's own start arithmetic, <c>end - int(o w)</c>, differs) and it can
/// be compared with the other implementations. Its cost is what the listing's design implies: a concatenated tensor
/// of C_out x w channels, C_out / g times the input, built and differentiated on every step.
/// </remarks>
internal sealed class ListingRollingPointwiseConv2d : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;

    [ComponentName(Name = "bias")]
    private readonly Parameter? _bias;

    /// <summary>Creates the layer with the same arguments, checks and weight layout as <see cref="RollingPointwiseConv2d"/>.</summary>
    public ListingRollingPointwiseConv2d(int inChannels, int outChannels, int groups, double overlap, bool hasBias = false)
        : base(nameof(ListingRollingPointwiseConv2d))
    {
        RollingPointwiseConv2d.Validate(inChannels, outChannels, groups, overlap);
        InChannels = inChannels;
        OutChannels = outChannels;
        Width = inChannels / groups;
        Starts = RollingWindows.Starts(inChannels, outChannels, groups, overlap);
        (_weight, _bias) = RollingPointwiseConv2d.CreateParameters(outChannels, Width, hasBias);
        RegisterComponents();
    }

    /// <summary>C_in.</summary>
    public int InChannels { get; }

    /// <summary>C_out.</summary>
    public int OutChannels { get; }

    /// <summary>w.</summary>
    public int Width { get; }

    /// <summary>The first input channel of every filter's window.</summary>
    public IReadOnlyList<int> Starts { get; }

    /// <summary>The weights, one row of w per filter, in window order.</summary>
    public Parameter Weight => _weight;

    /// <summary>The bias, or null.</summary>
    public Parameter? Bias => _bias;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var windows = new List<Tensor>(OutChannels);
        foreach (int start in Starts)
        {
            int end = start + Width;
            windows.Add(end <= InChannels
                ? input.narrow(1, start, Width)
                : cat([input.narrow(1, start, InChannels - start), input.narrow(1, 0, end - InChannels)], 1));
        }

        Tensor combined = cat(windows, 1);
        Tensor output = nn.functional.conv2d(combined, _weight.view(OutChannels, Width, 1, 1), _bias, groups: OutChannels);
        return output.MoveToOuterDisposeScope();
    }
}
