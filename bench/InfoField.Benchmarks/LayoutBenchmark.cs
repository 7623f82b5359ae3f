using System.Diagnostics;
using System.Globalization;
using InfoField.Statistics;
using InfoField.Torch.Building;
using InfoField.Torch.Studies;
using InfoField.Torch.Training;
using InfoField.Training;
using InfoField.Zoo;
using static TorchSharp.torch;

namespace InfoField.Benchmarks;

/// <summary>
/// Training step time of zoo networks with <see cref="NetworkModule.ChannelsLast"/> off and on (the trainer's default
/// batch size and SGD settings), interleaved, medians. Arguments: threads [2], rounds [21], then model names (default: vgg11 mobilenet
/// resnet18 and the kernel study's VGG16-opt blocks).
/// </summary>
public static class LayoutBenchmark
{
    public static int Run(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 21;
        var settings = new TrainingSettings();
        NativeHeap.KeepFreedMemory();
        set_num_threads(threads);
        var networks = new List<(string Name, InfoField.LoadedNetwork Model)>();
        foreach (string name in args.Length > 2 ? args[2..] : ["vgg11", "mobilenet", "resnet18"])
        {
            networks.Add((name, NetworkSource.Zoo(name, DatasetInfo.FashionMnist, 0.25)));
        }

        if (args.Length <= 2)
        {
            foreach (StudyNetwork study in StudyPlans.Kernels(NetworkSource.OptimizedZoo("vgg16", DatasetInfo.FashionMnist, 0.25), StudyPlans.Table6Blocks))
            {
                networks.Add((study.Label, study.Model));
            }
        }

        Console.WriteLine($"{threads} threads, batch {settings.BatchSize}, median of {rounds} steps (ms)");
        foreach ((string name, var loaded) in networks)
        {
            manual_seed(1);
            using NetworkModule plain = ModuleBuilder.Build(loaded.Network), last = ModuleBuilder.Build(loaded.Network);
            plain.ChannelsLast = false;
            using var plainOptimizer = optim.SGD(plain.parameters(), settings.LearningRate, settings.Momentum, weight_decay: settings.WeightDecay);
            using var lastOptimizer = optim.SGD(last.parameters(), settings.LearningRate, settings.Momentum, weight_decay: settings.WeightDecay);
            var shape = loaded.Network.Input;
            using Tensor images = randn(settings.BatchSize, shape.Channels, shape.Height, shape.Width), labels = randint(0, 10, [settings.BatchSize]);
            var a = new List<double>();
            var b = new List<double>();
            for (int round = 0; round <= rounds; round++)
            {
                double x = Step(plain, plainOptimizer, images, labels), y = Step(last, lastOptimizer, images, labels);
                if (round > 0)
                {
                    a.Add(x);
                    b.Add(y);
                }
            }

            double nchw = Summary.Median(a), cl = Summary.Median(b);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-24} NCHW {nchw,8:0.0}  channels last {cl,8:0.0}  speed-up {nchw / cl:0.00}"));
        }

        return 0;
    }

    private static double Step(NetworkModule model, optim.Optimizer optimizer, Tensor images, Tensor labels)
    {
        using var scope = NewDisposeScope();
        model.train();
        var clock = Stopwatch.StartNew();
        optimizer.zero_grad();
        Tensor loss = nn.functional.cross_entropy(model.call(images), labels);
        loss.backward();
        optimizer.step();
        return clock.Elapsed.TotalMilliseconds;
    }
}
