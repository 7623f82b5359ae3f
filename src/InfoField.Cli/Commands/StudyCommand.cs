using System.CommandLine;
using System.Globalization;
using InfoField.Reporting;
using InfoField.Reporting.Html;
using InfoField.Torch.Data;
using InfoField.Torch.Studies;
using InfoField.Torch.Training;
using InfoField.Training;

namespace InfoField.Cli.Commands;

/// <summary>
/// <c>infofield study insertion</c> and <c>infofield compare</c>: sweeps of deterministic runs into a shared results
/// folder (finished runs are skipped, interrupted ones resume), aggregated into a table with the spread.
/// </summary>
internal static class StudyCommand
{
    public static Command CreateStudy(CliConsole console)
    {
        var study = new Command("study", "Accuracy studies that test the method: sweeps of training runs, resumable and shareable through a results folder.");
        var options = new TrainingOptions();
        var sweep = new SweepOptions();
        var baseModel = new Option<string>("--base") { Description = "The base network; its zoo variants <base>-variant1.. each insert one conv at the end of a stage.", DefaultValueFactory = _ => "vgg11" };
        var kernelSizes = new Option<string>("--kernels") { Description = "Kernel sizes of the inserted convs, comma-separated: 3 (the paper's variants), 1 and 5 (<base>-variantK-conv1, -conv5).", DefaultValueFactory = _ => "3" };
        var insertion = new Command("insertion", "The paper's case study (Table 2): the base and its variants, each trained with K seeds; dIF of each inserted conv against its accuracy change, with Spearman's and Pearson's correlations and their permutation p-values.");
        options.AddTo(insertion);
        insertion.Options.Add(baseModel);
        insertion.Options.Add(kernelSizes);
        sweep.AddTo(insertion);
        insertion.SetAction(parsed => console.Guard(() =>
        {
            string baseName = parsed.GetRequiredValue(baseModel);
            if (ModelArgument.IsFile(baseName))
            {
                throw new InfoFieldException($"--base {baseName}: the insertion study needs a zoo base with variants (vgg11), not a spec file");
            }

            StudyPlans.RequireVariants(baseName);
            var (identity, data) = options.StudyData(parsed, console, [baseName], sweep.Trains(parsed));
            IReadOnlyList<int> kernels = ParseKernels(parsed.GetRequiredValue(kernelSizes));
            IReadOnlyList<StudyNetwork> networks = StudyPlans.Insertion(baseName, name => options.Resolve(parsed, name, identity), kernels);
            return Execute(console, parsed, options, sweep, "insertion", networks, identity, data);
        }));
        study.Subcommands.Add(insertion);
        study.Subcommands.Add(CreateKernels(console));
        study.Subcommands.Add(AlphaStudyCommand.Create(console));
        return study;
    }

    /// <summary>
    /// <c>infofield study kernels</c>: the paper's Table 6 — a network (VGG16-opt by default) with every standard
    /// convolution but the first replaced one-for-one by each block, trained with K seeds.
    /// </summary>
    private static Command CreateKernels(CliConsole console)
    {
        var options = new TrainingOptions();
        var sweep = new SweepOptions();
        var model = new Option<string>("--model") { Description = "The network whose standard convolutions are replaced (a zoo name, an optimized form or a spec file).", DefaultValueFactory = _ => "vgg16-opt" };
        var command = new Command("kernels", "The paper's kernel-level study (Table 6): baseline, DW+PW, DW+GPW-g2/4/8, DW+RPW-g2/4/8-o0.5 and DW+RPW-g4-o0.33 replacing every standard conv but the first; accuracy, parameters, MACs, time per epoch, and each RPW row against GPW with the same groups.");
        options.AddTo(command);
        command.Options.Add(model);
        sweep.AddTo(command);
        command.SetAction(parsed => console.Guard(() =>
        {
            string name = parsed.GetRequiredValue(model);
            var (identity, data) = options.StudyData(parsed, console, [name], sweep.Trains(parsed));
            IReadOnlyList<StudyNetwork> networks = StudyPlans.Kernels(options.Resolve(parsed, name, identity), StudyPlans.Table6Blocks);
            return Execute(console, parsed, options, sweep, "kernels", networks, identity, data);
        }));
        return command;
    }

    private static List<int> ParseKernels(string text)
    {
        var kernels = new List<int>();
        foreach (string item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(item, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int kernel) || kernel is not (1 or 3 or 5))
            {
                throw new InfoFieldException($"--kernels: '{item}' is not one of 1, 3, 5 (the kernel sizes of the insertion variants)");
            }

            if (!kernels.Contains(kernel))
            {
                kernels.Add(kernel);
            }
        }

        return kernels;
    }

    public static Command CreateCompare(CliConsole console)
    {
        var options = new TrainingOptions();
        var sweep = new SweepOptions();
        var models = new Argument<string[]>("models") { Description = "Zoo names (vgg16), optimized forms (vgg16-opt) or spec files; the first is the reference.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("compare", "Train several networks with K seeds each and compare parameters, MACs and test accuracy (mean, std) side by side.");
        command.Arguments.Add(models);
        options.AddTo(command);
        sweep.AddTo(command);
        command.SetAction(parsed => console.Guard(() =>
        {
            string[] names = parsed.GetRequiredValue(models);
            string? twice = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1)?.Key;
            if (twice is not null)
            {
                throw new InfoFieldException($"'{twice}' is named twice; compare distinct models");
            }

            var (identity, data) = options.StudyData(parsed, console, names, sweep.Trains(parsed));
            double? width = parsed.GetValue(options.Width);
            var networks = names.Select(name => new StudyNetwork(name, ModelArgument.ForDataset(name, identity.Name, ModelArgument.IsFile(name) ? null : width, options.InputShape(parsed), identity.ClassCount), null)).ToList();
            return Execute(console, parsed, options, sweep, "compare", networks, identity, data);
        }));
        return command;
    }

    /// <summary>Plans, trains (unless only reprinting: then <paramref name="data"/> is null) and reports a study.</summary>
    private static int Execute(CliConsole console, ParseResult parsed, TrainingOptions options, SweepOptions sweep, string name, IReadOnlyList<StudyNetwork> networks, DataIdentity identity, TrainingData? data)
    {
        int seeds = parsed.GetValue(sweep.Seeds);
        TrainingSettings settings = options.Settings(parsed, identity.Name, seed: 1);
        IReadOnlyList<PlannedRun> runs = StudyPlans.Runs(networks, settings, seeds);
        var folder = new ResultsFolder(parsed.GetRequiredValue(sweep.Results));
        foreach (PlannedRun run in runs)
        {
            ModelBinding.Check(run.Model.Network, identity, run.Label);
        }

        // Training a slice needs its index; --plan and --report also take --shard N alone (the whole plan in N slices).
        string? shardText = parsed.GetValue(sweep.Shard);
        bool reportOnly = parsed.GetValue(sweep.ReportOnly), planOnly = parsed.GetValue(sweep.Plan);
        StudyShard? shard = planOnly || reportOnly
            ? ShardOption.TryParse(shardText, Environment.GetEnvironmentVariable)
            : ShardOption.Parse(shardText, Environment.GetEnvironmentVariable);
        int? slices = ShardOption.Count(shardText);
        if (planOnly)
        {
            StudyPlan plan = StudyPlan.Of(name, runs, identity, folder, shard, slices);
            if (parsed.GetValue(options.Json))
            {
                console.WriteJson(plan);
            }
            else
            {
                console.Out.Write(plan.Render());
            }

            return ExitCodes.Success;
        }

        if (!reportOnly)
        {
            TrainingData trained = data ?? throw new InvalidOperationException("a study that trains has its data");
            TorchSharp.torch.Device device = options.ResolveDevice(parsed);
            Sweep.Run(folder, shard is null ? runs : shard.Select(runs), trained, options.ThreadCount(parsed), new CliSweepMonitor(console), device: device);
        }

        SweepState state = Sweep.Inspect(folder, runs, identity, new CliSweepMonitor(console));

        StudyReport report = StudyReport.From(name, state, networks.Select(n => n.Label).ToList(), StudyPlans.Gains(networks), identity.Name, parsed.GetValue(options.Width) ?? 1.0, settings, seeds, folder.Path);
        if (parsed.GetValue(options.Json))
        {
            console.WriteJson(report);
        }
        else
        {
            console.Out.Write(report.Render());
        }

        if (parsed.GetValue(sweep.Charts) is string chartsDirectory)
        {
            IReadOnlyList<Chart> charts = report.Charts();
            if (charts.Count == 0)
            {
                throw new InfoFieldException($"--charts {chartsDirectory}: no run of the study has finished yet, so there is nothing to chart");
            }

            ReportCommand.WriteCharts(chartsDirectory, charts);
            console.Error.WriteLine($"wrote {string.Join(", ", charts.Select(chart => chart.Id + ".svg"))} to {Printable.Text(chartsDirectory)}");
        }

        // What to do next, on standard error: the report itself only says how many runs are missing.
        if (!reportOnly && shard is not null)
        {
            console.Error.WriteLine(SliceDone(shard, state));
            return ExitCodes.Success;
        }

        if (state.Missing > 0)
        {
            // --report with runs missing (a plain sweep waits until every run has finished): exit 3, so that a script or a
            // scheduler's dependent job can tell an incomplete study from a complete one and from an error.
            console.Error.WriteLine(Incomplete(state, slices));
            return ExitCodes.Incomplete;
        }

        return ExitCodes.Success;
    }

    /// <summary>The line a slice ends with: its own runs are done; which other slices the report still waits for.</summary>
    internal static string SliceDone(StudyShard shard, SweepState state)
    {
        int own = state.Runs.Where((_, position) => shard.Contains(position)).Count();
        if (state.Missing == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"slice {shard}: its {own} run(s) are finished, and so is every run of the study: the report above is complete");
        }

        List<int> waiting = MissingSlices(state, shard.Count);
        string where = waiting.Contains(shard.Index)
            ? string.Empty // cannot happen once Sweep.Run has returned, unless a result file was removed meanwhile
            : $", {Slices(waiting, shard.Count)},";
        return string.Create(CultureInfo.InvariantCulture, $"slice {shard}: its {own} run(s) are finished; {state.Missing} of the study's {state.Runs.Count} runs{where} are not finished yet: once those have ended, run the same command with --report in place of --shard to check and report the whole study");
    }

    /// <summary>The line <c>--report</c> ends with when runs are missing: how many, where, and how to train them.</summary>
    internal static string Incomplete(SweepState state, int? slices)
    {
        string head = string.Create(CultureInfo.InvariantCulture, $"--report: {state.Missing} of the study's {state.Runs.Count} planned runs have not finished");
        string covered = string.Create(CultureInfo.InvariantCulture, $"the report above covers the {state.Runs.Count - state.Missing} that have");
        if (slices is int count)
        {
            List<int> waiting = MissingSlices(state, count);
            string list = string.Join(",", waiting.Select(k => k.ToString(CultureInfo.InvariantCulture)));
            return $"{head}, {Slices(waiting, count)}; {covered}. Run {(waiting.Count == 1 ? "that slice" : "those slices")} again (Slurm: sbatch --array={list} with the array script), or the same command without --report and --shard to train every missing run here; each resumes from its checkpoint. Then report again";
        }

        var ids = state.Runs.Where(r => r.Record is null).Select(r => r.Id).ToList();
        string shown = string.Join(", ", ids.Take(4)) + (ids.Count > 4 ? ", ..." : string.Empty);
        return $"{head} ({shown}); {covered}. Train them with the same command without --report (each resumes from its checkpoint; with --plan --shard N it lists which slice holds each), then report again";
    }

    private static List<int> MissingSlices(SweepState state, int count) =>
        [.. state.Runs.Select((run, position) => (run.Record, Slice: position % count)).Where(r => r.Record is null).Select(r => r.Slice).Distinct().Order()];

    private static string Slices(List<int> slices, int count) =>
        string.Create(CultureInfo.InvariantCulture, $"in slice{(slices.Count == 1 ? string.Empty : "s")} {string.Join(", ", slices)} of {count}");

    private sealed class SweepOptions
    {
        public Option<int> Seeds { get; } = new("--seeds", "-k") { Description = "Runs per network, with seeds 1..K.", DefaultValueFactory = _ => 3 };

        public Option<string> Results { get; } = new("--results", "-r") { Description = "The results folder: <run id>.json per finished run, work/<run id>/ for checkpoints; shared by studies and machines.", DefaultValueFactory = _ => Path.Combine("runs", "studies") };

        public Option<bool> ReportOnly { get; } = new("--report") { Description = "Train nothing: aggregate the runs already finished in the results folder (every shard's)." };

        public Option<bool> Plan { get; } = new("--plan") { Description = "Train nothing: list the planned runs with their ids, shard and status (with --json, as infofield-study-plan/1)." };

        public Option<string?> Shard { get; } = new("--shard") { Description = "K/N: train only slice K (0 to N-1) of N, runs K, K+N, K+2N, ... of the plan; N alone takes K from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX (docs/cluster.md). The report still covers the whole study." };

        public Option<string?> Charts { get; } = new("--charts") { Description = "Also write the study's charts as SVG files into this folder: the insertion study's accuracy change against dIF (insertion-gains.svg), the others' accuracy against parameters and MACs." };

        /// <summary>Whether the command trains: not with <c>--report</c> or <c>--plan</c>, which only reprint.</summary>
        public bool Trains(ParseResult parsed) => !parsed.GetValue(ReportOnly) && !parsed.GetValue(Plan);

        public void AddTo(Command command)
        {
            command.Options.Add(Charts);
            command.Options.Add(Seeds);
            command.Options.Add(Results);
            command.Options.Add(ReportOnly);
            command.Options.Add(Plan);
            command.Options.Add(Shard);
        }
    }

    private sealed class CliSweepMonitor(CliConsole console) : ISweepMonitor
    {
        public ITrainingMonitor Training(int index, int count, PlannedRun run, string id) =>
            ProgressView.For(console, $"[{index}/{count} {run.Label} seed {run.Settings.Seed}] ");

        public void Note(string line)
        {
            console.Error.WriteLine(Printable.Text(line));
            console.Error.Flush();
        }
    }
}
