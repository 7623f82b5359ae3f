using InfoField.Architecture;
using InfoField.Field;
using InfoField.Spec;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

public class SpecTests
{
    public static TheoryData<string, string> ZooModels()
    {
        var data = new TheoryData<string, string>();
        foreach (ZooEntry entry in ModelZoo.Entries)
        {
            foreach (string dataset in new[] { "cifar10", "cifar100", "imagenet" })
            {
                if (entry.Supports(DatasetInfo.Find(dataset)))
                {
                    data.Add(entry.Name, dataset);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ZooModels))]
    public void Every_zoo_model_round_trips_through_its_spec(string model, string dataset)
    {
        Network network = ModelZoo.Create(model, dataset);

        string json = NetworkSpec.Serialize(network);
        Network loaded = NetworkSpec.Parse(json);

        Assert.Equal(network, loaded);
        Assert.Equal(json, NetworkSpec.Serialize(loaded));
    }

    [Fact]
    public void A_hand_written_spec_loads_with_defaults_and_sugar()
    {
        const string json = """
            {
              "name": "tiny",
              "input": [3, 16, 12],
              "stages": [
                { "units": [
                    { "ops": [ { "type": "conv", "out": 8, "kernel": 3, "padding": 1 }, { "type": "bn" }, { "type": "relu" } ] },
                    { "name": "block", "family": "dw-rpw", "ops": [
                        { "type": "dw", "kernel": [3, 1], "padding": [1, 0] },
                        { "type": "rpw", "out": 8, "groups": 2, "overlap": 0.5 },
                        { "type": "shuffle", "groups": 2 } ] } ] },
                { "entry": [ { "type": "maxpool", "kernel": 2 } ],
                  "units": [ { "ops": [ { "type": "residual",
                      "body": [ { "type": "gpw", "out": 8, "groups": 4 } ],
                      "shortcut": [] } ] } ] }
              ],
              "head": [ { "type": "globalavgpool" }, { "type": "flatten" }, { "type": "linear", "out": 5 } ]
            }
            """;

        Network network = NetworkSpec.Parse(json, "tiny.json");

        Assert.Equal("tiny", network.Name);
        Assert.Equal(new FeatureShape(5, 1, 1), network.Output);
        Assert.Equal("conv3-8", network.Stages[0].Units[0].Name);
        Assert.Equal(new Pooling(PoolKind.Max, 2, 2, 0), network.Stages[1].Entry[0]);
        Assert.Equal(new DepthwiseConvolution(new Pair(3, 1), 1, new Pair(1, 0), 1), network.Stages[0].Units[1].Ops[0]);
        Assert.Equal(network, NetworkSpec.Parse(NetworkSpec.Serialize(network)));
        Assert.Equal(3, InformationField.Analyze(network).Stages[0].Last.IfC);
    }

    [Fact]
    public void One_dimensional_specs_take_scalar_kernels_along_the_length()
    {
        const string json = """
            { "input": [2, 50],
              "stages": [ { "units": [ { "ops": [ { "type": "conv", "out": 4, "kernel": 5, "padding": 2 } ] } ] },
                          { "entry": [ { "type": "maxpool", "kernel": 2 } ], "units": [ { "ops": [ { "type": "dw", "kernel": 3, "padding": 1 } ] } ] } ],
              "head": [ { "type": "flatten" }, { "type": "linear", "out": 3 } ] }
            """;

        Network network = NetworkSpec.Parse(json);

        Assert.Equal(1, network.SpatialRank);
        Assert.Equal(new Convolution(4, new Pair(1, 5), new Pair(1, 1), new Pair(0, 2), new Pair(1, 1)), network.Stages[0].Units[0].Ops[0]);
        Assert.Equal(new FeatureShape(4, 1, 25), network.Layout.Stages[1].Output);
        Assert.Equal(network, NetworkSpec.Parse(NetworkSpec.Serialize(network)));
        Assert.Contains("\"input\": [\n    2,\n    50\n  ]", NetworkSpec.Serialize(network).Replace("\r", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "type": "conv3", "out": 8 }""", "$.stages[0].units[0].ops[1].type", "unknown op 'conv3'")]
    [InlineData("""{ "type": "conv", "out": 8, "kernel": 3, "groups": 3 }""", "$.stages[0].units[0].ops[1].groups", "3 does not divide the 4 input channels")]
    [InlineData("""{ "type": "gpw", "out": 6, "groups": 4 }""", "$.stages[0].units[0].ops[1].groups", "4 does not divide the 6 output channels")]
    [InlineData("""{ "type": "rpw", "out": 8, "groups": 2, "overlap": 1.0 }""", "$.stages[0].units[0].ops[1].overlap", "outside [0, 1)")]
    [InlineData("""{ "type": "rpw", "out": 8, "groups": 2, "overlap": -0.1 }""", "$.stages[0].units[0].ops[1].overlap", "outside [0, 1)")]
    [InlineData("""{ "type": "rpw", "out": 8, "groups": 3, "overlap": 0.5 }""", "$.stages[0].units[0].ops[1].groups", "3 does not divide the 4 input channels")]
    [InlineData("""{ "type": "maxpool", "kernel": 8, "stride": 8 }""", "$.stages[0].units[0].ops[1].stride", "shrinks to zero")]
    [InlineData("""{ "type": "conv", "out": 8, "kernel": 9 }""", "$.stages[0].units[0].ops[1].kernel", "shrinks to zero")]
    [InlineData("""{ "type": "conv", "out": 8, "kernal": 3 }""", "$.stages[0].units[0].ops[1].kernal", "unknown field 'kernal'")]
    [InlineData("""{ "type": "conv", "out": "8", "kernel": 3 }""", "$.stages[0].units[0].ops[1].out", "expected an integer, got the string \"8\"")]
    [InlineData("""{ "type": "conv", "kernel": 3 }""", "$.stages[0].units[0].ops[1]", "missing field 'out'")]
    [InlineData("""{ "type": "linear", "out": 3 }""", "$.stages[0].units[0].ops[1].type", "belongs in the head")]
    [InlineData("""{ "type": "residual", "body": [ { "type": "pw", "out": 8 } ] }""", "$.stages[0].units[0].ops[1].shortcut", "identity shortcut cannot be added")]
    [InlineData("""{ "type": "residual", "body": [ { "type": "dw", "kernel": 3, "stride": 2, "padding": 1 }, { "type": "gpw", "out": 4, "groups": 3 } ] }""", "$.stages[0].units[0].ops[1].body[1].groups", "3 does not divide the 4 input channels")]
    [InlineData("""{ "type": "bn", "eps": 0 }""", "$.stages[0].units[0].ops[1].eps", "0 is not a positive number")]
    public void Invalid_ops_are_reported_at_their_json_path(string op, string path, string rule)
    {
        string json = $$"""
            { "input": [3, 4, 4],
              "stages": [ { "units": [ { "ops": [ { "type": "conv", "out": 4, "kernel": 1 }, {{op}} ] } ] } ] }
            """;

        var error = Assert.Throws<SpecException>(() => NetworkSpec.Parse(json, "bad.json"));

        Assert.Equal(path, error.JsonPath);
        Assert.Contains(rule, error.Message);
        Assert.StartsWith($"bad.json: {path}: ", error.Message);
    }

    [Theory]
    [InlineData("""{ "input": [3, 8, 8] }""", "$", "missing field 'stages'")]
    [InlineData("""{ "input": [3, 8], "stages": [] }""", "$.stages", "at least one stage")]
    [InlineData("""{ "input": [3, 8, 8, 8, 8], "stages": [] }""", "$.input", "got 5 numbers")]
    [InlineData("""{ "input": [3, 8, 8], "stages": [ { "units": [] } ] }""", "$.stages[0].units", "at least one unit")]
    [InlineData("""{ "input": [3, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "relu" } ] } ] }, { "units": [ { "ops": [ { "type": "relu" } ] } ] } ] }""", "$.stages[1]", "same 8x8 resolution")]
    [InlineData("""{ "input": [3, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "relu" } ] }, { "ops": [ { "type": "maxpool", "kernel": 2 } ] } ] } ] }""", "$.stages[0].units[1]", "inside a stage")]
    [InlineData("""{ "input": [3, 8, 8], "stages": [ { "entry": [ { "type": "relu" } ], "units": [ { "ops": [ { "type": "relu" } ] } ] } ] }""", "$.stages[0].entry[0].type", "only the pooling")]
    [InlineData("""{ "input": [3, 8, 8], "stages": [ { "units": [ { "role": "lead", "ops": [ { "type": "relu" } ] } ] } ] }""", "$.stages[0].units[0].role", "unknown role 'lead'")]
    [InlineData("""{ "input": [3, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "relu" } ] } ] } ], "head": [ { "type": "linear", "out": 2 } ] }""", "$.head[0].type", "needs a flat input")]
    [InlineData("""{ "format": "other/2", "input": [3, 8, 8], "stages": [] }""", "$.format", "unsupported format")]
    [InlineData("""{ "input": [3, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "relu" } ] } ] } ], "extra": 1 }""", "$.extra", "unknown field 'extra'")]
    public void Invalid_networks_are_reported_at_their_json_path(string json, string path, string rule)
    {
        var error = Assert.Throws<SpecException>(() => NetworkSpec.Parse(json, "bad.json"));

        Assert.Equal(path, error.JsonPath);
        Assert.Contains(rule, error.Message);
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        var error = Assert.Throws<SpecException>(() => NetworkSpec.Parse("{\n  \"input\": [3, 8, 8],\n  \"stages\": [ }", "broken.json"));

        Assert.StartsWith("broken.json: not valid JSON (line 3", error.Message);
    }

    [Fact]
    public void Saving_is_atomic_and_loading_names_the_file()
    {
        string directory = Directory.CreateTempSubdirectory("infofield-spec").FullName;
        try
        {
            string path = Path.Combine(directory, "vgg16.json");
            Network network = ModelZoo.Create("vgg16");

            NetworkSpec.Save(network, path);

            Assert.Equal(network, NetworkSpec.Load(path));
            Assert.Equal(["vgg16.json"], Directory.GetFiles(directory).Select(Path.GetFileName));
            var missing = Assert.Throws<SpecException>(() => NetworkSpec.Load(Path.Combine(directory, "none.json")));
            Assert.Contains("none.json", missing.Message);
            var unwritable = Assert.Throws<InfoFieldException>(() => NetworkSpec.Save(network, Path.Combine(directory, "no-such-dir", "x.json")));
            Assert.Contains("does not exist", unwritable.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
