using System.Text;
using InfoField.Spec;

namespace InfoField.Reporting.Tests;

/// <summary>
/// <see cref="AnalysisBatch.Write(Stream, string, Stream, Field.FieldOptions?, double?, InputShape?, bool)"/> reads and
/// analyses on one thread while the caller writes (on a machine of several processors): the same bytes as writing each
/// line of the sequential <see cref="AnalysisBatch.Analyze"/> in turn, what the input throws after the lines before it,
/// and a failing output stops the reading thread.
/// </summary>
public sealed class AnalysisBatchTests
{
    private static string Spec(int i) =>
        $$"""{"format":"infofield-network/2","name":"n{{i}}","input":[3,{{8 + (i % 5)}},{{8 + (i % 5)}}],"stages":[{"units":[{"name":"stem","ops":[{"type":"conv","out":{{4 + (i % 3)}},"kernel":{{1 + (2 * (i % 3))}},"padding":{{i % 3}}},{"type":"relu"}]},{"name":"b","ops":[{"type":"conv","out":8,"kernel":3,"padding":{{1 + (i % 2)}},"dilation":{{1 + (i % 2)}}},{"type":"bn"}]}]}]}""";

    /// <summary>Lines 0 to count - 1, every seventh one broken (a convolution without its kernel).</summary>
    private static byte[] Specs(int count) =>
        Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, count).Select(i => i % 7 == 3 ? Spec(i).Replace("\"kernel\":3,", "", StringComparison.Ordinal) : Spec(i))) + "\n");

    /// <summary>What writing each line of the sequential analysis of <paramref name="input"/> in turn gives, up to what it throws.</summary>
    private static byte[] OneByOne(Stream input)
    {
        using var output = new MemoryStream();
        using (var json = new JsonLineWriter(output))
        {
            using IEnumerator<BatchLine> lines = AnalysisBatch.Analyze(NetworkSpec.ReadLines(input, "specs.jsonl"), "specs.jsonl").GetEnumerator();
            while (Next(lines))
            {
                BatchLine line = lines.Current;
                if (line.Document is { } document)
                {
                    AnalysisJson.Write(json, document);
                }
                else
                {
                    using var buffer = new MemoryStream();
                    using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, DocumentJson.LineWriterOptions))
                    {
                        DocumentJson.WriteLine(writer, new BatchErrorDocument(line.Line, line.Error!));
                    }

                    json.WriteRawValue(buffer.ToArray());
                }

                json.EndLine();
            }

            json.Flush();
        }

        return output.ToArray();

        static bool Next(IEnumerator<BatchLine> lines)
        {
            try
            {
                return lines.MoveNext();
            }
            catch (IOException)
            {
                return false;
            }
        }
    }

    [Fact]
    public void The_output_is_byte_for_byte_that_of_the_lines_written_one_by_one()
    {
        byte[] specs = Specs(300);
        using var output = new MemoryStream();

        BatchSummary summary = AnalysisBatch.Write(new MemoryStream(specs), "specs.jsonl", output);

        Assert.Equal(300, summary.Lines);
        Assert.Equal(43, summary.Failed);
        Assert.Equal(OneByOne(new MemoryStream(specs)), output.ToArray());
    }

    [Fact]
    public void What_the_input_throws_comes_after_every_line_read_before_it()
    {
        byte[] specs = Specs(120);
        int cut = specs.Length / 2;
        using var output = new MemoryStream();

        var error = Assert.Throws<IOException>(() => AnalysisBatch.Write(new FailingInput(specs, cut), "specs.jsonl", output));

        Assert.Equal("the disk went away", error.Message);
        // The lines that the sequential analysis gives before the error, as it gives them.
        byte[] before = OneByOne(new FailingInput(specs, cut));
        Assert.NotEmpty(before);
        Assert.Equal(before, output.ToArray());
    }

    [Fact]
    public void A_failing_output_stops_the_batch_and_its_reading_thread()
    {
        byte[] specs = Specs(2_000);
        var read = new CountingInput(specs);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = Assert.Throws<IOException>(() => AnalysisBatch.Write(read, "specs.jsonl", new FailingOutput(10_000)));

        Assert.Equal("no space left", error.Message);
        long atReturn = read.Position;
        Thread.Sleep(200);
        // Nothing reads on after the call returned, and it stopped long before the end of the input.
        Assert.Equal(atReturn, read.Position);
        Assert.True(atReturn < specs.Length, $"read {atReturn} of {specs.Length} bytes");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60));
    }

    /// <summary>The bytes up to <c>cut</c>, then an I/O error.</summary>
    private sealed class FailingInput(byte[] bytes, int cut) : Input(bytes, cut, fail: true);

    /// <summary>Reads <c>bytes</c> 4 KB at a time, saying how far (from any thread).</summary>
    private sealed class CountingInput(byte[] bytes) : Input(bytes, bytes.Length, fail: false);

    /// <summary>A read-only stream of <c>bytes</c> up to <c>end</c>; at the end it throws, or reads nothing.</summary>
    private class Input(byte[] bytes, int end, bool fail) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Interlocked.Read(ref _read); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int at = (int)Interlocked.Read(ref _read);
            int taken = Math.Min(Math.Min(count, 4096), end - at);
            if (taken == 0 && fail)
            {
                throw new IOException("the disk went away");
            }

            Array.Copy(bytes, at, buffer, offset, taken);
            Interlocked.Add(ref _read, taken);
            return taken;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Takes <c>room</c> bytes, then fails as a full disk does.</summary>
    private sealed class FailingOutput(int room) : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Length + buffer.Length > room)
            {
                throw new IOException("no space left");
            }

            base.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    }
}
