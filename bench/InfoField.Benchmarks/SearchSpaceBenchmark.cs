using System.Diagnostics;
using System.Globalization;
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Samples.NasBench201;
using InfoField.Spec;
using InfoField.Statistics;

namespace InfoField.Benchmarks;

/// <summary>
/// Parsing and analysing a whole NAS search space in one process (docs/performance.md#search-spaces): the 15,625
/// NAS-Bench-201 networks as spec lines (generated in memory, or read from a JSONL file), each parsed with
/// <see cref="NetworkSpec.Parse(string, string, string, OpSet?)"/> and analysed with <see cref="InformationField.Analyze"/> in
/// turn, as a batch does (nothing is kept). The process's CPU time is printed beside the wall time: on a loaded
/// machine it is what one core would take. Rounds after the warm-up
/// are timed; medians are printed. Run it on one core: <c>taskset -c 0 dotnet bench/.../InfoField.Benchmarks.dll space</c>.
/// Arguments: rounds [5], warm-up rounds [1], then optionally a JSONL file (<c>-</c>: the space generated in memory), then
/// optionally a submode: <c>readers</c> (the fast reader against the checked one), <c>phases</c> (CPU per phase of a
/// batch line), <c>batch</c> (the library call behind <c>analyze --batch</c>, round after round in one process),
/// <c>alloc</c> (the types the engine allocates, <see cref="AllocationProfile"/>), <c>parse</c> (parsing alone: CPU and
/// bytes allocated per spec), <c>parse-alloc</c> (the types parsing allocates), <c>brief</c> (as without a submode,
/// the analysis asked for no op's field: <see cref="FieldOptions.OpFields"/>, as <c>analyze --batch --detail false</c>).
/// </summary>
public static class SearchSpaceBenchmark
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        int warmup = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        string[] lines = args.Length > 2 && args[2] != "-"
            ? File.ReadAllLines(args[2])
            : [.. Cell.All.Select(cell => SpaceSpec.Json(cell))];
        if (args.Length > 3 && args[3] == "phases")
        {
            return Phases(lines, rounds, warmup);
        }

        if (args.Length > 3 && args[3] is "alloc" or "parse-alloc")
        {
            return AllocationProfile.Run(lines, parsing: args[3] == "parse-alloc");
        }

        if (args.Length > 3 && args[3] == "parse")
        {
            return Parse(lines, rounds, warmup);
        }

        if (args.Length > 3 && args[3] == "batch")
        {
            return Batch(lines, rounds, warmup);
        }

        if (args.Length > 3 && args[3] == "readers")
        {
            return Readers(lines, rounds, warmup);
        }

        FieldOptions options = args.Length > 3 && args[3] == "brief" ? FieldOptions.Default with { OpFields = false } : FieldOptions.Default;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{lines.Length} specs, {lines.Sum(line => (long)line.Length) / 1e6:0.0} M characters; {Environment.ProcessorCount} processor(s) visible; warm-up {warmup}, median of {rounds}{(options.OpFields ? "" : "; no op fields")}"));
        var parse = new List<double>();
        var analyze = new List<double>();
        var parseCpu = new List<double>();
        var analyzeCpu = new List<double>();
        using var process = Process.GetCurrentProcess();
        long check = 0;
        for (int round = 0; round < warmup + rounds; round++)
        {
            var cpuClock = CpuClock.Start(process);
            long parseTicks = 0, analyzeTicks = 0, parseBytes = 0, analyzeBytes = 0;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < lines.Length; i++)
            {
                long b0 = GC.GetAllocatedBytesForCurrentThread();
                long t0 = Stopwatch.GetTimestamp();
                Network network = NetworkSpec.Parse(lines[i]);
                long t1 = Stopwatch.GetTimestamp();
                long b1 = GC.GetAllocatedBytesForCurrentThread();
                check += InformationField.Analyze(network, options).Stages[^1].Units[^1].If;
                parseTicks += t1 - t0;
                analyzeTicks += Stopwatch.GetTimestamp() - t1;
                parseBytes += b1 - b0;
                analyzeBytes += GC.GetAllocatedBytesForCurrentThread() - b1;
            }

            double total = clock.Elapsed.TotalSeconds;
            double totalCpu = cpuClock.Seconds;
            double parsed = (double)parseTicks / Stopwatch.Frequency, analyzed = (double)analyzeTicks / Stopwatch.Frequency;

            // The CPU time of the round, shared between the phases as their wall times are.
            double parsedCpu = totalCpu * parsed / (parsed + analyzed), analyzedCpu = totalCpu - parsedCpu;
            if (round >= warmup)
            {
                parse.Add(parsed);
                analyze.Add(analyzed);
                parseCpu.Add(parsedCpu);
                analyzeCpu.Add(analyzedCpu);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Round(round, warmup)}: parse {parsed:0.000} s (CPU {parsedCpu:0.000} s, {parseBytes / 1e6 / lines.Length:0.00} MB/spec), analyze {analyzed:0.000} s (CPU {analyzedCpu:0.000} s, {analyzeBytes / 1e6 / lines.Length:0.00} MB/spec); {GC.CollectionCount(0)} gen0, {GC.CollectionCount(1)} gen1, {GC.CollectionCount(2)} gen2 collections so far, {GC.GetTotalPauseDuration().TotalSeconds:0.000} s paused"));
        }

        double p = Summary.Median(parse), a = Summary.Median(analyze), pc = Summary.Median(parseCpu), ac = Summary.Median(analyzeCpu);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median wall: parse {p:0.000} s, analyze {a:0.000} s, both {p + a:0.000} s ({lines.Length / (p + a):0} networks/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median CPU:  parse {pc:0.000} s, analyze {ac:0.000} s, both {pc + ac:0.000} s; checksum {check}"));
        return 0;
    }

    /// <summary>A round's name in the output: its number from 1, and whether it is a warm-up round.</summary>
    private static string Round(int round, int warmup) => string.Create(CultureInfo.InvariantCulture, $"round {round + 1}{(round < warmup ? " (warm-up)" : "")}");

    /// <summary>The CPU time of the process, every thread, since <see cref="Start"/>.</summary>
    private readonly struct CpuClock(Process process, TimeSpan start)
    {
        public static CpuClock Start(Process process)
        {
            process.Refresh();
            return new CpuClock(process, process.TotalProcessorTime);
        }

        public double Seconds
        {
            get
            {
                process.Refresh();
                return (process.TotalProcessorTime - start).TotalSeconds;
            }
        }
    }

    /// <summary>
    /// Parsing alone (<see cref="NetworkSpec.Parse(string, string, string, OpSet?)"/> of every line in turn, nothing kept):
    /// CPU time and bytes allocated per spec, per round and as medians.
    /// </summary>
    private static int Parse(string[] lines, int rounds, int warmup)
    {
        var cpu = new List<double>();
        var bytes = new List<double>();
        using var process = Process.GetCurrentProcess();
        long check = 0;
        for (int round = 0; round < warmup + rounds; round++)
        {
            var cpuClock = CpuClock.Start(process);
            long b0 = GC.GetAllocatedBytesForCurrentThread();
            foreach (string line in lines)
            {
                check += NetworkSpec.Parse(line).Output.Channels;
            }

            double perSpec = (GC.GetAllocatedBytesForCurrentThread() - b0) / 1e6 / lines.Length;
            double seconds = cpuClock.Seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Round(round, warmup)}: parse CPU {seconds:0.000} s, {perSpec:0.0000} MB/spec"));
            if (round >= warmup)
            {
                cpu.Add(seconds);
                bytes.Add(perSpec);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median CPU: parse {Summary.Median(cpu):0.000} s, {Summary.Median(bytes):0.0000} MB/spec; checksum {check}"));
        return 0;
    }

    /// <summary>
    /// The fast spec reader against the checked one (the reader before it: a JsonDocument, a cursor and a JSON path per
    /// item) on the same lines, interleaved round by round, CPU medians.
    /// </summary>
    private static int Readers(string[] lines, int rounds, int warmup)
    {
        var fast = new List<double>();
        var slow = new List<double>();
        using var process = Process.GetCurrentProcess();
        for (int round = 0; round < warmup + rounds; round++)
        {
            foreach (bool checkedReader in new[] { true, false })
            {
                var cpuClock = CpuClock.Start(process);
                foreach (string line in lines)
                {
                    _ = checkedReader ? NetworkSpec.ParseChecked(line, "spec", "network", OpSet.Default) : NetworkSpec.Parse(line);
                }

                double seconds = cpuClock.Seconds;
                if (round >= warmup)
                {
                    (checkedReader ? slow : fast).Add(seconds);
                }
            }
        }

        double f = Summary.Median(fast), c = Summary.Median(slow);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median CPU: checked reader {c:0.000} s, fast reader {f:0.000} s ({c / f:0.0}x)"));
        return 0;
    }

    /// <summary>
    /// The library call behind <c>infofield analyze --batch</c> (<see cref="InfoField.Reporting.AnalysisBatch.Write(Stream, string, Stream, FieldOptions?, double?, InputShape?, bool)"/>)
    /// on the lines, its output thrown away: wall and CPU time per round, without the process's start-up and first compilation.
    /// </summary>
    private static int Batch(string[] lines, int rounds, int warmup)
    {
        byte[] specs = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        var wall = new List<double>();
        var cpu = new List<double>();
        using var process = Process.GetCurrentProcess();
        for (int round = 0; round < warmup + rounds; round++)
        {
            var cpuClock = CpuClock.Start(process);
            var clock = Stopwatch.StartNew();
            using var input = new MemoryStream(specs, writable: false);
            var summary = InfoField.Reporting.AnalysisBatch.Write(input, "space.jsonl", Stream.Null);
            double seconds = clock.Elapsed.TotalSeconds;
            double used = cpuClock.Seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Round(round, warmup)}: {summary.Lines} lines ({summary.Failed} failed), wall {seconds:0.000} s, CPU {used:0.000} s"));
            if (round >= warmup)
            {
                wall.Add(seconds);
                cpu.Add(used);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median: wall {Summary.Median(wall):0.000} s, CPU {Summary.Median(cpu):0.000} s"));
        return 0;
    }

    /// <summary>
    /// What a batch line costs beyond parsing and analysis: the verdicts, the organizer's outlook (left out of batch lines
    /// by default), the document, and its JSON by the serializer and by the batch's writer (the same bytes). CPU time of
    /// the process, shared between the phases as their wall times are.
    /// </summary>
    private static int Phases(string[] lines, int rounds, int warmup)
    {
        string[] names = ["parse", "analyze", "verdicts", "organizer", "document", "json (serializer)", "json (batch writer)"];
        var medians = names.Select(_ => new List<double>()).ToArray();
        using var sink = new MemoryStream();
        using var process = Process.GetCurrentProcess();
        long bytes = 0;
        for (int round = 0; round < warmup + rounds; round++)
        {
            // One batch writer for the round, as a batch has one for all its lines (it keeps the JSON of recurring values).
            using var lineWriter = new InfoField.Reporting.JsonLineWriter(sink);
            var ticks = new long[names.Length];
            var cpuClock = CpuClock.Start(process);
            bytes = 0;
            for (int i = 0; i < lines.Length; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Network network = NetworkSpec.Parse(lines[i]);
                long t1 = Stopwatch.GetTimestamp();
                NetworkField field = InformationField.Analyze(network);
                long t2 = Stopwatch.GetTimestamp();
                var verdicts = InfoField.Reporting.VerdictsDocument.Of(field, null, InfoField.Organizer.OrganizerOptions.Default.Theta);
                long t3 = Stopwatch.GetTimestamp();
                _ = InfoField.Organizer.StageOrganizer.Optimize(network);
                long t4 = Stopwatch.GetTimestamp();
                var loaded = new LoadedNetwork(network, "spec", null, 1.0, "x");
                var document = InfoField.Reporting.AnalysisDocument.From(field, loaded) with { Verdicts = verdicts };
                long t5 = Stopwatch.GetTimestamp();
                sink.SetLength(0);
                using (var writer = new System.Text.Json.Utf8JsonWriter(sink, InfoField.Reporting.DocumentJson.LineWriterOptions))
                {
                    InfoField.Reporting.DocumentJson.WriteLine(writer, document);
                }

                long t6 = Stopwatch.GetTimestamp();
                sink.SetLength(0);
                InfoField.Reporting.AnalysisJson.Write(lineWriter, document);
                lineWriter.EndLine();
                lineWriter.Flush();

                long t7 = Stopwatch.GetTimestamp();
                bytes += sink.Length;
                long[] ends = [t0, t1, t2, t3, t4, t5, t6, t7];
                for (int p = 0; p < names.Length; p++)
                {
                    ticks[p] += ends[p + 1] - ends[p];
                }
            }

            double cpu = cpuClock.Seconds;
            double wall = (double)ticks.Sum() / Stopwatch.Frequency;
            if (round >= warmup)
            {
                for (int p = 0; p < names.Length; p++)
                {
                    medians[p].Add(cpu * ticks[p] / Stopwatch.Frequency / wall);
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes of JSON lines; median CPU per phase (s): ") + string.Join(", ", names.Select((name, p) => string.Create(CultureInfo.InvariantCulture, $"{name} {Summary.Median(medians[p]):0.000}"))));
        return 0;
    }
}
