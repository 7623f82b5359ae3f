using System.CommandLine;
using System.Text;
using InfoField.Reporting;
using InfoField.Zoo;

namespace InfoField.Cli.Commands;

/// <summary><c>infofield models</c>: the zoo, with parameters and MACs for one dataset.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliConsole console)
    {
        var dataset = new Option<string>("--dataset", "-d") { Description = "The dataset to count parameters and MACs for.", DefaultValueFactory = _ => "cifar10" };
        var width = new Option<double>("--width", "-w") { Description = "Channel multiplier.", DefaultValueFactory = _ => 1.0 };
        var json = new Option<bool>("--json") { Description = "Write JSON instead of text." };
        var command = new Command("models", "List the model zoo with parameters and MACs.") { dataset, width, json };
        command.SetAction(parsed => console.Guard(() =>
        {
            var request = new ZooRequest(DatasetInfo.Find(parsed.GetRequiredValue(dataset)), parsed.GetValue(width));
            ModelsDocument document = ModelsDocument.Of(request);
            if (parsed.GetValue(json))
            {
                console.WriteJson(document);
                return ExitCodes.Success;
            }

            var images = DatasetInfo.All.Where(d => d.Definitions != Definitions.Video).Select(d => d.Name).ToList();
            var clips = DatasetInfo.All.Where(d => d.Definitions == Definitions.Video).Select(d => d.Name).ToList();
            var imageNetOnly = ModelZoo.Entries.Where(entry => entry.ImageNetOnly).Select(entry => entry.Name).ToList();
            var video = ModelZoo.Entries.Where(entry => entry.Video).Select(entry => entry.Name).ToList();
            var text = new StringBuilder();
            text.AppendLine($"Model zoo on {request.Dataset.DisplayName} ({request.Dataset.Input}, {request.Dataset.Classes} classes), width {request.Width}. Every model builds for {string.Join(", ", images)}, except {string.Join(", ", imageNetOnly)} (imagenet only); {string.Join(", ", video)} (3-D, video clips) builds for {string.Join(", ", clips)} only.");
            var table = new List<string[]> { new[] { "name", "family", "params", "MACs", "description" } };
            table.AddRange(document.Models.Select(model => new[] { model.Name, model.Family, Format.Count(model.Params), Format.Macs(model.Macs), model.Description }));
            FieldTable.AppendTable(text, table, [false, false, true, true, false]);
            console.Out.Write(text.ToString());
            return ExitCodes.Success;
        }));
        return command;
    }
}
