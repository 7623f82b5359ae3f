using InfoField.Architecture;
using InfoField.Field;
using InfoField.Kernels;
using InfoField.Torch.Modules;
using static TorchSharp.torch;

namespace InfoField.Torch.Tests.Kernels;

/// <summary>
/// Every kernel module and block touches exactly the output channels that Core's channel connectivity says: one
/// input channel at a time is set to random positive values, all weights are made positive (so nothing cancels),
/// and the output channels that become nonzero must be those whose inputs, per the IF engine, include that channel.
/// </summary>
public class ConnectivityTests
{
    private const int Size = 6;

    public static TheoryData<string> Kernels() => new(KernelCases().Keys);

    public static TheoryData<FactorizedBlock, int, int, int, double> Blocks()
    {
        var data = new TheoryData<FactorizedBlock, int, int, int, double>();
        foreach (FactorizedBlock block in Enum.GetValues<FactorizedBlock>())
        {
            data.Add(block, 12, 12, 2, 0.5);
            data.Add(block, 12, 24, 3, 0.33);
        }

        data.Add(FactorizedBlock.F, 16, 8, 4, 0.25);
        data.Add(FactorizedBlock.F, 12, 12, 2, 0.0);
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_modules_connect_channels_as_the_core_maps_say(string kernel)
    {
        var (module, op, inChannels) = KernelCases()[kernel]();
        using (module)
        {
            ChannelCoverage expected = ChannelCoverage.Identity(inChannels).Through(op.Channels(inChannels));

            AssertReach(module, inChannels, expected);
        }
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Blocks_connect_channels_as_their_composed_maps_say(FactorizedBlock block, int inChannels, int outChannels, int groups, double overlap)
    {
        using FactorizedBlockModule module = FactorizedKernels.Block(block, inChannels, outChannels, new BlockSettings(groups, overlap));
        ChannelCoverage expected = ChannelCoverage.Identity(inChannels);
        int channels = inChannels;
        foreach (LayerOp op in module.Ops.OfType<LayerOp>())
        {
            expected = expected.Through(op.Channels(channels));
            channels = op.OutputShape(new FeatureShape(channels, Size, Size)).Channels;
        }

        Assert.Equal(outChannels, expected.Channels);
        AssertReach(module, inChannels, expected);
    }

    private static Dictionary<string, Func<(nn.Module<Tensor, Tensor> Module, LayerOp Op, int InChannels)>> KernelCases() => new()
    {
        ["pw 8->12"] = () => (FactorizedKernels.Pointwise(8, 12), Ops.Pointwise(12), 8),
        ["gc 12->8 g4 k3"] = () => (FactorizedKernels.GroupConvolution(12, 8, 3, 4), Ops.Conv(8, 3, padding: 1, groups: 4), 12),
        ["dw 6 k3"] = () => (FactorizedKernels.Depthwise(6), Ops.Depthwise(3), 6),
        ["dw 4 x2 k3"] = () => (FactorizedKernels.Depthwise(4, multiplier: 2), Ops.Depthwise(3, multiplier: 2), 4),
        ["gpw 12->6 g3"] = () => (FactorizedKernels.GroupedPointwise(12, 6, 3), Ops.Pointwise(6, groups: 3), 12),
        ["shuffle 12 g3"] = () => (FactorizedKernels.Shuffle(3), Ops.Shuffle(3), 12),
        ["interlace 12 g4"] = () => (FactorizedKernels.Interlace(4), Ops.Interlace(4), 12),
        ["rpw 12->12 g3 o0.5"] = () => (FactorizedKernels.RollingPointwise(12, 12, 3, 0.5), Ops.RollingPointwise(12, 3, 0.5), 12),
        ["rpw 12->20 g4 o0.33"] = () => (FactorizedKernels.RollingPointwise(12, 20, 4, 0.33), Ops.RollingPointwise(20, 4, 0.33), 12),
        ["rpw 16->6 g2 o0.25"] = () => (FactorizedKernels.RollingPointwise(16, 6, 2, 0.25), Ops.RollingPointwise(6, 2, 0.25), 16),
        ["rpw 10->10 g2 o0"] = () => (FactorizedKernels.RollingPointwise(10, 10, 2, 0.0), Ops.RollingPointwise(10, 2, 0.0), 10),
        ["rpw 64->64 g8 o0.33"] = () => (FactorizedKernels.RollingPointwise(64, 64, 8, 0.33), Ops.RollingPointwise(64, 8, 0.33), 64),
    };

    /// <summary>Feeds input channel i alone (sample i) and checks which output channels are nonzero.</summary>
    private static void AssertReach(nn.Module<Tensor, Tensor> module, int inChannels, ChannelCoverage expected)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using (no_grad())
        {
            foreach (var parameter in module.parameters())
            {
                parameter.uniform_(0.5, 1.5);
            }
        }

        Tensor input = zeros(inChannels, inChannels, Size, Size);
        for (int i = 0; i < inChannels; i++)
        {
            input[i, i] = rand(Size, Size) + 0.5;
        }

        module.eval();
        Tensor output;
        using (no_grad())
        {
            output = module.forward(input);
        }

        Assert.Equal(expected.Channels, (int)output.shape[1]);
        bool[,] reached = ToGrid(output.abs().sum([2, 3]) > 0);
        for (int o = 0; o < expected.Channels; o++)
        {
            var inputs = expected.Inputs(o).ToHashSet();
            for (int i = 0; i < inChannels; i++)
            {
                Assert.True(reached[i, o] == inputs.Contains(i), $"input channel {i} {(reached[i, o] ? "reaches" : "does not reach")} output channel {o}; the core map says it {(inputs.Contains(i) ? "does" : "does not")}");
            }
        }
    }

    private static bool[,] ToGrid(Tensor mask)
    {
        long rows = mask.shape[0];
        long columns = mask.shape[1];
        bool[] values = mask.data<bool>().ToArray();
        var grid = new bool[rows, columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                grid[r, c] = values[(r * columns) + c];
            }
        }

        return grid;
    }
}
