using System.Text.Json;
using InfoField.Torch.Tests.Training;

namespace InfoField.Cli.Tests;

public class TrainCommandTests
{
    [Fact]
    public void Train_then_eval_a_spec_file_on_a_few_hundred_images()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 320, 80);
        string spec = TestFiles.WriteTinySpec(temp["tiny.json"]);

        JsonElement trained = CliRun.Of("train", spec, "--dataset", "mnist", "--data-dir", data, "--epochs", "6", "--batch-size", "16", "--threads", "2", "--out", temp["run"], "--json").Json();
        JsonElement evaluated = CliRun.Of("eval", temp["run"], "--data-dir", data, "--json").Json();

        foreach (string field in new[] { "testAccuracy", "testLoss", "params", "macs", "epochs", "seconds", "imagesPerSecond" })
        {
            Assert.True(trained.TryGetProperty(field, out _), $"train --json lacks {field}");
        }

        Assert.Equal("infofield-training/1", trained.GetProperty("schema").GetString());
        Assert.InRange(trained.GetProperty("testAccuracy").GetDouble(), 0.5, 1.0);
        Assert.Equal(6, trained.GetProperty("epochs").GetInt32());
        Assert.Equal(1_442, trained.GetProperty("params").GetInt64());
        Assert.Equal(trained.GetProperty("testAccuracy").GetDouble(), evaluated.GetProperty("testAccuracy").GetDouble());
        Assert.Equal(trained.GetProperty("testLoss").GetDouble(), evaluated.GetProperty("testLoss").GetDouble(), 6);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(temp["run"], "epochs.jsonl")).Length);
    }

    [Fact]
    public void Text_output_and_resume_of_a_finished_run()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 64, 16);
        string spec = TestFiles.WriteTinySpec(temp["tiny.json"]);
        string[] args = ["train", spec, "--dataset", "mnist", "--data-dir", data, "--epochs", "1", "--batch-size", "16", "--out", temp["run"]];

        CliRun first = CliRun.Of(args);
        CliRun again = CliRun.Of(args);
        CliRun resumed = CliRun.Of([.. args, "--resume"]);

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("tiny.json on mnist: test accuracy", first.Output, StringComparison.Ordinal);
        Assert.Contains("epoch 1/1: train loss", first.Error, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already holds a checkpoint; resume that run, or choose another output folder", again.Error, StringComparison.Ordinal);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal(first.Output, resumed.Output.Replace("resuming", "training", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "train", "vgg11", "--epochs", "1" }, "--dataset is required")]
    [InlineData(new[] { "train", "vgg11", "--dataset", "svhn" }, "--dataset 'svhn': expected one of fashion-mnist, mnist, cifar10, cifar100, folder")]
    [InlineData(new[] { "train", "vgg11", "--dataset", "mnist", "--epochs", "0" }, "--epochs: expected a positive number of epochs (got 0)")]
    [InlineData(new[] { "train", "vgg11", "--dataset", "mnist", "--data-dir", "/nonexistent/mnist" }, "/nonexistent/mnist: data folder not found for mnist")]
    [InlineData(new[] { "eval", "/nonexistent/checkpoint.ifckpt" }, "/nonexistent/checkpoint.ifckpt: checkpoint not found")]
    public void Bad_input_is_one_line_naming_what_is_wrong(string[] args, string message)
    {
        CliRun run = CliRun.Of(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith($"infofield: error: {message}", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Width_is_refused_for_spec_files()
    {
        using var temp = new TempFolder();
        string data = TestFiles.WriteMnist(temp["data"], 8, 4);
        string spec = TestFiles.WriteTinySpec(temp["tiny.json"]);

        CliRun run = CliRun.Of("train", spec, "--dataset", "mnist", "--data-dir", data, "--width", "0.5");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--width: applies to zoo models", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zoo_model_trains_on_an_image_folder_and_evaluates_from_its_checkpoint_alone()
    {
        using var temp = new TempFolder();
        foreach ((string split, int count) in new[] { ("train", 12), ("test", 4) })
        {
            foreach ((string name, int label) in new[] { ("dark", 1), ("light", 8) })
            {
                string folder = Path.Combine(temp["images"], split, name);
                Directory.CreateDirectory(folder);
                for (int i = 0; i < count; i++)
                {
                    File.WriteAllBytes(Path.Combine(folder, $"{i}.png"), TestFiles.Encode(TestFiles.Image(label, i, 16, 3), 16, SkiaSharp.SKEncodedImageFormat.Png));
                }
            }
        }

        JsonElement trained = CliRun.Of("train", "vgg11", "--dataset", "folder", "--data-dir", temp["images"], "--width", "0.0625", "--epochs", "2", "--batch-size", "8", "--out", temp["run"], "--json").Json();
        JsonElement evaluated = CliRun.Of("eval", temp["run"], "--json").Json();

        Assert.Equal("folder", trained.GetProperty("dataset").GetString());
        Assert.Equal(trained.GetProperty("testAccuracy").GetDouble(), evaluated.GetProperty("testAccuracy").GetDouble());
        Assert.Equal(8, evaluated.GetProperty("images").GetInt32());
        Assert.Contains("predicts 10 classes but folder has 2", CliRun.Of("train", TestFiles.WriteTinySpec(temp["tiny.json"], channels: 3), "--dataset", "folder", "--data-dir", temp["images"]).Error, StringComparison.Ordinal);
    }
}
