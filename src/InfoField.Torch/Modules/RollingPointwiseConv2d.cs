using InfoField.Architecture;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// The paper's Rolling Pointwise Convolution RPW(C_in, C_out, g, o): output filter c reads the <c>w = C_in / g</c>
/// consecutive input channels starting at <c>floor(c (1 - o) w) mod C_in</c>, wrapping around. Its parameters are
/// exactly <c>C_out x w</c> weights (plus an optional bias), as for a grouped pointwise convolution with g groups.
/// </summary>
public sealed class RollingPointwiseConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly Tensor columns;

    /// <summary>Creates the layer; throws <see cref="ArgumentException"/> for groups that do not divide C_in or an overlap outside [0, 1).</summary>
    public RollingPointwiseConv2d(int inChannels, int outChannels, int groups, double overlap, bool hasBias = false, string name = "RollingPointwiseConv2d")
        : base(name)
    {
        Validate(inChannels, outChannels, groups, overlap);
        InChannels = inChannels;
        OutChannels = outChannels;
        Groups = groups;
        Overlap = overlap;
        Width = inChannels / groups;
        Starts = RollingWindows.Starts(inChannels, outChannels, groups, overlap);

        var indices = new long[outChannels * Width];
        for (int c = 0; c < outChannels; c++)
        {
            for (int i = 0; i < Width; i++)
            {
                indices[(c * Width) + i] = (Starts[c] + i) % inChannels;
            }
        }

        columns = tensor(indices, [outChannels, Width]);
        double bound = 1.0 / Math.Sqrt(Width);
        weight = new Parameter(empty(outChannels, Width).uniform_(-bound, bound));
        bias = hasBias ? new Parameter(empty(outChannels).uniform_(-bound, bound)) : null;
        RegisterComponents();
    }

    /// <summary>C_in.</summary>
    public int InChannels { get; }

    /// <summary>C_out.</summary>
    public int OutChannels { get; }

    /// <summary>g.</summary>
    public int Groups { get; }

    /// <summary>o.</summary>
    public double Overlap { get; }

    /// <summary>w = C_in / g, the channels each filter reads.</summary>
    public int Width { get; }

    /// <summary>The first input channel of every filter's window.</summary>
    public IReadOnlyList<int> Starts { get; }

    /// <summary>The weights, one row of <see cref="Width"/> per filter, in window order.</summary>
    public Parameter Weight => weight;

    /// <summary>The bias, or null.</summary>
    public Parameter? Bias => bias;

    /// <summary>The windows' weights scattered into a dense C_out x C_in matrix (zeros outside each window).</summary>
    public Tensor DenseWeight()
    {
        using Tensor zeroes = zeros(OutChannels, InChannels, dtype: weight.dtype, device: weight.device);
        using Tensor index = columns.to(weight.device);
        return zeroes.scatter(1, index, weight);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor dense = DenseWeight().view(OutChannels, InChannels, 1, 1);
        return nn.functional.conv2d(input, dense, bias).MoveToOuterDisposeScope();
    }

    /// <summary>Checks the arguments of RPW.</summary>
    public static void Validate(int inChannels, int outChannels, int groups, double overlap)
    {
        if (inChannels < 1 || outChannels < 1)
        {
            throw new ArgumentException($"RPW needs at least one input and one output channel (got {inChannels} and {outChannels})");
        }

        if (groups < 1 || inChannels % groups != 0)
        {
            throw new ArgumentException($"RPW: groups g = {groups} must divide the {inChannels} input channels");
        }

        if (!(overlap >= 0 && overlap < 1))
        {
            throw new ArgumentException($"RPW: overlap o = {overlap} must satisfy 0 <= o < 1");
        }
    }
}
