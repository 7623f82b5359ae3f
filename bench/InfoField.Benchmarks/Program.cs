using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/InfoField.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
