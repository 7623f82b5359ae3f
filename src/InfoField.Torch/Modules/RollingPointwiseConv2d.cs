using InfoField.Architecture;
using InfoField.Torch.Kernels;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// The paper's Rolling Pointwise Convolution RPW(C_in, C_out, g, o): output filter c reads the <c>w = C_in / g</c>
/// consecutive input channels starting at <c>floor(c (1 - o) w) mod C_in</c>, wrapping around. Its parameters are
/// exactly <c>C_out x w</c> weights (plus an optional bias), as for a grouped pointwise convolution with g groups.
/// </summary>
/// <remarks>
/// The weight is one row of w per filter, in window order: <c>weight[c, i]</c> multiplies input channel
/// <c>(start(c) + i) mod C_in</c>. On the CPU in float32 and float64 the computation runs on the banded SIMD kernels of
/// <see cref="RollingPlan"/> in one custom autograd function (docs/performance.md); on other devices (CUDA) and types it
/// runs the device-generic gather form (<see cref="RpwImplementation.Gather"/>: a gather of the window channels and a
/// grouped 1x1 convolution, libtorch operators only), which computes the same values; <see cref="Implementation"/>
/// forces that form on the CPU too. Inputs are (N, C_in, ...) with any trailing spatial dimensions.
/// </remarks>
public sealed class RollingPointwiseConv2d : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;

    [ComponentName(Name = "bias")]
    private readonly Parameter? _bias;

    private readonly RollingPlan _plan;
    private readonly long[] _windowChannels;

    // The gather form's channel indices on the device last used (created on first use, so it is no registered buffer
    // and the module's state and checkpoints are those of the fast path).
    private Tensor? _windowIndex;

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
        _plan = RollingPlan.Create(inChannels, Width, Starts);
        _windowChannels = RollingPointwiseGather.Indices(Starts, inChannels, Width);
        (_weight, _bias) = CreateParameters(outChannels, Width, hasBias);
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
    public Parameter Weight => _weight;

    /// <summary>The bias, or null.</summary>
    public Parameter? Bias => _bias;

    /// <summary>
    /// Which computation runs: <see cref="RpwImplementation.Auto"/> (default) takes the SIMD kernels wherever they apply
    /// (CPU, float32 or float64) and the gather form elsewhere; <see cref="RpwImplementation.Gather"/> always takes the
    /// gather form. Both compute the same values and gradients, up to floating-point rounding.
    /// </summary>
    public RpwImplementation Implementation { get; set; } = RpwImplementation.Auto;

    /// <summary>How the filters are laid out for the banded kernels.</summary>
    internal RollingPlan Plan => _plan;

    /// <summary>The windows' weights scattered into a dense C_out x C_in matrix (zeros outside each window).</summary>
    public Tensor DenseWeight() => RollingWindowMask.Scatter(_weight, Starts, InChannels);

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() < 2 || input.shape[1] != InChannels)
        {
            throw new ArgumentException($"RPW expects input of shape (N, {InChannels}, ...), got ({string.Join(", ", input.shape)})", nameof(input));
        }

        if (input.dim() == 5)
        {
            // A volume (N, C, D, H, W): RPW reads one position at a time, so the frames are stacked as rows of one map.
            long[] shape = input.shape;
            using Tensor rows = input.reshape(shape[0], shape[1], shape[2] * shape[3], shape[4]);
            using Tensor output = forward(rows);
            return output.reshape(shape[0], output.shape[1], shape[2], shape[3], shape[4]);
        }

        return Implementation == RpwImplementation.Auto && RollingKernels.Supports(input) && input.dtype == _weight.dtype
            ? RollingPointwiseFunction.Apply(input, _weight, _bias, _plan)
            : RollingPointwiseGather.Forward(input, _weight, _bias, WindowIndex(input));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _windowIndex?.Dispose();
            _windowIndex = null;
        }

        base.Dispose(disposing);
    }

    private Tensor WindowIndex(Tensor input)
    {
        if (_windowIndex is null || _windowIndex.device_type != input.device_type || _windowIndex.device_index != input.device_index)
        {
            _windowIndex?.Dispose();
            using var scope = NewDisposeScope();
            _windowIndex = tensor(_windowChannels, device: input.device).DetachFromDisposeScope();
        }

        return _windowIndex;
    }

    /// <summary>
    /// The C_out x w window weights and the optional bias, initialized as for a convolution of fan-in w: uniform in
    /// [-1/sqrt(w), 1/sqrt(w)], weight first. Shared by every RPW implementation so that one seed gives them all the
    /// same parameters.
    /// </summary>
    internal static (Parameter Weight, Parameter? Bias) CreateParameters(int outChannels, int width, bool hasBias)
    {
        double bound = 1.0 / Math.Sqrt(width);
        var weight = new Parameter(empty(outChannels, width).uniform_(-bound, bound));
        Parameter? bias = hasBias ? new Parameter(empty(outChannels).uniform_(-bound, bound)) : null;
        return (weight, bias);
    }

    /// <summary>Checks the arguments of RPW, naming the one that is wrong and what it must be.</summary>
    public static void Validate(int inChannels, int outChannels, int groups, double overlap)
    {
        if (inChannels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, "RPW needs at least one input channel");
        }

        if (outChannels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, "RPW needs at least one output channel");
        }

        if (groups < 1 || inChannels % groups != 0)
        {
            throw new ArgumentException($"RPW: groups g = {groups} must be at least 1 and divide the {inChannels} input channels", nameof(groups));
        }

        if (!(overlap >= 0 && overlap < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(overlap), overlap, "RPW: the overlap o must satisfy 0 <= o < 1");
        }
    }
}
