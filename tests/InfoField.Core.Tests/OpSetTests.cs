using InfoField.Architecture;
using InfoField.Core.Tests.CustomOps;
using InfoField.Field;
using InfoField.Spec;

namespace InfoField.Core.Tests;

/// <summary>The op set is open: an op kind declared in one file (<see cref="ReverseChannels"/>) and registered works everywhere.</summary>
public class OpSetTests
{
    private const string Spec = """
        { "input": [4, 6, 6], "stages": [ { "units": [
            { "ops": [ { "type": "dw", "kernel": 3, "padding": 1 }, { "type": "reverse", "width": 2 }, { "type": "gpw", "out": 4, "groups": 2 } ] } ] } ] }
        """;

    [Fact]
    public void A_registered_op_kind_is_read_analysed_costed_and_written()
    {
        OpSet kinds = OpSet.Default.With(ReverseChannels.Kind);

        Network network = NetworkSpec.Parse(Spec, "custom.json", kinds: kinds);
        UnitField unit = InformationField.Analyze(network).Stages[0].Units[0];
        string json = NetworkSpec.Serialize(network);

        Assert.Equal(new ReverseChannels(2), network.Units.Single().Ops[1]);
        // gpw group 0 reads the reversed channels 1, 0 of the dw: input channels {0, 1}; group 1 reads {2, 3}.
        Assert.Equal((3, 2, 18L), (unit.IfW, unit.IfC, unit.If));
        Assert.Equal(36 + 8, unit.Cost.Parameters);
        Assert.Contains("\"type\": \"reverse\"", json, StringComparison.Ordinal);
        Assert.Equal(network, NetworkSpec.Parse(json, kinds: kinds));
    }

    [Fact]
    public void Without_registration_the_op_is_an_unknown_type_naming_the_known_ones()
    {
        var error = Assert.Throws<SpecException>(() => NetworkSpec.Parse(Spec, "custom.json"));

        Assert.Equal("$.stages[0].units[0].ops[1].type", error.JsonPath);
        Assert.Contains("unknown op 'reverse'; expected one of ", error.Message, StringComparison.Ordinal);
        Assert.Contains("concat", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_built_in_kind_reads_back_what_its_op_writes()
    {
        Assert.All(OpSet.Default.Types, type => Assert.True(OpSet.Default.TryGet(type, out OpKind kind) && kind.Type == type));
        Assert.Contains("split", OpSet.Default.Types);
        Assert.Contains("mul", OpSet.Default.Types);
    }
}
