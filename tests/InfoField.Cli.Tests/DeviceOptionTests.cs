using System.Text.Json;
using InfoField.Torch;
using InfoField.Torch.Tests.Training;

namespace InfoField.Cli.Tests;

public class DeviceOptionTests
{
    private const string CpuBuildLine = "this infofield runs TorchSharp's CPU build (TorchSharp-cpu), which has no CUDA; build the tool on TorchSharp-cuda-linux (Linux) or TorchSharp-cuda-windows (Windows), e.g. dotnet publish src/InfoField.Cli -c Release -p:TorchSharpPackage=TorchSharp-cuda-linux -o out, and run out/infofield (docs/training.md, Training on a GPU)";

    [Fact]
    public void Cuda_on_the_cpu_build_fails_in_one_line_saying_how_to_switch_in_every_command_that_computes()
    {
        if (Devices.HasCudaBuild)
        {
            return; // the line is about the CPU build, which the repository builds on by default
        }

        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 16, 8);
        string spec = TestFiles.WriteTinySpec(temp["tiny.json"]);
        string[] common = ["--dataset", "mnist", "--data-dir", data, "--epochs", "1", "--batch-size", "8"];

        CliRun[] runs =
        [
            CliRun.Of(["train", spec, .. common, "--out", temp["run"], "--device", "cuda"]),
            CliRun.Of(["compare", spec, .. common, "--seeds", "1", "--results", temp["results"], "--device", "cuda:1"]),
            CliRun.Of(["study", "kernels", "--model", spec, .. common, "--seeds", "1", "--results", temp["results"], "--device", "cuda"]),
            CliRun.Of(["eval", temp["nothing"], "--device", "cuda"]),
            CliRun.Of(["bench", "rpw", "--quick", "--device", "cuda"]),
        ];

        string[] asked = ["cuda", "cuda:1", "cuda", "cuda", "cuda"];
        for (int i = 0; i < runs.Length; i++)
        {
            Assert.Equal(1, runs[i].ExitCode);
            Assert.Equal($"infofield: error: --device {asked[i]}: {CpuBuildLine}\n", runs[i].Error.ReplaceLineEndings("\n"));
            Assert.Empty(runs[i].Output);
        }

        Assert.False(Directory.Exists(temp["run"]));
        Assert.False(Directory.Exists(temp["results"]));
    }

    [Fact]
    public void A_name_that_is_no_device_is_named_with_the_choices()
    {
        CliRun run = CliRun.Of("bench", "rpw", "--quick", "--device", "gpu");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("infofield: error: --device gpu: not a device; expected cpu, cuda, cuda:N (CUDA device N, from 0) or auto (cuda when there is one, else cpu)", run.Error.Trim());
    }

    [Fact]
    public void Auto_trains_and_evaluates_on_the_cpu_here_and_the_results_say_so()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 32, 8);
        string spec = TestFiles.WriteTinySpec(temp["tiny.json"]);
        string expected = Devices.Name(Devices.Resolve("auto"));

        JsonElement trained = CliRun.Of("train", spec, "--dataset", "mnist", "--data-dir", data, "--epochs", "1", "--batch-size", "8", "--threads", "1", "--out", temp["run"], "--device", "auto", "--json").Json();
        JsonElement evaluated = CliRun.Of("eval", temp["run"], "--data-dir", data, "--device", "auto", "--json").Json();
        JsonElement cpu = CliRun.Of("eval", temp["run"], "--data-dir", data, "--json").Json();

        Assert.Equal(expected, trained.GetProperty("device").GetString());
        Assert.Equal(expected, evaluated.GetProperty("device").GetString());
        Assert.Equal("cpu", cpu.GetProperty("device").GetString());
        Assert.Equal(cpu.GetProperty("testAccuracy").GetDouble(), evaluated.GetProperty("testAccuracy").GetDouble(), 3);
    }
}
