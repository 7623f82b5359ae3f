using InfoField.Architecture;
using InfoField.Costs;
using InfoField.Spec;
using InfoField.Torch.Building;
using InfoField.Torch.Tracing;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

/// <summary>
/// TorchSharp modules of 3-D networks: every op kind with a 3-D module (Conv3d for conv, dw and pw, MaxPool3d, AvgPool3d,
/// adaptive and global 3-D pooling, BatchNorm3d, 3-D transposed convolution, nearest and trilinear upsampling, and the
/// kinds that work on any rank) computes Core's output shape and has Core's parameter count; kinds without one refuse
/// with one line.
/// </summary>
public class VolumeModuleTests
{
    private static readonly FeatureShape Input = FeatureShape.Volume3d(4, 6, 8, 10);

    public static TheoryData<string> Ops3d => new(
    [
        """{ "type": "conv", "out": 6, "kernel": 3, "padding": 1, "bias": true }""",
        """{ "type": "conv", "out": 6, "kernel": [1, 3, 3], "stride": [1, 2, 2], "padding": [0, 1, 1], "groups": 2 }""",
        """{ "type": "conv", "out": 6, "kernel": [3, 1, 1], "padding": [2, 0, 0], "dilation": [2, 1, 1] }""",
        """{ "type": "conv", "out": 6, "kernel": [3, 3], "padding": [1, 1] }""",
        """{ "type": "dw", "kernel": 3, "padding": 1, "stride": 2, "multiplier": 2 }""",
        """{ "type": "pw", "out": 8, "stride": 2, "bias": true }""",
        """{ "type": "gpw", "out": 8, "groups": 2 }""",
        """{ "type": "maxpool", "kernel": 3, "stride": 2, "padding": 1 }""",
        """{ "type": "avgpool", "kernel": [2, 2, 2], "ceil": true }""",
        """{ "type": "maxpool", "kernel": [2, 2] }""",
        """{ "type": "adaptiveavgpool", "output": [2, 3, 3] }""",
        """{ "type": "adaptivemaxpool", "output": [3, 2, 5] }""",
        """{ "type": "globalavgpool" }""",
        """{ "type": "bn" }""",
        """{ "type": "convtranspose", "out": 3, "kernel": 2, "stride": 2 }""",
        """{ "type": "convtranspose", "out": 4, "kernel": [3, 3, 3], "stride": [1, 2, 2], "padding": 1, "outputPadding": [0, 1, 1], "groups": 2, "bias": true }""",
        """{ "type": "resize", "mode": "nearest", "scale": [1, 2, 2] }""",
        """{ "type": "resize", "mode": "linear", "scale": 2 }""",
        """{ "type": "resize", "mode": "linear", "size": [3, 5, 7], "coordinates": "align_corners" }""",
        """{ "type": "shuffle", "groups": 2 }""",
        """{ "type": "layernorm" }""",
        """{ "type": "layerscale", "init": 0.5 }""",
        """{ "type": "hardswish" }""",
        """{ "type": "rpw", "out": 6, "groups": 2, "overlap": 0.5 }""",
    ]);

    [Theory]
    [MemberData(nameof(Ops3d))]
    public void A_3d_op_builds_a_module_with_cores_shape_and_parameters(string op)
    {
        Network network = Volume(op);
        Op layer = network.Units.First().Graph.Nodes[0].Op;
        FeatureShape expected = layer.OutputShape(Input);

        using var module = ModuleBuilder.Build(network);
        module.eval();
        using Tensor x = randn([2, Input.Channels, Input.Depth, Input.Height, Input.Width]);
        using Tensor y = module.call(x);

        Assert.Equal([2L, expected.Channels, expected.Depth, expected.Height, expected.Width], y.shape);
        Assert.Equal(CostModel.Of(network).Total.Parameters, module.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void A_3d_classifier_builds_and_runs_with_its_parameter_count()
    {
        Network network = NetworkSpec.Parse("""
            { "name": "clip", "input": [3, 8, 16, 16], "stages": [
                { "units": [ { "role": "stem", "ops": [ { "type": "conv", "out": 8, "kernel": [3, 7, 7], "stride": [1, 2, 2], "padding": [1, 3, 3] }, { "type": "bn" }, { "type": "relu" } ] },
                  { "ops": [ { "type": "residual", "body": [ { "type": "conv", "out": 8, "kernel": 3, "padding": 1 }, { "type": "bn" }, { "type": "relu" }, { "type": "conv", "out": 8, "kernel": 3, "padding": 1 }, { "type": "bn" } ] }, { "type": "relu" } ] } ] },
                { "units": [ { "ops": [ { "type": "residual", "body": [ { "type": "conv", "out": 16, "kernel": 3, "stride": 2, "padding": 1 }, { "type": "bn" } ], "shortcut": [ { "type": "pw", "out": 16, "stride": 2 }, { "type": "bn" } ] }, { "type": "relu" } ] } ] } ],
              "head": [ { "type": "globalavgpool" }, { "type": "flatten" }, { "type": "linear", "out": 5 } ] }
            """);

        using var module = ModuleBuilder.Build(network);
        module.eval();
        using Tensor x = randn([2, 3, 8, 16, 16]);
        using Tensor y = module.call(x);

        Assert.Equal([2L, 5], y.shape);
        Assert.Equal(CostModel.Of(network).Total.Parameters, module.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void A_model_of_volumes_traces_into_a_3d_network()
    {
        // TorchSharp's 3-D layers, read with depth parts (a video stem as torchvision's R3D-18 writes it).
        using var model = nn.Sequential(
            nn.Conv3d(3, 8, (3, 7, 7), stride: (1, 2, 2), padding: (1, 3, 3), bias: false), nn.BatchNorm3d(8), nn.ReLU(),
            nn.MaxPool3d((1, 3, 3), (1, 2, 2), (0, 1, 1)),
            nn.Conv3d(8, 8, (3, 1, 1), padding: (1, 0, 0)), nn.ReLU(),
            nn.AvgPool3d((2, 2, 2)), nn.Conv3d(8, 16, 1),
            nn.AdaptiveAvgPool3d(1), nn.Flatten(), nn.Linear(16, 4));
        FeatureShape input = FeatureShape.Volume3d(3, 8, 32, 32);

        Network network = model.ToArchitecture(input, new TraceOptions(SpatialRank: 3));

        Assert.Equal(3, network.SpatialRank);
        Assert.Equal(
            new Op[]
            {
                new Architecture.Convolution(8, Pair.Of3d(3, 7, 7), Pair.Of3d(1, 2, 2), Pair.Of3d(1, 3, 3), Pair.Cube(1)), Ops.BatchNorm(), Ops.Relu(),
                new Pooling(PoolKind.Max, Pair.Of3d(1, 3, 3), Pair.Of3d(1, 2, 2), Pair.Of3d(0, 1, 1)),
                new Architecture.Convolution(8, Pair.Of3d(3, 1, 1), Pair.Cube(1), Pair.Of3d(1, 0, 0), Pair.Cube(1), Bias: true), Ops.Relu(),
                new Pooling(PoolKind.Average, Pair.Cube(2), Pair.Cube(2), Pair.Cube(0)),
                new PointwiseConvolution(16, 1, Pair.Cube(1), Bias: true),
                Ops.GlobalAvgPool(), new Architecture.Flatten(), new Architecture.Linear(4),
            },
            network.Stages.SelectMany(stage => stage.Entry.Concat(stage.Units.SelectMany(unit => unit.Graph.Ops))).Concat(network.Head));
        Assert.Equal(model.parameters().Sum(p => p.numel()), CostModel.Of(network).Total.Parameters);
        Assert.Equal(FeatureShape.Volume3d(16, 4, 4, 4), network.Layout.HeadInput);
    }

    [Fact]
    public void Adaptive_3d_max_pooling_gives_max_poolings_values_where_the_output_divides_the_input()
    {
        using var module = ModuleBuilder.Build(Volume("""{ "type": "adaptivemaxpool", "output": [3, 2, 5] }"""));
        module.eval();
        using Tensor x = randn([2, Input.Channels, Input.Depth, Input.Height, Input.Width]);

        using Tensor y = module.call(x);
        using Tensor expected = nn.functional.max_pool3d(x, [2, 4, 2], [2, 4, 2]);

        Assert.Equal(expected.shape, y.shape);
        Assert.True(y.eq(expected).all().item<bool>());
    }

    [Theory]
    [InlineData("""{ "type": "avgpool", "kernel": [7, 3, 3], "padding": [3, 1, 1] }""", "avgpool with kernel 7x3x3 on a 4x6x8x10 volume has no TorchSharp module")]
    [InlineData("""{ "type": "zero", "stride": 2 }""", "a strided zero op on a 4x6x8x10 volume has no TorchSharp module")]
    public void Kinds_without_a_3d_module_refuse_with_one_line(string op, string message)
    {
        Network network = Volume(op);

        var error = Assert.ThrowsAny<InfoFieldException>(() => ModuleBuilder.Build(network));

        Assert.Contains(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static Network Volume(string op) => NetworkSpec.Parse($$"""{ "input": [4, 6, 8, 10], "stages": [ { "units": [ { "ops": [ {{op}} ] } ] } ] }""");
}
