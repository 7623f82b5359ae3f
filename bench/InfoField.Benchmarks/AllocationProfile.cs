using System.Diagnostics.Tracing;
using System.Globalization;
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Spec;

namespace InfoField.Benchmarks;

/// <summary>
/// Which types the engine's allocations are (docs/performance.md#search-spaces): every spec is parsed, the networks are
/// analysed once to warm up, then analysed again while the runtime's allocation ticks are counted (one tick about every
/// 100 KB allocated, naming the type allocated then), so the counts are proportional to the bytes of each type. No
/// tool beyond the runtime's own events: <c>dotnet .../InfoField.Benchmarks.dll space 1 0 - alloc</c>. With
/// <c>parse-alloc</c> the specs are parsed again instead while the ticks are counted.
/// </summary>
internal static class AllocationProfile
{
    public static int Run(string[] lines, bool parsing = false)
    {
        Network[] networks = [.. lines.Select(line => NetworkSpec.Parse(line))];
        foreach (Network network in networks)
        {
            InformationField.Analyze(network);
        }

        var counts = new Dictionary<string, long>();
        using (var listener = new AllocationTicks(counts))
        {
            if (parsing)
            {
                foreach (string line in lines)
                {
                    NetworkSpec.Parse(line);
                }
            }
            else
            {
                foreach (Network network in networks)
                {
                    InformationField.Analyze(network);
                }
            }

            // The listener's events arrive on another thread; give the last ones time to land.
            Thread.Sleep(500);
        }

        lock (counts)
        {
            long total = counts.Values.Sum();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total:N0} allocation ticks (about 100 KB each) over {networks.Length:N0} {(parsing ? "parses" : "analyses")}; the 25 largest types:"));
            foreach ((string type, long count) in counts.OrderByDescending(pair => pair.Value).Take(25))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count,8} {100.0 * count / total,5:0.0}%  {type}"));
            }
        }

        return 0;
    }

    /// <summary>Counts the runtime's allocation ticks by the type they name.</summary>
    private sealed class AllocationTicks(Dictionary<string, long> counts) : EventListener
    {
        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                // The GC keyword (0x1) at verbose level carries the allocation ticks.
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is null || eventData.Payload is null)
            {
                return;
            }

            int index = eventData.PayloadNames.IndexOf("TypeName");
            if (index >= 0 && eventData.Payload[index] is string type)
            {
                lock (counts)
                {
                    counts[type] = counts.GetValueOrDefault(type) + 1;
                }
            }
        }
    }
}
