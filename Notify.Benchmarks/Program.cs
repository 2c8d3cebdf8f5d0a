using BenchmarkDotNet.Running;

// dotnet run --project Notify.Benchmarks -c Release -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Notify.Benchmarks.SseFrameBenchmarks).Assembly).Run(args);
