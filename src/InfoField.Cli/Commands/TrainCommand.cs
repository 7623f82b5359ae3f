using System.CommandLine;
using System.Globalization;
using InfoField.Reporting;
using InfoField.Torch.Data;
using InfoField.Torch.Training;
using InfoField.Training;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield train</c>: trains a network with the paper's recipe, with progress, checkpoints and --resume.</summary>
internal static class TrainCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new TrainingOptions();
        var model = new Argument<string>("model") { Description = "A zoo model name (see 'infofield models'), an optimized form such as vgg16-opt, or a spec file (*.json)." };
        var seed = new Option<long>("--seed", "-s") { Description = "Seeds initialization, shuffling, augmentation and dropout.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder for checkpoint, epochs.jsonl, result.json and tensorboard/ (default runs/train/<model>-<dataset>-<run id>)." };
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint in --out (start afresh when there is none)." };
        var command = new Command("train", "Train a network on a dataset with the paper's recipe (SGD, momentum 0.9, weight decay 5e-4, lr 0.1 decayed 10x at 150/350 and 250/350 of the run, random crop and flip), checkpointing every epoch.");
        command.Arguments.Add(model);
        options.AddTo(command);
        command.Options.Add(seed);
        command.Options.Add(output);
        command.Options.Add(resume);
        command.SetAction(parsed => console.Guard(() =>
        {
            string reference = parsed.GetRequiredValue(model);
            TorchSharp.torch.Device device = options.ResolveDevice(parsed);
            TrainingSettings settings = options.Settings(parsed, options.RequireDataset(parsed), parsed.GetValue(seed));
            TrainingData data = options.LoadData(parsed, console, [reference]);
            LoadedNetwork loaded = options.Resolve(parsed, reference, data);
            var job = new TrainingJob(loaded, settings, string.Empty, parsed.GetValue(resume), options.ThreadCount(parsed)) { Device = device };
            string directory = parsed.GetValue(output) ?? Path.Combine("runs", "train", $"{RunName(reference)}-{data.Name}-{Trainer.Key(job, data).Id()}");
            TrainingResult result = Trainer.TrainResuming(job with { OutputDirectory = directory }, data, ProgressView.For(console), reason => console.Error.WriteLine(reason));
            if (parsed.GetValue(options.Json))
            {
                console.WriteJson(result);
            }
            else
            {
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Printable.Text(result.Model)} on {result.Dataset}: test accuracy {result.TestAccuracy * 100:0.00}%, test loss {result.TestLoss:0.0000} after {result.Epochs} epochs"));
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Format.Count(result.Params)} parameters, {Format.Macs(result.Macs)} MACs; {result.Seconds:0.0} s, {result.ImagesPerSecond:N0} images/s on {(result.Device == "cpu" ? $"{result.Threads} threads" : result.Device)}"));
                console.Out.WriteLine($"run {result.RunId}: checkpoint, epochs.jsonl, result.json and tensorboard/ in {Printable.Text(result.OutputDirectory)}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>A folder-safe name for a model argument: the zoo name, or a spec file's name without extension.</summary>
    public static string RunName(string reference) =>
        ModelArgument.IsFile(reference) ? Path.GetFileNameWithoutExtension(reference) : reference.ToLowerInvariant();
}
