using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using InfoField.Field;
using InfoField.Spec;

namespace InfoField.Reporting;

/// <summary>One line of a batch's output: the analysis of one input line, or why it has none.</summary>
/// <param name="Line">The input line, from 1.</param>
/// <param name="Document">What <c>infofield analyze --json</c> gives for that spec, or null.</param>
/// <param name="Error">The one-line error (it names the file, the line, the JSON path and the rule), or null.</param>
public sealed record BatchLine(int Line, AnalysisDocument? Document, string? Error);

/// <summary>The output line of an input line that could not be analysed.</summary>
/// <param name="Line">The input line, from 1.</param>
/// <param name="Error">The one-line error message.</param>
public sealed record BatchErrorDocument(
    [property: JsonPropertyName("line")] int Line,
    [property: JsonPropertyName("error")] string Error);

/// <summary>What a batch did: lines read, analysed and failed (their numbers, the first 10).</summary>
/// <param name="Lines">Input lines.</param>
/// <param name="Failed">Lines that could not be analysed.</param>
/// <param name="FirstFailures">The numbers of the first failed lines, at most 10.</param>
public sealed record BatchSummary(int Lines, int Failed, IReadOnlyList<int> FirstFailures);

/// <summary>
/// <c>infofield analyze --batch</c> as a library call: a JSON Lines stream of specs in, one JSON line per input line
/// out, in order. A line whose spec reads and analyses gives exactly the document of <c>analyze --json</c> for that
/// spec (<see cref="NetworkAnalysis"/>), written on one line, without the organizer's outlook unless it is asked for
/// (it analyses each network several times over: <c>verdicts.organizer</c> is null, as with <c>analyze --json --outlook false</c>); a line that fails gives
/// <c>{"line": N, "error": "..."}</c> and the batch goes on. One process, a few lines in memory at a time; units repeated
/// across lines are read once (<see cref="NetworkSpec.ReadLines"/>). On a machine of several processors one thread reads
/// and analyses the lines while the calling thread writes them (the output is the same, byte for byte).
/// </summary>
public static class AnalysisBatch
{
    /// <summary>
    /// The analysis of every line of <paramref name="lines"/> (from <see cref="NetworkSpec.ReadLines"/>), lazily and in
    /// order, with <paramref name="options"/> and the saturation threshold <paramref name="theta"/> as
    /// <see cref="NetworkAnalysis.Of"/> takes them; <paramref name="source"/> names the file in errors.
    /// <paramref name="input"/>, when given, replaces every spec's input (as <c>--input</c> does); <paramref name="outlook"/>
    /// runs the organizer for each network, as <c>analyze</c> does for one.
    /// </summary>
    public static IEnumerable<BatchLine> Analyze(IEnumerable<SpecLine> lines, string source, FieldOptions? options = null, double? theta = null, InputShape? input = null, bool outlook = false)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(source);
        options = (options ?? FieldOptions.Default).Validated();
        return AnalyzeLines(lines, source, options, theta, input, outlook);
    }

    /// <summary>
    /// Reads the specs of <paramref name="specs"/>, analyses them and writes one line per input line to
    /// <paramref name="output"/> (see <see cref="AnalysisBatch"/>). Returns what it did; the caller decides how a failed
    /// line counts (the CLI exits 1 after writing every line).
    /// </summary>
    public static BatchSummary Write(Stream specs, string source, Stream output, FieldOptions? options = null, double? theta = null, InputShape? input = null, bool outlook = false)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        int count = 0, failed = 0;
        var failures = new List<int>();
        using var json = new JsonLineWriter(output);
        var error = new System.Buffers.ArrayBufferWriter<byte>();
        options = (options ?? FieldOptions.Default).Validated();
        IEnumerable<PendingLine> lines = Analyses(NetworkSpec.ReadLines(specs, source), source, options, theta, input, outlook);
        bool writing = false;
        try
        {
            foreach (PendingLine pending in Environment.ProcessorCount > 1 ? Ahead(lines, LinesAhead) : lines)
            {
                writing = true;
                BatchLine line = pending.Complete(source);
                count++;
                if (line.Document is { } document)
                {
                    AnalysisJson.Write(json, document);
                }
                else
                {
                    failed++;
                    if (failures.Count < 10)
                    {
                        failures.Add(line.Line);
                    }

                    error.Clear();
                    using (var writer = new Utf8JsonWriter(error, DocumentJson.LineWriterOptions))
                    {
                        DocumentJson.WriteLine(writer, new BatchErrorDocument(line.Line, line.Error!));
                    }

                    json.WriteRawValue(error.WrittenSpan);
                }

                json.EndLine();
                writing = false;
            }
        }
        finally
        {
            if (!writing)
            {
                // Every whole line reaches the output, also when reading the input failed half way.
                json.Flush();
            }
        }

        output.Flush();
        return new BatchSummary(count, failed, failures);
    }

    /// <summary>As <see cref="Write(Stream, string, Stream, FieldOptions?, double?, InputShape?, bool)"/>, writing text to <paramref name="output"/>.</summary>
    public static BatchSummary Write(Stream specs, string source, TextWriter output, FieldOptions? options = null, double? theta = null, InputShape? input = null, bool outlook = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var bytes = new TextStream(output);
        return Write(specs, source, bytes, options, theta, input, outlook);
    }

    /// <summary>
    /// How many lines the reading thread may analyse ahead of the writing one. Each line in flight keeps its document alive
    /// through the collections of the youngest generation, which then copy it: 4 took 2.23 to 2.85 s on the NAS space
    /// where 32 took 2.38 to 3.13 s (alternately, to /dev/null; docs/performance.md).
    /// </summary>
    private const int LinesAhead = 4;

    /// <summary>
    /// The items of <paramref name="source"/> in order, computed on a thread of their own up to <paramref name="capacity"/>
    /// items ahead of the caller, so that reading and analysing the lines and writing their JSON take two processors
    /// instead of one in turn. What the source throws is thrown here after the items before it; when the caller stops
    /// early (or its writing fails), the thread stops after the line it is on (waited for up to a second).
    /// </summary>
    private static IEnumerable<T> Ahead<T>(IEnumerable<T> source, int capacity)
    {
        // Neither is disposed: a reading thread still blocked on its input when the caller stops (a pipe that sends
        // nothing more) may touch them after this returns.
        var queue = new BlockingCollection<T>(capacity);
        var stop = new CancellationTokenSource();
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                foreach (T item in source)
                {
                    queue.Add(item, stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The caller stopped reading.
            }
            catch (Exception error)
            {
                failure = ExceptionDispatchInfo.Capture(error);
            }
            finally
            {
                queue.CompleteAdding();
            }
        })
        {
            IsBackground = true,
            Name = "infofield batch",
        };
        thread.Start();
        try
        {
            foreach (T item in queue.GetConsumingEnumerable())
            {
                yield return item;
            }

            thread.Join();
            failure?.Throw();
        }
        finally
        {
            // The reading thread stops at its next line; one blocked on its input is left behind (a background thread:
            // it keeps no process alive).
            stop.Cancel();
            thread.Join(TimeSpan.FromSeconds(1));
        }
    }

    private static IEnumerable<BatchLine> AnalyzeLines(IEnumerable<SpecLine> lines, string source, FieldOptions options, double? theta, InputShape? input, bool outlook) =>
        Analyses(lines, source, options, theta, input, outlook).Select(line => line.Complete(source));

    /// <summary>
    /// Every line analysed, its document not yet made: a batch makes the documents on the thread that writes them, so
    /// that its two threads share the work more evenly (reading, parsing and analysing on one; documents and JSON on the other).
    /// </summary>
    private static IEnumerable<PendingLine> Analyses(IEnumerable<SpecLine> lines, string source, FieldOptions options, double? theta, InputShape? input, bool outlook)
    {
        foreach (SpecLine line in lines)
        {
            if (line.Network is null)
            {
                yield return new PendingLine(line.Number, null, null, line.Error?.Message ?? "unreadable");
                continue;
            }

            PendingLine result;
            try
            {
                LoadedNetwork loaded = NetworkSource.FromFile(line.Network, "spec", $"{source}:{line.Number}", input);
                result = new PendingLine(line.Number, loaded, NetworkAnalysis.Of(loaded, options, theta, outlook), null);
            }
            catch (InfoFieldException error)
            {
                result = new PendingLine(line.Number, null, null, ErrorOf(source, line.Number, error));
            }

            yield return result;
        }
    }

    /// <summary>The one-line error of line <paramref name="number"/>: the error's message, which names the file and line (they are added when it does not).</summary>
    private static string ErrorOf(string source, int number, InfoFieldException error)
    {
        string reference = $"{source}:{number}";
        return error.Message.StartsWith(reference + ": ", StringComparison.Ordinal) ? error.Message : $"{reference}: {error.Message}";
    }

    /// <summary>A line analysed (or why not), its document still to make.</summary>
    private sealed record PendingLine(int Number, LoadedNetwork? Loaded, NetworkAnalysis? Analysis, string? Error)
    {
        /// <summary>The line with its document (<see cref="NetworkAnalysis.Document"/>), or its error.</summary>
        public BatchLine Complete(string source)
        {
            if (Analysis is null)
            {
                return new BatchLine(Number, null, Error);
            }

            try
            {
                return new BatchLine(Number, Analysis.Document(Loaded!), null);
            }
            catch (InfoFieldException error)
            {
                return new BatchLine(Number, null, ErrorOf(source, Number, error));
            }
        }
    }
}

/// <summary>A write-only stream that decodes UTF-8 into a <see cref="TextWriter"/>.</summary>
internal sealed class TextStream(TextWriter writer) : Stream
{
    private readonly System.Text.Decoder _decoder = new System.Text.UTF8Encoding(false).GetDecoder();
    private char[] _chars = new char[4096];

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int needed = _decoder.GetCharCount(buffer, flush: false);
        if (needed > _chars.Length)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        int count = _decoder.GetChars(buffer, _chars, flush: false);
        writer.Write(_chars, 0, count);
    }

    public override void Flush() => writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
