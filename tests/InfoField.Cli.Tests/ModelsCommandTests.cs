using System.Text.Json;
using InfoField.Zoo;

namespace InfoField.Cli.Tests;

public class ModelsCommandTests
{
    [Fact]
    public void Lists_every_zoo_model_with_parameters_and_macs()
    {
        CliRun text = CliRun.Of("models");
        JsonElement json = CliRun.Of("models", "--dataset", "imagenet", "--json").Json();

        Assert.Equal(0, text.ExitCode);
        foreach (ZooEntry entry in ModelZoo.Entries)
        {
            Assert.Contains(entry.Name, text.Output);
        }

        Assert.Contains("14,728,266", text.Output);
        var models = json.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(ModelZoo.Entries.Count, models.Count);
        Assert.Equal(138_357_544, models["vgg16"].GetProperty("params").GetInt64());
        Assert.Contains("fashion-mnist", models["vgg16"].GetProperty("datasets").EnumerateArray().Select(d => d.GetString()));
    }
}
