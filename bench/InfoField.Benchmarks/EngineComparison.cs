using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using InfoField.Field;
using InfoField.Organizer;
using InfoField.Statistics;
using InfoField.Zoo;

namespace InfoField.Benchmarks;

/// <summary>
/// The IF engine of this build against a baseline build of InfoField.Core (another commit), in one process: each loads
/// in its own assembly load context, builds its own zoo networks, and the two analyses alternate, so that a loaded
/// machine slows both alike. Arguments: the baseline's InfoField.Core.dll, rounds [41], then models (default: vgg16,
/// resnet50, densenet121, efficientnet-b0 on ImageNet); a model written <c>optimize:name</c> times
/// <c>StageOrganizer.Optimize</c> instead. Prints the median time of <c>InformationField.Analyze</c> per model for both
/// and their ratio (after 200 unmeasured rounds, so that both run fully optimized code).
/// </summary>
public static class EngineComparison
{
    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: engine <baseline InfoField.Core.dll> [rounds] [model ...]");
            return 2;
        }

        string baselinePath = Path.GetFullPath(args[0]);
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 41;
        string[] models = args.Length > 2 ? args[2..] : ["vgg16", "resnet50", "densenet121", "efficientnet-b0"];

        var context = new AssemblyLoadContext("baseline", isCollectible: false);
        context.Resolving += (load, name) =>
        {
            string candidate = Path.Combine(Path.GetDirectoryName(baselinePath)!, name.Name + ".dll");
            return File.Exists(candidate) ? load.LoadFromAssemblyPath(candidate) : null;
        };
        Assembly baseline = context.LoadFromAssemblyPath(baselinePath);
        MethodInfo create = baseline.GetType("InfoField.Zoo.ModelZoo", throwOnError: true)!.GetMethod("Create", [typeof(string), typeof(string), typeof(double)])!;
        Type baselineNetwork = baseline.GetType("InfoField.Architecture.Network", throwOnError: true)!;
        Type baselineOptions = baseline.GetType("InfoField.Field.FieldOptions", throwOnError: true)!;
        MethodInfo analyze = baseline.GetType("InfoField.Field.InformationField", throwOnError: true)!.GetMethod("Analyze", [baselineNetwork, baselineOptions])!;
        Type baselineOrganizerOptions = baseline.GetType("InfoField.Organizer.OrganizerOptions", throwOnError: true)!;
        MethodInfo optimize = baseline.GetType("InfoField.Organizer.StageOrganizer", throwOnError: true)!.GetMethod("Optimize", [baselineNetwork, baselineOrganizerOptions])!;

        Console.WriteLine($"baseline {baselinePath}; {rounds} rounds each, alternating; median ms of InformationField.Analyze (optimize: StageOrganizer.Optimize)");
        Console.WriteLine("model | baseline (ms) | this build (ms) | ratio | allocated, baseline | allocated, this build");
        foreach (string argument in models)
        {
            bool organizer = argument.StartsWith("optimize:", StringComparison.Ordinal);
            string model = organizer ? argument["optimize:".Length..] : argument;
            MethodInfo run = organizer ? optimize : analyze;
            object before = create.Invoke(null, [model, "imagenet", 1.0])!;
            var after = ModelZoo.Create(model, "imagenet");
            Action current = organizer ? () => StageOrganizer.Optimize(after) : () => InformationField.Analyze(after);
            var a = new List<double>();
            var b = new List<double>();
            // 200 rounds of warm-up: both builds' code reaches the JIT's optimized tier before anything is measured.
            for (int round = -200; round < rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                run.Invoke(null, [before, null]);
                double x = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                current();
                double y = clock.Elapsed.TotalMilliseconds;
                if (round >= 0)
                {
                    a.Add(x);
                    b.Add(y);
                }
            }

            double medianBefore = Summary.Median(a), medianAfter = Summary.Median(b);
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            run.Invoke(null, [before, null]);
            long bytesBefore = GC.GetAllocatedBytesForCurrentThread() - bytes;
            bytes = GC.GetAllocatedBytesForCurrentThread();
            current();
            long bytesAfter = GC.GetAllocatedBytesForCurrentThread() - bytes;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{argument} | {medianBefore:0.00} | {medianAfter:0.00} | {medianAfter / medianBefore:0.00} | {bytesBefore / 1e6:0.00} MB | {bytesAfter / 1e6:0.00} MB"));
        }

        return 0;
    }
}
