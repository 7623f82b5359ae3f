using System.Text;
using System.Text.Json;
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Samples.NasBench201;
using InfoField.Spec;

namespace InfoField.Reporting.Tests;

/// <summary>
/// The hand-written writer of the analysis document (<see cref="AnalysisJson"/>, what a batch writes) gives exactly the
/// serializer's bytes on one line (<see cref="DocumentJson.WriteLine{T}"/>): over a sample spread across the
/// NAS-Bench-201 space (zero outputs and dead branches included) with several field options, over zoo models with the
/// organizer's outlook and global context, and over names that need escaping and numbers that are not finite.
/// </summary>
public class AnalysisJsonTests
{
    public static TheoryData<FieldKind, CoordinateFrame, double> Options => new()
    {
        { FieldKind.Local, CoordinateFrame.Input, 3.0 },
        { FieldKind.Literal, CoordinateFrame.Output, 0.5 },
    };

    [Theory]
    [MemberData(nameof(Options))]
    public void A_sample_of_the_nas_space_is_written_byte_for_byte_as_the_serializer_writes_it(FieldKind kind, CoordinateFrame frame, double alpha)
    {
        // Every 61st cell (257 of 15,625), and cells whose output is zero or whose convolutions lie on dead branches.
        Cell[] sample =
        [
            .. Enumerable.Range(0, Cell.Count).Where(index => index % 61 == 7).Select(Cell.FromIndex),
            Cell.Parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"),
            Cell.Parse("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"),
        ];
        Assert.Contains(sample, cell => cell.OutputIsZero);
        var options = new FieldOptions(alpha, frame, kind);
        foreach (Cell cell in sample)
        {
            LoadedNetwork loaded = NetworkSource.FromFile(NetworkSpec.Parse(SpaceSpec.Json(cell)), "spec", "space.jsonl:1");
            AssertSameBytes(NetworkAnalysis.Of(loaded, options, theta: 0.05, outlook: false).Document(loaded), cell.ToString());
        }
    }

    [Theory]
    [InlineData("vgg16")]
    [InlineData("resnet18")]
    [InlineData("shufflenetv2")]
    [InlineData("efficientnet-b0")]
    public void Zoo_documents_with_the_organizers_outlook_are_written_as_the_serializer_writes_them(string model)
    {
        LoadedNetwork loaded = NetworkSource.Zoo(model);
        AnalysisDocument document = NetworkAnalysis.Of(loaded).Document(loaded);
        Assert.NotNull(document.Verdicts?.Organizer);

        AssertSameBytes(document, model);
        AssertSameBytes(document with { Verdicts = null }, model + " without verdicts");
    }

    [Fact]
    public void Escaped_names_and_named_floating_point_literals_are_written_as_the_serializer_writes_them()
    {
        LoadedNetwork loaded = NetworkSource.FromFile(NetworkSpec.Parse(SpaceSpec.Json(Cell.FromIndex(3_906))), "spec", "x");
        AnalysisDocument document = NetworkAnalysis.Of(loaded, outlook: false).Document(loaded);
        StageDocument stage = document.Stages[0];
        UnitDocument unit = stage.Units[1] with
        {
            Name = "<b>&'\"\\ + ü \u2028 \t\u0001 😀",
            IfCMean = double.NaN,
            DeltaIf = double.PositiveInfinity,
            IfHMin = -7,
            Local = stage.Units[1].Local with { DeltaIf = double.NegativeInfinity, IfCMean = 0.1 + 0.2 },
            Literal = stage.Units[1].Literal with { DeltaIf = -0.0, IfCMean = 999_999_999 },
            Ops =
            [
                .. new[] { double.Epsilon, -0.0, 1e9, 1e9 - 1, -(1e9 - 1), 1e14, 1e15, 1e16, 1e300, 12345.5, -3, 2.5e-7 }.Select(mean =>
                    stage.Units[1].Ops[0] with { Type = "a/b\u007f", Local = stage.Units[1].Ops[0].Local with { IfCMean = mean } }),
                stage.Units[1].Ops[0] with { Inputs = [], OutputShape = [int.MinValue, 0, int.MaxValue] },
            ],
        };
        AnalysisDocument odd = document with
        {
            Model = "ç\"<>",
            Dataset = null,
            Width = double.NaN,
            Alpha = double.NegativeInfinity,
            Stages = [stage with { Units = [stage.Units[0] with { Skips = [new SkipDocument(1, 1), new SkipDocument(-2, int.MaxValue)] }, unit with { ReceptiveField = [long.MinValue, long.MaxValue], DeadOps = [1, 2], Skips = [] }] }, stage with { Units = [] }],
            Verdicts = document.Verdicts! with
            {
                Theta = 1e-300,
                Sentences = ["é & <i>", "", "plain words, (1) [2] {3} 4.5; 6:7 ~8 @9 #% $ ^ * = | ? !"],
                Saturated = [new SaturatedUnitDocument(1, 2, "\u00e9", double.NaN)],
            },
            Outputs =
            [
                new OutputDocument("out", 1, 2, [21, 128, 128], false, 1, 0.5, 128, 127, 3, 96, 95, 1_234, long.MaxValue, true),
                new OutputDocument("aux<\"é>", 2, 1, [960, 8, 8], true, 16.5, double.NaN, 0, -1, 0, 0, 0, 0, long.MinValue, false),
                new OutputDocument("clip", 3, 1, [2, 4, 8, 8], false, 2, 2, 5, 5, 1, 4, 4, 9, 9, false) { StrideD = double.PositiveInfinity, IfD = 3, IfDInterior = int.MinValue, ReceptiveFieldD = long.MaxValue },
                new OutputDocument("frames", 3, 2, [2, 4, 8, 8], false, 2, 2, 5, 5, 1, 4, 4, 9, 9, true) { StrideD = 0.25, ReceptiveFieldD = 7 },
                new OutputDocument("pool", 2, 1, [960, 4, 4], false, 33, 33, 8, 8, 3, 8, 8, 9, 9, false) { Reads = "aux<\"é>" },
            ],
        };

        AssertSameBytes(odd, "odd");
    }

    [Fact]
    public void A_3d_networks_document_has_depth_factors_and_is_written_as_the_serializer_writes_it()
    {
        const string Volume = """
            { "name": "clip", "input": [3, 8, 16, 16], "stages": [
                { "units": [ { "role": "stem", "ops": [ { "type": "conv", "out": 8, "kernel": [1, 3, 3], "padding": [0, 1, 1] }, { "type": "conv", "out": 8, "kernel": [3, 1, 1], "padding": [1, 0, 0] }, { "type": "relu" } ] } ] },
                { "entry": [ { "type": "maxpool", "kernel": 2 } ], "units": [ { "ops": [ { "type": "residual", "body": [ { "type": "conv", "out": 8, "kernel": 3, "padding": 1 }, { "type": "bn" }, { "type": "relu" } ] } ] }, { "ops": [ { "type": "dw", "kernel": 3, "padding": 1 }, { "type": "pw", "out": 8 } ] } ] } ],
              "head": [ { "type": "globalavgpool" }, { "type": "flatten" }, { "type": "linear", "out": 4 } ] }
            """;
        LoadedNetwork loaded = NetworkSource.FromFile(NetworkSpec.Parse(Volume), "spec", "clip");
        AnalysisDocument document = NetworkAnalysis.Of(loaded).Document(loaded);
        LoadedNetwork image = NetworkSource.Zoo("resnet18");
        string imageJson = DocumentJson.Serialize(NetworkAnalysis.Of(image, outlook: false).Document(image));

        UnitDocument unit = document.Stages[1].Units[0];
        Assert.Equal([3, 8, 16, 16], document.Input);
        Assert.Equal([8, 4, 8, 8], unit.OutputShape);
        Assert.Equal(3, unit.ReceptiveField.Length);
        Assert.NotNull(unit.IfD);
        Assert.Equal(unit.IfD, unit.Local.IfD);
        Assert.Equal(unit.IfD, unit.Ops[0].IfD);
        Assert.Equal((long)unit.IfD!.Value * unit.IfH * unit.IfW * unit.IfC, unit.If);
        Assert.Contains("\"ifD\"", DocumentJson.Serialize(document), StringComparison.Ordinal);
        Assert.DoesNotContain("\"ifD", imageJson, StringComparison.Ordinal);
        AssertSameBytes(document, "3-D network");

        // Without its classifier the network's output is a map: its outputs list has the depth's stride, span and receptive field.
        string denseSpec = Volume.Replace("""[ { "type": "globalavgpool" }, { "type": "flatten" }, { "type": "linear", "out": 4 } ]""", "[]", StringComparison.Ordinal);
        LoadedNetwork dense = NetworkSource.FromFile(NetworkSpec.Parse(denseSpec), "spec", "clip");
        AnalysisDocument map = NetworkAnalysis.Of(dense).Document(dense);
        OutputDocument output = Assert.Single(map.Outputs);
        Assert.Equal((2.0, 2.0), (output.StrideD, output.StrideH));
        // Along the depth the 12-frame receptive field (3, then 4 after the pooling, 8, 12) is capped at the clip's 8 frames.
        Assert.Equal((8, 8, 12L), (output.IfD!.Value, output.IfDInterior!.Value, output.ReceptiveFieldD!.Value));
        Assert.Equal((12, 12L), (output.IfH, output.ReceptiveFieldH));
        Assert.Contains("\"strideD\": 2,", DocumentJson.Serialize(map), StringComparison.Ordinal);
        Assert.Contains("\"receptiveFieldD\": 12", DocumentJson.Serialize(map), StringComparison.Ordinal);
        AssertSameBytes(map, "3-D network's outputs");
    }

    [Fact]
    public void One_writer_over_many_documents_writes_recurring_factors_as_the_serializer_does_across_its_flushes()
    {
        // A batch's writer keeps the JSON of the factors documents that ops share (FactorsDocument.From gives the same
        // object for the same factors) and copies it after: a value cut by the buffer being passed on is not kept. Filler
        // before each document moves the flush through it, 1,000 bytes at a time.
        AnalysisDocument[] documents =
        [
            .. new[] { 7, 1234, 9000, 15624 }.Select(index =>
            {
                LoadedNetwork loaded = NetworkSource.FromFile(NetworkSpec.Parse(SpaceSpec.Json(Cell.FromIndex(index))), "spec", "space.jsonl:1");
                return NetworkAnalysis.Of(loaded, outlook: false).Document(loaded);
            }),
        ];
        OpDocument first = documents[0].Stages[0].Units[1].Ops[0];
        Assert.Same(first.Local, first.Literal);

        using var actual = new MemoryStream();
        var expected = new List<byte>();
        using (var writer = new JsonLineWriter(actual))
        {
            for (int k = 0; k < 120; k++)
            {
                byte[] filler = Encoding.ASCII.GetBytes($"\"{new string('x', (1 << 18) - 2 - (1000 * k))}\"");
                AnalysisDocument document = documents[k % documents.Length];
                writer.WriteStartArray();
                writer.WriteRawValue(filler);
                AnalysisJson.Write(writer, document);
                writer.WriteEndArray();
                writer.EndLine();

                using var one = new MemoryStream();
                using (var serializer = new Utf8JsonWriter(one, DocumentJson.LineWriterOptions))
                {
                    DocumentJson.WriteLine(serializer, document);
                }

                expected.Add((byte)'[');
                expected.AddRange(filler);
                expected.Add((byte)',');
                expected.AddRange(one.ToArray());
                expected.AddRange("]\n"u8.ToArray());
            }

            writer.Flush();
        }

        Assert.True(expected.ToArray().AsSpan().SequenceEqual(actual.ToArray()), "the lines differ from the serializer's");
    }

    [Fact]
    public void The_same_factors_give_the_same_document_and_a_volumes_its_own()
    {
        var factors = new FieldFactors(3, 3, 5, 5, 2, 2.0, 2, 30) { IfD = 2, IfDMin = 2 };
        FactorsDocument plain = FactorsDocument.From(factors, new FeatureShape(4, 8, 8));
        Assert.Same(plain, FactorsDocument.From(factors, new FeatureShape(8, 4, 4)));
        FactorsDocument volume = FactorsDocument.From(factors, FeatureShape.Volume3d(4, 2, 8, 8));
        Assert.NotSame(plain, volume);
        Assert.Equal((null, 2), (plain.IfD, volume.IfD));
        Assert.Equal(plain, FactorsDocument.From(factors with { }, new FeatureShape(4, 8, 8)));
    }

    private static void AssertSameBytes(AnalysisDocument document, string what)
    {
        using var expected = new MemoryStream();
        using (var writer = new Utf8JsonWriter(expected, DocumentJson.LineWriterOptions))
        {
            DocumentJson.WriteLine(writer, document);
        }

        using var actual = new MemoryStream();
        using (var writer = new JsonLineWriter(actual))
        {
            AnalysisJson.Write(writer, document);
            writer.Flush();
        }

        if (!expected.ToArray().AsSpan().SequenceEqual(actual.ToArray()))
        {
            Assert.Fail($"{what}: the writers differ\nserializer: {Encoding.UTF8.GetString(expected.ToArray())}\nwritten:    {Encoding.UTF8.GetString(actual.ToArray())}");
        }
    }
}
