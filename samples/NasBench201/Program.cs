// The NAS-Bench-201 cell space as InfoField specs: every one of its 15,625 cells in the benchmark's network
// (docs/performance.md#search-spaces).
//
//   dotnet run -c Release --project samples/NasBench201 -- jsonl space.jsonl     the whole space, one spec per line
//   dotnet run -c Release --project samples/NasBench201 -- files DIR             one spec file per cell (<index>.json)
//   dotnet run -c Release --project samples/NasBench201 -- cell ARCH|INDEX       one cell's spec (the architecture string or the index), indented, to stdout
//
// then: infofield analyze --batch space.jsonl > results.jsonl
using System.Globalization;
using System.Text;
using InfoField.Files;
using InfoField.Samples.NasBench201;

const string Usage = "usage: NasBench201 jsonl FILE | files DIR | cell ARCH|INDEX";
if (args.Length != 2)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

try
{
    switch (args[0])
    {
        case "jsonl":
            AtomicFile.Write(args[1], temporary =>
            {
                using var writer = new StreamWriter(temporary, false, new UTF8Encoding(false), 1 << 16);
                foreach (Cell cell in Cell.All)
                {
                    writer.Write(SpaceSpec.Json(cell));
                    writer.Write('\n');
                }
            });
            Console.WriteLine($"{Cell.Count} cells ({Cell.All.Count(cell => cell.OutputIsZero)} with a zero output) -> {args[1]}");
            return 0;
        case "files":
            Directory.CreateDirectory(args[1]);
            foreach (Cell cell in Cell.All)
            {
                AtomicFile.WriteAllText(Path.Combine(args[1], $"{cell.Index:D5}.json"), SpaceSpec.Json(cell, indented: true) + "\n");
            }

            Console.WriteLine($"{Cell.Count} spec files -> {args[1]}");
            return 0;
        case "cell":
            Cell one = args[1].StartsWith('|')
                ? Cell.Parse(args[1])
                : Cell.FromIndex(int.Parse(args[1], NumberStyles.None, CultureInfo.InvariantCulture));
            Console.WriteLine(SpaceSpec.Json(one, indented: true));
            return 0;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (Exception error) when (error is FormatException or ArgumentOutOfRangeException or OverflowException or InfoField.InfoFieldException)
{
    Console.Error.WriteLine($"NasBench201: error: {error.Message}");
    return 1;
}
