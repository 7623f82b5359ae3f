using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Field;
using InfoField.Onnx;
using InfoField.Organizer;
using InfoField.Reporting;
using InfoField.Reporting.Html;
using InfoField.Spec;
using InfoField.Torch.Building;
using InfoField.Torch.Modules;
using InfoField.Torch.Onnx;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace InfoField.Torch.Tests;

/// <summary>
/// Every op kind of <see cref="OpSet.Default"/> has every entry a backend reads: a spec round trip, a TorchSharp module
/// whose parameter count and channel connectivity are the record's, a trace back from that module, an ONNX form that
/// ONNX Runtime computes as the module does, an ONNX import back to the same op, and a report; or a documented reason why
/// one does not apply (<see cref="Sample"/>). A kind added to Core without its sample here, or without its Torch and
/// ONNX entries, fails these tests. docs/developers.md's recipes name the files each entry lives in.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class OpKindConformanceTests : IDisposable
{
    private static readonly FeatureShape Map = new(8, 6, 6);

    private static readonly Unit Stem = new("stem", [Ops.Conv(8, 3, padding: 1)], UnitRole.Stem);

    /// <summary>One network per op kind, by type name: the op under test, the shape it reads, and what does not apply.</summary>
    private static readonly Dictionary<string, Sample> Samples = new()
    {
        ["conv"] = InUnit(Ops.Conv(12, 3, padding: 1, groups: 2, bias: true)),
        ["dw"] = InUnit(Ops.Depthwise(3, multiplier: 2)),
        ["pw"] = InUnit(Ops.Pointwise(12, bias: true)),
        ["gpw"] = InUnit(Ops.Pointwise(12, groups: 4)),
        ["rpw"] = InUnit(Ops.RollingPointwise(12, 2, 0.5)),
        ["shuffle"] = InUnit(Ops.Shuffle(2)),
        ["interlace"] = InUnit(Ops.Interlace(2)) with { ImportsAs = (Ops.Shuffle(4), "an interlace with g groups is the shuffle with C/g groups, and ONNX writes both as the same Reshape-Transpose-Reshape") },
        ["slice"] = InUnit(Ops.Slice(2, 4)),
        ["split"] = InUnit(Ops.Split(1, 2)) with { ImportsAs = (Ops.Slice(4, 4), "ONNX writes a part of a split as the Slice it is at the exported width") },
        ["maxpool"] = AsEntry(Ops.MaxPool(2)),
        ["avgpool"] = AsEntry(Ops.AvgPool(3, stride: 2, padding: 1)),
        ["adaptivemaxpool"] = AsEntry(new AdaptivePooling(PoolKind.Max, 3)) with { ImportsAs = (Ops.MaxPool(2), "ONNX has no adaptive pooling: an output that divides the input is written as the plain pooling it equals") },
        ["adaptiveavgpool"] = AsEntry(new AdaptivePooling(PoolKind.Average, 3)) with { ImportsAs = (Ops.AvgPool(2), "ONNX has no adaptive pooling: an output that divides the input is written as the plain pooling it equals") },
        ["globalavgpool"] = InHead(Ops.GlobalAvgPool(), Map, Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(5)),
        ["globalmaxpool"] = InHead(new AdaptivePooling(PoolKind.Max, 1), Map, new AdaptivePooling(PoolKind.Max, 1), Ops.Flatten(), Ops.Linear(5)),
        ["bn"] = InUnit(Ops.BatchNorm(1e-3)),
        ["layernorm"] = InUnit(new LayerNorm(1e-6)),
        ["layerscale"] = InUnit(new LayerScale(0.5)) with { ImportsAs = (new LayerScale(), "ONNX holds the learned scales, not the value they started at: the import reads back the default start") },
        ["relu"] = InUnit(Ops.Relu()),
        ["relu6"] = InUnit(Ops.Relu6()),
        ["leakyrelu"] = InUnit(new Activation(ActivationKind.LeakyRelu)),
        ["sigmoid"] = InUnit(Ops.Sigmoid()),
        ["tanh"] = InUnit(new Activation(ActivationKind.Tanh)),
        ["silu"] = InUnit(Ops.Silu()),
        ["gelu"] = InUnit(new Activation(ActivationKind.Gelu)),
        ["hardswish"] = InUnit(Ops.HardSwish()),
        ["hardsigmoid"] = InUnit(Ops.HardSigmoid()),
        ["dropout"] = InUnit(Ops.Dropout(0.25)) with { ImportsAs = (null, "an exported model is for inference: dropout is written as an Identity, which reads back as no op") },
        ["flatten"] = InHead(Ops.Flatten(), new FeatureShape(8, 1, 1), Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(5)),
        ["linear"] = InHead(Ops.Linear(5, bias: false), new FeatureShape(8, 1, 1), Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(5, bias: false)),
        ["softmax"] = InHead(Ops.Softmax(), new FeatureShape(5, 1, 1), Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(5), Ops.Softmax()),
        ["add"] = InGraph(Ops.Add(), Ops.Residual([Ops.Pointwise(8), Ops.BatchNorm()])),
        ["mul"] = InGraph(Ops.Multiply(), OpGraph.Parallel(Ops.Multiply(), OpGraph.Identity, [Ops.GlobalAvgPool(), Ops.Pointwise(8, bias: true), Ops.Sigmoid()])),
        ["concat"] = InGraph(Ops.Concat(), OpGraph.Parallel(Ops.Concat(), [Ops.Pointwise(4)], [Ops.Depthwise(3)])),
        ["zero"] = InUnit(new Zero()),
        ["resize"] = new Sample(Resize.Linear(2), Map, Build("resize", [Stem, new Unit("u", [Ops.Pointwise(8), Resize.Linear(2)])])),
        ["convtranspose"] = InUnit(new TransposedConvolution(12, 3, 2, 1, 1, 1, Groups: 2, Bias: true)),
    };

    /// <summary>Resize in every mode, coordinate rule and form (scales, sizes up and down) that the ONNX form writes.</summary>
    public static TheoryData<string> ResizeVariants() => ["nearest-2", "nearest-size", "linear-3", "linear-size-down", "linear-size-one", "corners-2", "corners-size", "convtranspose-dilated", "convtranspose-padded", "convtranspose-both"];

    private readonly string _folder = Directory.CreateTempSubdirectory("infofield-conformance-").FullName;

    /// <summary>The type names of every built-in op kind.</summary>
    public static TheoryData<string> Kinds() => [.. OpSet.Default.Types];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Every_built_in_kind_has_a_sample_and_every_sample_is_a_built_in_kind()
    {
        Assert.Empty(OpSet.Default.Types.Except(Samples.Keys));
        Assert.Empty(Samples.Keys.Except(OpSet.Default.Types));
        Assert.All(Samples, sample => Assert.Equal(sample.Key, sample.Value.Op.Type));
    }

    [Fact]
    public void Every_op_record_of_core_declares_a_kind_that_the_default_set_holds()
    {
        var records = typeof(Op).Assembly.GetExportedTypes().Where(type => type.IsSubclassOf(typeof(Op)) && !type.IsAbstract).ToList();
        var sampled = Samples.Values.Select(sample => sample.Op.GetType()).ToHashSet();

        Assert.All(records, record => Assert.Contains(record, sampled));
        Assert.Equal(OpSet.Default.Types.Count(), OpSet.Declared(typeof(Op).Assembly).Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_kind_round_trips_through_its_spec_codec(string type)
    {
        Network network = Samples[type].Network;

        Network read = NetworkSpec.Parse(NetworkSpec.Serialize(network), $"{type}.json");

        Assert.Equal(network, read);
        Assert.Contains(Samples[type].Op, Flat(read));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_kinds_module_has_the_records_parameters_and_channel_connectivity(string type)
    {
        Sample sample = Samples[type];
        using var scope = NewDisposeScope();
        using nn.Module<Tensor, Tensor> module = ModuleSet.Default.Build(sample.Op, sample.Input);
        module.eval();

        Assert.Equal(sample.Op.Parameters(sample.Input), module.parameters().Sum(p => p.numel()));
        switch (sample.Op)
        {
            case LayerOp layer:
                ChannelMap map = layer.Channels(sample.Input.Channels);
                AssertConnectivity((o, i) => map.Inputs(o).Contains(i), map.OutputChannels, input => module.call(input), [sample.Input]);
                break;
            case MergeOp merge:
                // Two inputs side by side: a union merge's output channel c reads channel c of each, a stacking one's reads its own.
                var merging = Assert.IsType<MergeModule>(module);
                int c = sample.Input.Channels;
                AssertConnectivity(
                    merge.Join == ChannelJoin.Union ? (o, i) => i % c == o : (o, i) => i == o,
                    merge.OutputShape([sample.Input, sample.Input]).Channels,
                    input => merging.Merge([.. input.split(c, 1)]),
                    [sample.Input, sample.Input]);
                break;
            default:
                // Head ops read vectors: they have parameters (checked above) but no channel map.
                Assert.Equal(OpRole.Head, sample.Op.Role);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_kind_traces_back_from_its_module(string type)
    {
        Network network = Samples[type].Network;
        using var scope = NewDisposeScope();
        using NetworkModule module = ModuleBuilder.Build(network);

        Network traced = module.ToArchitecture(network.Input);

        Assert.Equal(Flat(network), Flat(traced));
        Assert.Equal(CostModel.Of(network).Total, CostModel.Of(traced).Total);
        Assert.Equal(InformationField.Analyze(network).Stages.Select(stage => stage.Units[^1].If), InformationField.Analyze(traced).Stages.Select(stage => stage.Units[^1].If));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_kind_exports_to_onnx_runs_in_onnx_runtime_and_imports_back(string type) => ExportRunAndImport(type, Samples[type]);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_kind_in_a_1d_network_round_trips_through_spec_trace_and_onnx(string type)
    {
        // A 1-D network's ONNX form is 1-D throughout (N x C x L, as PyTorch writes Conv1d), so it reads back.
        Sample sample = OnALine(Samples[type]);

        Network read = NetworkSpec.Parse(NetworkSpec.Serialize(sample.Network), $"{type}.json");
        Assert.Equal(sample.Network, read);
        Assert.Equal(1, read.SpatialRank);

        using (var scope = NewDisposeScope())
        using (NetworkModule module = ModuleBuilder.Build(sample.Network))
        {
            Network traced = module.ToArchitecture(sample.Network.Input, new Tracing.TraceOptions(SpatialRank: 1));
            Assert.Equal(1, traced.SpatialRank);
            Assert.Equal(Flat(sample.Network), Flat(traced));
            Assert.Equal(CostModel.Of(sample.Network).Total, CostModel.Of(traced).Total);
        }

        ExportRunAndImport(type, sample);
    }

    /// <summary>
    /// The same samples made 3-D (<see cref="InAVolume(Sample)"/>: a depth equal to the height, every window's depth part
    /// its height part) read back from their spec exactly, and build TorchSharp modules (Conv3d, the 3-D poolings,
    /// BatchNorm3d, ...) that compute Core's output shape with Core's parameter count and trace back to the same ops
    /// (<c>TraceOptions.SpatialRank</c> 3), whose ONNX form (N x C x D x H x W
    /// throughout) ONNX Runtime computes as TorchSharp does and imports back to the same ops and costs: every kind has a
    /// 3-D module and ONNX form.
    /// </summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_kind_in_a_3d_network_round_trips_through_its_spec_module_and_onnx(string type)
    {
        Sample sample = InAVolume(Samples[type]);
        Network network = sample.Network;

        Network read = NetworkSpec.Parse(NetworkSpec.Serialize(network), $"{type}.json");
        Assert.Equal(network, read);
        Assert.Equal(3, read.SpatialRank);
        Assert.True(sample.Input.HasDepth || sample.Input.IsFlat);

        using var scope = NewDisposeScope();
        using (NetworkModule module = ModuleBuilder.Build(network))
        {
            module.eval();
            using Tensor y = module.call(randn([2, network.Input.Channels, network.Input.Depth, network.Input.Height, network.Input.Width]));
            Assert.Equal([2L, network.Layout.Output.Channels], y.shape);
            Assert.Equal(CostModel.Of(network).Total.Parameters, module.parameters().Sum(p => p.numel()));

            Network traced = module.ToArchitecture(network.Input, new Tracing.TraceOptions(SpatialRank: 3));
            Assert.Equal(3, traced.SpatialRank);
            Assert.Equal(Flat(network), Flat(traced));
            Assert.Equal(CostModel.Of(network).Total, CostModel.Of(traced).Total);
        }

        ExportRunAndImport(type, sample);
    }

    private void ExportRunAndImport(string type, Sample sample)
    {
        Network network = sample.Network;
        if (sample.NoOnnxForm is { } reason)
        {
            using NetworkModule refused = ModuleBuilder.Build(network);
            var error = Assert.Throws<InfoFieldException>(() => OnnxExport.ToModel(refused));
            Assert.Contains(type, error.Message, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(reason));
            return;
        }

        string path = ExportAndCompare(network);
        if (sample.NotImported is not null)
        {
            var refused = Assert.Throws<InfoFieldException>(() => OnnxImport.Load(path));
            Assert.Contains(sample.RefusedWith, refused.Message, StringComparison.Ordinal);
            if (sample.OnnxNetwork is null)
            {
                return;
            }

            network = sample.OnnxNetwork;
            path = ExportAndCompare(network);
        }

        Network imported = OnnxImport.Load(path);
        Assert.Equal(network.SpatialRank, imported.SpatialRank);
        Assert.Equal(network.Input, imported.Input);

        List<Op> expected = Flat(network);
        if (sample.ImportsAs is ({ } instead, _))
        {
            expected = [.. expected.Select(op => op == sample.Op ? instead : op)];
        }
        else if (sample.ImportsAs is (null, _))
        {
            expected.Remove(sample.Op);
        }

        Assert.Equal(expected, Flat(imported));
        Assert.Equal(CostModel.Of(network).Total, CostModel.Of(imported).Total);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_kind_is_analysed_organized_and_reported(string type)
    {
        Network network = Samples[type].Network;
        var loaded = new LoadedNetwork(network, "spec", null, 1.0, $"{type}.json");

        ReportDocument report = ReportBuilder.Build(loaded, OrganizerOptions.Default, null, [], [], null);
        string html = HtmlReport.Render(report);

        Assert.Equal(CostModel.Of(network).Total, new Cost(report.Analysis.Params, report.Analysis.Macs));
        Assert.Contains(network.Name, html, StringComparison.Ordinal);
        if (network.Units.Any(unit => unit.Graph.Ops.Contains(Samples[type].Op)))
        {
            // Ops inside units are listed with their fields; a stage's entry and the head count in the stage's and the head's costs.
            Assert.Contains(report.Analysis.Stages.SelectMany(stage => stage.Units).SelectMany(unit => unit.Ops), op => op.Type == type);
        }
    }

    [Theory]
    [MemberData(nameof(ResizeVariants))]
    public void An_op_raising_the_resolution_runs_in_onnx_runtime_as_in_torchsharp_traces_back_and_imports_back(string variant)
    {
        Op op = variant switch
        {
            "nearest-2" => Resize.Nearest(2),
            "nearest-size" => new Resize(ResizeMode.Nearest, null, new Pair(12, 18), ResizeCoordinates.Asymmetric),
            "linear-3" => Resize.Linear(new Pair(3, 2)),
            "linear-size-down" => new Resize(ResizeMode.Linear, null, new Pair(4, 5), ResizeCoordinates.HalfPixel),
            "linear-size-one" => new Resize(ResizeMode.Linear, null, new Pair(1, 3), ResizeCoordinates.HalfPixel),
            "corners-2" => Resize.Linear(2, alignCorners: true),
            "corners-size" => new Resize(ResizeMode.Linear, null, new Pair(11, 7), ResizeCoordinates.AlignCorners),
            "convtranspose-dilated" => new TransposedConvolution(8, new Pair(3, 2), new Pair(2, 3), new Pair(2, 1), new Pair(0, 0), new Pair(2, 1)),
            "convtranspose-padded" => new TransposedConvolution(8, new Pair(3, 2), new Pair(2, 3), new Pair(2, 1), new Pair(1, 2), new Pair(1, 1)),
            _ => new TransposedConvolution(8, new Pair(3, 2), new Pair(2, 3), new Pair(2, 1), new Pair(1, 0), new Pair(2, 1)),
        };
        Network network = Build(variant, [Stem, new Unit("u", [Ops.Pointwise(8), op])]);

        string path = ExportAndCompare(network);
        using var scope = NewDisposeScope();
        using NetworkModule module = ModuleBuilder.Build(network);
        Network traced = module.ToArchitecture(network.Input);

        Assert.Equal(Flat(network), Flat(traced));
        Assert.Equal(network.Layout.Output, traced.Layout.Output);
        Assert.Equal(Flat(network), Flat(OnnxImport.Load(path)));
    }

    [Fact]
    public void TorchSharps_own_layers_that_raise_the_resolution_trace_or_are_refused_with_a_reason()
    {
        using var scope = NewDisposeScope();
        var input = new FeatureShape(4, 5, 6);
        using var model = nn.Sequential(
            nn.Conv2d(4, 8, 3, padding: 1),
            nn.ConvTranspose2d(8, 6, (3, 2), (2, 2), (1, 0), dilation: (1, 2), groups: 2),
            nn.Upsample(scale_factor: [2.0, 3.0], mode: UpsampleMode.Bilinear, align_corners: true),
            nn.Upsample(size: [7, 9], mode: UpsampleMode.Nearest));

        Network traced = model.ToArchitecture(input);

        Assert.Equal(
            [new TransposedConvolution(6, new Pair(3, 2), 2, new Pair(1, 0), 0, new Pair(1, 2), Groups: 2, Bias: true), Resize.Linear(new Pair(2, 3), alignCorners: true), new Resize(ResizeMode.Nearest, null, new Pair(7, 9), ResizeCoordinates.Asymmetric)],
            Flat(traced).Skip(1));

        // TorchSharp 0.107's own module lengthens both axes by the first output padding: refused, naming the module.
        using var padded = nn.Sequential(nn.Conv2d(4, 8, 3, padding: 1), nn.ConvTranspose2d(8, 8, (3, 3), (2, 2), (1, 1), (1, 0)));
        var refused = Assert.Throws<Tracing.TraceException>(() => padded.ToArchitecture(input));
        Assert.Contains("ConvTranspose2d", refused.Message, StringComparison.Ordinal);

        using var fractional = nn.Sequential(nn.Conv2d(4, 8, 3, padding: 1), nn.Upsample(scale_factor: [1.5, 1.5]));
        Assert.Contains("fractional", Assert.Throws<Tracing.TraceException>(() => fractional.ToArchitecture(input)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_developer_recipes_name_files_that_exist()
    {
        string root = Repository.Root;
        string guide = File.ReadAllText(Path.Combine(root, "docs", "developers.md"));
        int start = guide.IndexOf("## Recipes", StringComparison.Ordinal);
        int end = guide.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string recipes = guide[start..(end < 0 ? guide.Length : end)];
        var paths = System.Text.RegularExpressions.Regex.Matches(recipes, "`((?:src|tests)/[^`]+)`").Select(match => match.Groups[1].Value).Distinct().ToList();

        Assert.True(paths.Count >= 15, $"the recipes name only {paths.Count} files");
        Assert.All(paths, path => Assert.True(File.Exists(Path.Combine(root, path)) || Directory.Exists(Path.Combine(root, path)), $"docs/developers.md names {path}, which does not exist"));
    }

    /// <summary>
    /// <paramref name="sample"/> as a 1-D network: the input's length is its width, and every window op's kernel, stride,
    /// dilation, scale, size and output have height 1 (padding 0 along the height).
    /// </summary>
    private static Sample OnALine(Sample sample)
    {
        static Network Convert(Network network) => new(
            network.Name,
            network.Input with { Height = 1 },
            [.. network.Stages.Select(stage => new Stage([.. stage.Entry.Select(OnALine)], [.. stage.Units.Select(unit => unit with { Graph = unit.Graph.Select(OnALine) })]))],
            [.. network.Head.Select(OnALine)],
            spatialRank: 1);

        return sample with
        {
            Op = OnALine(sample.Op),
            Input = sample.Input with { Height = 1 },
            Network = Convert(sample.Network),
            ImportsAs = sample.ImportsAs is ({ } instead, string why) ? (OnALine(instead), why) : sample.ImportsAs,
            OnnxNetwork = sample.OnnxNetwork is { } onnx ? Convert(onnx) : null,
        };
    }

    /// <summary><paramref name="sample"/> as a 3-D network (<see cref="VolumeConversion"/>).</summary>
    private static Sample InAVolume(Sample sample) => sample with
    {
        Op = VolumeConversion.Of(sample.Op),
        Input = sample.Input.IsFlat ? sample.Input : sample.Input with { Depth = sample.Input.Height },
        Network = VolumeConversion.Of(sample.Network),
        ImportsAs = sample.ImportsAs is ({ } instead, string why) ? (VolumeConversion.Of(instead), why) : sample.ImportsAs,
        OnnxNetwork = sample.OnnxNetwork is { } onnx ? VolumeConversion.Of(onnx) : null,
    };

    private static Op OnALine(Op op)
    {
        static Pair Length(Pair value) => Pair.Line(value.W);
        static Pair Padding(Pair value) => Pair.Line(value.W, 0);
        return op switch
        {
            Convolution c => c with { Kernel = Length(c.Kernel), Stride = Length(c.Stride), Padding = Padding(c.Padding), Dilation = Length(c.Dilation) },
            DepthwiseConvolution d => d with { Kernel = Length(d.Kernel), Stride = Length(d.Stride), Padding = Padding(d.Padding), Dilation = Length(d.Dilation) },
            PointwiseConvolution p => p with { Stride = Length(p.Stride) },
            Pooling p => p with { Kernel = Length(p.Kernel), Stride = Length(p.Stride), Padding = Padding(p.Padding) },
            AdaptivePooling a => a with { Output = Length(a.Output) },
            Resize r => r with { Scale = r.Scale is Pair scale ? Length(scale) : null, Size = r.Size is Pair size ? Length(size) : null },
            TransposedConvolution t => t with { Kernel = Length(t.Kernel), Stride = Length(t.Stride), Padding = Padding(t.Padding), OutputPadding = Padding(t.OutputPadding), Dilation = Length(t.Dilation) },
            Zero z => z with { Stride = Length(z.Stride) },
            _ => op,
        };
    }

    /// <summary>The ops of a network in the order they run: each stage's entry and units, then the head.</summary>
    private static List<Op> Flat(Network network) =>
        [.. network.Stages.SelectMany(stage => stage.Entry.Concat(stage.Units.SelectMany(unit => unit.Graph.Ops))), .. network.Head];

    private static Network Build(string name, IEnumerable<object> pieces, ValueList<Op>? head = null)
    {
        var (stages, trailing) = StagePartition.Split(Map, pieces);
        return new Network(name, Map, stages, [.. trailing, .. head ?? [Ops.GlobalAvgPool(), Ops.Flatten(), Ops.Linear(5)]]);
    }

    /// <summary>The op alone in a unit after a convolution stem.</summary>
    private static Sample InUnit(Op op) => new(op, Map, Build(op.Type, [Stem, new Unit("u", [op])]));

    /// <summary>The op opening a stage (its entry), a pointwise unit after it.</summary>
    private static Sample AsEntry(Op op) => new(op, Map, Build(op.Type, [Stem, op, new Unit("u", [Ops.Pointwise(8)])]));

    /// <summary>The op in the head, reading <paramref name="input"/>.</summary>
    private static Sample InHead(Op op, FeatureShape input, params Op[] head) => new(op, input, Build(op.Type, [Stem, new Unit("u", [Ops.Pointwise(8)])], [.. head]));

    /// <summary>The merge <paramref name="merge"/> in the branched unit <paramref name="graph"/>.</summary>
    private static Sample InGraph(MergeOp merge, OpGraph graph) => new(merge, Map, Build(merge.Type, [Stem, new Unit("u", graph)]));

    /// <summary>
    /// Checks that output channel o of <paramref name="run"/> changes when input channel i changes exactly when
    /// <paramref name="feeds"/>(o, i): inputs in [0.5, 1.5), where every activation is strictly monotonic, and a whole
    /// input channel raised by 0.25 (so a max over a window moves too).
    /// </summary>
    private static void AssertConnectivity(Func<int, int, bool> feeds, int outputChannels, Func<Tensor, Tensor> run, FeatureShape[] inputs)
    {
        manual_seed(3);
        int channels = inputs.Sum(shape => shape.Channels);
        using Tensor x = rand(1, channels, inputs[0].Height, inputs[0].Width) + 0.5;
        using Tensor y = run(x).detach().clone();
        int outputs = (int)y.shape[1];
        Assert.Equal(outputChannels, outputs);
        for (int i = 0; i < channels; i++)
        {
            using Tensor moved = x.clone();
            moved.narrow(1, i, 1).add_(0.25);
            using Tensor z = run(moved);
            using Tensor changed = (z - y).abs().reshape(1, outputs, -1).amax([2]).gt(1e-6).flatten();
            bool[] moves = changed.data<bool>().ToArray();
            for (int o = 0; o < outputs; o++)
            {
                Assert.True(feeds(o, i) == moves[o], $"input channel {i} {(moves[o] ? "changes" : "does not change")} output channel {o}, but the record's channel map says it {(feeds(o, i) ? "feeds" : "does not feed")} it");
            }
        }
    }

    /// <summary>Exports a freshly initialized module (batch norm statistics drawn at random), runs it in both and compares; returns the file.</summary>
    private string ExportAndCompare(Network network) => OnnxRuntimeComparison.ExportAndCompare(network, _folder);

    /// <summary>
    /// One op kind's test network. <see cref="NoOnnxForm"/> and <see cref="ImportsAs"/> are the documented exceptions:
    /// the kind has no ONNX form (and why), or reads back from ONNX as another op, or none (and why).
    /// </summary>
    /// <param name="Op">The op under test.</param>
    /// <param name="Input">The shape it reads in <paramref name="Network"/>.</param>
    /// <param name="Network">A network holding it.</param>
    private sealed record Sample(Op Op, FeatureShape Input, Network Network)
    {
        /// <summary>Why the kind has no ONNX form: the export refuses it, naming it.</summary>
        public string? NoOnnxForm { get; init; }

        /// <summary>The op the ONNX import reads back in its place (null: none), and why.</summary>
        public (Op? Op, string Why)? ImportsAs { get; init; }

        /// <summary>Why the ONNX form of <see cref="Network"/> does not read back (it is still run in ONNX Runtime); <see cref="OnnxNetwork"/> then does.</summary>
        public string? NotImported { get; init; }

        /// <summary>The network whose ONNX form reads back, when <see cref="Network"/>'s does not (none: the import's refusal is checked alone).</summary>
        public Network? OnnxNetwork { get; init; }

        /// <summary>What the import's refusal of <see cref="Network"/>'s ONNX form names (the node it does not read).</summary>
        public string RefusedWith { get; init; } = "Transpose";
    }
}
