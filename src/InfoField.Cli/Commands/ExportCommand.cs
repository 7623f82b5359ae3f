using System.CommandLine;
using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Onnx;
using InfoField.Reporting;
using InfoField.Torch.Building;
using InfoField.Torch.Onnx;
using InfoField.Torch.Training;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield export</c>: write any network as an ONNX model with the weights of its TorchSharp module.</summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new CommonOptions();
        var output = new Option<string>("--out", "-o") { Description = "The ONNX model to write (*.onnx).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the freshly initialized weights.", DefaultValueFactory = _ => NetworkOutput.DefaultSeed };
        var links = new OutputTarget();
        var command = new Command("export", "Write a network as an ONNX model (opset 17) with the weights of its TorchSharp module: freshly initialized, or a checkpoint's (give the checkpoint or its run folder as the model); RPW becomes Gather + grouped Conv.");
        options.AddModelOptions(command);
        command.Options.Add(output);
        command.Options.Add(seed);
        links.AddTo(command);

        command.SetAction(parsed => console.Guard(() =>
        {
            string path = links.Resolve(parsed, parsed.GetRequiredValue(output))!;
            if (!OnnxImport.IsOnnxPath(path))
            {
                throw new InfoFieldException($"--out {path}: expected a file name ending in .onnx");
            }

            string model = parsed.GetRequiredValue(options.Model);
            string checkpoint = Directory.Exists(model) ? Path.Combine(model, Checkpoint.FileName) : model;
            Network network;
            if (checkpoint.EndsWith(Path.GetExtension(Checkpoint.FileName), StringComparison.OrdinalIgnoreCase))
            {
                if (parsed.GetValue(options.Dataset) is not null || parsed.GetValue(options.Width) is not null || parsed.GetValue(options.Input) is not null)
                {
                    throw new InfoFieldException($"{model}: a checkpoint carries its network; --dataset, --width and --input do not apply");
                }

                (_, NetworkModule trained) = Checkpoint.LoadModel(checkpoint);
                using (trained)
                {
                    network = trained.Architecture;
                    OnnxExport.Save(trained, path);
                }
            }
            else
            {
                network = options.LoadNetwork(parsed).Network;
                NetworkOutput.Save(network, path, parsed.GetValue(seed));
            }

            Cost cost = CostModel.Of(network).Total;
            console.Out.WriteLine($"wrote {Printable.Text(path)}: {Printable.Text(network.Name)}, {Format.Count(cost.Parameters)} parameters, {Format.Macs(cost.Macs)} MACs, ONNX opset {OnnxExport.Opset}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
