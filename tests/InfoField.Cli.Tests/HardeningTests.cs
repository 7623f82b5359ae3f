using InfoField.Torch.Tests.Training;

namespace InfoField.Cli.Tests;

/// <summary>The fuzzing campaign's reproducers at the command line: one line and the right exit code for each.</summary>
public class HardeningTests
{
    private static void OneLine(CliRun run, int exitCode, string expected)
    {
        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}: {run.Error}");
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "analyze", "vgg11", "--width", "1,5" }, "--width: expected a number such as 0.5")]
    [InlineData(new[] { "analyze", "vgg11", "--alpha", "1,5" }, "--alpha: expected a number")]
    [InlineData(new[] { "models", "--width", "1e400" }, "--width: expected a number")]
    [InlineData(new[] { "rule", "F", "-c", "8", "-o", "0,5" }, "--overlap: expected a number")]
    [InlineData(new[] { "decompose", "vgg11", "--block", "dw-rpw", "--overlap", "0.66666666666666666666" }, "--overlap: expected an overlap with at most 17 significant digits")]
    [InlineData(new[] { "train", "vgg11", "--dataset", "mnist", "--threads", "100000" }, "--threads: expected a thread count of at most")]
    [InlineData(new[] { "eval", "x", "--threads", "100000" }, "--threads: expected a thread count")]
    [InlineData(new[] { "bench", "rpw", "--threads", "100000" }, "--threads: expected a thread count")]
    [InlineData(new[] { "optimize", "vgg11", "--out", "" }, "--out: expected a non-empty value")]
    [InlineData(new[] { "report", "vgg11", "--out", "" }, "--out: expected a non-empty value")]
    [InlineData(new[] { "decompose", "vgg11", "--block", "dw-pw", "--out", "" }, "--out: expected a non-empty value")]
    [InlineData(new[] { "bench", "rpw", "--quick", "--out", "" }, "--out: expected a non-empty value")]
    [InlineData(new[] { "train", "vgg11", "--dataset", "mnist", "--out", "" }, "--out: expected a non-empty value")]
    [InlineData(new[] { "rule", "F", "--channels", "1000000" }, "--channels: expected a channel count from 1 to 65,536")]
    [InlineData(new[] { "analyze", "vgg11", "--frame", "sideways" }, "sideways")]
    [InlineData(new[] { "train", "vgg11", "--augment", "maybe" }, "maybe")]
    [InlineData(new[] { "analyze", "vgg11", "--epochs", "3" }, "--epochs")]
    [InlineData(new[] { "analyze", "vgg11", "--width", "3\n4" }, "3\\n4")]
    public void Bad_option_values_give_one_line_and_exit_2(string[] args, string expected) =>
        OneLine(CliRun.Of(args), 2, expected);

    [Theory]
    [InlineData(new[] { "analyze", "vgg11", "--input", "3x65536x65536" }, "input: a feature map of 3x65536x65536")]
    [InlineData(new[] { "analyze", "vgg11", "--input", "2147483647x32x32" }, "input: must be between 1 and 65,536")]
    [InlineData(new[] { "bench", "rpw", "--batch", "1000000000" }, "more than the budget of")]
    public void Inputs_beyond_the_limits_give_one_line_and_exit_1(string[] args, string expected) =>
        OneLine(CliRun.Of(args), 1, expected);

    [Fact]
    public void Output_targets_must_be_regular_writable_files_or_new_names()
    {
        using var temp = new TempFolder();
        string target = temp["target.json"];
        File.WriteAllText(target, "keep");
        string link = temp["link.json"];
        File.CreateSymbolicLink(link, target);
        string locked = temp["locked.json"];
        File.WriteAllText(locked, "keep");
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(locked, FileAttributes.ReadOnly);
        }
        else
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead);
        }

        OneLine(CliRun.Of("optimize", "vgg11", "--out", "/dev/null"), 1, "/dev/null: is a device, FIFO or socket");
        OneLine(CliRun.Of("optimize", "vgg11", "--out", link), 1, "is a symbolic link");
        OneLine(CliRun.Of("optimize", "vgg11", "--out", temp.Path), 1, "is a directory");
        OneLine(CliRun.Of("optimize", "vgg11", "--out", locked), 1, "is read-only");
        OneLine(CliRun.Of("bench", "rpw", "--quick", "--out", "/dev/zero"), 1, "/dev/zero: is a device");

        Assert.Equal("keep", File.ReadAllText(target));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Equal("keep", File.ReadAllText(locked));

        // Asked to, a command writes through the link to its target; the link stays a link. A link to a device is
        // still refused, now naming the device.
        string devices = temp["devices.json"];
        File.CreateSymbolicLink(devices, "/dev/null");
        Assert.Equal(0, CliRun.Of("optimize", "vgg11", "--out", link, "--follow-links").ExitCode);
        Assert.Contains("\"format\": \"infofield-network/2\"", File.ReadAllText(target), StringComparison.Ordinal);
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        OneLine(CliRun.Of("optimize", "vgg11", "--out", devices, "--follow-links"), 1, "/dev/null: is a device, FIFO or socket");
    }

    [Fact]
    public void Temporaries_left_by_killed_writers_are_cleaned_up_and_fresh_ones_left_alone()
    {
        using var temp = new TempFolder();
        string target = temp["out.json"];
        string stale = temp[$".out.json.{Guid.NewGuid():N}.tmp"];
        string fresh = temp[$".out.json.{Guid.NewGuid():N}.tmp"];
        string foreign = temp[".out.json.not-ours.tmp"];
        foreach (string path in new[] { stale, fresh, foreign })
        {
            File.WriteAllText(path, "partial");
        }

        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - TimeSpan.FromHours(2));
        File.SetLastWriteTimeUtc(foreign, DateTime.UtcNow - TimeSpan.FromHours(2));

        Assert.Equal(0, CliRun.Of("optimize", "vgg11", "--out", target).ExitCode);

        Assert.True(File.Exists(target));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(foreign));
    }

    [Fact]
    public void Specs_that_are_devices_fifos_or_too_large_are_refused_in_one_line()
    {
        OneLine(CliRun.Of("analyze", "/dev/zero"), 1, "/dev/zero");
        using var temp = new TempFolder();
        string big = temp["big.json"];
        File.WriteAllText(big, new string(' ', (5 << 20)) + "{}");
        OneLine(CliRun.Of("report", big, "-o", temp["r.html"]), 1, "the limit for a spec file");
    }

    [Fact]
    public void A_1d_spec_of_the_vgg_family_works_with_every_command_that_analyze_accepts()
    {
        using var temp = new TempFolder();
        string Unit(int c) => $"{{\"name\": \"c{c}\", \"family\": \"vgg\", \"ops\": [{{\"type\": \"conv\", \"out\": {c}, \"kernel\": 3, \"padding\": 1}}, {{\"type\": \"bn\"}}, {{\"type\": \"relu\"}}]}}";
        string spec = temp["oned.json"];
        File.WriteAllText(spec, $"{{\"input\": [1, 256], \"stages\": [{{\"units\": [{Unit(8)}, {Unit(8)}, {Unit(8)}, {Unit(8)}, {Unit(8)}]}}, {{\"entry\": [{{\"type\": \"maxpool\", \"kernel\": 2}}], \"units\": [{Unit(16)}]}}, {{\"entry\": [{{\"type\": \"maxpool\", \"kernel\": 2}}], \"units\": [{Unit(32)}]}}], \"head\": [{{\"type\": \"globalavgpool\"}}, {{\"type\": \"flatten\"}}, {{\"type\": \"linear\", \"out\": 10}}]}}");

        CliRun optimize = CliRun.Of("optimize", spec, "--out", temp["opt.json"]);
        CliRun report = CliRun.Of("report", spec, "--out", temp["r.html"]);
        CliRun decompose = CliRun.Of("decompose", spec, "--optimized", "--block", "dw-pw", "--out", temp["dec.json"]);

        Assert.True(optimize.ExitCode == 0, optimize.Error);
        Assert.Contains("move", optimize.Output, StringComparison.Ordinal);
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.True(decompose.ExitCode == 0, decompose.Error);
        Assert.Equal(0, CliRun.Of("analyze", temp["opt.json"]).ExitCode);
    }

    [Fact]
    public void Evaluating_no_images_or_training_with_an_absurd_rate_is_an_error_not_nan()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 32, 8);
        string tiny = TestFiles.WriteTinySpec(temp["tiny.json"]);
        string[] quick = ["--dataset", "mnist", "--epochs", "1", "--batch-size", "16", "--threads", "1"];

        OneLine(CliRun.Of(["train", tiny, .. quick, "--data-dir", data, "--lr", "1e308", "--out", temp["lr"]]), 1, "--lr: expected a positive learning rate of at most 100");
        Assert.Equal(0, CliRun.Of(["train", tiny, .. quick, "--data-dir", data, "--out", temp["run"]]).ExitCode);
        OneLine(CliRun.Of("eval", temp["run"], "--data-dir", data, "--test-limit", "0"), 1, "the test split has no images");
        OneLine(CliRun.Of("eval", temp["run"], "--data-dir", data, "--test-limit", "-3"), 1, "the test split has no images");

        string empty = TestFiles.WriteMnist(temp["empty"], 32, 0);
        OneLine(CliRun.Of(["train", tiny, .. quick, "--data-dir", empty, "--out", temp["empty-run"]]), 1, "32 training and 0 test images");
    }

    [Fact]
    public void A_results_folder_with_a_run_file_missing_its_fields_is_reported_in_one_line()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["results"]);
        File.WriteAllText(Path.Combine(temp["results"], "0123456789abcdef.json"), "{\"schema\": \"infofield-run/1\"}");

        OneLine(CliRun.Of("report", "vgg11", "--results", temp["results"], "--out", temp["r.html"]), 1, "0123456789abcdef.json: corrupted result file (the field 'id' is missing)");
    }

    [Fact]
    public void Library_errors_with_newlines_in_values_stay_on_one_line()
    {
        using var temp = new TempFolder();
        string spec = temp["bad.json"];
        File.WriteAllText(spec, "{\"input\": [3, 32, 32], \"stages\": [{\"units\": [{\"role\": \"line\\nbreak\", \"ops\": [{\"type\": \"relu\"}]}]}]}");

        OneLine(CliRun.Of("analyze", spec), 1, "line\\nbreak");
        OneLine(CliRun.Of("optimize", spec), 1, "line\\nbreak");
        OneLine(CliRun.Of("decompose", spec, "--block", "dw-pw"), 1, "line\\nbreak");
        OneLine(CliRun.Of("report", spec, "--out", temp["r.html"]), 1, "line\\nbreak");
    }
}

public class CliEnvironmentTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("512M", 512L << 20)]
    [InlineData("8G", 8L << 30)]
    public void The_memory_budget_variable_gives_the_library_setting(string? value, long? bytes) =>
        Assert.Equal(bytes, CliEnvironment.MemoryBudgetBytes(value));

    [Fact]
    public void A_bad_memory_budget_variable_is_named()
    {
        var error = Assert.Throws<InfoFieldException>(() => CliEnvironment.MemoryBudgetBytes("lots"));

        Assert.Equal("INFOFIELD_MEMORY_BUDGET='lots': expected a positive byte count such as 2147483648, 512M or 8G", error.Message);
    }
}
