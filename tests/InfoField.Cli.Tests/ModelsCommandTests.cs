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
        Assert.Equal(ModelZoo.Entries.Count(entry => !entry.Video), models.Count);
        Assert.Equal(138_357_544, models["vgg16"].GetProperty("params").GetInt64());
        Assert.Contains("fashion-mnist", models["vgg16"].GetProperty("datasets").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(["imagenet"], models["mobilenetv3-large"].GetProperty("datasets").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void Models_without_a_definition_for_the_dataset_are_named_not_listed()
    {
        CliRun text = CliRun.Of("models", "--dataset", "cifar10");
        JsonElement json = CliRun.Of("models", "--dataset", "cifar10", "--json").Json();
        CliRun analyze = CliRun.Of("analyze", "mobilenetv3-large", "--dataset", "cifar10");

        Assert.Contains("except mobilenetv3-large, convnext-tiny (imagenet only); r3d-18 (3-D, video clips) builds for kinetics400 only.", text.Output);
        Assert.DoesNotContain(json.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == "mobilenetv3-large");
        Assert.Equal(1, analyze.ExitCode);
        Assert.Equal("infofield: error: mobilenetv3-large has only torchvision's ImageNet definition (there is no widely used small-image mobilenetv3-large); build it for the imagenet dataset", analyze.Error.Trim());
    }
}
