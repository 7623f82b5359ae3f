using System.Globalization;
using InfoField.Torch.Data;
using InfoField.Torch.Training;
using InfoField.Training;
using InfoField.Zoo;

namespace InfoField.Benchmarks;

/// <summary>
/// The input-pipeline benchmark of docs/performance.md: training throughput fed by the real pipeline against the same
/// steps on batches already in memory (<see cref="ThroughputBenchmark"/>). Options (defaults in brackets):
/// --model [vgg11] --dataset [fashion-mnist] --width [0.25] --data-dir --batch-size [128] --steps [40] --rounds [7]
/// --threads [one per processor] --augment [on|off, default on].
/// </summary>
public static class PipelineThroughput
{
    public static int Run(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        string Get(string name, string fallback) => options.TryGetValue(name, out string? value) ? value : fallback;
        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        string model = Get("--model", "vgg11");
        string dataset = Get("--dataset", "fashion-mnist");
        double width = double.Parse(Get("--width", "0.25"), CultureInfo.InvariantCulture);
        int threads = Int("--threads", Environment.ProcessorCount);
        var settings = new TrainingSettings(BatchSize: Int("--batch-size", 128), Augment: Get("--augment", "on") == "on");
        int steps = Int("--steps", 40), rounds = Int("--rounds", 7);

        // A process-wide choice the library leaves to applications, as the command line makes it (docs/performance.md).
        NativeHeap.KeepFreedMemory();
        try
        {
            TrainingData data = Datasets.Load(dataset, new DataOptions(options.GetValueOrDefault("--data-dir")));
            LoadedNetwork loaded = Datasets.Canonical(dataset) == Datasets.ImageFolder
                ? ModelBinding.ForImageFolder(NetworkSource.Zoo(model, DatasetInfo.Cifar10, width), data.Classes.Count)
                : NetworkSource.Zoo(model, DatasetInfo.Find(Datasets.Canonical(dataset)), width);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model} width {width} on {dataset}, batch {settings.BatchSize}, augment {(settings.Augment ? "on" : "off")}, {threads} threads; {rounds} rounds of {steps} steps per mode, interleaved, after one warm-up round"));
            Console.WriteLine("| round | pipeline (images/s) | in memory (images/s) | ratio |");
            Console.WriteLine("|---:|---:|---:|---:|");
            ThroughputReport report = ThroughputBenchmark.Run(loaded.Network, data, settings, steps, rounds, threads, round =>
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round.Round} | {round.Pipeline:N0} | {round.InMemory:N0} | {round.Pipeline / round.InMemory:0.000} |")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| **median** | **{report.PipelineMedian:N0}** | **{report.InMemoryMedian:N0}** | **{report.MedianRoundRatio:0.000}** |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pipeline / in memory: ratio of the medians {report.Ratio:0.000}, median of the round ratios {report.MedianRoundRatio:0.000}"));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int prepared = 0;
            foreach (Batch batch in BatchStream.Training(data.Train, data.Normalization, settings.BatchSize, settings.Seed, 0, settings.Augment, prefetch: false))
            {
                batch.Dispose();
                prepared++;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"preparing a batch alone (one thread, no training): {clock.Elapsed.TotalMilliseconds * 1000 / prepared:N0} us ({prepared} batches)"));
            return 0;
        }
        catch (InfoFieldException error)
        {
            Console.Error.WriteLine($"pipeline benchmark: {error.Message}");
            return 1;
        }
    }
}
