using InfoField.Architecture;
using InfoField.Torch.Data;
using InfoField.Torch.Training;

namespace InfoField.Torch.Tests.Training;

public class BatchStreamTests
{
    private static readonly Normalization Identity = new([0.0], [1.0 / 255]);

    /// <summary>Image n has label n and holds, at each position p, the value 1 + (n + p) % 250: crops and flips can be traced.</summary>
    private static ImageSet Numbered(int count, int side = 8)
    {
        var pixels = new byte[count * side * side];
        for (int n = 0; n < count; n++)
        {
            for (int p = 0; p < side * side; p++)
            {
                pixels[(n * side * side) + p] = (byte)(1 + ((n + p) % 250));
            }
        }

        IReadOnlyList<string> classes = Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return new ImageSet(pixels, Enumerable.Range(0, count).ToArray(), new FeatureShape(1, side, side), classes);
    }

    private static List<(float[] Images, long[] Labels)> Collect(IEnumerable<Batch> batches)
    {
        var result = new List<(float[], long[])>();
        foreach (Batch batch in batches)
        {
            using (batch)
            {
                result.Add((batch.Images.data<float>().ToArray(), batch.Labels.data<long>().ToArray()));
            }
        }

        return result;
    }

    [Fact]
    public void An_epochs_batches_depend_only_on_seed_and_epoch_with_or_without_prefetch()
    {
        ImageSet set = Numbered(50);

        var first = Collect(BatchStream.Training(set, Identity, 16, seed: 5, epoch: 2));
        var again = Collect(BatchStream.Training(set, Identity, 16, seed: 5, epoch: 2, prefetch: false));
        var otherEpoch = Collect(BatchStream.Training(set, Identity, 16, seed: 5, epoch: 3));
        var otherSeed = Collect(BatchStream.Training(set, Identity, 16, seed: 6, epoch: 2));

        Assert.Equal([16 * 64, 16 * 64, 16 * 64, 2 * 64], first.Select(b => b.Images.Length));
        Assert.Equal(first.SelectMany(b => b.Images), again.SelectMany(b => b.Images));
        Assert.Equal(first.SelectMany(b => b.Labels), again.SelectMany(b => b.Labels));
        Assert.NotEqual(first.SelectMany(b => b.Labels), otherEpoch.SelectMany(b => b.Labels));
        Assert.NotEqual(first.SelectMany(b => b.Labels), otherSeed.SelectMany(b => b.Labels));
    }

    [Fact]
    public void Each_training_epoch_is_a_permutation_and_drops_only_a_single_leftover_image()
    {
        ImageSet set = Numbered(33);

        long[] seen = Collect(BatchStream.Training(set, Identity, 8, seed: 1, epoch: 0)).SelectMany(b => b.Labels).ToArray();

        Assert.Equal(32, seen.Length);
        Assert.Equal(32, seen.Distinct().Count());
        Assert.NotEqual(Enumerable.Range(0, 32).Select(i => (long)i), seen);
        Assert.Equal(4, Trainer.BatchesPerEpoch(33, 8));
        Assert.Equal(5, Trainer.BatchesPerEpoch(34, 8));
    }

    [Fact]
    public void Augmented_images_are_windows_of_the_zero_padded_image_possibly_mirrored()
    {
        int side = 8, padding = BatchStream.CropPadding;
        ImageSet set = Numbered(64, side);
        int flipped = 0, shifted = 0;
        foreach ((float[] images, long[] labels) in Collect(BatchStream.Training(set, Identity, 64, seed: 3, epoch: 0)))
        {
            for (int i = 0; i < labels.Length; i++)
            {
                byte[] source = set.Image((int)labels[i]).ToArray();
                float[] image = images[(i * side * side)..((i + 1) * side * side)];
                var matches = new List<(int Dy, int Dx, bool Mirror)>();
                for (int dy = -padding; dy <= padding; dy++)
                {
                    for (int dx = -padding; dx <= padding; dx++)
                    {
                        foreach (bool mirror in new[] { false, true })
                        {
                            bool match = true;
                            for (int y = 0; y < side && match; y++)
                            {
                                for (int x = 0; x < side && match; x++)
                                {
                                    int sx = (mirror ? side - 1 - x : x) + dx, sy = y + dy;
                                    float expected = sx < 0 || sy < 0 || sx >= side || sy >= side ? 0 : source[(sy * side) + sx];
                                    match = Math.Abs(image[(y * side) + x] - expected) < 1e-3;
                                }
                            }

                            if (match)
                            {
                                matches.Add((dy, dx, mirror));
                            }
                        }
                    }
                }

                Assert.True(matches.Count == 1, $"image {labels[i]} matches {matches.Count} windows of its padded original");
                flipped += matches[0].Mirror ? 1 : 0;
                shifted += matches[0].Dy != 0 || matches[0].Dx != 0 ? 1 : 0;
            }
        }

        Assert.InRange(flipped, 16, 48);
        Assert.InRange(shifted, 50, 64);
    }

    [Fact]
    public void Normalization_scales_to_unit_range_then_standardizes_per_channel()
    {
        var set = new ImageSet([0, 255, 51, 102], [0], new FeatureShape(2, 1, 2), ["only"]);

        float[] values = Collect(BatchStream.Evaluation(set, new Normalization([0.5, 0.2], [0.25, 0.1]), 4)).Single().Images;

        Assert.Equal(-2.0f, values[0], 5);
        Assert.Equal(2.0f, values[1], 5);
        Assert.Equal(0.0f, values[2], 5);
        Assert.Equal(2.0f, values[3], 5);
    }

    [Fact]
    public void Evaluation_batches_cover_the_set_in_order_unaugmented()
    {
        ImageSet set = Numbered(21);

        var batches = Collect(BatchStream.Evaluation(set, Identity, 8));

        Assert.Equal(Enumerable.Range(0, 21).Select(i => (long)i), batches.SelectMany(b => b.Labels));
        Assert.Equal(set.Pixels.ToArray().Select(p => (float)p), batches.SelectMany(b => b.Images));
    }

    [Fact]
    public void Leaving_early_stops_the_producer()
    {
        ImageSet set = Numbered(200);

        foreach (Batch batch in BatchStream.Training(set, Identity, 4, seed: 1, epoch: 0))
        {
            batch.Dispose();
            break;
        }

        Assert.Equal(50, Collect(BatchStream.Training(set, Identity, 4, seed: 1, epoch: 0)).Count);
    }

    [Fact]
    public void The_generator_is_fixed_by_its_seed_and_permutations_are_uniform_enough()
    {
        var a = new SplitMix(42);
        var b = new SplitMix(42);
        ulong[] first = [a.Next(), a.Next(), a.Next()];

        Assert.Equal(first, new[] { b.Next(), b.Next(), b.Next() });
        // SplitMix64's published first output for seed 0 (e.g. Vigna's reference implementation).
        Assert.Equal(0xE220A8397B1DCDAFUL, new SplitMix(0).Next());
        int[] counts = new int[4];
        var random = new SplitMix(7);
        for (int i = 0; i < 4000; i++)
        {
            counts[random.Permutation(4)[0]]++;
        }

        Assert.All(counts, count => Assert.InRange(count, 850, 1150));
    }
}
