using System.Text;
using InfoField.Architecture;
using InfoField.Samples.NasBench201;
using InfoField.Spec;
using InfoField.Zoo;

namespace InfoField.Core.Tests;

/// <summary>
/// The fast spec reader (<see cref="FastSpecReader"/>) against the checked one: on every valid spec it builds the same
/// network, and it never accepts what the checked reader refuses (it declines, and the checked reader reports the error).
/// </summary>
public class FastSpecReaderTests
{
    public static TheoryData<string, string> ZooModels() => SpecTests.ZooModels();

    [Theory]
    [MemberData(nameof(ZooModels))]
    public void Every_zoo_spec_reads_the_same_on_the_fast_path(string model, string dataset)
    {
        Network network = ModelZoo.Create(model, dataset);
        string json = NetworkSpec.Serialize(network);

        Network? fast = FastSpecReader.TryParse(json, "network", OpSet.Default);

        // The fast path covers formats 1 and 2 (the search spaces' specs); networks with further outputs (format 3)
        // or skips across stages (format 4, the U-Net) are declined and read by the checked reader.
        bool later = network.Outputs.Count > 0 || network.Units.Any(unit => unit.Skips.Count > 0);
        if (later)
        {
            Assert.Null(fast);
            Assert.Equal(network, NetworkSpec.Parse(json, "network"));
        }
        else
        {
            Assert.NotNull(fast);
            Assert.Equal(NetworkSpec.ParseChecked(json, "spec", "network", OpSet.Default), fast);
        }
    }

    [Fact]
    public void Search_space_specs_read_the_same_on_the_fast_path()
    {
        foreach (Cell cell in Enumerable.Range(0, 64).Select(i => Cell.FromIndex(i * 244)))
        {
            string json = SpaceSpec.Json(cell);
            Network? fast = FastSpecReader.TryParse(json, "network", OpSet.Default);
            Assert.NotNull(fast);
            Assert.Equal(NetworkSpec.ParseChecked(json, "spec", "network", OpSet.Default), fast);
        }
    }

    [Fact]
    public void Hand_written_specs_with_comments_nulls_and_sugar_read_the_same()
    {
        string[] specs =
        [
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "specs", "shufflenetv2-unit.json")),
            """
            // a comment
            { "format": "infofield-network/1", "name": null, "input": [3, 16, 16], "stages": [
                { "entry": null, "units": [ { "role": "stem", "family": null, "ops": [ { "type": "conv", "out": 8, "kernel": [3, 1], "padding": [1, 0], "bias": true }, { "type": "bn", "eps": 0.001 }, { "type": "relu" }, ] } ] },
                { "entry": [ { "type": "maxpool", "kernel": 2, "ceil": true } ], "units": [
                    { "name": "r", "ops": [ { "type": "residual", "body": [ { "type": "dw", "kernel": 3, "padding": 1 }, { "type": "rpw", "out": 8, "groups": 2, "overlap": 0.25 } ], "shortcut": null }, { "type": "relu6" } ] },
                    { "ops": [ { "name": "a", "type": "pw", "out": 8, "inputs": ["input"] }, { "type": "sigmoid", "inputs": ["input"], "name": "t" }, { "type": "mul", "inputs": ["a", "t"], "name": "m" } ] } ] } ],
              "head": [ { "type": "globalavgpool" }, { "type": "flatten" }, { "type": "dropout", "p": 0.2 }, { "type": "linear", "out": 4, "bias": false } ] }
            """,
            """{ "input": [3, 8, 8], "stages": [ { "units": [ { "ops": [ { "typ\u0065": "r\u0065lu", "name": "\u0074" } ] } ] } ] }""",
            """{ "input": [2, 32], "stages": [ { "units": [ { "ops": [ { "type": "conv", "out": 4, "kernel": 3, "padding": 1, "stride": 2 } ] } ] } ] }""",
        ];

        foreach (string json in specs)
        {
            Network? fast = FastSpecReader.TryParse(json, "network", OpSet.Default);
            Network? checkedNetwork = Checked(json);
            Assert.Equal(checkedNetwork, fast);
        }
    }

    /// <summary>
    /// Random edits of valid specs (characters deleted, duplicated or replaced, numbers changed, fields renamed, nulled
    /// or repeated): whatever the checked reader does, the fast path either declines or builds the same network.
    /// </summary>
    [Fact]
    public void Edited_specs_are_read_by_the_fast_path_only_when_the_checked_reader_accepts_them()
    {
        var random = new Random(20_260_401);
        string[] seeds =
        [
            NetworkSpec.Serialize(ModelZoo.Create("resnet18", "cifar10")),
            NetworkSpec.Serialize(ModelZoo.Create("shufflenetv2", "cifar10")),
            NetworkSpec.Serialize(ModelZoo.Create("mobilenetv3-large", "imagenet")),
            SpaceSpec.Json(Cell.FromIndex(12_345), indented: true),
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "specs", "shufflenetv2-unit.json")),
        ];
        string[] tokens = ["null", "0", "-1", "1.5", "\"x\"", "[]", "{}", "[1, 2]", "true", "\"input\"", "\"t1\"", "\"residual\"", "65537"];
        int accepted = 0, refused = 0, fastAccepted = 0;
        for (int trial = 0; trial < 3_000; trial++)
        {
            string seed = seeds[trial % seeds.Length];
            var text = new StringBuilder(seed);
            for (int edit = random.Next(1, 3); edit > 0; edit--)
            {
                int at = random.Next(text.Length);
                switch (random.Next(6))
                {
                    case 0:
                        text.Remove(at, 1);
                        break;
                    case 1:
                        text.Insert(at, text[at]);
                        break;
                    case 2:
                        text[at] = "{}[],:\"0a "[random.Next(10)];
                        break;
                    default:
                        // Replace a value: the text after a colon up to the next comma or brace.
                        int colon = text.ToString().IndexOf(':', at);
                        if (colon < 0 || colon >= text.Length - 1)
                        {
                            break;
                        }

                        int end = colon + 1;
                        while (end < text.Length && text[end] is not (',' or '}' or ']'))
                        {
                            end++;
                        }

                        text.Remove(colon + 1, end - colon - 1).Insert(colon + 1, " " + tokens[random.Next(tokens.Length)]);
                        break;
                }
            }

            string json = text.ToString();
            Network? checkedNetwork = Checked(json);
            Network? fast = FastSpecReader.TryParse(json, "network", OpSet.Default);
            if (checkedNetwork is null)
            {
                refused++;
                Assert.Null(fast);
            }
            else
            {
                accepted++;
                Assert.True(fast is null || fast == checkedNetwork, json);
                fastAccepted += fast is null ? 0 : 1;
            }
        }

        Assert.True(accepted > 100 && refused > 100 && fastAccepted > accepted / 2, $"{accepted} edited specs accepted ({fastAccepted} by the fast path), {refused} refused");
    }

    [Fact]
    public void Fields_the_fast_path_does_not_expect_go_to_the_checked_reader()
    {
        string[] specs =
        [
            // input after stages, a duplicate field: the checked reader decides.
            """{ "stages": [ { "units": [ { "ops": [ { "type": "relu" } ] } ] } ], "input": [3, 8, 8] }""",
            """{ "input": [3, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "relu", "type": "relu" } ] } ] } ] }""",
        ];

        foreach (string json in specs)
        {
            Assert.Null(FastSpecReader.TryParse(json, "network", OpSet.Default));
            Assert.Equal(Checked(json), NetworkSpec.Parse(json) is var parsed ? parsed : null);
        }
    }

    [Fact]
    public void Numbers_that_underflow_strings_that_are_not_unicode_and_bytes_that_are_not_utf8_go_to_the_checked_reader()
    {
        // What the checked reader refuses since the hostile-input work (or may): the fast path never decides it.
        string underflow = """{ "input": [3, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "bn", "eps": 1e-400 } ] } ] } ] }""";
        string surrogate = """{ "name": "\ud800", "input": [3, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "relu" } ] } ] } ] }""";
        byte[] bytes = Encoding.UTF8.GetBytes("""{ "name": "ab", "input": [3, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "relu" } ] } ] } ] }""");
        bytes[12] = 0xFF; // inside the name

        Assert.Null(FastSpecReader.TryParse(underflow, "network", OpSet.Default));
        Assert.Null(FastSpecReader.TryParse(surrogate, "network", OpSet.Default));
        Assert.Null(FastSpecReader.TryParse(bytes, "network", OpSet.Default));
        Assert.NotNull(FastSpecReader.TryParse(underflow.Replace("1e-400", "0.001", StringComparison.Ordinal), "network", OpSet.Default));
    }

    /// <summary>
    /// A unit written again right after itself is matched byte for byte and the reader resumes after it: the copies read
    /// as the same unit, in the first or a later stage, compact or indented; bytes that only start like the unit, or a
    /// copy followed by something the checked reader refuses, never take that shortcut into a wrong network.
    /// </summary>
    [Fact]
    public void Units_written_again_read_the_same_and_broken_copies_go_to_the_checked_reader()
    {
        const string Unit = """{ "name": "c", "ops": [ { "type": "conv", "out": 4, "kernel": 3, "padding": 1 }, { "type": "relu" } ] }""";
        const string Longer = """{ "name": "c", "ops": [ { "type": "conv", "out": 4, "kernel": 3, "padding": 1 }, { "type": "relu" } ], "family": "f" }""";
        static string Spec(string first, string second) =>
            $$"""{ "input": [4, 8, 8], "stages": [ { "units": [ {{Unit}}, {{first}} ] }, { "entry": [ { "type": "maxpool", "kernel": 2 } ], "units": [ {{Unit}}, {{second}}, {{Unit}} ] } ] }""";
        string[] valid =
        [
            Spec(Unit, Unit),
            Spec(Longer, Unit),
            Spec(Unit, Longer),
            Spec(Unit + " ", "\n" + Unit),
            SpaceSpec.Json(Cell.FromIndex(15_624), indented: true),
        ];
        string[] broken =
        [
            Spec(Unit + " " + Unit, Unit), // two objects without a comma
            Spec(Unit, Unit + "}"),
            Spec(Unit, Unit[..^1] + ", \"role\": \"nope\" }"),
            Spec(Unit, Unit[..^2]),
        ];

        foreach (string json in valid)
        {
            Network? fast = FastSpecReader.TryParse(json, "network", OpSet.Default);
            Assert.True(fast is not null, json);
            Assert.Equal(Checked(json), fast);
        }

        Network network = FastSpecReader.TryParse(valid[0], "network", OpSet.Default)!;
        Assert.Same(network.Stages[0].Units[0], network.Stages[0].Units[1]);
        Assert.Same(network.Stages[0].Units[0], network.Stages[1].Units[1]);
        Assert.Equal("f", FastSpecReader.TryParse(valid[1], "network", OpSet.Default)!.Stages[0].Units[1].Family);
        foreach (string json in broken)
        {
            Assert.Null(Checked(json));
            Assert.Null(FastSpecReader.TryParse(json, "network", OpSet.Default));
        }
    }

    /// <summary>
    /// <see cref="NetworkSpec.Parse(string, string, string, OpSet?)"/> keeps the units it read on its thread, so that
    /// specs sharing units read them once: later specs read the same networks as the checked reader, with the shared unit
    /// as one object; a unit kept for one op set is never given to a spec read with another.
    /// </summary>
    [Fact]
    public void Units_shared_between_specs_are_read_once_per_op_set() => OnFreshThread(() =>
    {
        // Five specs: their units are within what the reader keeps (64).
        string[] specs = [.. Enumerable.Range(0, 5).Select(i => SpaceSpec.Json(Cell.FromIndex(i * 3_121)))];
        Network[] networks = [.. specs.Select(json => NetworkSpec.Parse(json))];

        for (int i = 0; i < specs.Length; i++)
        {
            Assert.Equal(NetworkSpec.ParseChecked(specs[i], "spec", "network", OpSet.Default), networks[i]);
            Assert.Same(networks[0].Stages[0].Units[0], networks[i].Stages[0].Units[0]);
        }

        const string Reverse = """{ "input": [4, 6, 6], "stages": [ { "units": [ { "ops": [ { "type": "reverse", "width": 2 } ] } ] } ] }""";
        OpSet custom = OpSet.Default.With(CustomOps.ReverseChannels.Kind);
        Assert.Equal(new CustomOps.ReverseChannels(2), NetworkSpec.Parse(Reverse, kinds: custom).Units.Single().Ops[0]);
        Assert.Throws<SpecException>(() => NetworkSpec.Parse(Reverse));
        Assert.Equal(new CustomOps.ReverseChannels(2), NetworkSpec.Parse(Reverse, kinds: custom).Units.Single().Ops[0]);
    });

    /// <summary>
    /// The reader kept between specs holds at most 1 MiB of unit text: a unit larger than that is read again each time
    /// (a new object, equal to the one before), while a small unit is still kept.
    /// </summary>
    [Fact]
    public void A_unit_larger_than_what_the_kept_reader_holds_is_read_again() => OnFreshThread(() =>
    {
        string large = string.Join(", ", Enumerable.Repeat("""{ "type": "relu" }""", 60_000));
        string json = $$"""{ "input": [4, 8, 8], "stages": [ { "units": [ { "ops": [ { "type": "bn" } ] }, { "ops": [ {{large}} ] } ] } ] }""";
        Assert.True(Encoding.UTF8.GetByteCount(json) > 1 << 20);

        Network first = NetworkSpec.Parse(json);
        Network second = NetworkSpec.Parse(json);

        Assert.Equal(first, second);
        Assert.Equal(60_000, second.Stages[0].Units[1].Ops.Count);
        Assert.NotSame(first.Stages[0].Units[1], second.Stages[0].Units[1]);
        Assert.Same(first.Stages[0].Units[0], second.Stages[0].Units[0]);
    });

    /// <summary>
    /// A graph node's op read before is found by the node's text (its JSON depth and the spec's rank too) and not read
    /// again: the same text reads as the first time in another unit, another spec, inside a residual's body (another
    /// depth), in a 1-D spec (another rank: the scalar kernel is a length there) and beside comments and strings that
    /// hold braces and quotes; its inputs' names are looked up again in each graph, so a copy that names a tensor its
    /// graph lacks goes to the checked reader, which names it as before.
    /// </summary>
    [Fact]
    public void Nodes_written_again_read_as_the_first_time_wherever_they_stand() => OnFreshThread(() =>
    {
        const string Conv = """{ "name": "a}\"{", "type": "conv", "out": 4, "kernel": 3, "padding": 1 }""";
        const string Add = """{ "type": "add", "inputs": ["input", "a}\"{"] }""";
        string unit = $$"""{ "ops": [ {{Conv}}, {{Add}} ] }""";
        string residual = $$"""{ "ops": [ { "type": "residual", "body": [ {{Conv}}, {{Add}}, { "type": "relu" } ] } ] }""";
        string commented = $$"""{ "ops": [ /* a} */ {{Conv}}, { "type": /* " */ "add", "inputs": ["input", "a}\"{"] } ] }""";
        string[] specs =
        [
            $$"""{ "input": [4, 8, 8], "stages": [ { "units": [ {{unit}}, {{residual}}, {{commented}} ] } ], "head": [ { "type": "relu" } ] }""",
            $$"""{ "input": [4, 8, 8], "stages": [ { "units": [ {{residual}}, {{unit}} ] } ] }""",
            $$"""{ "input": [4, 16], "stages": [ { "units": [ {{unit}}, {{unit}} ] } ] }""",
        ];

        foreach (string json in specs.Concat(specs))
        {
            Network? fast = FastSpecReader.TryParse(json, "network", OpSet.Default);
            Assert.True(fast is not null, json);
            Assert.Equal(Checked(json), fast);
        }

        Assert.Equal(new Pair(1, 3), ((Convolution)FastSpecReader.TryParse(specs[2], "network", OpSet.Default)!.Units.First().Ops[0]).Kernel);
        string lacking = $$"""{ "input": [4, 8, 8], "stages": [ { "units": [ {{unit}}, { "ops": [ { "type": "relu" }, {{Add}} ] } ] } ] }""";
        Assert.Null(FastSpecReader.TryParse(lacking, "network", OpSet.Default));
        Assert.Null(Checked(lacking));
    });

    /// <summary>
    /// Networks built with the shapes of unit graphs kept (<see cref="GraphShapes"/>, as the fast reader builds them) are
    /// the networks built without: a graph kept at one input is checked again at another input or spatial rank, where it
    /// may break a rule, with the same message as without the memo.
    /// </summary>
    [Fact]
    public void Unit_graphs_checked_before_are_checked_again_at_another_input()
    {
        var known = new GraphShapes(4);
        var conv = new Unit("conv", [Ops.Conv(8, 3, padding: 0), Ops.Relu()]);
        ValueList<Stage> stages = [new Stage([], [conv]), new Stage([], [conv])];

        Network small = new("n", new FeatureShape(3, 8, 8), stages, [], 2, known);
        Assert.Equal(new Network("n", new FeatureShape(3, 8, 8), stages, []), small);
        Assert.Equal(Shapes(small), Shapes(new Network("n", new FeatureShape(3, 8, 8), stages, [], 2, known)));
        Assert.Equal(Shapes(new Network("n", new FeatureShape(3, 9, 9), stages, [])), Shapes(new Network("n", new FeatureShape(3, 9, 9), stages, [], 2, known)));
        Assert.Equal([new FeatureShape(3, 9, 9), new FeatureShape(8, 7, 7), new FeatureShape(8, 7, 7), new FeatureShape(8, 7, 7), new FeatureShape(8, 5, 5), new FeatureShape(8, 5, 5)], Shapes(new Network("n", new FeatureShape(3, 9, 9), stages, [], 2, known)));

        // At 8 x 8 the second stage's 3 x 3 reads 6 x 6; at 4 x 4 it reads 2 x 2, where it does not fit.
        var without = Assert.Throws<ArchitectureException>(() => new Network("n", new FeatureShape(3, 4, 4), stages, []));
        var with = Assert.Throws<ArchitectureException>(() => new Network("n", new FeatureShape(3, 4, 4), stages, [], 2, known));
        Assert.Equal(without.Message, with.Message);

        static FeatureShape[] Shapes(Network network) => [.. network.Layout.Stages.SelectMany(stage => stage.Units).SelectMany(unit => unit.Tensors)];
    }

    [Theory]
    [InlineData("""{}""", 2)]
    [InlineData("""{ "a": 1 } ,{}""", 10)]
    [InlineData("""{ "a}": "{\"}", "b": [{ "c": {} }] }]""", 36)]
    [InlineData("""{ "a": "\\" }}""", 13)]
    [InlineData("""{ "a": 1 /* } */ }""", -1)]
    [InlineData("""{ "a": { "b": 1 }""", -1)]
    [InlineData("""{ "a": "}""", -1)]
    public void The_extent_of_an_object_is_found_without_reading_its_tokens(string json, int length) =>
        Assert.Equal(length, JsonExtent.ObjectLength(Encoding.UTF8.GetBytes(json)));

    /// <summary>
    /// On objects of 2 to some 600 bytes (nested objects and arrays, strings holding braces, quotes, backslashes and
    /// slashes, in any place relative to the 64-byte blocks the search reads), followed by more text, the extent found
    /// without reading tokens is where the JSON reader's object ends; with a comment inside it is -1.
    /// </summary>
    [Fact]
    public void The_extent_of_an_object_is_where_the_json_reader_ends_it()
    {
        var random = new Random(24);
        // Escapes only in every other object: a backslash leaves the rest of the search to its byte-by-byte loop.
        string[] plain = ["{", "}", "[", "]", "/", "x", "é", " ", ":", ","];
        string[] pieces = [.. plain, "\\\"", "\\\\", "\\/", "\\u007B"];
        string[] chosen = plain;
        for (int round = 0; round < 3_000; round++)
        {
            chosen = round % 2 == 0 ? plain : pieces;
            string json = Value(random, random.Next(1, 5), forceObject: true);
            string text = json + (random.Next(3) == 0 ? "" : ", " + Value(random, 2, forceObject: false));
            byte[] utf8 = Encoding.UTF8.GetBytes(text);
            var reader = new System.Text.Json.Utf8JsonReader(utf8, isFinalBlock: true, default);
            reader.Read();
            reader.Skip();
            Assert.Equal((int)reader.BytesConsumed, JsonExtent.ObjectLength(utf8));

            // After the opening brace or before the closing one: outside any string.
            int at = random.Next(2) == 0 ? 1 : json.Length - 1;
            string commented = json[..at] + "/* } */" + json[at..];
            Assert.True(JsonExtent.ObjectLength(Encoding.UTF8.GetBytes(commented)) == -1, commented);
        }

        string Value(Random random, int depth, bool forceObject)
        {
            int kind = forceObject ? 0 : random.Next(depth > 0 ? 4 : 2) + (depth > 0 ? 0 : 2);
            return kind switch
            {
                0 => "{" + string.Join(",", Enumerable.Range(0, random.Next(0, 6)).Select(i => $"\"k{i}\":" + Value(random, depth - 1, forceObject: false))) + "}",
                1 => "[" + string.Join(", ", Enumerable.Range(0, random.Next(0, 5)).Select(_ => Value(random, depth - 1, forceObject: false))) + "]",
                2 => "\"" + string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => chosen[random.Next(chosen.Length)])) + "\"",
                _ => random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        }
    }

    /// <summary>
    /// Runs <paramref name="test"/> on a thread of its own, whose kept reader starts empty: what other tests parsed on
    /// the test runner's thread before (the reader keeps at most 64 units, then starts again) cannot change what it sees.
    /// </summary>
    private static void OnFreshThread(Action test)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                test();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private static Network? Checked(string json)
    {
        try
        {
            return NetworkSpec.ParseChecked(json, "spec", "network", OpSet.Default);
        }
        catch (InfoFieldException)
        {
            return null;
        }
    }
}
