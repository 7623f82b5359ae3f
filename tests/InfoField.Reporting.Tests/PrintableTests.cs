using InfoField.Architecture;
using InfoField.Field;
using InfoField.Organizer;
using InfoField.Zoo;

namespace InfoField.Reporting.Tests;

/// <summary>Names read from files print escaped in every text table and sentence: they can neither drive a terminal nor add a line.</summary>
public class PrintableTests
{
    [Theory]
    [InlineData("plain name", "plain name")]
    [InlineData("a\u001b[31mb", "a\\u001b[31mb")]
    [InlineData("line\nbreak\r\t", "line\\nbreak\\r\\t")]
    [InlineData("\u0085\u009b2J", "\\u0085\\u009b2J")]
    [InlineData("\u202egnp.exe\u200b", "\\u202egnp.exe\\u200b")]
    [InlineData("\ud83d\ude00 ok", "\ud83d\ude00 ok")]
    public void Names_print_with_every_unprintable_character_escaped(string name, string printed)
    {
        Assert.Equal(printed, Printable.Text(name));
        Assert.Equal(name != printed, Printable.NeedsEscape(name));
    }

    [Fact]
    public void Lone_surrogates_in_names_print_as_escapes() =>
        Assert.Equal("x\\ud800y\\udc00", Printable.Text("x" + (char)0xD800 + "y" + (char)0xDC00));

    /// <summary>
    /// Seeded hostile names (terminal escapes, C0 and C1 controls, line and paragraph separators, bidirectional and
    /// zero-width characters, lone surrogates) on every unit and the network of zoo models: the field table, the
    /// organizer's table and the verdicts hold no unprintable character and as many lines as with plain names.
    /// </summary>
    [Fact]
    public void Fuzz_hostile_names_print_escaped_in_every_text_table()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("INFOFIELD_TEST_SEED"), out int value) ? value : 20261207;
        var random = new Random(seed);
        string[] pieces = ["\u001b[31m", "\u001b]0;owned\u0007", "\n", "\r", "\t", "\u0085", "\u009b", "\u202e", "\u2028", "\u200b", "\u0000", "\u007f", "\ud800", "\udc00"];
        string Hostile() => "n" + string.Concat(Enumerable.Range(0, 3).Select(_ => System.Text.RegularExpressions.Regex.Unescape(pieces[random.Next(pieces.Length)]) + "x"));
        foreach (string model in new[] { "vgg16", "mobilenet", "resnet18" })
        {
            Network plain = ModelZoo.Create(model, "cifar10");
            Network hostile = Renamed(plain, Hostile);
            foreach (Func<Network, string> render in new Func<Network, string>[]
            {
                network => FieldTable.Render(InformationField.Analyze(network), "CIFAR\u001b-10", detail: true),
                network => OrganizerTable.Render(StageOrganizer.Optimize(network)),
                network => VerdictsDocument.Of(InformationField.Analyze(network), StageOrganizer.Optimize(network), 0).Render(),
            })
            {
                string printed = render(hostile);
                Assert.False(printed.Any(c => c != '\n' && Printable.IsUnprintable(c)), $"seed {seed}, {model}: {printed}");
                Assert.Equal(render(Renamed(plain, () => "plain")).Split('\n').Length, printed.Split('\n').Length);
            }
        }
    }

    private static Network Renamed(Network network, Func<string> name) => new(
        name(),
        network.Input,
        network.Stages.Select(stage => stage with { Units = stage.Units.Select(unit => unit with { Name = name() }).ToValueList() }).ToValueList(),
        network.Head,
        network.SpatialRank);
}
