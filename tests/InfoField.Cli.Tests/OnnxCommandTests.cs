using System.Runtime.InteropServices;
using System.Text.Json;
using InfoField.Architecture;
using InfoField.Spec;
using InfoField.Torch.Building;
using InfoField.Torch.Tests.Training;
using InfoField.Torch.Training;
using Onnx;

namespace InfoField.Cli.Tests;

/// <summary>ONNX models wherever a spec path is accepted (fixtures from tools/onnx/export_fixtures.py).</summary>
public sealed class OnnxCommandTests : IDisposable
{
    private readonly List<TempFolder> _folders = [];

    /// <summary>Deletes the folders the test wrote to (an optimized ResNet-50 alone is 91 MB).</summary>
    public void Dispose()
    {
        foreach (TempFolder folder in _folders)
        {
            folder.Dispose();
        }
    }

    [Fact]
    public void Analyze_reads_an_onnx_model_as_the_zoo_model_it_was_exported_from()
    {
        JsonElement imported = CliRun.Of("analyze", Fixture("resnet50"), "--json").Json();
        JsonElement zoo = CliRun.Of("analyze", "resnet50", "--dataset", "imagenet", "--json").Json();

        Assert.Equal("onnx", imported.GetProperty("source").GetString());
        Assert.Equal("resnet50", imported.GetProperty("model").GetString());
        Assert.Equal(zoo.GetProperty("params").GetInt64(), imported.GetProperty("params").GetInt64());
        Assert.Equal(zoo.GetProperty("macs").GetInt64(), imported.GetProperty("macs").GetInt64());
        Assert.Equal(Ifs(zoo), Ifs(imported));
    }

    [Fact]
    public void Optimize_decompose_and_report_accept_onnx_models_and_write_their_files()
    {
        string directory = TempDirectory();
        string optimized = Path.Combine(directory, "opt.json"), decomposed = Path.Combine(directory, "dec.json"), report = Path.Combine(directory, "report.html");

        Assert.Equal(0, CliRun.Of("optimize", Fixture("vgg16"), "--out", optimized).ExitCode);
        Assert.Equal(0, CliRun.Of("decompose", Fixture("vgg16"), "--block", "dw-pw", "--out", decomposed).ExitCode);
        Assert.Equal(0, CliRun.Of("report", Fixture("googlenet"), "--out", report).ExitCode);

        JsonElement reread = CliRun.Of("analyze", optimized, "--json").Json();
        Assert.Equal([3, 3, 3, 2, 2], reread.GetProperty("stages").EnumerateArray().Select(stage => stage.GetProperty("units").GetArrayLength()));
        Assert.True(new FileInfo(decomposed).Length > 0);
        Assert.Contains("<html", File.ReadAllText(report), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Optimize_to_an_onnx_file_round_trips_to_the_optimized_architecture()
    {
        string directory = TempDirectory();
        string optimized = Path.Combine(directory, "opt.onnx");

        JsonElement result = CliRun.Of("optimize", "vgg16", "--width", "0.25", "--out", optimized, "--json").Json();
        JsonElement reread = CliRun.Of("analyze", optimized, "--json").Json();
        JsonElement spec = CliRun.Of("analyze", "vgg16-opt", "--width", "0.25", "--json").Json();

        Assert.Equal([5, 4, 2, 1, 1], Units(reread));
        Assert.Equal(Units(spec), Units(reread));
        Assert.Equal(spec.GetProperty("params").GetInt64(), reread.GetProperty("params").GetInt64());
        Assert.Equal(spec.GetProperty("macs").GetInt64(), reread.GetProperty("macs").GetInt64());
        Assert.Equal(Ifs(spec), Ifs(reread));
        Assert.Equal(optimized, result.GetProperty("out").GetString());
    }

    [Fact]
    public void Optimizing_an_imported_model_to_onnx_gives_the_papers_resnet50_opt()
    {
        // The done-when of the ONNX issue: optimize model.onnx --out opt.onnx, and reading it back gives the optimized
        // architecture (ResNet-50 on ImageNet: 4,5,4,3 bottlenecks, 23.67M parameters, the paper's Table 5 row).
        string directory = TempDirectory();
        string optimized = Path.Combine(directory, "resnet50-opt.onnx");

        Assert.Equal(0, CliRun.Of("optimize", Fixture("resnet50"), "--out", optimized).ExitCode);
        JsonElement reread = CliRun.Of("analyze", optimized, "--json").Json();
        JsonElement zoo = CliRun.Of("analyze", "resnet50-opt", "--dataset", "imagenet", "--json").Json();

        Assert.Equal([1, 4, 5, 4, 3], Units(reread));
        Assert.Equal(23_673_128, reread.GetProperty("params").GetInt64());
        Assert.Equal(zoo.GetProperty("params").GetInt64(), reread.GetProperty("params").GetInt64());
        Assert.Equal(Ifs(zoo), Ifs(reread));
    }

    [Fact]
    public void Export_writes_an_onnx_model_that_reads_back_and_refuses_other_names()
    {
        string directory = TempDirectory();
        string exported = Path.Combine(directory, "net.onnx");

        CliRun run = CliRun.Of("export", "resnet18", "--width", "0.25", "--out", exported);
        CliRun wrong = CliRun.Of("export", "resnet18", "--out", Path.Combine(directory, "net.json"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"wrote {exported}: resnet18", run.Output);
        JsonElement reread = CliRun.Of("analyze", exported, "--json").Json();
        JsonElement zoo = CliRun.Of("analyze", "resnet18", "--width", "0.25", "--json").Json();
        Assert.Equal(zoo.GetProperty("params").GetInt64(), reread.GetProperty("params").GetInt64());
        Assert.Equal(Ifs(zoo), Ifs(reread));
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("net.json: expected a file name ending in .onnx", wrong.Error);
        Assert.Equal(["net.onnx"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void Export_of_a_1d_spec_writes_an_onnx_model_that_reads_back_as_the_same_1d_network()
    {
        // InfoField writes a 1-D network 1-D throughout (N x C x L), so analyze and optimize read its file back.
        string directory = TempDirectory();
        string spec = Path.Combine(directory, "signal.json"), exported = Path.Combine(directory, "signal.onnx"), optimized = Path.Combine(directory, "opt.onnx");
        File.WriteAllText(spec, """
            { "name": "signal", "input": [2, 128],
              "stages": [
                { "units": [ { "name": "stem", "role": "stem", "ops": [ { "type": "conv", "out": 16, "kernel": 7, "stride": 2, "padding": 3 }, { "type": "bn" }, { "type": "relu" } ] } ] },
                { "entry": [ { "type": "maxpool", "kernel": 3, "stride": 2, "padding": 1 } ],
                  "units": [
                    { "name": "a", "ops": [ { "type": "residual", "body": [ { "type": "conv", "out": 16, "kernel": 3, "padding": 1 }, { "type": "bn" } ] }, { "type": "relu" } ] },
                    { "name": "b", "ops": [ { "type": "dw", "kernel": 5, "padding": 4, "dilation": 2 }, { "type": "pw", "out": 16 }, { "type": "relu" } ] } ] }
              ],
              "head": [ { "type": "globalavgpool" }, { "type": "flatten" }, { "type": "linear", "out": 5 } ] }
            """);

        Assert.Equal(0, CliRun.Of("export", spec, "--out", exported).ExitCode);
        JsonElement written = CliRun.Of("analyze", spec, "--json").Json();
        JsonElement reread = CliRun.Of("analyze", exported, "--json").Json();
        Assert.Equal(0, CliRun.Of("optimize", exported, "--out", optimized).ExitCode);
        JsonElement optimizedReread = CliRun.Of("analyze", optimized, "--json").Json();

        Assert.Equal("onnx", reread.GetProperty("source").GetString());
        foreach (JsonElement analysis in new[] { reread, optimizedReread })
        {
            Assert.Equal(written.GetProperty("input").ToString(), analysis.GetProperty("input").ToString());
        }

        Assert.Equal(written.GetProperty("params").GetInt64(), reread.GetProperty("params").GetInt64());
        Assert.Equal(written.GetProperty("macs").GetInt64(), reread.GetProperty("macs").GetInt64());
        Assert.Equal(Ifs(written), Ifs(reread));
    }

    [Fact]
    public void Export_of_an_op_without_an_onnx_form_fails_with_one_line_and_writes_nothing()
    {
        // Adaptive pooling to an output that does not divide the input has no ONNX operator, so the export refuses it: one
        // line naming the network and the op, exit 1 (an op with no entry at all in a backend's table is refused the same
        // way, UnregisteredOpException, not exit 70).
        string directory = TempDirectory();
        string spec = Path.Combine(directory, "pool.json");
        NetworkSpec.Save(
            new Network(
                "pool-net",
                new FeatureShape(3, 8, 8),
                [new Stage([new Unit("conv3-8", [Ops.Conv(8, 3, padding: 1), new AdaptivePooling(PoolKind.Average, 3)])])],
                [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(10)]),
            spec);

        CliRun run = CliRun.Of("export", spec, "--out", Path.Combine(directory, "pool.onnx"));

        Assert.Equal(ExitCodes.Error, run.ExitCode);
        Assert.StartsWith("infofield: error: pool-net: adaptive pooling from 8x8 to ", run.Error.Trim());
        Assert.EndsWith(" has no ONNX form: the output must divide the input", run.Error.Trim());
        Assert.DoesNotContain('\n', run.Error.Trim());
        Assert.Equal(["pool.json"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void Export_of_a_run_folder_writes_the_checkpoint_weights()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 32, 16);
        string spec = TestFiles.WriteTinySpec(temp["tiny.json"]);
        Assert.Equal(0, CliRun.Of("train", spec, "--dataset", "mnist", "--data-dir", data, "--epochs", "1", "--batch-size", "16", "--out", temp["run"]).ExitCode);
        string trained = temp["trained.onnx"], fresh = temp["fresh.onnx"];

        CliRun run = CliRun.Of("export", temp["run"], "--out", trained);
        CliRun refused = CliRun.Of("export", temp["run"], "--width", "2", "--out", temp["other.onnx"]);
        Assert.Equal(0, CliRun.Of("export", spec, "--input", "1x28x28", "--out", fresh).ExitCode);

        Assert.Equal(0, run.ExitCode);
        (_, NetworkModule model) = Checkpoint.LoadModel(Path.Combine(temp["run"], Checkpoint.FileName));
        using (model)
        {
            var state = model.state_dict();
            ModelProto written = ModelProto.Parser.ParseFrom(File.ReadAllBytes(trained));
            ModelProto initialized = ModelProto.Parser.ParseFrom(File.ReadAllBytes(fresh));
            foreach (TensorProto weight in written.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float))
            {
                float[] expected = state[weight.Name].contiguous().data<float>().ToArray();
                Assert.Equal(expected, MemoryMarshal.Cast<byte, float>(weight.RawData.Span).ToArray());
            }

            Assert.Contains(written.Graph.Initializer, weight => weight.Name.EndsWith("weight", StringComparison.Ordinal)
                && !weight.RawData.Equals(initialized.Graph.Initializer.Single(other => other.Name == weight.Name).RawData));
        }

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("a checkpoint carries its network; --dataset, --width and --input do not apply", refused.Error);
    }

    [Fact]
    public void A_truncated_model_fails_with_one_line_and_nothing_is_written()
    {
        string directory = TempDirectory();
        byte[] whole = File.ReadAllBytes(Fixture("resnet18"));
        string truncated = Path.Combine(directory, "cut.onnx");
        File.WriteAllBytes(truncated, whole[..(whole.Length / 3)]);
        string output = Path.Combine(directory, "opt.json");

        CliRun run = CliRun.Of("optimize", truncated, "--out", output);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"{truncated}: not an ONNX model, or a truncated one", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.Equal(["cut.onnx"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void A_dataset_does_not_apply_to_an_onnx_model()
    {
        CliRun run = CliRun.Of("analyze", Fixture("resnet18"), "--dataset", "imagenet");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("applies to zoo models; the ONNX model", run.Error);
    }

    private static List<int> Units(JsonElement analysis) =>
        [.. analysis.GetProperty("stages").EnumerateArray().Select(stage => stage.GetProperty("units").GetArrayLength())];

    private static List<long> Ifs(JsonElement analysis) =>
        [.. analysis.GetProperty("stages").EnumerateArray().SelectMany(stage => stage.GetProperty("units").EnumerateArray()).Select(unit => unit.GetProperty("if").GetInt64())];

    private string TempDirectory()
    {
        var folder = new TempFolder();
        _folders.Add(folder);
        return folder.Path;
    }

    private static string Fixture(string name)
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "InfoField.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return Path.Combine(directory ?? throw new InvalidOperationException("the repository root (InfoField.slnx) is not above the test's folder"), "tests", "fixtures", "onnx", name + ".onnx");
    }
}
