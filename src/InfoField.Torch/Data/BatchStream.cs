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

/// <summary>
/// Cuts an <see cref="ImageSet"/> into normalized batches. Training batches are shuffled and augmented (random crop
/// with 4-pixel zero padding, horizontal flip with probability 1/2) with tensor ops drawing from one generator seeded
/// from (seed, epoch) alone, so an epoch's batches are the same whether or not the run was resumed. A background thread
/// prepares the next batches while the caller trains on the current one.
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
    /// image is dropped (batch norm cannot train on it).
    /// </summary>
    public static IEnumerable<Batch> Training(ImageSet set, Normalization normalization, int batchSize, long seed, int epoch, bool augment = true, bool prefetch = true) =>
        Run(prefetch, () => Produce(set, normalization, batchSize, Seeds.Derive(seed, epoch, Seeds.Data), shuffle: true, augment));

    /// <summary>The whole set in order, normalized, not augmented.</summary>
    public static IEnumerable<Batch> Evaluation(ImageSet set, Normalization normalization, int batchSize, bool prefetch = true) =>
        Run(prefetch, () => Produce(set, normalization, batchSize, 0, shuffle: false, augment: false));

    /// <summary>
    /// Crops every image of <paramref name="images"/> (byte or float [B, C, H, W]) at a random offset from its
    /// zero-padded copy and mirrors it with probability 1/2; offsets and flips are drawn from <paramref name="generator"/>
    /// in a fixed order (rows, columns, flips).
    /// </summary>
    public static Tensor Augment(Tensor images, Generator generator, int padding = CropPadding)
    {
        using var scope = NewDisposeScope();
        long b = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        Tensor padded = nn.functional.pad(images, [padding, padding, padding, padding]);
        Tensor top = randint(0, (2 * padding) + 1, [b], ScalarType.Int64, generator: generator);
        Tensor left = randint(0, (2 * padding) + 1, [b], ScalarType.Int64, generator: generator);
        Tensor flip = rand([b], generator: generator).lt(0.5).unsqueeze(1);
        Tensor rowSteps = arange(h, ScalarType.Int64);
        Tensor colSteps = arange(w, ScalarType.Int64);
        Tensor rows = top.unsqueeze(1) + rowSteps;
        Tensor cols = where(flip, left.unsqueeze(1) + (w - 1) - colSteps, left.unsqueeze(1) + colSteps);
        Tensor cropped = padded.gather(2, rows.view(b, 1, h, 1).expand(b, c, h, w + (2 * padding)));
        return cropped.gather(3, cols.view(b, 1, 1, w).expand(b, c, h, w)).MoveToOuterDisposeScope();
    }

    /// <summary>Scales raw byte pixels to [0, 1] and applies (x - mean) / std per channel.</summary>
    public static Tensor Normalize(Tensor pixels, Normalization normalization)
    {
        using var scope = NewDisposeScope();
        int channels = normalization.Channels;
        if (pixels.shape[1] != channels)
        {
            throw new ArgumentException($"images have {pixels.shape[1]} channels but the normalization has {channels}", nameof(pixels));
        }

        Tensor scale = tensor(normalization.Std.Select(s => (float)(1.0 / (255.0 * s))).ToArray()).view(1, channels, 1, 1);
        Tensor shift = tensor(normalization.Mean.Zip(normalization.Std, (m, s) => (float)(-m / s)).ToArray()).view(1, channels, 1, 1);
        return pixels.to_type(ScalarType.Float32).mul_(scale).add_(shift).MoveToOuterDisposeScope();
    }

    private static IEnumerable<Batch> Produce(ImageSet set, Normalization normalization, int batchSize, long seed, bool shuffle, bool augment)
    {
        int count = set.Count;
        using Generator generator = new((ulong)seed);
        using Tensor order = shuffle ? randperm(count, generator: generator) : arange(count, ScalarType.Int64);
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            if (shuffle && size < 2)
            {
                yield break;
            }

            using var scope = NewDisposeScope();
            Tensor indices = order.narrow(0, start, size);
            Tensor pixels = shuffle ? set.Images.index_select(0, indices) : set.Images.narrow(0, start, size);
            if (augment)
            {
                pixels = Augment(pixels, generator);
            }

            Tensor images = Normalize(pixels, normalization).DetachFromDisposeScope();
            Tensor labels = (shuffle ? set.Labels.index_select(0, indices) : set.Labels.narrow(0, start, size).clone()).DetachFromDisposeScope();
            yield return new Batch(images, labels);
        }
    }

    private static IEnumerable<Batch> Run(bool prefetch, Func<IEnumerable<Batch>> source)
    {
        if (!prefetch)
        {
            foreach (Batch batch in source())
            {
                yield return batch;
            }

            yield break;
        }

        using var queue = new BlockingCollection<Batch>(Prefetch);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var producer = new Thread(() =>
        {
            try
            {
                foreach (Batch batch in source())
                {
                    try
                    {
                        queue.Add(batch, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        batch.Dispose();
                        return;
                    }
                }
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
            foreach (Batch batch in queue.GetConsumingEnumerable())
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
            while (queue.TryTake(out Batch? left))
            {
                left.Dispose();
            }

            producer.Join();
            while (queue.TryTake(out Batch? late))
            {
                late.Dispose();
            }
        }
    }
}
