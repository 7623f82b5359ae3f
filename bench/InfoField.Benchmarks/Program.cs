using BenchmarkDotNet.Running;
using InfoField.Benchmarks;

// dotnet run -c Release --project bench/InfoField.Benchmarks -- --filter '*'
// dotnet run -c Release --project bench/InfoField.Benchmarks -- layout [threads rounds models...] (see LayoutBenchmark)
// dotnet run -c Release --project bench/InfoField.Benchmarks -- space [rounds warmup jsonl] (see SearchSpaceBenchmark)
// dotnet run -c Release --project bench/InfoField.Benchmarks -- pipeline [--model M --dataset D ...] (see PipelineThroughput)
// dotnet run -c Release --project bench/InfoField.Benchmarks -- engine <baseline InfoField.Core.dll> [rounds models...] (see EngineComparison)
if (args.Length > 0 && args[0] == "engine")
{
    return EngineComparison.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "pipeline")
{
    return PipelineThroughput.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "space")
{
    return SearchSpaceBenchmark.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "layout")
{
    return LayoutBenchmark.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
