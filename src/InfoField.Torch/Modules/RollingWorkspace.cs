using static TorchSharp.torch;

namespace InfoField.Torch.Modules;

/// <summary>
/// Scratch tensors that one <see cref="RollingPointwiseConv2d"/> keeps from step to step, with their per-band views:
/// the channels-first input (extended by the wrap-around), the banded output gradient, the result of the band
/// products (the output before it is transposed back, or the input gradient), and the packed weights.
/// </summary>
/// <remarks>
/// Allocating these afresh on every step can cost more than the copies themselves: glibc returns large freed blocks
/// to the system and the next step page-faults them in again. Keeping them also lets every band product write in
/// place (<c>addmm_</c>), which TorchSharp's <c>bmm</c> cannot do, and makes each band one library call on views
/// made once. Only tensors that live inside one forward or one backward call are kept, so reuse is safe however calls
/// interleave; the price is memory, about 3.5 activations of the layer, held for the module's lifetime. Like the
/// module, not meant for concurrent calls.
/// </remarks>
internal sealed class RollingWorkspace : IDisposable
{
    private Layout? _layout;

    /// <summary>The scratch tensors for <paramref name="plan"/> on <paramref name="columns"/> = N x pixels columns.</summary>
    public Layout For(RollingBandPlan plan, long columns, ScalarType dtype, Device device)
    {
        if (_layout is null || !ReferenceEquals(_layout.Plan, plan) || _layout.Columns != columns || _layout.Dtype != dtype || _layout.DeviceType != device.type || _layout.DeviceIndex != device.index)
        {
            _layout?.Dispose();
            _layout = new Layout(plan, columns, dtype, device);
        }

        return _layout;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _layout?.Dispose();
        _layout = null;
    }

    /// <summary>Buffers and views for one plan, column count, type and device; all created once.</summary>
    internal sealed class Layout : IDisposable
    {
        private readonly List<Tensor> _owned = [];

        public Layout(RollingBandPlan plan, long columns, ScalarType dtype, Device device)
        {
            Plan = plan;
            Columns = columns;
            Dtype = dtype;
            DeviceType = device.type;
            DeviceIndex = device.index;
            int bands = plan.Bands;
            int rows = plan.RowsPerBand;
            int chunkRows = plan.ChunkBands * rows;

            // Zeroed once, so that padding rows are finite before anything is written to them.
            Extended = Own(zeros([plan.ExtendedRows, columns], dtype: dtype, device: device));
            Gradient = Own(zeros([(bands + plan.ChunkBands - 1) * (long)rows, columns], dtype: dtype, device: device));
            Result = Own(zeros([Math.Max((long)bands * rows, plan.InChannels), columns], dtype: dtype, device: device));
            Weights = Own(zeros([(long)bands * rows * plan.BandWidth], dtype: dtype, device: device));
            ChunkWeights = Own(zeros([(long)plan.InChannels * chunkRows], dtype: dtype, device: device));

            InputBands = Views(bands, t => Extended.narrow(0, (long)t * plan.BandStride, plan.BandWidth));
            WeightBands = Views(bands, t => Weights.narrow(0, (long)t * rows * plan.BandWidth, (long)rows * plan.BandWidth).view(rows, plan.BandWidth));
            ProductBands = Views(bands, t => Result.narrow(0, (long)t * rows, rows));
            GradientBands = Views(bands, t => Gradient.narrow(0, (long)(plan.ChunkBands - 1 + t) * rows, rows));
            GradientChunks = Views(bands, e => Gradient.narrow(0, (long)e * rows, chunkRows));
            ChunkWeightBands = Views(bands, e => ChunkWeights.narrow(0, (long)e * plan.BandStride * chunkRows, (long)plan.BandStride * chunkRows).view(plan.BandStride, chunkRows));
            InputGradientChunks = Views(bands, e => Result.narrow(0, (long)e * plan.BandStride, plan.BandStride));
        }

        /// <summary>
        /// Counts the forward passes that filled <see cref="Extended"/>: a backward pass whose forward pass left the
        /// count where it was finds its channels-first input still there and skips copying it again.
        /// </summary>
        public long Generation { get; set; }

        /// <summary>The plan the buffers are laid out for.</summary>
        public RollingBandPlan Plan { get; }

        /// <summary>N x pixels.</summary>
        public long Columns { get; }

        /// <summary>Element type.</summary>
        public ScalarType Dtype { get; }

        /// <summary>Device type.</summary>
        public TorchSharp.DeviceType DeviceType { get; }

        /// <summary>Device index.</summary>
        public int DeviceIndex { get; }

        /// <summary>The input, channels first and extended: (R, N pixels).</summary>
        public Tensor Extended { get; }

        /// <summary>The output gradient in band order, extended in front by its last K - 1 bands: ((G + K - 1) T, N pixels).</summary>
        public Tensor Gradient { get; }

        /// <summary>The band products (G T rows) in the forward pass, the input gradient (C_in rows) in the backward pass.</summary>
        public Tensor Result { get; }

        /// <summary>The packed band weights, G x T x B.</summary>
        public Tensor Weights { get; }

        /// <summary>The packed chunk weights of the input gradient, G x d x (K T).</summary>
        public Tensor ChunkWeights { get; }

        /// <summary>Band t of <see cref="Extended"/>: (B, N pixels).</summary>
        public IReadOnlyList<Tensor> InputBands { get; }

        /// <summary>Band t of <see cref="Weights"/>: (T, B).</summary>
        public IReadOnlyList<Tensor> WeightBands { get; }

        /// <summary>Band t of the forward <see cref="Result"/>: (T, N pixels).</summary>
        public IReadOnlyList<Tensor> ProductBands { get; }

        /// <summary>Band t of <see cref="Gradient"/> (after the K - 1 leading bands): (T, N pixels).</summary>
        public IReadOnlyList<Tensor> GradientBands { get; }

        /// <summary>The K bands overlapping input chunk e, rows e T .. (e + K) T of <see cref="Gradient"/>: (K T, N pixels).</summary>
        public IReadOnlyList<Tensor> GradientChunks { get; }

        /// <summary>Chunk e of <see cref="ChunkWeights"/>: (d, K T).</summary>
        public IReadOnlyList<Tensor> ChunkWeightBands { get; }

        /// <summary>Chunk e of the backward <see cref="Result"/>: (d, N pixels).</summary>
        public IReadOnlyList<Tensor> InputGradientChunks { get; }

        /// <inheritdoc />
        public void Dispose()
        {
            foreach (Tensor tensor in _owned)
            {
                tensor.Dispose();
            }

            _owned.Clear();
        }

        private Tensor Own(Tensor tensor)
        {
            tensor.DetachFromDisposeScope();
            _owned.Add(tensor);
            return tensor;
        }

        private Tensor[] Views(int count, Func<int, Tensor> view) => Enumerable.Range(0, count).Select(i => Own(view(i))).ToArray();
    }
}
