using System.CommandLine;
using InfoField.Architecture;
using InfoField.Torch.Data;
using InfoField.Training;

namespace InfoField.Cli.Commands;

/// <summary>Options shared by the commands that train: data, recipe, threads.</summary>
internal sealed class TrainingOptions
{
    public Option<string?> Dataset { get; } = new("--dataset", "-d") { Description = "The data: fashion-mnist, mnist, cifar10, cifar100, or folder (with --data-dir: train/<class>/ and test/<class>/ image folders). Zoo models are built for it." };

    public Option<double?> Width { get; } = new("--width", "-w") { Description = "Zoo models: channel multiplier (default 1)." };

    public Option<string?> Input { get; } = new("--input") { Description = "Input shape CxHxW: the size image folders are resized to (default 3x32x32, or a spec file's input)." };

    public Option<string?> DataDirectory { get; } = new("--data-dir") { Description = "Where the dataset's files are (default: /usr/share/datasets/fashion-mnist for fashion-mnist, data/<dataset> otherwise)." };

    public Option<bool> Download { get; } = new("--download") { Description = "CIFAR: download the official archive into --data-dir (MD5-verified) when it is not there." };

    public Option<int> Epochs { get; } = new("--epochs", "-e") { Description = "Epochs (the paper: 350).", DefaultValueFactory = _ => 350 };

    public Option<int> BatchSize { get; } = new("--batch-size", "-b") { Description = "Images per step.", DefaultValueFactory = _ => 128 };

    public Option<double> LearningRate { get; } = new("--lr") { Description = "Initial learning rate.", DefaultValueFactory = _ => 0.1 };

    public Option<string> Schedule { get; } = CreateSchedule();

    public Option<int> Threads { get; } = new("--threads", "-t") { Description = "Torch threads (default: one per processor). Results are reproducible for a given thread count.", DefaultValueFactory = _ => 0 };

    public Option<string> Augment { get; } = CreateAugment();

    public Option<string> Device { get; } = CreateDevice();

    public Option<int?> TrainLimit { get; } = new("--train-limit") { Description = "Use only the first N training images (quick checks)." };

    public Option<int?> TestLimit { get; } = new("--test-limit") { Description = "Use only the first N test images (quick checks)." };

    public Option<bool> Json { get; } = new("--json") { Description = "Write JSON (docs/cli.md) instead of text." };

    public void AddTo(Command command, bool width = true)
    {
        command.Options.Add(Dataset);
        if (width)
        {
            command.Options.Add(Width);
            command.Options.Add(Input);
        }

        foreach (Option option in new Option[] { DataDirectory, Download, Epochs, BatchSize, LearningRate, Schedule, Threads, Device, Augment, TrainLimit, TestLimit, Json })
        {
            command.Options.Add(option);
        }
    }

    public string RequireDataset(ParseResult parsed) =>
        Datasets.Canonical(parsed.GetValue(Dataset) ?? throw new InfoFieldException("--dataset is required: the data to train on (fashion-mnist, mnist, cifar10, cifar100 or folder)"));

    public TrainingSettings Settings(ParseResult parsed, string dataset, long seed) => new TrainingSettings(
        parsed.GetValue(Epochs),
        parsed.GetValue(BatchSize),
        parsed.GetValue(LearningRate),
        TrainingSettings.ParseSchedule(parsed.GetRequiredValue(Schedule)),
        seed,
        Augment: parsed.GetRequiredValue(Augment) switch
        {
            "on" => true,
            "off" => false,
            _ => Datasets.AugmentsByDefault(dataset),
        }).Validated();

    /// <summary>The device <c>--device</c> names, checked (a CUDA device this process cannot use is refused here, before any data is read).</summary>
    public TorchSharp.torch.Device ResolveDevice(ParseResult parsed) => DeviceOption.Resolve(parsed, Device);

    public InputShape? InputShape(ParseResult parsed) =>
        parsed.GetValue(Input) is string text ? ModelArgument.ParseInput(text) : null;

    public int ThreadCount(ParseResult parsed)
    {
        int threads = parsed.GetValue(Threads);
        return threads >= 0 ? threads : throw new InfoFieldException($"--threads: expected a positive number, or 0 for one per processor (got {threads})");
    }

    /// <summary>Loads the data the models named in <paramref name="models"/> train on (image folders are sized for the first).</summary>
    public TrainingData LoadData(ParseResult parsed, CliConsole console, IReadOnlyList<string> models)
    {
        string dataset = RequireDataset(parsed);
        FeatureShape? folderShape = dataset == Datasets.ImageFolder ? ModelArgument.FolderImageShape(models[0], InputShape(parsed)) : null;
        TrainingData data = Datasets.Load(dataset, new DataOptions(parsed.GetValue(DataDirectory), parsed.GetValue(Download), Log: console.Error.WriteLine), folderShape);
        int? train = parsed.GetValue(TrainLimit), test = parsed.GetValue(TestLimit);
        if (train is null && test is null)
        {
            return data;
        }

        return train < 2 || test < 1
            ? throw new InfoFieldException("--train-limit needs at least 2 images and --test-limit at least 1")
            : data.Take(train ?? data.Train.Count, test ?? data.Test.Count);
    }

    /// <summary>
    /// What identifies the data of a study, and the data itself when <paramref name="train"/>: reprinting a study
    /// (<c>--report</c>, <c>--plan</c>, <c>--charts</c>) reads no image, so it works without the data set, except for runs
    /// limited on one split only (their ids name the other split's size).
    /// </summary>
    public (DataIdentity Identity, TrainingData? Data) StudyData(ParseResult parsed, CliConsole console, IReadOnlyList<string> models, bool train)
    {
        if (!train)
        {
            string dataset = RequireDataset(parsed);
            FeatureShape? folderShape = dataset == Datasets.ImageFolder ? ModelArgument.FolderImageShape(models[0], InputShape(parsed)) : null;
            int? trainLimit = parsed.GetValue(TrainLimit), testLimit = parsed.GetValue(TestLimit);
            if (trainLimit < 2 || testLimit < 1)
            {
                throw new InfoFieldException("--train-limit needs at least 2 images and --test-limit at least 1");
            }

            if (DataIdentity.Describe(dataset, new DataOptions(parsed.GetValue(DataDirectory)), folderShape, trainLimit, testLimit) is DataIdentity identity)
            {
                return (identity, null);
            }

            try
            {
                TrainingData limited = LoadData(parsed, console, models);
                return (limited.Identity, limited);
            }
            catch (DataException error)
            {
                throw new DataException($"{error.Message} (runs limited with only one of --train-limit and --test-limit are named after the other split's size, which only the data knows; give both to reprint without the data)", error);
            }
        }

        TrainingData data = LoadData(parsed, console, models);
        return (data.Identity, data);
    }

    public LoadedNetwork Resolve(ParseResult parsed, string model, TrainingData data) => Resolve(parsed, model, data.Identity);

    public LoadedNetwork Resolve(ParseResult parsed, string model, DataIdentity data) =>
        ModelArgument.ForDataset(model, data.Name, parsed.GetValue(Width), InputShape(parsed), data.ClassCount);

    private static Option<string> CreateAugment()
    {
        var augment = new Option<string>("--augment") { Description = "Random crop (4-pixel padding) and horizontal flip of training images: auto (default: on for CIFAR and image folders, off for MNIST and Fashion-MNIST), on or off.", DefaultValueFactory = _ => "auto" };
        augment.AcceptOnlyFromAmong("auto", "on", "off");
        return augment;
    }

    private static Option<string> CreateDevice() => DeviceOption.Create("Where to train: cpu (default), cuda, cuda:N, or auto (cuda when there is one, else cpu). CUDA needs infofield built on TorchSharp's CUDA package (docs/training.md).");

    private static Option<string> CreateSchedule()
    {
        var schedule = new Option<string>("--schedule") { Description = "paper: lr divided by 10 after 150/350 and 250/350 of the run (per step); cosine: cosine annealing to 0.", DefaultValueFactory = _ => "paper" };
        schedule.AcceptOnlyFromAmong("paper", "cosine");
        return schedule;
    }
}
