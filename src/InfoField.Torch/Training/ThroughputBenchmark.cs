using System.Diagnostics;
using InfoField.Architecture;
using InfoField.Statistics;
using InfoField.Torch.Building;
using InfoField.Torch.Data;
using InfoField.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Training;

/// <summary>One timed round of <see cref="ThroughputBenchmark"/>.</summary>
/// <param name="Round">The round, from 1 (round 0, the warm-up, is not reported).</param>
/// <param name="Pipeline">Images per second of training steps fed by the real pipeline.</param>
/// <param name="InMemory">Images per second of the same steps on batches already in memory.</param>
public sealed record ThroughputRound(int Round, double Pipeline, double InMemory);

/// <summary>The outcome of <see cref="ThroughputBenchmark.Run"/>.</summary>
/// <param name="Rounds">Every timed round.</param>
/// <param name="PipelineMedian">Median images per second with the pipeline.</param>
/// <param name="InMemoryMedian">Median images per second on batches in memory.</param>
public sealed record ThroughputReport(IReadOnlyList<ThroughputRound> Rounds, double PipelineMedian, double InMemoryMedian)
{
    /// <summary>Pipeline throughput as a fraction of in-memory throughput: the ratio of the medians.</summary>
    public double Ratio => PipelineMedian / InMemoryMedian;

    /// <summary>The median over rounds of each round's pipeline / in-memory ratio; a round's two halves run back to back, so a slow spell of a shared machine cancels out.</summary>
    public double MedianRoundRatio => Summary.Median(Rounds.Select(r => r.Pipeline / r.InMemory));
}

/// <summary>
/// Measures whether the input pipeline keeps up with training: the same model, batch size and training steps, fed
/// (a) by <see cref="BatchStream.Training"/> (shuffling, augmentation, normalization, background prefetch) and
/// (b) by batches prepared beforehand and held in memory, interleaved round by round (alternating which goes first)
/// so that a busy machine slows both alike; the medians are compared.
/// </summary>
public static class ThroughputBenchmark
{
    /// <summary>
    /// Runs <paramref name="rounds"/> timed rounds of <paramref name="steps"/> steps per mode, after one warm-up round, on
    /// <paramref name="threads"/> torch threads (0: one per processor); the thread count and the global generator are
    /// put back afterwards.
    /// </summary>
    public static ThroughputReport Run(Network network, TrainingData data, TrainingSettings settings, int steps, int rounds, int threads, Action<ThroughputRound>? progress = null)
    {
        if (steps < 1 || rounds < 1)
        {
            throw new InfoFieldException($"the benchmark needs at least one step and one round (got {steps} steps, {rounds} rounds)");
        }

        ModelBinding.Check(network, data, network.Name);
        using var state = TorchStateScope.Enter(threads > 0 ? threads : Environment.ProcessorCount);
        random.manual_seed(settings.Seed);
        using NetworkModule model = ModuleBuilder.Build(network);
        using SGD optimizer = optim.SGD(model.parameters(), settings.LearningRate, settings.Momentum, weight_decay: settings.WeightDecay);
        model.train();
        var prepared = new List<Batch>();
        try
        {
            foreach (Batch batch in BatchStream.Training(data.Train, data.Normalization, settings.BatchSize, settings.Seed, epoch: 1_000_000, settings.Augment).Take(steps))
            {
                prepared.Add(batch);
            }

            var results = new List<ThroughputRound>();
            for (int round = 0; round <= rounds; round++)
            {
                double pipeline = 0, memory = 0;
                foreach (bool usePipeline in round % 2 == 0 ? new[] { true, false } : [false, true])
                {
                    if (usePipeline)
                    {
                        pipeline = Time(model, optimizer, BatchStream.Training(data.Train, data.Normalization, settings.BatchSize, settings.Seed, round, settings.Augment).Take(steps), owned: true);
                    }
                    else
                    {
                        memory = Time(model, optimizer, prepared, owned: false);
                    }
                }

                if (round > 0)
                {
                    var result = new ThroughputRound(round, pipeline, memory);
                    results.Add(result);
                    progress?.Invoke(result);
                }
            }

            return new ThroughputReport(results, Summary.Median(results.Select(r => r.Pipeline)), Summary.Median(results.Select(r => r.InMemory)));
        }
        finally
        {
            prepared.ForEach(batch => batch.Dispose());
        }
    }

    private static double Time(NetworkModule model, SGD optimizer, IEnumerable<Batch> batches, bool owned)
    {
        long images = 0;
        var clock = Stopwatch.StartNew();
        foreach (Batch batch in batches)
        {
            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                Tensor loss = nn.functional.cross_entropy(model.call(batch.Images), batch.Labels);
                loss.backward();
                optimizer.step();
                images += batch.Count;
                _ = loss.item<float>();
            }

            if (owned)
            {
                batch.Dispose();
            }
        }

        return images / clock.Elapsed.TotalSeconds;
    }
}
