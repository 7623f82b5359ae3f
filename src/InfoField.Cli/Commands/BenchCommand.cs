using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using InfoField.Files;
using InfoField.Reporting;
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
        var single = new Option<string?>("--case") { Description = "Time one case, given as C,HxW,g,o (for example 64,32x32,2,0.33) instead of the 24 of the full run." };
        var device = DeviceOption.Create("Where the layers run: cpu (default), cuda, cuda:N, or auto. On a GPU the RPW module runs its gather form, so rpw and gather time the same computation.");
        var command = new Command("rpw", "Time forward+backward of PW, GPW, the fast RPW, RPW composed as the paper's Listing 2, the masked reference RPW and RPW's device-generic gather form on the layer shapes of VGG16-opt (CIFAR-10).")
        {
            json, quick, batch, repeats, warmup, threads, output, links.FollowLinks, single, device,
        };
        command.SetAction(parsed => console.Guard(() =>
        {
            RpwBenchmarkOptions defaults = parsed.GetValue(quick) ? RpwBenchmarkOptions.Quick : RpwBenchmarkOptions.Full;
            if (parsed.GetValue(single) is string text)
            {
                defaults = ParseCase(text, defaults);
            }

            RpwBenchmarkOptions options = (defaults with
            {
                Batch = parsed.GetValue(batch) ?? defaults.Batch,
                Repeats = parsed.GetValue(repeats) ?? defaults.Repeats,
                Warmup = parsed.GetValue(warmup) ?? defaults.Warmup,
                Threads = parsed.GetValue(threads),
                Device = DeviceOption.Resolve(parsed, device),
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
                AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true }) + Environment.NewLine);
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

    /// <summary>The options for the one case <paramref name="text"/> (<c>C,HxW,g,o</c>), keeping the other settings of <paramref name="defaults"/>.</summary>
    internal static RpwBenchmarkOptions ParseCase(string text, RpwBenchmarkOptions defaults)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        string[] sides = parts.Length == 4 ? parts[1].Split('x', 'X') : [];
        if (parts.Length != 4
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int channels)
            || sides.Length != 2
            || !int.TryParse(sides[0], NumberStyles.None, CultureInfo.InvariantCulture, out int height)
            || !int.TryParse(sides[1], NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int groups)
            || !double.TryParse(parts[3], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double overlap))
        {
            throw new InfoFieldException($"--case: '{text}' is not valid; expected C,HxW,g,o such as 64,32x32,2,0.33");
        }

        if (height != width)
        {
            throw new InfoFieldException($"--case: '{text}' is not valid; expected a square plane (H equal to W)");
        }

        return defaults with { Shapes = [new RpwBenchmarkShape(channels, height)], Groups = [groups], Overlaps = [overlap] };
    }

    /// <summary>The text view: one row per case, milliseconds per implementation and the two target ratios.</summary>
    internal static string Render(RpwBenchmarkReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"RPW forward+backward, median ms of {report.Repeats} rounds after {report.Warmup} warm-up, {(report.Device == "cpu" ? $"{report.Threads} torch thread(s), {report.LaneBits}-bit SIMD lanes" : $"on {report.Device}")}");
        var rows = new List<string[]> { new[] { "C", "HxW", "batch", "g", "o", "pw", "gpw", "rpw", "listing", "reference", "gather", "rpw/gpw", "listing/rpw", "gather/rpw", "lanes", "" } };
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
                Number(c.Ms.RpwGather),
                Number(c.RpwOverGpw),
                Number(c.ListingOverRpw),
                Number(c.GatherOverRpw),
                c.LaneBits.ToString(CultureInfo.InvariantCulture),
                c.MeetsTarget ? string.Empty : "miss",
            ]);
        }

        FieldTable.AppendTable(text, rows, [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false]);
        int misses = report.Cases.Count(c => !c.MeetsTarget);
        text.AppendLine(CultureInfo.InvariantCulture, $"Targets: rpw/gpw <= {Number(RpwBenchmark.GpwTargetFor(256))} with 256- and 512-bit lanes, {Number(RpwBenchmark.GpwTargetFor(128))} with 128-bit lanes, and listing/rpw >= {Number(RpwBenchmark.ListingTarget)}; {misses} of {report.Cases.Count} cases miss. gather/rpw has no target: the device-generic form RPW runs on a GPU, timed here beside the SIMD kernels.");
        return text.ToString();
    }

    private static string Number(double value) => value.ToString(value >= 100 ? "0" : "0.00", CultureInfo.InvariantCulture);
}
