using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace InfoField.Torch.Data;

/// <summary>One batch: normalized float images [B, C, H, W] and int64 labels [B]. Whoever receives it disposes it.</summary>
/// <param name="Images">Normalized images.</param>
/// <param name="Labels">Class indices.</param>
public sealed record Batch(Tensor Images, Tensor Labels) : IDisposable
{
    /// <summary>Number of images.</summary>
    public int Count => (int)Labels.shape[0];

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>A batch prepared in plain arrays, before it becomes tensors.</summary>
/// <param name="Images">Normalized pixels, [B, C, H, W].</param>
/// <param name="Labels">Class indices.</param>
/// <param name="Indices">Which images of the set the batch holds, in order.</param>
public sealed record HostBatch(float[] Images, long[] Labels, int[] Indices);

/// <summary>
/// Cuts an <see cref="ImageSet"/> into normalized batches. Training batches are shuffled and augmented (random crop
/// from the image zero-padded by 4 pixels, then a horizontal flip with probability 1/2) with a <see cref="SplitMix"/>
/// generator seeded from (seed, epoch) alone, so an epoch's batches are the same whether or not the run was resumed.
/// A background thread prepares the next batches in plain C# while the caller trains on the current one; only the
/// caller's thread touches libtorch, so preparing data never starts a second OpenMP team competing for the cores.
/// </summary>
public static class BatchStream
{
    /// <summary>Zero padding of the random crop, in pixels.</summary>
    public const int CropPadding = 4;

    /// <summary>Batches prepared ahead of the consumer.</summary>
    public const int Prefetch = 2;

    /// <summary>
    /// The training batches of epoch <paramref name="epoch"/> (from 0): a permutation of the set drawn from
    /// <paramref name="seed"/> and the epoch, augmented when <paramref name="augment"/> is set. A last batch of a single
    /// image is dropped (batch norm cannot train on it). The tensors are on <paramref name="device"/> (default: the CPU).
    /// </summary>
    public static IEnumerable<Batch> Training(ImageSet set, Normalization normalization, int batchSize, long seed, int epoch, bool augment = true, bool prefetch = true, Device? device = null) =>
        ToTensors(set, Run(prefetch, () => Prepare(set, normalization, batchSize, Seeds.Derive(seed, epoch, Seeds.Data), shuffle: true, augment)), device);

    /// <summary>The whole set in order, normalized, not augmented, as tensors on <paramref name="device"/> (default: the CPU).</summary>
    public static IEnumerable<Batch> Evaluation(ImageSet set, Normalization normalization, int batchSize, bool prefetch = true, Device? device = null) =>
        ToTensors(set, Run(prefetch, () => Prepare(set, normalization, batchSize, 0, shuffle: false, augment: false)), device);

    /// <summary>
    /// Prepares batches in plain arrays: the order (a permutation drawn first when <paramref name="shuffle"/>), then
    /// per image, when <paramref name="augment"/>, its crop offsets (rows, then columns, each in 0..8) and flip.
    /// </summary>
    public static IEnumerable<HostBatch> Prepare(ImageSet set, Normalization normalization, int batchSize, long seed, bool shuffle, bool augment)
    {
        if (normalization.Channels != set.Shape.Channels)
        {
            throw new ArgumentException($"the images have {set.Shape.Channels} channels but the normalization has {normalization.Channels}", nameof(normalization));
        }

        var random = new SplitMix(seed);
        int[] order = shuffle ? random.Permutation(set.Count) : Enumerable.Range(0, set.Count).ToArray();
        float[] scale = normalization.Std.Select(s => (float)(1.0 / (255.0 * s))).ToArray();
        float[] shift = normalization.Mean.Zip(normalization.Std, (m, s) => (float)(-m / s)).ToArray();
        for (int start = 0; start < set.Count; start += batchSize)
        {
            int size = Math.Min(batchSize, set.Count - start);
            if (shuffle && size < 2)
            {
                yield break;
            }

            int[] indices = order[start..(start + size)];
            var images = new float[(long)size * set.ImageBytes];
            var labels = new long[size];
            for (int i = 0; i < size; i++)
            {
                labels[i] = set.Labels[indices[i]];
                (int top, int left, bool flip) = augment ? (random.Below((2 * CropPadding) + 1), random.Below((2 * CropPadding) + 1), random.Below(2) == 1) : (CropPadding, CropPadding, false);
                Write(set, indices[i], images.AsSpan(i * set.ImageBytes, set.ImageBytes), top - CropPadding, left - CropPadding, flip, scale, shift);
            }

            yield return new HostBatch(images, labels, indices);
        }
    }

    /// <summary>
    /// Writes image <paramref name="index"/> into <paramref name="target"/>, normalized: the window of its zero-padded copy
    /// at offset (<paramref name="dy"/>, <paramref name="dx"/>) from the image, mirrored when <paramref name="flip"/>.
    /// </summary>
    private static void Write(ImageSet set, int index, Span<float> target, int dy, int dx, bool flip, float[] scale, float[] shift)
    {
        ReadOnlySpan<byte> image = set.Image(index);
        int channels = set.Shape.Channels, height = set.Shape.Height, width = set.Shape.Width;
        for (int c = 0; c < channels; c++)
        {
            float a = scale[c], b = shift[c];
            ReadOnlySpan<byte> plane = image.Slice(c * height * width, height * width);
            for (int y = 0; y < height; y++)
            {
                Span<float> row = target.Slice(((c * height) + y) * width, width);
                int sy = y + dy;
                if (sy < 0 || sy >= height)
                {
                    row.Fill(b);
                    continue;
                }

                ReadOnlySpan<byte> source = plane.Slice(sy * width, width);
                for (int x = 0; x < width; x++)
                {
                    int sx = (flip ? width - 1 - x : x) + dx;
                    row[x] = sx < 0 || sx >= width ? b : (source[sx] * a) + b;
                }
            }
        }
    }

    /// <summary>
    /// The prepared arrays as tensors: made on the CPU (libtorch copies the arrays), then, for another device, copied
    /// there and the CPU tensors freed, so a batch holds tensors on one device only.
    /// </summary>
    private static IEnumerable<Batch> ToTensors(ImageSet set, IEnumerable<HostBatch> batches, Device? device)
    {
        long[] shape = [0, set.Shape.Channels, set.Shape.Height, set.Shape.Width];
        bool move = device is not null && device.type != TorchSharp.DeviceType.CPU;
        foreach (HostBatch batch in batches)
        {
            shape[0] = batch.Labels.Length;
            Tensor images = tensor(batch.Images, shape);
            Tensor labels = tensor(batch.Labels);
            if (move)
            {
                using Tensor hostImages = images, hostLabels = labels;
                images = hostImages.to(device!);
                labels = hostLabels.to(device!);
            }

            yield return new Batch(images.DetachFromDisposeScope(), labels.DetachFromDisposeScope());
        }
    }

    private static IEnumerable<HostBatch> Run(bool prefetch, Func<IEnumerable<HostBatch>> source)
    {
        if (!prefetch)
        {
            foreach (HostBatch batch in source())
            {
                yield return batch;
            }

            yield break;
        }

        using var queue = new BlockingCollection<HostBatch>(Prefetch);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var producer = new Thread(() =>
        {
            try
            {
                foreach (HostBatch batch in source())
                {
                    queue.Add(batch, stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception error)
            {
                failure = error;
            }
            finally
            {
                queue.CompleteAdding();
            }
        })
        { IsBackground = true, Name = "infofield-batches" };
        producer.Start();
        try
        {
            foreach (HostBatch batch in queue.GetConsumingEnumerable())
            {
                yield return batch;
            }

            if (failure is not null)
            {
                throw new InvalidOperationException($"preparing batches failed: {failure.Message}", failure);
            }
        }
        finally
        {
            stop.Cancel();
            producer.Join();
        }
    }
}
