using System.CommandLine;
using System.Globalization;
using InfoField.Reporting;
using InfoField.Torch;
using InfoField.Torch.Building;
using InfoField.Torch.Data;
using InfoField.Torch.Training;
using TorchSharp;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield eval</c>: test accuracy and loss of a checkpoint, rebuilt from the architecture it carries.</summary>
internal static class EvalCommand
{
    public static Command Create(CliConsole console)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = $"A checkpoint file ({Checkpoint.FileName}) or the output folder of a run." };
        var dataset = new Option<string?>("--dataset", "-d") { Description = "The data to evaluate on (default: the checkpoint's)." };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Where the dataset's files are (default as for train)." };
        var batch = new Option<int>("--batch-size", "-b") { Description = "Images per forward pass.", DefaultValueFactory = _ => 256 };
        var threads = new Option<int>("--threads", "-t") { Description = "Torch threads (default: one per processor).", DefaultValueFactory = _ => 0 };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use only the first N test images." };
        var json = new Option<bool>("--json") { Description = "Write JSON instead of text." };
        var device = DeviceOption.Create("Where to evaluate: cpu (default), cuda, cuda:N, or auto (cuda when there is one, else cpu); a checkpoint evaluates on any device, whichever it was trained on.");
        var command = new Command("eval", "Report the test accuracy and loss of a checkpoint.") { checkpoint, dataset, dataDirectory, batch, threads, testLimit, device, json };
        command.SetAction(parsed => console.Guard(() =>
        {
            string path = parsed.GetRequiredValue(checkpoint);
            if (Directory.Exists(path))
            {
                path = Path.Combine(path, Checkpoint.FileName);
            }

            int batchSize = parsed.GetValue(batch), threadCount = parsed.GetValue(threads);
            if (batchSize < 1 || threadCount < 0)
            {
                throw new InfoFieldException(batchSize < 1 ? $"--batch-size: expected a positive number (got {batchSize})" : $"--threads: expected a positive number, or 0 for one per processor (got {threadCount})");
            }

            TorchSharp.torch.Device target = DeviceOption.Resolve(parsed, device);
            TorchSharp.torch.set_num_threads(threadCount > 0 ? threadCount : Environment.ProcessorCount);
            (CheckpointInfo info, NetworkModule model) = Checkpoint.LoadModel(path);
            using (model)
            {
                model.to(target);
                string name = Datasets.Canonical(parsed.GetValue(dataset) ?? info.Dataset);
                string? directory = parsed.GetValue(dataDirectory);
                if (directory is null && name == Datasets.ImageFolder)
                {
                    directory = info.DataKey.StartsWith(Datasets.ImageFolder + ":", StringComparison.Ordinal)
                        ? info.DataKey[(Datasets.ImageFolder.Length + 1)..].Split('[')[0]
                        : throw new InfoFieldException($"--dataset folder needs --data-dir: the checkpoint was trained on {info.Dataset}");
                }

                TrainingData data = Datasets.Load(name, new DataOptions(directory), model.Architecture.Input);
                ModelBinding.Check(model.Architecture, data, path);
                ImageSet test = parsed.GetValue(testLimit) is int limit ? data.Test.Take(limit) : data.Test;
                Evaluation result = Trainer.Evaluate(model, test, info.Normalization, batchSize, device: target);
                var document = new EvaluationDocument(EvaluationDocument.SchemaName, path, info.Model, data.Name, info.EpochsDone, result.Accuracy, result.Loss, result.Images, result.Seconds, Devices.Name(target));
                if (parsed.GetValue(json))
                {
                    console.WriteJson(document);
                }
                else
                {
                    console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Printable.Text(info.Model)} after {info.EpochsDone} epochs, on {data.Name} ({result.Images:N0} test images): accuracy {result.Accuracy * 100:0.00}%, loss {result.Loss:0.0000} ({result.Seconds:0.0} s)"));
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
