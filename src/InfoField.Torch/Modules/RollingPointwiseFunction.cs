using InfoField.Torch.Building;
using InfoField.Torch.Kernels;
using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// The forward and backward passes of the fast RPW as one custom autograd function, on the banded kernels of a
/// <see cref="RollingPlan"/>. The kernels read and write (N, C, ...) tensors in NCHW order: no slices, no scatter-adds;
/// each output, input-gradient and weight-gradient element is written once. A channels-last input costs one copy in and
/// one out in each pass.
/// </summary>
internal sealed class RollingPointwiseFunction : autograd.SingleTensorFunction<RollingPointwiseFunction>
{
    private const string PlanKey = "plan";
    private const string BiasKey = "bias";
    private const string LayoutKey = "channelsLast";

    /// <inheritdoc />
    public override string Name => nameof(RollingPointwiseConv2d);

    /// <summary>RPW of <paramref name="input"/> (N, C_in, ...) with (C_out, w) weights and an optional bias, laid out by <paramref name="plan"/>.</summary>
    public static Tensor Apply(Tensor input, Tensor weight, Tensor? bias, RollingPlan plan) => apply(input, weight, bias!, plan);

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        // The kernels run on NCHW planes. A channels-last input (NetworkModule.ChannelsLast) is copied to NCHW, and its
        // output and input gradient go back to channels-last, so that the ops around RPW keep the faster layout.
        bool channelsLast = MemoryLayout.IsChannelsLast((Tensor)vars[0]);
        var input = ((Tensor)vars[0]).contiguous();
        var weight = ((Tensor)vars[1]).contiguous();
        var bias = vars[2] as Tensor;
        var plan = (RollingPlan)vars[3];
        long[] shape = [input.shape[0], plan.OutChannels, .. input.shape.Skip(2)];
        Tensor output = empty(shape, dtype: input.dtype, device: input.device);
        RollingKernels.Forward(plan, input, weight, output);
        if (bias is not null)
        {
            using Tensor view = bias.view([1, plan.OutChannels, .. Enumerable.Repeat(1L, shape.Length - 2)]);
            output.add_(view);
        }

        ctx.save_for_backward([input, weight]);
        ctx.save_data(PlanKey, plan);
        ctx.save_data(BiasKey, bias is not null);
        ctx.save_data(LayoutKey, channelsLast);
        return channelsLast ? ChannelsLast(output) : output;
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        List<Tensor> saved = ctx.get_saved_variables();
        var plan = (RollingPlan)ctx.get_data(PlanKey);
        Tensor input = saved[0];
        Tensor weight = saved[1];
        using Tensor gradient = grad_output.contiguous();
        Tensor inputGradient = empty_like(input);
        RollingKernels.InputGradient(plan, gradient, weight, inputGradient);
        Tensor weightGradient = empty_like(weight);
        RollingKernels.WeightGradient(plan, gradient, input, weightGradient);
        Tensor? biasGradient = (bool)ctx.get_data(BiasKey) ? gradient.sum([0, .. Enumerable.Range(2, (int)gradient.dim() - 2).Select(d => (long)d)]) : null;
        return [(bool)ctx.get_data(LayoutKey) ? ChannelsLast(inputGradient) : inputGradient, weightGradient, biasGradient!, null!];
    }

    private static Tensor ChannelsLast(Tensor planes)
    {
        using (planes)
        {
            return MemoryLayout.ToChannelsLast(planes);
        }
    }
}
