using InfoField.Files;
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

    [Fact]
    public void Thousands_of_stray_arguments_print_the_first_error_on_one_short_line()
    {
        string[] stray = [.. Enumerable.Range(0, 3000).Select(i => $"stray{i}")];

        CliRun run = CliRun.Of(["analyze", "vgg11", .. stray]);

        OneLine(run, 2, "Unrecognized command or argument 'stray0'; 2,999 more error(s) (see 'infofield analyze --help')");
        Assert.True(run.Error.Length < 200, run.Error);
    }

    [Theory]
    [InlineData(new[] { "rule", "F", "-c", "8", "--overlap", "1e-400" }, 2, "--overlap: expected a number that a double holds (this one underflows to 0")]
    [InlineData(new[] { "models", "--width", "-1e-999" }, 2, "--width: expected a number that a double holds")]
    [InlineData(new[] { "decompose", "vgg11", "--block", "dw-rpw", "--overlap", "1e-30" }, 2, "--overlap: expected an overlap whose digits fit the 28 decimal places of the window arithmetic")]
    [InlineData(new[] { "rule", "F", "-c", "8", "--overlap", "1e-30" }, 2, "--overlap: expected an overlap whose digits fit the 28 decimal places")]
    public void Numbers_that_underflow_are_refused_not_used_as_0(string[] args, int exitCode, string expected) =>
        OneLine(CliRun.Of(args), exitCode, expected);

    [Fact]
    public void Follow_links_resolves_a_bare_relative_link_name_against_the_links_folder_and_refuses_loops_and_folders()
    {
        using var temp = new TempFolder();
        File.CreateSymbolicLink(temp["lnk"], "target.json");
        File.CreateSymbolicLink(temp["loop"], "loop");
        Directory.CreateDirectory(temp["dir"]);
        File.CreateSymbolicLink(temp["dirlink"], "dir");
        Directory.CreateDirectory(temp["sub"]);
        File.CreateSymbolicLink(Path.Combine(temp["sub"], "up"), "../up.json");

        // A separate process in that folder: the link's name is relative to the working directory, as typed.
        (int code, string error) = Launch(temp.Path, "optimize", "vgg11", "--out", "lnk", "--follow-links");
        (int loopCode, string loopError) = Launch(temp.Path, "optimize", "vgg11", "--out", "loop", "--follow-links");
        (int dirCode, string dirError) = Launch(temp.Path, "optimize", "vgg11", "--out", "dirlink", "--follow-links");
        (int upCode, string upError) = Launch(temp["sub"], "report", "vgg11", "--out", "up", "--follow-links", "--format", "json");

        Assert.True(code == 0, error);
        Assert.True(File.Exists(temp["target.json"]), "the link's target was not written beside it");
        Assert.Equal(FileKind.SymbolicLink, InfoField.Files.BoundedFile.KindOf(temp["lnk"]));
        Assert.Equal(1, loopCode);
        Assert.Contains("loop: too many levels of symbolic links", loopError, StringComparison.Ordinal);
        Assert.Equal(1, dirCode);
        Assert.Contains("is a directory; expected a file name", dirError, StringComparison.Ordinal);
        Assert.True(upCode == 0, upError);
        Assert.True(File.Exists(temp["up.json"]));
        Assert.Equal(["dir", "dirlink", "lnk", "loop", "sub", "target.json", "up.json"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Names with terminal escapes, control, format and line-separator characters (seeded): every text output shows
    /// them escaped, keeps the line count of the same network with plain names, and the HTML and SVG hold none of them.
    /// </summary>
    [Fact]
    public void Hostile_names_are_printed_escaped_in_every_text_and_html_output()
    {
        using var temp = new TempFolder();
        int seed = InfoField.Torch.Tests.TestSeed.Value(20261207);
        var random = new Random(seed);
        // JSON escapes (the spec file holds them as text): terminal escapes, line breaks, C1 controls, bidirectional and zero-width characters.
        string[] pieces = ["\\u001b[31m", "\\u001b]0;owned\\u0007", "\\n", "\\r", "\\t", "\\u0085", "\\u009b2J", "\\u202e", "\\u2028", "\\u200b", "\\u0000", "\\u007f"];
        string Hostile() => "n" + string.Concat(Enumerable.Range(0, 3).Select(_ => pieces[random.Next(pieces.Length)] + "x"));
        string spec = File.ReadAllText(CliRun.Of("optimize", "mobilenet", "--out", temp["base.json"]).ExitCode == 0 ? temp["base.json"] : throw new InvalidOperationException());
        string plain = temp["plain.json"], hostile = temp["hostile.json"];
        File.WriteAllText(plain, spec.Replace("\"name\": \"", "\"name\": \"P", StringComparison.Ordinal));
        File.WriteAllText(hostile, System.Text.RegularExpressions.Regex.Replace(spec, "\"name\": \"", _ => $"\"name\": \"{Hostile()}"));
        string[][] commands = [["analyze"], ["analyze", "--detail"], ["optimize"], ["decompose", "--block", "dw-rpw"]];

        foreach (string[] command in commands)
        {
            CliRun named = CliRun.Of([command[0], hostile, .. command[1..]]);
            CliRun reference = CliRun.Of([command[0], plain, .. command[1..]]);
            Assert.True(named.ExitCode == 0, $"seed {seed}: {string.Join(' ', command)}: {named.Error}");
            Assert.True(!named.Output.Any(c => c != '\n' && InfoField.Reporting.Printable.IsUnprintable(c)), $"seed {seed}: {string.Join(' ', command)} printed a control character");
            Assert.Equal(reference.Output.Split('\n').Length, named.Output.Split('\n').Length);
            Assert.Contains("\\u", named.Output, StringComparison.Ordinal);
        }

        Assert.Equal(0, CliRun.Of("report", hostile, "--out", temp["r.html"]).ExitCode);
        Assert.Equal(0, CliRun.Of("report", hostile, "--out", temp["svg"], "--format", "svg").ExitCode);
        foreach (string file in Directory.GetFiles(temp["svg"]).Append(temp["r.html"]))
        {
            string text = File.ReadAllText(file);
            Assert.True(!text.Any(c => c != '\n' && InfoField.Reporting.Printable.IsUnprintable(c)), $"seed {seed}: {file} holds a control character");
        }

        foreach (string file in Directory.GetFiles(temp["svg"]))
        {
            _ = System.Xml.Linq.XDocument.Parse(File.ReadAllText(file));
        }
    }

    [Fact]
    public void Connectivity_pictures_and_study_plans_have_budgets_checked_before_the_work()
    {
        using var temp = new TempFolder();
        string tiny = TestFiles.WriteTinySpec(temp["tiny.json"]);
        string wide = temp["wide.json"];
        File.WriteAllText(wide, "{\"input\": [8192, 8, 8], \"stages\": [{\"units\": [{\"name\": \"dw-pw\", \"ops\": [{\"type\": \"dw\", \"kernel\": 3, \"padding\": 1}, {\"type\": \"pw\", \"out\": 8192}]}]}], \"head\": [{\"type\": \"globalavgpool\"}, {\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 10}]}");

        CliRun? block = null, seeds = null;
        long blockAllocated = AllocatedBy(() => block = CliRun.Of("report", "vgg11", "--block", "A", "--channels", "65536", "--out", temp["a.html"]));
        long seedsAllocated = AllocatedBy(() => seeds = CliRun.Of("compare", tiny, "--dataset", "mnist", "--seeds", "2147483647", "--plan", "--results", temp["results"]));
        CliRun picture = CliRun.Of("report", wide, "--out", temp["wide.html"]);

        OneLine(block!, 1, "--block A with --channels 65536 and --groups 4: a connectivity picture draws at most 4,096 channels, not 65,536");
        Assert.True(blockAllocated < 64L << 20, $"allocated {blockAllocated:N0} bytes");
        OneLine(seeds!, 1, "--seeds 2147483647: a study plans at most 10,000 runs, and 2,147,483,647 seeds of 1 network(s) are 2,147,483,647");
        Assert.True(seedsAllocated < 64L << 20, $"allocated {seedsAllocated:N0} bytes");
        Assert.True(picture.ExitCode == 0, picture.Error);
        Assert.Contains("stage 1, unit 1 (dw-pw) is not pictured: a connectivity picture draws at most 4,096 channels, not 8,192", File.ReadAllText(temp["wide.html"]), StringComparison.Ordinal);
        Assert.Equal(0, CliRun.Of("report", "vgg11", "--block", "F", "--channels", "4096", "--out", temp["f.html"]).ExitCode);
    }

    [Fact]
    public void A_checkpoint_whose_header_does_not_fit_its_network_is_refused_in_one_line_by_eval_and_export()
    {
        using var temp = new TempFolder();
        string path = temp["c.ifckpt"];
        using (var model = Torch.Building.ModuleBuilder.Build(TestFiles.TinyNetwork()))
        using (var optimizer = TorchSharp.torch.optim.SGD(model.parameters(), 0.1, 0.9))
        {
            var info = new Torch.Training.CheckpointInfo(
                Torch.Training.CheckpointInfo.SchemaName, "0123456789abcdef", "tiny", "mnist", "mnist", 1, new Training.TrainingSettings(), 1,
                Torch.Data.Normalization.Cifar, [.. Enumerable.Range(0, 10).Select(i => $"{i}")], InfoField.Spec.NetworkSpec.Serialize(TestFiles.TinyNetwork()), []);
            Torch.Training.Checkpoint.Save(path, info, model, optimizer);
        }

        OneLine(CliRun.Of("eval", path), 1, "corrupted checkpoint: its normalization has 3 channel(s) but its network takes 1 (1x32x32)");
        OneLine(CliRun.Of("export", path, "--out", temp["x.onnx"]), 1, "its normalization has 3 channel(s)");
    }

    private static long AllocatedBy(Action work)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        work();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Runs the published command in <paramref name="directory"/> as its own process; the exit code and standard error.</summary>
    private static (int Code, string Error) Launch(string directory, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "infofield.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = output.Result;
        return (process.ExitCode, error);
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
