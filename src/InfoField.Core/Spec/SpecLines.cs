using System.Globalization;
using System.Text;
using InfoField.Architecture;
using InfoField.Files;

namespace InfoField.Spec;

/// <summary>One line of a JSON Lines file of specs: its network, or the one-line error that kept it from being read.</summary>
/// <param name="Number">The line number, from 1.</param>
/// <param name="Network">The network, or null when the line could not be read.</param>
/// <param name="Error">Why the line could not be read (it names the file, the line, the JSON path and the rule), or null.</param>
public sealed record SpecLine(int Number, Network? Network, InfoFieldException? Error);

public static partial class NetworkSpec
{
    /// <summary>
    /// Reads a JSON Lines stream of specs (one spec per line, as <see cref="Parse(string, string, string, OpSet?)"/>
    /// reads them) one line at a time, in order: every line gives one <see cref="SpecLine"/>, with its network or its
    /// error, and an error does not stop the lines after it. Memory stays bounded by the longest line (at most
    /// <see cref="BoundedFile.MaxSpecBytes"/>; a longer line is an error and is skipped), and units repeated across
    /// lines (a search space's shared stem) are read once. <paramref name="source"/> names the stream in errors
    /// (<c>specs.jsonl:12: $.stages[0]...: rule</c>); a spec without a name is called <c>&lt;file&gt;-&lt;line&gt;</c>.
    /// Empty lines are errors, so that line i of a batch's output answers line i of its input.
    /// </summary>
    public static IEnumerable<SpecLine> ReadLines(Stream stream, string source, OpSet? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        return ReadLinesIterator(stream, source, kinds ?? OpSet.Default);
    }

    private static IEnumerable<SpecLine> ReadLinesIterator(Stream stream, string source, OpSet kinds)
    {
        var reader = new FastSpecReader(kinds, unitCapacity: 1024);
        string stem = Path.GetFileNameWithoutExtension(source);
        byte[] buffer = new byte[1 << 16];
        int start = 0, end = 0, number = 0;
        bool done = false, skipping = false;
        while (true)
        {
            int newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0 || (done && end > start))
            {
                int stop = newline >= 0 ? newline : end;
                number++;
                SpecLine line = skipping
                    ? TooLong(number, source)
                    : ParseLine(reader, buffer.AsSpan(start, stop - start), number, source, stem, kinds);
                skipping = false;
                start = newline >= 0 ? newline + 1 : end;
                yield return line;
                continue;
            }

            if (done)
            {
                yield break;
            }

            if (skipping)
            {
                // The rest of an over-long line: drop what is buffered, keep reading to its end.
                start = end = 0;
            }
            else if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                if (buffer.Length > BoundedFile.MaxSpecBytes)
                {
                    skipping = true;
                    start = end = 0;
                }
                else
                {
                    Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, BoundedFile.MaxSpecBytes + 2));
                }
            }

            int read = stream.Read(buffer, end, buffer.Length - end);
            end += read;
            done = read == 0;
        }
    }

    private static SpecLine ParseLine(FastSpecReader reader, ReadOnlySpan<byte> line, int number, string source, string stem, OpSet kinds)
    {
        if (number == 1 && line.StartsWith("\uFEFF"u8))
        {
            line = line[3..];
        }

        if (line.EndsWith("\r"u8))
        {
            line = line[..^1];
        }

        string where = string.Create(CultureInfo.InvariantCulture, $"{source}:{number}");
        if (line.Length > BoundedFile.MaxSpecBytes)
        {
            return TooLong(number, source);
        }

        if (line.Trim(" \t"u8).IsEmpty)
        {
            return new SpecLine(number, null, new SpecException(where, "", "an empty line; expected a spec (one JSON object per line)"));
        }

        string name = string.Create(CultureInfo.InvariantCulture, $"{stem}-{number}");
        if (reader.TryRead(line, name) is { } network)
        {
            return new SpecLine(number, network, null);
        }

        try
        {
            return new SpecLine(number, ParseChecked(new UTF8Encoding(false).GetString(line), where, name, kinds), null);
        }
        catch (InfoFieldException error)
        {
            return new SpecLine(number, null, error);
        }
    }

    private static SpecLine TooLong(int number, string source) =>
        new(number, null, new SpecException(
            string.Create(CultureInfo.InvariantCulture, $"{source}:{number}"),
            "",
            $"the line is longer than the limit of {BoundedFile.MaxSpecBytes >> 20} MiB for a spec"));
}
