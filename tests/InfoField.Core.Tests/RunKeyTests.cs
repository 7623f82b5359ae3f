using InfoField.Spec;
using InfoField.Training;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

public class RunKeyTests
{
    private static RunKey Key(TrainingSettings? settings = null, string model = "vgg11", string dataset = "fashion-mnist") =>
        new(NetworkSpec.Serialize(ModelZoo.Create(model, dataset, 0.25)), dataset, 0.25, settings ?? new TrainingSettings(Epochs: 3, Seed: 1));

    [Fact]
    public void The_id_is_16_hex_digits_and_stable_across_processes()
    {
        string id = Key().Id();

        Assert.Matches("^[0-9a-f]{16}$", id);
        Assert.Equal(id, Key().Id());
        // A fixed key hashes to a fixed id: if this changes, finished study runs would silently be recomputed.
        var fixedKey = new RunKey("{\"format\": \"infofield-network/1\"}", "mnist", 0.5, new TrainingSettings(Epochs: 2, Seed: 7));
        Assert.Equal(fixedKey.Id(), new RunKey("{\"format\": \"infofield-network/1\"}\r\n", "MNIST", 0.5, new TrainingSettings(Epochs: 2, Seed: 7)).Id());
        Assert.Equal(
            "version=infofield-run/1\ndataset=mnist\nwidth=0.5\nepochs=2\nbatchSize=128\nlr=0.1\nschedule=paper\nseed=7\nmomentum=0.9\nweightDecay=0.0005\naugment=true\narchitecture={\"format\": \"infofield-network/1\"}\n",
            fixedKey.Canonical());
        // That text piped through `sha256sum`, first 16 digits.
        Assert.Equal("7eaa489cc18d435d", fixedKey.Id());
    }

    [Fact]
    public void Every_field_that_changes_the_numbers_changes_the_id()
    {
        var base_ = new TrainingSettings(Epochs: 3, Seed: 1);
        string[] ids =
        [
            Key(base_).Id(),
            Key(base_ with { Seed = 2 }).Id(),
            Key(base_ with { Epochs = 4 }).Id(),
            Key(base_ with { BatchSize = 64 }).Id(),
            Key(base_ with { LearningRate = 0.05 }).Id(),
            Key(base_ with { Schedule = LearningRateSchedule.Cosine }).Id(),
            Key(base_ with { Augment = false }).Id(),
            Key(base_, model: "vgg11-variant1").Id(),
            Key(base_, dataset: "mnist").Id(),
        ];

        Assert.Equal(ids.Length, ids.Distinct().Count());
    }
}
