using System.Text.Json;

namespace InfoField.Cli.Tests;

/// <summary>
/// <c>--field local|literal</c> (docs/cli.md): the local field is the default of analyze, optimize and study alpha; the
/// literal field stays available; a network with squeeze-and-excitation gates shows both.
/// </summary>
public class FieldOptionTests
{
    [Fact]
    public void Analyze_uses_the_local_field_by_default_and_shows_the_literal_one_beside_it()
    {
        CliRun text = CliRun.Of("analyze", "efficientnet-b0", "--dataset", "imagenet");
        JsonElement json = CliRun.Of("analyze", "efficientnet-b0", "--dataset", "imagenet", "--json").Json();

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("alpha = 3, input frame, local field;", text.Output, StringComparison.Ordinal);
        Assert.Contains("literal IF  literal dIF", text.Output, StringComparison.Ordinal);
        Assert.Contains("In 12 of 18 units global pooling", text.Output, StringComparison.Ordinal);
        Assert.Equal("local", json.GetProperty("field").GetString());
        JsonElement second = json.GetProperty("stages")[1].GetProperty("units")[1];
        Assert.Equal((784, 200_704), (second.GetProperty("if").GetInt64(), second.GetProperty("literal").GetProperty("if").GetInt64()));
        Assert.Equal(second.GetProperty("deltaIf").GetDouble(), second.GetProperty("local").GetProperty("deltaIf").GetDouble());
        Assert.Equal(0.0, second.GetProperty("literal").GetProperty("deltaIf").GetDouble());
        JsonElement verdicts = json.GetProperty("verdicts");
        Assert.Equal("local", verdicts.GetProperty("field").GetString());
        Assert.Equal(12, verdicts.GetProperty("globalContext").GetArrayLength());
        Assert.Equal(new[] { 3, 4, 3, 4, 2 }, verdicts.GetProperty("organizer").GetProperty("after").EnumerateArray().Select(v => v.GetInt32()));
    }

    [Fact]
    public void The_literal_field_is_an_option_of_analyze_optimize_and_the_alpha_study()
    {
        JsonElement analysis = CliRun.Of("analyze", "efficientnet-b0", "--dataset", "imagenet", "--field", "literal", "--json").Json();
        JsonElement local = CliRun.Of("optimize", "efficientnet-b0", "--dataset", "imagenet", "--json").Json();
        JsonElement literal = CliRun.Of("optimize", "efficientnet-b0", "--dataset", "imagenet", "--field", "literal", "--json").Json();

        Assert.Equal("literal", analysis.GetProperty("field").GetString());
        Assert.Equal(200_704, analysis.GetProperty("stages")[1].GetProperty("units")[1].GetProperty("if").GetInt64());
        Assert.Equal(new[] { 1, 1, 1, 1, 1 }, analysis.GetProperty("verdicts").GetProperty("organizer").GetProperty("after").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(("local", "literal"), (local.GetProperty("settings").GetProperty("field").GetString(), literal.GetProperty("settings").GetProperty("field").GetString()));
        Assert.Equal(new[] { 3, 4, 3, 4, 2 }, local.GetProperty("after").GetProperty("stageUnits").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(new[] { 1, 1, 1, 1, 1 }, literal.GetProperty("after").GetProperty("stageUnits").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal("literal", CliRun.Of("study", "alpha", "--alphas", "3", "--field", "literal", "--json").Json().GetProperty("field").GetString());
    }

    [Fact]
    public void A_field_that_is_neither_local_nor_literal_is_a_malformed_command_line()
    {
        CliRun run = CliRun.Of("optimize", "vgg11", "--field", "global");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'global' not recognized. Must be one of: 'local' 'literal'", run.Error, StringComparison.Ordinal);
    }
}
