using System.Text.Json;
using InfoField.Architecture;
using InfoField.Torch.Building;
using InfoField.Torch.Data;
using InfoField.Torch.Modules;
using InfoField.Torch.Training;
using InfoField.Training;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests.Training;

/// <summary>
/// The device-generic training path, run on the CPU (no GPU here): the RPW gather form forced through the whole
/// training loop, checkpoints and resume; the device in results; and process state left as it was found.
/// </summary>
[Collection(TorchGlobalState.Name)]
public class DeviceTrainingTests
{
    private static readonly TrainingSettings Recipe = new(Epochs: 2, BatchSize: 16, LearningRate: 0.05, Seed: 5);

    /// <summary>A small network with an RPW layer (and dropout, which draws from the global generator).</summary>
    private static LoadedNetwork RpwNetwork() => new(
        new Network(
            "tiny-rpw",
            new FeatureShape(1, 32, 32),
            [
                new Stage([new Unit("conv3-8", [Ops.Conv(8, 3, padding: 1), Ops.BatchNorm(), Ops.Relu()])]),
                new Stage([Ops.MaxPool(2)], [new Unit("conv3-16-rpw", [Ops.Conv(16, 3, padding: 1), Ops.BatchNorm(), Ops.Relu(), Ops.RollingPointwise(16, 4, 0.5), Ops.BatchNorm(), Ops.Relu()])]),
            ],
            [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Dropout(0.1), Ops.Linear(10)]),
        "spec",
        null,
        1.0,
        "tiny-rpw.json");

    private static TrainingData SmallData(TempFolder temp) =>
        Datasets.Load("mnist", new DataOptions(TestFiles.WriteMnist(temp["data"], 96, 32)));

    private static TrainingJob Job(string directory, RpwImplementation rpw, bool resume = false) =>
        new(RpwNetwork(), Recipe, directory, resume, Threads: 2, TensorBoard: false) { Rpw = rpw };

    private static Dictionary<string, float[]> Weights(string directory)
    {
        (CheckpointInfo _, NetworkModule model) = Checkpoint.LoadModel(Path.Combine(directory, Checkpoint.FileName));
        using (model)
        {
            return model.state_dict().ToDictionary(entry => entry.Key, entry => entry.Value.to_type(ScalarType.Float32).data<float>().ToArray());
        }
    }

    [Fact]
    public void Training_with_the_gather_rpw_forced_on_the_cpu_agrees_with_the_simd_run_and_resumes_bit_identically()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp);
        var seen = new List<RpwImplementation>();

        TrainingResult simd = Trainer.Train(Job(temp["simd"], RpwImplementation.Auto), data);
        TrainingResult gather = Trainer.Train(Job(temp["gather"], RpwImplementation.Gather) with { BeforeEpoch = (_, model) => seen.AddRange(model.modules().OfType<RollingPointwiseConv2d>().Select(l => l.Implementation)) }, data);
        var stopped = Job(temp["resumed"], RpwImplementation.Gather) with { BeforeEpoch = (epoch, _) => { if (epoch == 1) throw new OperationCanceledException("stopped"); } };
        Assert.Throws<OperationCanceledException>(() => Trainer.Train(stopped, data));
        TrainingResult resumed = Trainer.Train(Job(temp["resumed"], RpwImplementation.Gather, resume: true), data);

        // Every RPW layer of the model the loop trained ran the gather form, in both epochs.
        Assert.Equal([RpwImplementation.Gather, RpwImplementation.Gather], seen);

        // The two forms sum in different orders (float32), so the runs agree closely rather than exactly; the same run id.
        Assert.Equal(simd.RunId, gather.RunId);
        Dictionary<string, float[]> a = Weights(temp["simd"]), b = Weights(temp["gather"]), c = Weights(temp["resumed"]);
        Assert.Contains("stages.1.1.3.weight", a.Keys);
        foreach (string name in a.Keys)
        {
            double difference = a[name].Zip(b[name], (x, y) => Math.Abs(x - y)).Max();
            Assert.True(difference < 1e-3, $"{name}: the SIMD and gather runs differ by {difference}");
            Assert.True(b[name].SequenceEqual(c[name]), $"{name}: the resumed gather run differs from the uninterrupted one");
        }

        Assert.Equal(gather.TestLoss, resumed.TestLoss);
        Assert.Equal("cpu", gather.Device);
    }

    [Fact]
    public void A_library_training_call_leaves_threads_and_the_global_generator_as_it_found_them()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp);
        int threads = get_num_threads();
        try
        {
            set_num_threads(1);
            manual_seed(123);
            using Tensor before = random.get_rng_state();

            Trainer.Train(Job(temp["run"], RpwImplementation.Auto), data);
            Assert.Equal(1, get_num_threads());
            using (Tensor after = random.get_rng_state())
            {
                Assert.True(before.eq(after).all().item<bool>(), "the global generator's state changed");
            }

            // Also when the run fails part-way.
            var failing = Job(temp["failing"], RpwImplementation.Auto) with { BeforeEpoch = (epoch, _) => throw new OperationCanceledException("stopped") };
            Assert.Throws<OperationCanceledException>(() => Trainer.Train(failing, data));
            Assert.Equal(1, get_num_threads());
            using (Tensor after = random.get_rng_state())
            {
                Assert.True(before.eq(after).all().item<bool>(), "the global generator's state changed after a failed run");
            }

            // What the generator draws next is what it would have drawn without the training call.
            using Tensor drawn = rand(4);
            manual_seed(123);
            using Tensor expected = rand(4);
            Assert.True(drawn.eq(expected).all().item<bool>());
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    [Fact]
    public void Library_code_makes_no_lasting_process_wide_choice()
    {
        // Thread counts change only inside TorchStateScope, which puts them back; glibc's heap settings, which cannot be
        // undone, only where an application asks for them (Program.cs of the command line and the benchmarks).
        string source = Path.Combine(RepositoryRoot(), "src", "InfoField.Torch");
        var offenders = Directory.GetFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => File.ReadAllLines(path).Select((line, i) => (Path.GetFileName(path), Line: line.Trim(), Number: i + 1)))
            .Where(l => !l.Line.StartsWith("///", StringComparison.Ordinal) && !l.Line.StartsWith("//", StringComparison.Ordinal))
            .Where(l => (l.Line.Contains("set_num_threads(", StringComparison.Ordinal) && l.Item1 != "TorchStateScope.cs")
                || (l.Line.Contains("KeepFreedMemory(", StringComparison.Ordinal) && l.Item1 != "NativeHeap.cs"))
            .Select(l => $"{l.Item1}:{l.Number}: {l.Line}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Results_record_the_device_and_results_without_one_read_as_cpu()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp);

        TrainingResult result = Trainer.Train(Job(temp["run"], RpwImplementation.Auto) with { Device = CPU }, data);

        Assert.Equal("cpu", result.Device);
        using JsonDocument written = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp["run"], Trainer.ResultFile)));
        Assert.Equal("cpu", written.RootElement.GetProperty("device").GetString());
        string old = File.ReadAllText(Path.Combine(temp["run"], Trainer.ResultFile)).Replace(",\n  \"device\": \"cpu\"", string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("device", old, StringComparison.Ordinal);
        Assert.Equal("cpu", JsonSerializer.Deserialize<TrainingResult>(old, Checkpoint.Json)!.Device);
    }

    [Fact]
    public void Evaluation_runs_on_the_device_of_the_model_or_the_one_given()
    {
        using var temp = new TempFolder();
        TrainingData data = SmallData(temp);
        Trainer.Train(Job(temp["run"], RpwImplementation.Auto) with { Settings = Recipe with { Epochs = 1 } }, data);
        (CheckpointInfo info, NetworkModule model) = Checkpoint.LoadModel(Path.Combine(temp["run"], Checkpoint.FileName));
        using (model)
        {
            Evaluation implicitDevice = Trainer.Evaluate(model, data.Test, info.Normalization);
            Evaluation explicitDevice = Trainer.Evaluate(model, data.Test, info.Normalization, device: CPU);
            model.RpwImplementation = RpwImplementation.Gather;
            Evaluation gather = Trainer.Evaluate(model, data.Test, info.Normalization, device: CPU);

            Assert.Equal(implicitDevice.Accuracy, explicitDevice.Accuracy);
            Assert.Equal(implicitDevice.Loss, explicitDevice.Loss);
            Assert.Equal(implicitDevice.Accuracy, gather.Accuracy);
            Assert.Equal(implicitDevice.Loss, gather.Loss, 5);
        }
    }

    [Fact]
    public void A_cuda_job_where_torchsharp_has_no_cuda_is_refused_before_anything_is_written()
    {
        if (Devices.HasCudaBuild)
        {
            return; // built on a CUDA package: there, CUDA jobs may run (covered by the same tests on such a machine)
        }

        using var temp = new TempFolder();
        TrainingData data = SmallData(temp);

        var error = Assert.Throws<DeviceUnavailableException>(() => Trainer.Train(Job(temp["run"], RpwImplementation.Auto) with { Device = new Device(TorchSharp.DeviceType.CUDA, 0) }, data));

        Assert.Equal(DeviceProblem.NoCudaBuild, error.Problem);
        Assert.Equal("device", error.Parameter);
        Assert.Contains("TorchSharp-cuda-linux (Linux) or TorchSharp-cuda-windows (Windows), version 0.107.0, in place of TorchSharp-cpu", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp["run"]));
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
