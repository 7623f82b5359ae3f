using System.Globalization;
using InfoField.Field;

namespace InfoField.Onnx.Tests;

/// <summary>
/// The fields of the ONNX fixtures, as stated in tests/fixtures/onnx/fields.txt (re-derived from gradients by
/// InfoField.Torch.Tests' OnnxFixtureFieldTests): one line per unit, literal factors (minimum and maximum over channels)
/// and the local IF. A change of the engine that moves any of them fails here until the fields are derived again.
/// </summary>
public class OnnxFixtureFieldsTests
{
    public static TheoryData<string> Fixtures => new(Stated().Select(line => line[0]).Distinct());

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_engine_gives_the_stated_fields_of_each_fixture(string fixture)
    {
        NetworkField field = InformationField.Analyze(OnnxImport.Load(Path.Combine(OnnxModels.FixtureDirectory, fixture + ".onnx")));

        string[] want = [.. Stated().Where(line => line[0] == fixture).Select(line => string.Join('\t', line))];
        string[] got = [.. Lines(fixture, field)];
        Assert.Equal(want, got);
    }

    [Fact]
    public void Every_fixture_is_stated()
    {
        Assert.Equal(
            Directory.GetFiles(OnnxModels.FixtureDirectory, "*.onnx").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal),
            Stated().Select(line => line[0]).Distinct().Order(StringComparer.Ordinal));
    }

    /// <summary>The same format as the derivation prints (InfoField.Torch.Tests' OnnxFixtureFields).</summary>
    private static IEnumerable<string> Lines(string fixture, NetworkField field) =>
        from stage in field.Stages
        from unit in stage.Units
        select string.Create(
            CultureInfo.InvariantCulture,
            $"{fixture}\t{stage.Index}\t{unit.Index}\t{unit.Name}\t{unit.Literal.IfH}\t{unit.Literal.IfHMin}\t{unit.Literal.IfW}\t{unit.Literal.IfWMin}\t{unit.Literal.IfC}\t{unit.Literal.IfCMean:0.###}\t{unit.Literal.IfCMax}\t{unit.Literal.If}\t{unit.Local.If}{(unit.OutputShape.HasDepth ? $"\t{unit.Literal.IfD}\t{unit.Literal.IfDMin}" : "")}");

    private static IEnumerable<string[]> Stated() =>
        File.ReadLines(Path.Combine(OnnxModels.FixtureDirectory, "fields.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'));
}
