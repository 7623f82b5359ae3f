using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// The forward and backward passes of the fast RPW as one custom autograd function, laid out by a
/// <see cref="RollingBandPlan"/>. The output, the input gradient and the weight gradient are each one matrix product
/// per band over views of one channels-first copy of a tensor, so autograd never sees the slices, gathers and
/// scatter-adds a composition of library operators needs, and the big copies are exactly four: the input and the
/// output gradient into the channels-first layout, the output and the input gradient back. (The channels-first input
/// stays in the workspace for the weight gradient; it is copied again only if another forward pass of the same
/// module overwrote it in between.)
/// </summary>
/// <remarks>
/// Channels-first means (C, N x pixels): a band of input channels is then a block of contiguous rows, so every band
/// is a view and every band product is a plain GEMM. All scratch tensors live in the module's
/// <see cref="RollingWorkspace"/>; only the output and the input gradient are allocated per call.
/// </remarks>
internal sealed class RollingPointwiseFunction : autograd.SingleTensorFunction<RollingPointwiseFunction>
{
    private const string ContextKey = "context";
    private const string ShapeKey = "shape";
    private const string LayoutKey = "layout";
    private const string GenerationKey = "generation";

    /// <inheritdoc />
    public override string Name => nameof(RollingPointwiseConv2d);

    /// <summary>RPW of <paramref name="input"/> (N, C_in, ...) with (C_out, w) weights and an optional bias.</summary>
    public static Tensor Apply(Tensor input, Tensor weight, Tensor? bias, RollingBandPlan plan, RollingWorkspace workspace)
    {
        var needs = new Needs(input.requires_grad, weight.requires_grad, bias?.requires_grad ?? false);
        bool track = is_grad_enabled() && (needs.Input || needs.Weight || needs.Bias);
        return apply(input, weight, bias!, new Context(plan, workspace, track ? needs : null));
    }

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var weight = (Tensor)vars[1];
        var bias = vars[2] as Tensor;
        var context = (Context)vars[3];
        RollingBandPlan plan = context.Plan;
        long[] shape = input.shape;
        long batch = shape[0];
        long pixels = shape.Skip(2).Aggregate(1L, (product, size) => product * size);

        using var scope = NewDisposeScope();
        RollingWorkspace.Layout layout = context.Workspace.For(plan, batch * pixels, input.dtype, input.device);
        FillExtended(layout, input, plan, batch, pixels);
        long generation = ++layout.Generation;
        layout.Weights.zero_().index_copy_(0, On(plan.PackIndex, weight), weight.reshape(-1));
        for (int t = 0; t < plan.Bands; t++)
        {
            layout.ProductBands[t].addmm_(layout.WeightBands[t], layout.InputBands[t], beta: 0);
        }

        Tensor output = Unpack(layout.Result, plan, batch, pixels);
        if (bias is not null)
        {
            output.add_(bias.view(1, plan.OutChannels, 1));
        }

        if (context.Needs is not null)
        {
            ctx.save_for_backward([input, weight]);
            ctx.save_data(ContextKey, context);
            ctx.save_data(ShapeKey, shape);
            ctx.save_data(LayoutKey, layout);
            ctx.save_data(GenerationKey, generation);
        }

        return output.view(shape.Take(1).Append(plan.OutChannels).Concat(shape.Skip(2)).ToArray()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        List<Tensor> saved = ctx.get_saved_variables();
        var context = (Context)ctx.get_data(ContextKey);
        var shape = (long[])ctx.get_data(ShapeKey);
        RollingBandPlan plan = context.Plan;
        Needs needs = context.Needs!;
        Tensor input = saved[0];
        Tensor weight = saved[1];
        long batch = shape[0];
        long pixels = shape.Skip(2).Aggregate(1L, (product, size) => product * size);

        using var scope = NewDisposeScope();
        RollingWorkspace.Layout layout = context.Workspace.For(plan, batch * pixels, grad_output.dtype, grad_output.device);
        Tensor gradient = grad_output.reshape(batch, plan.OutChannels, pixels);
        FillGradient(layout, gradient, plan, batch, pixels);

        Tensor? inputGradient = null;
        if (needs.Input)
        {
            // Chunk e of d input channels collects from the K bands e - K + 1 .. e, which are K T consecutive rows of
            // the extended output gradient: one product per chunk, and every input channel is written once.
            layout.ChunkWeights.zero_().index_copy_(0, On(plan.ChunkPackIndex, weight), weight.reshape(-1));
            for (int e = 0; e < plan.Bands; e++)
            {
                layout.InputGradientChunks[e].addmm_(layout.ChunkWeightBands[e], layout.GradientChunks[e], beta: 0);
            }

            inputGradient = empty(shape, dtype: grad_output.dtype, device: grad_output.device);
            using Tensor chunks = layout.Result.narrow(0, 0, plan.InChannels).view(plan.InChannels, batch, pixels);
            CopyRotatedBack(inputGradient.view(batch, plan.InChannels, pixels).permute(1, 0, 2), chunks, plan.Offset);
        }

        Tensor? weightGradient = null;
        if (needs.Weight)
        {
            // The forward pass left the channels-first input in the workspace; copy it again only if another forward
            // pass of this module has overwritten it since (the module applied twice before the backward passes).
            if (!ReferenceEquals(ctx.get_data(LayoutKey), layout) || (long)ctx.get_data(GenerationKey) != layout.Generation)
            {
                FillExtended(layout, input, plan, batch, pixels);
                layout.Generation++;
            }

            Tensor packed = empty(plan.Bands, plan.RowsPerBand, plan.BandWidth, dtype: grad_output.dtype, device: grad_output.device);
            for (int t = 0; t < plan.Bands; t++)
            {
                using Tensor band = packed.select(0, t);
                using Tensor inputBand = layout.InputBands[t].t();
                band.addmm_(layout.GradientBands[t], inputBand, beta: 0);
            }

            weightGradient = packed.view(-1).index_select(0, On(plan.PackIndex, packed)).view(plan.OutChannels, plan.Width);
        }

        Tensor? biasGradient = needs.Bias ? gradient.sum([0, 2]) : null;
        foreach (Tensor tensor in saved)
        {
            tensor.Dispose();
        }

        return [inputGradient?.MoveToOuterDisposeScope()!, weightGradient?.MoveToOuterDisposeScope()!, biasGradient?.MoveToOuterDisposeScope()!, null!];
    }

    /// <summary>Copies the input (N, C_in, pixels) into the workspace, channels first, rotated by the plan's offset and extended by the wrap-around.</summary>
    private static void FillExtended(RollingWorkspace.Layout layout, Tensor input, RollingBandPlan plan, long batch, long pixels)
    {
        using Tensor target = layout.Extended.view(plan.ExtendedRows, batch, pixels);
        using Tensor source = input.reshape(batch, plan.InChannels, pixels).permute(1, 0, 2);
        long channels = plan.InChannels;
        long row = 0;
        long channel = ((plan.Offset % channels) + channels) % channels;
        while (row < plan.ExtendedRows)
        {
            long length = Math.Min(plan.ExtendedRows - row, channels - channel);
            using Tensor to = target.narrow(0, row, length);
            using Tensor from = source.narrow(0, channel, length);
            to.copy_(from);
            row += length;
            channel = 0;
        }
    }

    /// <summary>
    /// Copies the output gradient (N, C_out, pixels) into the workspace in band order, channels first, and repeats its
    /// last K - 1 bands in front of it.
    /// </summary>
    private static void FillGradient(RollingWorkspace.Layout layout, Tensor gradient, RollingBandPlan plan, long batch, long pixels)
    {
        int rows = plan.RowsPerBand;
        int lead = plan.ChunkBands - 1;
        using Tensor bands = layout.Gradient.view(plan.Bands + lead, rows, batch, pixels);
        using (Tensor main = bands.narrow(0, lead, plan.Bands))
        {
            if (plan.IsInterleaved)
            {
                // Band t, row j is filter t + G j: a transpose of the gradient's channels.
                using Tensor source = gradient.view(batch, rows, plan.Bands, pixels).permute(2, 1, 0, 3);
                main.copy_(source);
            }
            else
            {
                using Tensor slots = main.view((long)plan.Bands * rows, batch, pixels);
                using Tensor source = gradient.permute(1, 0, 2);
                slots.index_copy_(0, On(plan.SlotOfFilter, gradient), source);
            }
        }

        for (int e = 0; e < lead; e++)
        {
            int band = (((e - lead) % plan.Bands) + plan.Bands) % plan.Bands;
            using Tensor to = bands.select(0, e);
            using Tensor from = bands.select(0, lead + band);
            to.copy_(from);
        }
    }

    /// <summary>Writes row r of <paramref name="source"/> (C, ...) into row <c>(offset + r) mod C</c> of <paramref name="target"/>.</summary>
    private static void CopyRotatedBack(Tensor target, Tensor source, int offset)
    {
        long channels = target.shape[0];
        long start = ((offset % channels) + channels) % channels;
        using (Tensor to = target.narrow(0, start, channels - start))
        using (Tensor from = source.narrow(0, 0, channels - start))
        {
            to.copy_(from);
        }

        if (start > 0)
        {
            using Tensor to = target.narrow(0, 0, start);
            using Tensor from = source.narrow(0, channels - start, start);
            to.copy_(from);
        }
    }

    /// <summary>The (N, C_out, pixels) output from the (G T, N pixels) band products: a transpose or a gather.</summary>
    private static Tensor Unpack(Tensor result, RollingBandPlan plan, long batch, long pixels)
    {
        long slots = (long)plan.Bands * plan.RowsPerBand;
        using Tensor products = result.narrow(0, 0, slots);
        if (plan.IsInterleaved)
        {
            // Slot t T + j holds filter t + G j: output channel (j, t) is a transpose of the product's (t, j).
            Tensor output = empty([batch, plan.OutChannels, pixels], dtype: result.dtype, device: result.device);
            using Tensor target = output.view(batch, plan.RowsPerBand, plan.Bands, pixels);
            using Tensor source = products.view(plan.Bands, plan.RowsPerBand, batch, pixels).permute(2, 1, 0, 3);
            target.copy_(source);
            return output;
        }

        using Tensor channelsLast = products.view(slots, batch, pixels).permute(1, 0, 2);
        return channelsLast.index_select(1, On(plan.SlotOfFilter, result));
    }

    private static Tensor On(Tensor index, Tensor like) =>
        index.device_type == like.device_type && index.device_index == like.device_index ? index : index.to(like.device);

    /// <summary>Which inputs need a gradient.</summary>
    private sealed record Needs(bool Input, bool Weight, bool Bias);

    /// <summary>What a call needs besides its tensors: the layout, the scratch tensors, and which gradients to compute (null when none).</summary>
    private sealed record Context(RollingBandPlan Plan, RollingWorkspace Workspace, Needs? Needs);
}
