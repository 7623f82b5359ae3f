using System.Diagnostics;
using System.Globalization;
using System.Text;
using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Files;
using InfoField.Spec;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

/// <summary>The fuzzing campaign's reproducers, and a seeded fuzz test of spec validation and analysis.</summary>
public class HostileSpecTests
{
    private static string Spec(string stageOps, string input = "[3, 32, 32]", string head = "[{\"type\": \"globalavgpool\"}, {\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 10}]") =>
        $"{{\"input\": {input}, \"stages\": [{{\"units\": [{{\"ops\": [{stageOps}]}}]}}], \"head\": {head}}}";

    private static SpecException Refused(string json) => Assert.Throws<SpecException>(() => NetworkSpec.Parse(json, "x.json"));

    /// <summary>
    /// What <paramref name="work"/> allocates on this thread: a deterministic bound (other tests running in parallel do
    /// not count), unlike a wall clock or the process-wide allocation counter.
    /// </summary>
    internal static long AllocatedBy(Action work)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        work();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [InlineData("{\"type\": \"conv\", \"out\": 16, \"kernel\": 2147483647}", "$.stages[0].units[0].ops[0].kernel")]
    [InlineData("{\"type\": \"conv\", \"out\": 16, \"kernel\": 3, \"padding\": 2147483647}", "$.stages[0].units[0].ops[0].padding")]
    [InlineData("{\"type\": \"conv\", \"out\": 16, \"kernel\": 3, \"dilation\": 2147483647}", "$.stages[0].units[0].ops[0].dilation")]
    [InlineData("{\"type\": \"conv\", \"out\": 2147483647, \"kernel\": 3}", "$.stages[0].units[0].ops[0].out")]
    [InlineData("{\"type\": \"conv\", \"out\": 1073741824, \"kernel\": 1}", "$.stages[0].units[0].ops[0].out")]
    [InlineData("{\"type\": \"dw\", \"kernel\": 3, \"multiplier\": 2147483647}", "$.stages[0].units[0].ops[0].multiplier")]
    [InlineData("{\"type\": \"adaptiveavgpool\", \"output\": 2147483647}", "$.stages[0].units[0].ops[0].output")]
    [InlineData("{\"type\": \"conv\", \"out\": 16, \"kernel\": 3, \"stride\": 2147483647}", "$.stages[0].units[0].ops[0].stride")]
    public void Sizes_beyond_the_limits_are_refused_naming_the_field(string op, string path)
    {
        SpecException? error = null;
        long allocated = AllocatedBy(() => error = Refused(Spec(op)));

        Assert.Equal(path, error!.JsonPath);
        Assert.Contains("65,536", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1L << 20, $"refusing it allocated {allocated:N0} bytes: work sized by the value before the check");
    }

    [Theory]
    [InlineData("[2147483647, 32, 32]")]
    [InlineData("[1000000, 32, 32]")]
    [InlineData("[3, 65536, 65536]")]
    public void Huge_inputs_are_refused(string input)
    {
        SpecException error = Refused(Spec("{\"type\": \"conv\", \"out\": 16, \"kernel\": 3}", input));

        Assert.Equal("$.input", error.JsonPath);
    }

    [Fact]
    public void Networks_with_more_units_than_the_limit_are_refused_before_analysis()
    {
        string unit = "{\"ops\": [{\"type\": \"relu\"}]}";
        string json = $"{{\"input\": [3, 32, 32], \"stages\": [{{\"units\": [{string.Join(", ", Enumerable.Repeat(unit, Limits.MaxUnits + 1))}]}}]}}";
        SpecException? error = null;

        long allocated = AllocatedBy(() => error = Refused(json));

        Assert.Equal("$.stages", error!.JsonPath);
        Assert.Contains("4,097 units are more than the limit of 4,096", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 32L << 20, $"refusing it allocated {allocated:N0} bytes: more than reading the file and its units");
    }

    [Fact]
    public void Mac_counts_past_the_limit_are_refused_not_wrapped()
    {
        // 65,536 x 64 x 64 in, 65,536 filters of 11x11: 2.1 x 10^15 MACs.
        Network network = NetworkSpec.Parse(Spec("{\"type\": \"conv\", \"out\": 65536, \"kernel\": 11, \"padding\": 5}", "[65536, 64, 64]", "[]"));

        var error = Assert.Throws<ArchitectureException>(() => CostModel.Of(network));

        Assert.Contains("MACs count exceeds the limit of 1,000,000,000,000,000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Near_the_limits_counts_are_exact()
    {
        Network network = NetworkSpec.Parse(Spec("{\"type\": \"conv\", \"out\": 65536, \"kernel\": 3, \"padding\": 1, \"bias\": true}", "[1024, 8, 8]", "[]"));

        NetworkCost cost = CostModel.Of(network);

        Assert.Equal((65_536L * 1024 * 9) + 65_536, cost.Total.Parameters);
        Assert.Equal(64L * 65_536 * 1024 * 9, cost.Total.Macs);
    }

    [Fact]
    public void What_TorchSharp_would_reject_later_is_refused_at_validation()
    {
        SpecException pool = Refused(Spec("{\"type\": \"conv\", \"out\": 8, \"kernel\": 3}, {\"type\": \"maxpool\", \"kernel\": 2, \"padding\": 2}"));
        SpecException convAfterLinear = Refused(Spec("{\"type\": \"conv\", \"out\": 8, \"kernel\": 3}", head: "[{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 16}, {\"type\": \"conv\", \"out\": 8, \"kernel\": 1}]"));
        SpecException flattenInResidual = Refused(Spec("{\"type\": \"residual\", \"body\": [{\"type\": \"flatten\"}]}"));

        Assert.Equal("$.stages[0].units[0].ops[1].padding", pool.JsonPath);
        Assert.Equal("$.head[2].type", convAfterLinear.JsonPath);
        Assert.Equal("$.stages[0].units[0].ops[0].body[0].type", flattenInResidual.JsonPath);
    }

    [Theory]
    [InlineData(0.6666666666666666)]
    [InlineData(0.3333333333333333)]
    [InlineData(0.1234567890123456)]
    public void Overlaps_with_16_or_17_digits_give_the_windows_of_the_exact_value(double overlap)
    {
        decimal exact = decimal.Parse(overlap.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int[] starts = RollingWindows.Starts(96, 96, 3, overlap);

        Assert.Equal(Enumerable.Range(0, 96).Select(c => (int)(decimal.Floor(c * (1m - exact) * 32) % 96)), starts);
    }

    [Fact]
    public void An_overlap_with_more_digits_than_a_double_keeps_is_refused_not_rounded()
    {
        SpecException error = Refused(Spec("{\"type\": \"conv\", \"out\": 12, \"kernel\": 3}, {\"type\": \"rpw\", \"out\": 12, \"groups\": 3, \"overlap\": 0.66666666666666666666}"));

        Assert.Contains("overlap", error.JsonPath, StringComparison.Ordinal);
        Assert.Contains("0.6666666666666666", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"name\": \"x\\ud800y\", \"input\": [3, 8, 8], \"stages\": []}", 1, 10)]
    [InlineData("{\"input\": [3, 8, 8],\n \"stages\": [{\"units\": [{\"name\": \"\\udc00\", \"ops\": [{\"type\": \"relu\"}]}]}]}", 2, 33)]
    [InlineData("{\"input\": [3, 8, 8], \"stages\": [{\"units\": [{\"ops\": [{\"type\": \"\\ud83d\"}]}]}]}", 1, 62)]
    [InlineData("{\"\\ud800\": 1, \"input\": [3, 8, 8], \"stages\": []}", 1, 2)]
    [InlineData("// a comment with \"quotes\\ud800\n{\"format\": \"\\udc00\\ud800\", \"input\": [3, 8, 8], \"stages\": []}", 2, 12)]
    public void A_lone_surrogate_escape_in_any_string_is_refused_with_its_line_and_byte(string json, int line, int column)
    {
        SpecException error = Refused(json);

        Assert.Equal($"x.json: not valid JSON (line {line}, byte {column}): {(json.Contains("{\"\\ud800\"", StringComparison.Ordinal) ? "a property name" : "a string")} is not valid Unicode (a lone surrogate escape such as \\ud800, or bytes that are not UTF-8)", error.Message);
    }

    [Fact]
    public void Valid_surrogate_pairs_and_escaped_backslashes_are_read()
    {
        Network network = NetworkSpec.Parse("{\"name\": \"\\ud83d\\ude00 \\\\ud800\", \"input\": [3, 8, 8], \"stages\": [{\"units\": [{\"ops\": [{\"type\": \"relu\"}]}]}]}");

        Assert.Equal("\U0001F600 \\ud800", network.Name);
    }

    [Theory]
    [InlineData("{\"type\": \"rpw\", \"out\": 12, \"groups\": 3, \"overlap\": 1e-400}", "overlap", "1e-400 is too small to be used as written: it underflows to 0")]
    [InlineData("{\"type\": \"rpw\", \"out\": 12, \"groups\": 3, \"overlap\": -0.00000e-999}", null, null)]
    [InlineData("{\"type\": \"rpw\", \"out\": 12, \"groups\": 3, \"overlap\": 1e-30}", "overlap", "1E-30 cannot be used exactly: window starts are computed in decimal arithmetic")]
    [InlineData("{\"type\": \"rpw\", \"out\": 12, \"groups\": 3, \"overlap\": 1e400}", "overlap", "1e400 is too large for a number")]
    [InlineData("{\"type\": \"dropout\", \"p\": 1e-400}", "p", "1e-400 is too small to be used as written")]
    [InlineData("{\"type\": \"dropout\", \"p\": 5e-324}", null, null)]
    public void Numbers_that_a_double_cannot_hold_are_refused_not_used_as_0(string op, string? field, string? expected)
    {
        string json = Spec("{\"type\": \"conv\", \"out\": 12, \"kernel\": 3}, " + op);
        if (field is null)
        {
            Assert.NotNull(NetworkSpec.Parse(json, "x.json"));
            return;
        }

        SpecException error = Refused(json);

        Assert.Equal($"$.stages[0].units[0].ops[1].{field}", error.JsonPath);
        Assert.Contains(expected!, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, true)]
    [InlineData(0.5, true)]
    [InlineData(0.6666666666666666, true)]
    [InlineData(1e-12, true)]
    [InlineData(1e-28, true)]
    [InlineData(1.2345678901234567e-20, false)]
    [InlineData(1e-30, false)]
    [InlineData(4.9e-324, false)]
    public void Overlaps_are_exact_only_when_the_decimal_window_arithmetic_keeps_every_digit(double overlap, bool exact) =>
        Assert.Equal(exact, RollingWindows.IsExact(overlap));

    [Fact]
    public void Messages_stay_on_one_line()
    {
        SpecException newline = Refused("{\"input\": [3, 32, 32], \"stages\": [{\"units\": [{\"role\": \"a\\nb\", \"ops\": [{\"type\": \"relu\"}]}]}]}");
        string unterminated = "{\"input\": [3, 32, 32], \"name\": \"abc" + string.Concat(Enumerable.Repeat("\n  line of the file", 15));
        SpecException echo = Refused(unterminated);
        SpecException longValue = Refused($"{{\"input\": [3, 32, 32], \"format\": \"{new string('x', 5000)}\", \"stages\": []}}");

        foreach (SpecException error in new[] { newline, echo, longValue })
        {
            Assert.DoesNotContain('\n', error.Message);
            Assert.DoesNotContain('\r', error.Message);
            Assert.True(error.Message.Length <= InfoFieldException.MaxMessageLength + 1, error.Message);
            Assert.StartsWith("x.json: ", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Special_files_and_oversized_specs_are_refused_without_reading_them()
    {
        string folder = Path.Combine(Path.GetTempPath(), "infofield-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string fifo = Path.Combine(folder, "x.json");
            using (Process mkfifo = Process.Start("mkfifo", [fifo]))
            {
                mkfifo.WaitForExit();
            }

            string big = Path.Combine(folder, "big.json");
            File.WriteAllText(big, "{\"name\": \"" + new string('a', (int)BoundedFile.MaxSpecBytes) + "\"}");

            // A FIFO without a writer blocks whoever opens it: refused from its type, so this returns at once (the
            // watchdog is for a regression, which would block forever, not a time limit).
            Task<SpecException> fifoLoad = Task.Run(() => Assert.Throws<SpecException>(() => NetworkSpec.Load(fifo)));
            Assert.True(await Task.WhenAny(fifoLoad, Task.Delay(TimeSpan.FromMinutes(2))) == fifoLoad, "loading a FIFO blocked: it was opened");
            SpecException fromFifo = await fifoLoad;
            SpecException? fromZero = null, fromBig = null;
            long zeroAllocated = AllocatedBy(() => fromZero = Assert.Throws<SpecException>(() => NetworkSpec.Load("/dev/zero")));
            long bigAllocated = AllocatedBy(() => fromBig = Assert.Throws<SpecException>(() => NetworkSpec.Load(big)));
            SpecException fromFolder = Assert.Throws<SpecException>(() => NetworkSpec.Load(folder));

            Assert.True(zeroAllocated < 1L << 20, $"refusing /dev/zero allocated {zeroAllocated:N0} bytes: it was read");
            Assert.True(bigAllocated < 1L << 20, $"refusing a spec over the limit allocated {bigAllocated:N0} bytes: it was read");
            Assert.NotNull(fromZero);
            Assert.NotNull(fromBig);
            Assert.Contains("not a regular file", fromFifo.Message, StringComparison.Ordinal);
            Assert.Contains("not a regular file", fromZero.Message, StringComparison.Ordinal);
            Assert.Contains("the limit for a spec file", fromBig.Message, StringComparison.Ordinal);
            Assert.Contains("is a directory", fromFolder.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_stream_is_read_with_a_files_limits_and_messages()
    {
        byte[] spec = Encoding.UTF8.GetBytes("\uFEFF" + NetworkSpec.Serialize(ModelZoo.Create("vgg11", "cifar10", 0.25)));
        bool opened = false;

        byte[] read = await BoundedFile.ReadAllBytesAsync("my.json", spec.Length, limit => new MemoryStream(spec), BoundedFile.MaxSpecBytes, "spec file");
        var beforeOpening = await Assert.ThrowsAsync<InfoFieldException>(() => BoundedFile.ReadAllBytesAsync("big.json", BoundedFile.MaxSpecBytes + 1, _ => { opened = true; return new MemoryStream(); }, BoundedFile.MaxSpecBytes, "spec file"));
        var whileReading = await Assert.ThrowsAsync<InfoFieldException>(() => BoundedFile.ReadAllBytesAsync("liar.json", 5, _ => new MemoryStream(new byte[100]), 50, "spec file"));
        var failing = await Assert.ThrowsAsync<InfoFieldException>(() => BoundedFile.ReadAllBytesAsync("gone.onnx", 5, _ => throw new IOException("the file went away"), 50, "ONNX model"));

        Assert.Equal(spec, read);
        Assert.Equal("vgg11", NetworkSpec.Read(read, "my.json").Name);
        Assert.False(opened);
        Assert.Equal("big.json: larger than 4,194,304 bytes, the limit for a spec file", beforeOpening.Message);
        Assert.Equal("liar.json: larger than 50 bytes, the limit for a spec file", whileReading.Message);
        Assert.Equal("gone.onnx: cannot read the ONNX model: the file went away", failing.Message);
    }

    [Fact]
    public void A_spec_read_from_bytes_is_the_spec_loaded_from_its_file_and_errors_name_the_file()
    {
        string folder = Directory.CreateTempSubdirectory("infofield-read").FullName;
        try
        {
            string path = Path.Combine(folder, "unnamed.json");
            File.WriteAllText(path, Spec("{\"type\": \"conv\", \"out\": 8, \"kernel\": 3}"));

            Assert.Equal(NetworkSpec.Load(path), NetworkSpec.Read(File.ReadAllBytes(path), path));
            Assert.Equal("unnamed", NetworkSpec.Read(File.ReadAllBytes(path), "unnamed.json").Name);
            Assert.StartsWith("bad.json: ", Assert.Throws<SpecException>(() => NetworkSpec.Read("{"u8.ToArray(), "bad.json")).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// 2,500 hostile specs (random structures, extreme and mistyped values, textual mutations) and analysis settings:
    /// each either parses and analyzes to non-negative, consistent numbers, or fails with the project's one-line error.
    /// </summary>
    [Fact]
    public void Fuzz_hostile_specs_succeed_consistently_or_fail_in_one_line()
    {
        const int Cases = 2500;
        int seed = Seed(20261201);
        var random = new Random(seed);
        int accepted = 0, branched = 0;
        for (int i = 0; i < Cases; i++)
        {
            string json = HostileSpec(random);
            double alpha = random.Next(6) switch { 0 => double.NaN, 1 => -1, 2 => 0, 3 => double.PositiveInfinity, 4 => 1e308, _ => 0.5 + (random.NextDouble() * 5) };
            var options = new FieldOptions(alpha, random.Next(2) == 0 ? CoordinateFrame.Input : CoordinateFrame.Output);
            bool zoo = i % 4 == 3;
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                Network network = zoo ? HostileZooRequest(random) : NetworkSpec.Parse(json, "fuzz.json");
                CheckConsistent(network, options);
                Assert.False(!zoo && (json.Contains("e-400", StringComparison.Ordinal) || json.Contains("\"overlap\": 1e-30", StringComparison.Ordinal)), $"seed {seed}, case {i}: a number that a double or the window arithmetic cannot hold was accepted (used as 0)\n{json}");
                accepted++;
                branched += network.Units.Any(unit => !unit.Graph.IsChain) ? 1 : 0;
            }
            catch (InfoFieldException error)
            {
                Assert.False(error.Message.Contains('\n') || error.Message.Contains('\r'), $"seed {seed}, case {i}: a multi-line message: {error.Message}");
                Assert.False(string.IsNullOrWhiteSpace(error.Message), $"seed {seed}, case {i}: an empty message");
            }
            catch (Exception error)
            {
                Assert.Fail($"seed {seed}, case {i}: {error.GetType().Name}: {error.Message}\n{json}");
            }

            // Unbounded memory (the class of out 2^30 or adaptive pools of 2^31) shows as allocation, deterministically:
            // the hostile specs are small networks, the zoo requests ImageNet models at most.
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < (zoo ? 256L << 20 : 16L << 20), $"seed {seed}, case {i}: allocated {allocated:N0} bytes\n{json}");
        }

        Assert.InRange(accepted, Cases / 20, Cases - (Cases / 20));
        Assert.True(branched >= Cases / 50, $"only {branched} accepted networks had a branched unit");
    }

    /// <summary>The seed of a fuzz test: <paramref name="fixedSeed"/>, or INFOFIELD_TEST_SEED to explore or repeat others.</summary>
    internal static int Seed(int fixedSeed) =>
        int.TryParse(Environment.GetEnvironmentVariable("INFOFIELD_TEST_SEED"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed) ? seed : fixedSeed;

    /// <summary>
    /// A zoo model with hostile values: width, dataset and an input shape (typed values; how the CLI reads them from
    /// text is tested in InfoField.Cli.Tests).
    /// </summary>
    private static Network HostileZooRequest(Random random)
    {
        string model = Pick(random, ["vgg11", "resnet18", "mobilenet", "vgg16-opt", "nosuchmodel"]);
        string dataset = Pick(random, ["cifar10", "mnist", "imagenet", "bogus", ""]);
        double width = random.Next(8) switch { 0 => double.NaN, 1 => 1e308, 2 => -1, 3 => 0, 4 => 1e-9, 5 => 1000, _ => 0.25 };
        string input = Pick(random, ["3x32x32", "1x28x28", "3x65536x65536", "2147483647x1x1", "3x0x32", "3x32", "1,5x3x3", "3x32x32x32", "x", "-3x32x32", "3x\n32x32"]);
        InputShape? shape = random.Next(3) == 0 ? null : Shape(input);
        bool defaultDataset = random.Next(3) == 0, defaultWidth = random.Next(3) == 0;
        DatasetInfo? data = defaultDataset ? null : DatasetInfo.Find(dataset);
        double multiplier = defaultWidth ? 1.0 : width;
        return model.EndsWith(NetworkSource.OptimizedSuffix, StringComparison.Ordinal)
            ? NetworkSource.OptimizedZoo(model[..^NetworkSource.OptimizedSuffix.Length], data, multiplier, shape).Network
            : NetworkSource.Zoo(model, data, multiplier, shape).Network;
    }

    /// <summary>The typed shape of <c>CxHxW</c> or <c>CxL</c> with positive whole numbers, else a one-line error.</summary>
    private static InputShape Shape(string text)
    {
        int[] values = [.. text.Split('x', 'X').Select(part => int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1 ? value : -1)];
        return values.Contains(-1) || values.Length is not (2 or 3)
            ? throw new ParameterException("input", $"'{text}'", "expected CxHxW or CxL with positive integers")
            : values.Length == 3 ? new InputShape(new FeatureShape(values[0], values[1], values[2]), 2) : new InputShape(new FeatureShape(values[0], 1, values[1]), 1);
    }

    private static void CheckConsistent(Network network, FieldOptions options)
    {
        NetworkCost cost = CostModel.Of(network);
        Assert.True(cost.Total.Parameters >= 0 && cost.Total.Macs >= 0);
        Assert.Equal(cost.Total, Cost.Sum(cost.Stages) + cost.Head);
        Assert.Equal(network, NetworkSpec.Parse(NetworkSpec.Serialize(network)));
        NetworkField field;
        try
        {
            field = InformationField.Analyze(network, options);
        }
        catch (InfoFieldException) when (!(options.Alpha > 0) || double.IsInfinity(options.Alpha))
        {
            return;
        }

        Assert.True(options.Alpha > 0 && double.IsFinite(options.Alpha), "analysis accepted an invalid alpha");
        foreach (UnitField unit in field.Stages.SelectMany(stage => stage.Units))
        {
            // IF is 0 exactly when some output channel depends on nothing (its windows lie in the zero padding).
            Assert.True(unit.IfH >= 1 && unit.IfW >= 1 && unit.IfC >= 0 && (unit.If >= 1 || unit.IfC == 0), $"{unit.Name}: IF {unit.IfH}x{unit.IfW}x{unit.IfC} = {unit.If}");
            Assert.True(unit.IfHMin <= unit.IfH && unit.IfWMin <= unit.IfW && unit.IfC <= unit.IfCMax && unit.Local.If <= unit.If, $"{unit.Name}: min, max and local out of order");
            Assert.Equal((long)unit.IfH * unit.IfW * unit.IfC, unit.If);
            Assert.True(unit.DeltaIf is null || (unit.DeltaIf >= 0 && double.IsFinite(unit.DeltaIf.Value)), $"{unit.Name}: dIF {unit.DeltaIf}");
            Assert.True(unit.Cost.Parameters >= 0 && unit.Cost.Macs >= 0);
        }
    }

    private static readonly string[] Extremes =
        ["0", "1", "2", "3", "-1", "2147483647", "-2147483648", "1073741824", "65536", "65537", "1000000", "1.5", "\"3\"", "null", "[]", "[1, 2]", "[2, 1]", "[1, 2, 3]", "true", "1e308", "0.6666666666666666", "{}", "1e-400", "-1e-400", "1e400", "5e-324", "\"\\ud800\""];

    /// <summary>
    /// Strings as JSON source: lone surrogate escapes (high, low, reversed), terminal escapes, C0 and C1 controls,
    /// bidirectional overrides, a valid pair and an escaped backslash (which are fine).
    /// </summary>
    internal static readonly string[] HostileStrings =
        ["\\ud800", "a\\udc00b", "\\udc00\\ud800", "x\\ud83d", "\\u001b[31mred\\u001b[0m", "\\u001b]0;title\\u0007", "\\r\\n\\tz", "\\u0085\\u009b2J", "\\u202egnp.exe", "\\u2028\\u2029", "\\u0000", "\\ud83d\\ude00", "\\\\ud800", "\\u00ad\\u200b"];

    private static readonly string[] OpTypes =
        ["conv", "dw", "pw", "gpw", "rpw", "shuffle", "interlace", "maxpool", "avgpool", "globalavgpool", "adaptiveavgpool", "bn", "relu", "dropout", "flatten", "linear", "residual", "softmax", "bogus"];

    private static readonly string[] CleanTypes =
        ["conv", "conv", "dw", "pw", "gpw", "rpw", "shuffle", "bn", "relu", "dropout", "residual"];

    private static string HostileSpec(Random random)
    {
        // Half the cases are plausible networks (so that analysis runs), half are hostile throughout.
        bool hostile = random.Next(2) == 0;
        var json = new StringBuilder();
        int rank = random.Next(4) == 0 ? 1 : 2;
        string input = hostile && random.Next(8) == 0 ? Pick(random, Extremes)
            : rank == 1 ? $"[{Pick(random, ["1", "2", "4", "8"])}, {Small(random, 8, 64)}]"
            : $"[{Pick(random, ["1", "2", "3", "4", "8"])}, {Small(random, 8, 40)}, {Small(random, 8, 40)}]";
        json.Append("{\"name\": \"").Append(random.Next(10) == 0 ? Pick(random, HostileStrings) : "fuzz").Append("\", \"input\": ").Append(input).Append(", \"stages\": [");
        int stages = random.Next(hostile ? 0 : 1, 4);
        for (int s = 0; s < stages; s++)
        {
            json.Append(s > 0 ? ", " : "").Append('{').Append(s > 0 && !hostile ? "\"entry\": [{\"type\": \"maxpool\", \"kernel\": 2}], " : "").Append("\"units\": [");
            int units = random.Next(hostile ? 0 : 1, 4);
            for (int u = 0; u < units; u++)
            {
                string name = random.Next(10) == 0 ? $"\"name\": \"{Pick(random, HostileStrings)}\", " : "";
                string stray = hostile && random.Next(12) == 0 ? $"\"{Pick(random, HostileStrings)}\": 1, " : "";
                json.Append(u > 0 ? ", " : "").Append('{').Append(name).Append(stray).Append("\"ops\": [").Append(Ops(random, rank, depth: 0, hostile)).Append("]}");
            }

            json.Append("]}");
        }

        json.Append("], \"head\": [").Append(hostile && random.Next(3) == 0 ? Ops(random, rank, depth: 1, hostile) : "{\"type\": \"globalavgpool\"}, {\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 10}").Append("]}");
        string text = json.ToString();
        return (hostile ? random.Next(10) : 9) switch
        {
            0 => text[..random.Next(text.Length)],
            1 => text.Remove(random.Next(text.Length), 1),
            2 => text.Insert(random.Next(text.Length), Pick(random, ["\n", "\"", "{", "]", ",", "\\u0000", "9999999999"])),
            _ => text,
        };
    }

    private static string Ops(Random random, int rank, int depth, bool hostile)
    {
        if (depth == 0 && random.Next(3) == 0)
        {
            return GraphOps(random, rank, hostile);
        }

        int count = random.Next(1, 4);
        return string.Join(", ", Enumerable.Range(0, count).Select(_ => Op(random, rank, depth, hostile)));
    }

    /// <summary>
    /// A unit written as a graph (format 2): two branches from the unit's input (a channel split, a slice, a pooled
    /// gate or plain ops) joined by a merge; hostile cases name missing, later or duplicate tensors, merge misfits or
    /// leave a tensor dangling.
    /// </summary>
    private static string GraphOps(Random random, int rank, bool hostile)
    {
        string parts = hostile ? Pick(random, ["2", "3", "0", "-1", "65537", "\"2\""]) : "2";
        string left = !hostile ? $"{{\"name\": \"a\", \"type\": \"split\", \"part\": 0, \"parts\": {parts}}}" : Pick(random, [
            $"{{\"name\": \"a\", \"type\": \"split\", \"part\": 0, \"parts\": {parts}}}",
            $"{{\"name\": \"a\", \"type\": \"slice\", \"start\": {(hostile ? Pick(random, Extremes) : "0")}, \"count\": {(hostile ? Pick(random, Extremes) : "1")}}}",
            "{\"type\": \"globalavgpool\"}, {\"type\": \"pw\", \"out\": 8, \"bias\": true}, {\"name\": \"a\", \"type\": \"sigmoid\"}",
            $"{Op(random, rank, 1, hostile)}, {{\"name\": \"a\", \"type\": \"relu\"}}",
        ]);
        string middle = hostile ? Op(random, rank, 1, hostile) : Pick(random, ["{\"type\": \"split\", \"part\": 1, \"parts\": 2}", "{\"type\": \"dw\", \"kernel\": 3, \"padding\": 1}, {\"type\": \"split\", \"part\": 1, \"parts\": 2}"]);
        string right = $"{{\"type\": \"relu\", \"inputs\": [\"{(hostile && random.Next(4) == 0 ? Pick(random, ["b", "nowhere", "a", "input"]) : "input")}\"]}}, {middle}, {{\"name\": \"{(hostile && random.Next(6) == 0 ? "a" : "b")}\", \"type\": \"bn\"}}";
        string merge = hostile ? Pick(random, ["add", "mul", "concat", "relu", "bogus"]) : Pick(random, ["add", "mul", "concat"]);
        string inputs = hostile && random.Next(4) == 0 ? Pick(random, ["[\"a\"]", "[]", "[\"b\", \"b\"]", "[1]", "[\"a\", \"c\"]"]) : "[\"a\", \"b\"]";
        string tail = hostile && random.Next(4) == 0 ? ", {\"name\": \"dangling\", \"type\": \"relu\", \"inputs\": [\"input\"]}, {\"type\": \"relu\", \"inputs\": [\"m\"]}" : "";
        return $"{left}, {right}, {{\"name\": \"m\", \"type\": \"{merge}\", \"inputs\": {inputs}}}{tail}";
    }

    private static string Op(Random random, int rank, int depth, bool hostile)
    {
        string type = hostile ? Pick(random, OpTypes) : Pick(random, CleanTypes);
        if (type == "residual" && depth > 1)
        {
            type = "relu";
        }

        string Value(int low, int high) => hostile && random.Next(4) == 0 ? Pick(random, Extremes) : Small(random, low, high);
        string Out() => hostile ? Value(1, 32) : Small(random, 1, 8) + "0";
        string Groups() => hostile ? Value(1, 4) : Pick(random, ["1", "1", "2"]);
        string Window() => (rank == 1 ? "" : random.Next(6) == 0 ? $", \"stride\": {Value(1, 3)}" : "") + (random.Next(3) == 0 ? $", \"padding\": {Value(0, 3)}" : "") + (random.Next(6) == 0 ? $", \"dilation\": {Value(1, 3)}" : "");
        return type switch
        {
            "conv" => $"{{\"type\": \"conv\", \"out\": {Out()}, \"kernel\": {Value(1, 5)}{Window()}, \"groups\": {Groups()}}}",
            "dw" => $"{{\"type\": \"dw\", \"kernel\": {Value(1, 5)}{Window()}, \"multiplier\": {Value(1, 3)}}}",
            "pw" or "gpw" => $"{{\"type\": \"{type}\", \"out\": {Out()}, \"groups\": {Groups()}}}",
            "rpw" => $"{{\"type\": \"rpw\", \"out\": {Out()}, \"groups\": {Groups()}, \"overlap\": {Pick(random, ["0", "0.5", "0.25", "0.6666666666666666", "0.99", "1", "-0.1", "0.66666666666666666666", "\"x\"", "1e-400", "1e-30", "5e-324", "1e-12"])}}}",
            "shuffle" or "interlace" => $"{{\"type\": \"{type}\", \"groups\": {Groups()}}}",
            "maxpool" or "avgpool" => $"{{\"type\": \"{type}\", \"kernel\": {Value(1, 3)}{(random.Next(3) == 0 ? $", \"padding\": {Value(0, 2)}" : "")}}}",
            "adaptiveavgpool" => $"{{\"type\": \"adaptiveavgpool\", \"output\": {Value(1, 4)}}}",
            "dropout" => $"{{\"type\": \"dropout\", \"p\": {Pick(random, ["0.5", "0", "1", "-1", "1e308", "\"p\""])}}}",
            "linear" => $"{{\"type\": \"linear\", \"out\": {Value(1, 16)}}}",
            "residual" => $"{{\"type\": \"residual\", \"body\": [{Ops(random, rank, depth + 1, hostile)}]{(random.Next(3) == 0 ? $", \"shortcut\": [{Ops(random, rank, depth + 1, hostile)}]" : "")}}}",
            _ => $"{{\"type\": \"{type}\"}}",
        };
    }

    private static string Small(Random random, int low, int high) => random.Next(low, high + 1).ToString(CultureInfo.InvariantCulture);

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}

/// <summary>Core and Torch speak of fields and parameters; only the command line names its flags.</summary>
public class LibraryMessageTests
{
    [Fact]
    public void Library_sources_put_no_command_line_flags_in_strings()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfoField.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("InfoField.slnx not found above the test's folder");
        }

        var flag = new System.Text.RegularExpressions.Regex("\"[^\"]*(?<![a-z0-9-])--[a-z][a-z-]+", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        var offenders = new List<string>();
        foreach (string project in new[] { "InfoField.Core", "InfoField.Onnx", "InfoField.Reporting", "InfoField.Torch" })
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "src", project), "*.cs", SearchOption.AllDirectories))
            {
                string[] lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    string line = lines[i].TrimStart();
                    if (!line.StartsWith("//", StringComparison.Ordinal) && flag.IsMatch(line)
                        && !line.Contains("\"--block\", FactorizedBlocks.Stack", StringComparison.Ordinal))
                    {
                        offenders.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {line}");
                    }
                }
            }
        }

        Assert.Empty(offenders);
    }
}

public class MemoryBudgetTests
{
    [Theory]
    [InlineData("2147483648", 2147483648L)]
    [InlineData("512M", 512L << 20)]
    [InlineData("8g", 8L << 30)]
    [InlineData(" 1T ", 1L << 40)]
    public void Budgets_read_bytes_with_binary_suffixes(string text, long bytes) => Assert.Equal(bytes, MemoryBudget.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("-1G")]
    [InlineData("1,5G")]
    [InlineData("99999999999T")]
    public void Bad_budgets_are_refused_in_one_line(string text) =>
        Assert.Contains(MemoryBudget.SettingName, Assert.Throws<InfoFieldException>(() => MemoryBudget.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void Work_beyond_the_budget_is_refused_before_it_starts()
    {
        var error = Assert.Throws<InfoFieldException>(() => MemoryBudget.Check("a test", 1e18));

        Assert.StartsWith("a test would need about 931322574.6 GB of memory, more than the budget of", error.Message, StringComparison.Ordinal);
        MemoryBudget.Check("a test", 1024);
    }
}
