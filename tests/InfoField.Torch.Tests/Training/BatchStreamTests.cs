using InfoField.Architecture;
using InfoField.Torch.Data;
using InfoField.Torch.Training;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests.Training;

public class BatchStreamTests
{
    private static ImageSet Numbered(int count, int side = 8)
    {
        // Image n holds n in its first pixel and its pixel positions elsewhere, so crops and flips can be traced.
        var pixels = new byte[count * side * side];
        for (int n = 0; n < count; n++)
        {
            for (int p = 0; p < side * side; p++)
            {
                pixels[(n * side * side) + p] = (byte)(p == 0 ? n : 1 + p);
            }
        }

        return ImageSet.FromBytes(pixels, Enumerable.Range(0, count).Select(n => (byte)(n % 10)).ToArray(), new FeatureShape(1, side, side), TestFilesClasses);
    }

    private static readonly IReadOnlyList<string> TestFilesClasses = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static readonly Normalization Identity = new([0.0], [1.0 / 255]);

    private static List<float[]> Collect(IEnumerable<Batch> batches)
    {
        var result = new List<float[]>();
        foreach (Batch batch in batches)
        {
            using (batch)
            {
                result.Add(batch.Images.data<float>().ToArray());
            }
        }

        return result;
    }

    [Fact]
    public void An_epochs_batches_depend_only_on_seed_and_epoch_with_or_without_prefetch()
    {
        using ImageSet set = Numbered(50);

        var first = Collect(BatchStream.Training(set, Identity, 16, seed: 5, epoch: 2));
        var again = Collect(BatchStream.Training(set, Identity, 16, seed: 5, epoch: 2, prefetch: false));
        var otherEpoch = Collect(BatchStream.Training(set, Identity, 16, seed: 5, epoch: 3));
        var otherSeed = Collect(BatchStream.Training(set, Identity, 16, seed: 6, epoch: 2));

        Assert.Equal([16 * 64, 16 * 64, 16 * 64], first.Take(3).Select(b => b.Length));
        Assert.Equal(4, first.Count);
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherEpoch);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public void Each_training_epoch_is_a_permutation_and_drops_only_a_single_leftover_image()
    {
        using ImageSet set = Numbered(33);
        var seen = new List<long>();
        foreach (Batch batch in BatchStream.Training(set, Identity, 8, seed: 1, epoch: 0, augment: false))
        {
            using (batch)
            {
                Assert.Equal(batch.Labels.data<long>().ToArray(), batch.Images.select(2, 0).select(2, 0).select(1, 0).data<float>().ToArray().Select(v => (long)Math.Round(v) % 10));
                seen.AddRange(batch.Images.select(2, 0).select(2, 0).select(1, 0).data<float>().ToArray().Select(v => (long)Math.Round(v)));
            }
        }

        Assert.Equal(32, seen.Count);
        Assert.Equal(32, seen.Distinct().Count());
        Assert.NotEqual(Enumerable.Range(0, 32).Select(i => (long)i), seen);
        Assert.Equal(4, Trainer.BatchesPerEpoch(33, 8));
        Assert.Equal(5, Trainer.BatchesPerEpoch(34, 8));
    }

    [Fact]
    public void Augmented_images_are_windows_of_the_zero_padded_image_possibly_mirrored()
    {
        int side = 8, padding = 4;
        using ImageSet set = Numbered(64, side);
        using var generator = new Generator(3);
        using Tensor augmented = BatchStream.Augment(set.Images, generator, padding);
        byte[] all = augmented.data<byte>().ToArray();
        byte[] source = set.Images.data<byte>().ToArray();
        int flipped = 0, shifted = 0;
        for (int n = 0; n < 64; n++)
        {
            byte[] image = all[(n * side * side)..((n + 1) * side * side)];
            bool found = false;
            for (int dy = -padding; dy <= padding && !found; dy++)
            {
                for (int dx = -padding; dx <= padding && !found; dx++)
                {
                    foreach (bool mirror in new[] { false, true })
                    {
                        bool match = true;
                        for (int y = 0; y < side && match; y++)
                        {
                            for (int x = 0; x < side && match; x++)
                            {
                                int sx = (mirror ? side - 1 - x : x) + dx, sy = y + dy;
                                byte expected = sx < 0 || sy < 0 || sx >= side || sy >= side ? (byte)0 : source[(n * side * side) + (sy * side) + sx];
                                match = image[(y * side) + x] == expected;
                            }
                        }

                        if (match)
                        {
                            found = true;
                            flipped += mirror ? 1 : 0;
                            shifted += dx != 0 || dy != 0 ? 1 : 0;
                            break;
                        }
                    }
                }
            }

            Assert.True(found, $"image {n} is not a (mirrored) window of its padded original");
        }

        Assert.InRange(flipped, 16, 48);
        Assert.InRange(shifted, 50, 64);
    }

    [Fact]
    public void Normalization_scales_to_unit_range_then_standardizes_per_channel()
    {
        using Tensor pixels = tensor(new byte[] { 0, 255, 51, 102 }, [1, 2, 1, 2], ScalarType.Byte);

        using Tensor normalized = BatchStream.Normalize(pixels, new Normalization([0.5, 0.2], [0.25, 0.1]));

        float[] values = normalized.data<float>().ToArray();
        Assert.Equal(-2.0f, values[0], 5);
        Assert.Equal(2.0f, values[1], 5);
        Assert.Equal(0.0f, values[2], 5);
        Assert.Equal(2.0f, values[3], 5);
    }

    [Fact]
    public void Evaluation_batches_cover_the_set_in_order()
    {
        using ImageSet set = Numbered(21);

        var firsts = new List<long>();
        foreach (Batch batch in BatchStream.Evaluation(set, Identity, 8))
        {
            using (batch)
            {
                firsts.AddRange(batch.Images.select(2, 0).select(2, 0).select(1, 0).data<float>().ToArray().Select(v => (long)Math.Round(v)));
            }
        }

        Assert.Equal(Enumerable.Range(0, 21).Select(i => (long)i), firsts);
    }

    [Fact]
    public void Leaving_early_stops_the_producer_and_frees_prepared_batches()
    {
        using ImageSet set = Numbered(200);

        foreach (Batch batch in BatchStream.Training(set, Identity, 4, seed: 1, epoch: 0))
        {
            batch.Dispose();
            break;
        }

        var rest = Collect(BatchStream.Training(set, Identity, 4, seed: 1, epoch: 0));
        Assert.Equal(50, rest.Count);
    }
}
