using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using InfoField.Reporting;
using InfoField.Spec;
using InfoField.Torch.Benchmarks;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield bench</c>: speed measurements; <c>bench rpw</c> times RPW against PW, GPW and its baselines.</summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("bench", "Measure the speed of InfoField's kernels.");
        command.Subcommands.Add(CreateRpw(console));
        return command;
    }

    private static Command CreateRpw(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Write JSON (the contract in docs/cli.md) instead of a table." };
        var quick = new Option<bool>("--quick") { Description = "One tiny case (16 channels on 8x8, g 2, o 0.5, batch 4): a smoke test, not a measurement." };
        var batch = new Option<int?>("--batch") { Description = "Images per batch (default 64)." };
        var repeats = new Option<int?>("--repeats") { Description = "Measured rounds per case; the median is reported (default 9)." };
        var warmup = new Option<int?>("--warmup") { Description = "Discarded rounds per case before measuring (default 2)." };
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads during the run.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Also write the JSON document to this file (written atomically)." };
        var links = new OutputTarget();
        var command = new Command("rpw", "Time forward+backward of PW, GPW, the fast RPW, RPW composed as the paper's Listing 2, and the masked reference RPW on the layer shapes of VGG16-opt (CIFAR-10).")
        {
            json, quick, batch, repeats, warmup, threads, output, links.FollowLinks,
        };
        command.SetAction(parsed => console.Guard(() =>
        {
            RpwBenchmarkOptions defaults = parsed.GetValue(quick) ? RpwBenchmarkOptions.Quick : RpwBenchmarkOptions.Full;
            RpwBenchmarkOptions options = (defaults with
            {
                Batch = parsed.GetValue(batch) ?? defaults.Batch,
                Repeats = parsed.GetValue(repeats) ?? defaults.Repeats,
                Warmup = parsed.GetValue(warmup) ?? defaults.Warmup,
                Threads = parsed.GetValue(threads),
            }).Validated();
            if (links.Resolve(parsed, parsed.GetValue(output)) is string target)
            {
                // Refuse a device, link, directory or read-only file before measuring, not after.
                AtomicFile.RequireWritableTarget(target);
            }

            int total = options.Shapes.Count * options.Groups.Count * options.Overlaps.Count;
            int done = 0;
            RpwBenchmarkReport report = RpwBenchmark.Run(options, result =>
                console.Error.WriteLine($"[{++done}/{total}] C={result.Channels} {result.Size}x{result.Size} g={result.Groups} o={Number(result.Overlap)}: rpw/gpw {Number(result.RpwOverGpw)}"));
            if (links.Resolve(parsed, parsed.GetValue(output)) is string path)
            {
                AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine);
            }

            if (parsed.GetValue(json))
            {
                console.WriteJson(report);
            }
            else
            {
                console.Out.Write(Render(report));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The text view: one row per case, milliseconds per implementation and the two target ratios.</summary>
    internal static string Render(RpwBenchmarkReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"RPW forward+backward, median ms of {report.Repeats} rounds after {report.Warmup} warm-up, {report.Threads} torch thread(s)");
        var rows = new List<string[]> { new[] { "C", "HxW", "batch", "g", "o", "pw", "gpw", "rpw", "listing", "reference", "rpw/gpw", "listing/rpw", "" } };
        foreach (RpwBenchmarkCase c in report.Cases)
        {
            rows.Add([
                c.Channels.ToString(CultureInfo.InvariantCulture),
                $"{c.Size}x{c.Size}",
                c.Batch.ToString(CultureInfo.InvariantCulture),
                c.Groups.ToString(CultureInfo.InvariantCulture),
                Number(c.Overlap),
                Number(c.Ms.Pw),
                Number(c.Ms.Gpw),
                Number(c.Ms.Rpw),
                Number(c.Ms.RpwListing),
                Number(c.Ms.RpwReference),
                Number(c.RpwOverGpw),
                Number(c.ListingOverRpw),
                c.MeetsTarget ? string.Empty : "miss",
            ]);
        }

        FieldTable.AppendTable(text, rows, [true, true, true, true, true, true, true, true, true, true, true, true, false]);
        int misses = report.Cases.Count(c => !c.MeetsTarget);
        text.AppendLine(CultureInfo.InvariantCulture, $"Targets: rpw/gpw <= {Number(RpwBenchmark.GpwTarget)} and listing/rpw >= {Number(RpwBenchmark.ListingTarget)}; {misses} of {report.Cases.Count} cases miss.");
        return text.ToString();
    }

    private static string Number(double value) => value.ToString(value >= 100 ? "0" : "0.00", CultureInfo.InvariantCulture);
}
