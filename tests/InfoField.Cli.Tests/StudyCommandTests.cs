using System.Text.Json;
using InfoField.Torch.Tests.Training;

namespace InfoField.Cli.Tests;

public class StudyCommandTests
{
    private static readonly string[] Quick = ["--epochs", "1", "--batch-size", "16", "--threads", "2", "--train-limit", "48", "--test-limit", "16"];

    [Fact]
    public void The_insertion_study_trains_the_base_and_five_variants_and_relates_dif_to_accuracy()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 48, 16);

        JsonElement json = CliRun.Of(["study", "insertion", "--base", "vgg11", "--dataset", "mnist", "--data-dir", data, "--width", "0.0625", "--seeds", "2", "--results", temp["results"], "--json", .. Quick]).Json();

        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal("infofield-study/1", json.GetProperty("schema").GetString());
        Assert.Equal(["vgg11", "vgg11-variant1", "vgg11-variant2", "vgg11-variant3", "vgg11-variant4", "vgg11-variant5"], rows.Select(r => r.GetProperty("label").GetString()));
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("deltaIf").ValueKind);
        double[] gains = rows.Skip(1).Select(r => r.GetProperty("deltaIf").GetDouble()).ToArray();
        Assert.Equal([1.73, 1.60, 0.30, 0.0, 0.0], gains.Select(g => Math.Round(g, 2)));
        Assert.All(rows, r => Assert.Equal(2, r.GetProperty("accuracies").GetArrayLength()));
        Assert.Equal(0, json.GetProperty("missing").GetInt32());
        Assert.Equal(12, Directory.GetFiles(temp["results"], "*.json").Length);
        double mean = rows[1].GetProperty("mean").GetDouble();
        double[] accuracies = rows[1].GetProperty("accuracies").EnumerateArray().Select(a => a.GetDouble()).ToArray();
        Assert.Equal(accuracies.Average(), mean, 12);
        Assert.Equal(mean - rows[0].GetProperty("mean").GetDouble(), rows[1].GetProperty("delta").GetDouble(), 12);
    }

    [Fact]
    public void Compare_runs_each_model_k_times_skips_finished_runs_and_reports_from_the_folder()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 48, 16);
        string tiny = TestFiles.WriteTinySpec(temp["tiny.json"]);
        string[] args = ["compare", tiny, "vgg11", "--dataset", "mnist", "--data-dir", data, "--width", "0.0625", "--seeds", "2", "--results", temp["results"], .. Quick];

        CliRun first = CliRun.Of([.. args, "--json"]);
        CliRun second = CliRun.Of([.. args, "--json"]);
        CliRun text = CliRun.Of([.. args, "--report"]);

        JsonElement json = first.Json();
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal([tiny, "vgg11"], rows.Select(r => r.GetProperty("label").GetString()));
        Assert.Equal(1_442, rows[0].GetProperty("params").GetInt64());
        Assert.All(rows, r => Assert.Equal([1L, 2L], r.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt64())));
        Assert.Equal(first.Output, second.Output);
        Assert.Equal(4, second.Error.Split('\n').Count(line => line.Contains("finished before, skipped", StringComparison.Ordinal)));
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("change vs " + tiny, text.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("skipped", text.Error, StringComparison.Ordinal);

        CliRun report = CliRun.Of("report", "vgg11", "--dataset", "mnist", "--width", "0.0625", "--results", temp["results"], "--format", "json", "-o", temp["report.json"]);
        Assert.Equal(0, report.ExitCode);
        var points = JsonDocument.Parse(File.ReadAllText(temp["report.json"])).RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([tiny, "vgg11"], points.Select(p => p.GetProperty("model").GetString()).Order(StringComparer.Ordinal));
        JsonElement vgg = points.Single(p => p.GetProperty("model").GetString() == "vgg11");
        Assert.Equal(2, vgg.GetProperty("runs").GetInt32());
        Assert.Equal(rows[1].GetProperty("mean").GetDouble(), vgg.GetProperty("accuracyMean").GetDouble(), 12);
        Assert.Equal(rows[1].GetProperty("params").GetInt64(), vgg.GetProperty("params").GetInt64());
    }

    [Fact]
    public void Compare_resolves_optimized_zoo_names_through_the_network_source()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 8, 4);

        CliRun run = CliRun.Of("compare", "vgg16", "vgg16-opt", "--dataset", "mnist", "--data-dir", data, "--width", "0.25", "--results", temp["results"], "--report", "--json");
        Assert.Equal(3, run.ExitCode); // nothing is finished: the report is printed, and the exit code says it is incomplete
        JsonElement json = JsonDocument.Parse(run.Output).RootElement;

        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(JsonDocument.Parse(CliRun.Of("models", "--dataset", "mnist", "--width", "0.25", "--json").Output).RootElement.GetProperty("models").EnumerateArray().First(m => m.GetProperty("name").GetString() == "vgg16").GetProperty("params").GetInt64(), rows[0].GetProperty("params").GetInt64());
        Assert.True(rows[1].GetProperty("params").GetInt64() < rows[0].GetProperty("params").GetInt64());
        Assert.Equal("vgg16-opt", rows[1].GetProperty("network").GetString());
        Assert.Equal(6, json.GetProperty("missing").GetInt32());
        Assert.All(rows, r => Assert.Equal(0, r.GetProperty("accuracies").GetArrayLength()));
    }

    [Fact]
    public void A_study_without_variants_or_with_a_model_twice_is_refused()
    {
        CliRun noVariants = CliRun.Of("study", "insertion", "--base", "resnet18", "--dataset", "mnist", "--data-dir", "/usr/share/nonexistent");
        CliRun twice = CliRun.Of("compare", "vgg11", "VGG11", "--dataset", "mnist");

        Assert.Equal(1, noVariants.ExitCode);
        Assert.Contains("--base resnet18: the zoo has no resnet18-variant1", noVariants.Error, StringComparison.Ordinal);
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("'vgg11' is named twice", twice.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_kernel_study_trains_table_6s_blocks_and_compares_rpw_with_gpw_of_the_same_groups()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 48, 16);

        JsonElement json = CliRun.Of(["study", "kernels", "--dataset", "mnist", "--data-dir", data, "--width", "0.25", "--seeds", "1", "--results", temp["results"], "--json", .. Quick]).Json();

        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(
            ["baseline", "DW+PW", "DW+GPW-g2", "DW+GPW-g4", "DW+GPW-g8", "DW+RPW-g2-o0.5", "DW+RPW-g4-o0.5", "DW+RPW-g8-o0.5", "DW+RPW-g4-o0.33"],
            rows.Select(r => r.GetProperty("label").GetString()));
        Assert.Equal(0, json.GetProperty("missing").GetInt32());
        long Params(string label) => rows.Single(r => r.GetProperty("label").GetString() == label).GetProperty("params").GetInt64();
        Assert.Equal(Params("DW+GPW-g2"), Params("DW+RPW-g2-o0.5"));
        Assert.Equal(Params("DW+GPW-g4"), Params("DW+RPW-g4-o0.33"));
        Assert.True(Params("DW+GPW-g8") < Params("DW+GPW-g4") && Params("DW+GPW-g4") < Params("DW+GPW-g2") && Params("DW+GPW-g2") < Params("DW+PW") && Params("DW+PW") < Params("baseline"));
        var comparisons = json.GetProperty("comparisons").EnumerateArray().ToList();
        Assert.Equal(["DW+GPW-g2", "DW+GPW-g4", "DW+GPW-g8", "DW+GPW-g4"], comparisons.Select(c => c.GetProperty("versus").GetString()));
        JsonElement g2 = rows.Single(r => r.GetProperty("label").GetString() == "DW+GPW-g2");
        JsonElement rpw2 = rows.Single(r => r.GetProperty("label").GetString() == "DW+RPW-g2-o0.5");
        Assert.Equal(rpw2.GetProperty("mean").GetDouble() - g2.GetProperty("mean").GetDouble(), comparisons[0].GetProperty("delta").GetDouble(), 12);
        string text = CliRun.Of(["study", "kernels", "--dataset", "mnist", "--data-dir", data, "--width", "0.25", "--seeds", "1", "--results", temp["results"], "--report", .. Quick]).Output;
        Assert.Contains("DW+RPW-g4-o0.33 - DW+GPW-g4: ", text, StringComparison.Ordinal);
        Assert.Contains("s/epoch", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_insertion_study_adds_1x1_and_5x5_insertions_with_both_correlations()
    {
        using var temp = new TempFolder();

        JsonElement plan = CliRun.Of(["study", "insertion", "--kernels", "3,1,5", "--dataset", "fashion-mnist", "--width", "0.25", "--results", temp["results"], "--plan", "--json"]).Json();
        CliRun bad = CliRun.Of(["study", "insertion", "--kernels", "3,7", "--dataset", "fashion-mnist", "--results", temp["results"], "--plan"]);

        var labels = plan.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("label").GetString()).Distinct().ToList();
        Assert.Equal(16, labels.Count);
        Assert.Contains("vgg11-variant3-conv1", labels);
        Assert.Contains("vgg11-variant5-conv5", labels);
        Assert.Equal(48, plan.GetProperty("runs").GetArrayLength());
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--kernels: '7' is not one of 1, 3, 5", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Charts_are_drawn_from_the_committed_runs_one_point_per_variant()
    {
        using var temp = new TempFolder();
        string results = Path.Combine(RepositoryRoot(), "docs", "results", "data", "insertion-fashion-mnist");
        string[] settings = ["--dataset", "fashion-mnist", "--width", "0.25", "--epochs", "6", "--seeds", "3", "--augment", "on", "--report"];

        CliRun insertion = CliRun.Of(["study", "insertion", "--base", "vgg11", .. settings, "--results", results, "--charts", temp["insertion"]]);
        CliRun compare = CliRun.Of(["compare", "vgg16", "vgg16-opt", .. settings, "--results", Path.Combine(RepositoryRoot(), "docs", "results", "data", "optimized-fashion-mnist"), "--charts", temp["compare"]]);
        CliRun empty = CliRun.Of(["study", "insertion", .. settings, "--results", temp["empty"], "--charts", temp["none"]]);

        Assert.Equal(0, insertion.ExitCode);
        var svg = System.Xml.Linq.XDocument.Parse(File.ReadAllText(Path.Combine(temp["insertion"], "insertion-gains.svg")));
        var circles = svg.Descendants().Where(e => e.Name.LocalName == "circle").ToList();
        Assert.Equal(5 + 1, circles.Count); // five variants and the legend's one series
        Assert.Contains(circles, c => c.Value.Contains("vgg11-variant1 (3x3 conv): dIF 1.73, accuracy change +0.71 ± 0.12 points", StringComparison.Ordinal));
        Assert.Equal(0, compare.ExitCode);
        Assert.Equal(["results-macs.svg", "results-params.svg"], Directory.GetFiles(temp["compare"]).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("--charts", empty.Error, StringComparison.Ordinal);
        Assert.Contains("no run of the study has finished", empty.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp["none"]));
    }

    [Fact]
    public void Committed_study_results_reprint_without_the_data_set()
    {
        // A colleague reading the committed results has no data: --report, --plan and --charts read no image. The data
        // folder given here does not exist, so the test holds whether or not Debian's Fashion-MNIST is installed.
        using var temp = new TempFolder();
        string results = Path.Combine(RepositoryRoot(), "docs", "results", "data", "insertion-fashion-mnist");
        string[] study = ["study", "insertion", "--base", "vgg11", "--dataset", "fashion-mnist", "--data-dir", temp["no-data"], "--width", "0.25", "--epochs", "6", "--seeds", "3", "--augment", "on"];

        JsonElement report = CliRun.Of([.. study, "--results", results, "--report", "--json"]).Json();
        JsonElement plan = CliRun.Of([.. study, "--results", results, "--plan", "--json"]).Json();
        CliRun charts = CliRun.Of([.. study, "--results", results, "--report", "--charts", temp["charts"]]);
        CliRun training = CliRun.Of([.. study, "--results", temp["new-results"]]);

        Assert.Equal(0, report.GetProperty("missing").GetInt32());
        Assert.Equal(18, report.GetProperty("rows").EnumerateArray().Sum(row => row.GetProperty("accuracies").GetArrayLength()));
        Assert.Equal(18, plan.GetProperty("runs").GetArrayLength());
        Assert.Equal(0, charts.ExitCode);
        Assert.True(File.Exists(Path.Combine(temp["charts"], "insertion-gains.svg")), charts.Error);
        Assert.False(Directory.Exists(temp["no-data"]));
        // Training does read the data, from the folder given: the reprints above did not find it elsewhere.
        Assert.Equal(1, training.ExitCode);
        Assert.Contains(temp["no-data"], training.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("insertion-fashion-mnist", new[] { "study", "insertion", "--base", "vgg11" }, 18)]
    [InlineData("insertion-fashion-mnist", new[] { "study", "insertion", "--base", "vgg11", "--kernels", "3,1,5" }, 48)]
    [InlineData("optimized-fashion-mnist", new[] { "compare", "vgg16", "vgg16-opt" }, 6)]
    [InlineData("optimized-fashion-mnist", new[] { "compare", "mobilenet", "mobilenet-opt" }, 6)]
    [InlineData("kernels-fashion-mnist", new[] { "study", "kernels" }, 27)]
    public void Committed_study_results_keep_their_run_ids(string folder, string[] command, int runs)
    {
        // Run ids hash the architecture's spec JSON: the committed results must still be found (docs/results), so the
        // JSON hashed for networks format 1 could describe stays exactly what format 1 wrote.
        string results = Path.Combine(RepositoryRoot(), "docs", "results", "data", folder);

        JsonElement json = CliRun.Of([.. command, "--dataset", "fashion-mnist", "--width", "0.25", "--epochs", "6", "--seeds", "3", "--augment", "on", "--results", results, "--report", "--json"]).Json();

        Assert.Equal(0, json.GetProperty("missing").GetInt32());
        Assert.Equal(runs, json.GetProperty("rows").EnumerateArray().Sum(row => row.GetProperty("accuracies").GetArrayLength()));
    }

    [Theory]
    [InlineData("insertion-fashion-mnist")]
    [InlineData("optimized-fashion-mnist")]
    [InlineData("kernels-fashion-mnist")]
    public void Committed_results_written_before_the_device_was_recorded_read_as_cpu(string folder)
    {
        var records = new InfoField.Torch.Studies.ResultsFolder(Path.Combine(RepositoryRoot(), "docs", "results", "data", folder)).ReadAll();

        Assert.NotEmpty(records);
        Assert.All(records, record => Assert.Equal("cpu", record.Result.Device));
    }

    private static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "InfoField.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("the repository root (InfoField.slnx) is not above the test's folder");
    }
}
