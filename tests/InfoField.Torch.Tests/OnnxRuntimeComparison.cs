using InfoField.Architecture;
using InfoField.Torch.Building;
using InfoField.Torch.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace InfoField.Torch.Tests;

/// <summary>An exported network run in ONNX Runtime against TorchSharp (the export tests and the op-kind conformance test).</summary>
internal static class OnnxRuntimeComparison
{
    /// <summary>
    /// Exports a freshly initialized module (batch norm statistics drawn at random) into <paramref name="folder"/>,
    /// runs it in both and compares; returns the file.
    /// </summary>
    public static string ExportAndCompare(Network network, string folder, ModuleSet? modules = null, OnnxExportSet? forms = null)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using NetworkModule module = ModuleBuilder.Build(network, modules ?? ModuleSet.Default);
        using (no_grad())
        {
            foreach ((string name, Tensor buffer) in module.named_buffers())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal))
                {
                    buffer.copy_(randn_like(buffer) * 0.1);
                }
                else if (name.EndsWith("running_var", StringComparison.Ordinal))
                {
                    buffer.copy_(rand_like(buffer) + 0.5);
                }
            }
        }

        module.eval();
        string path = Path.Combine(folder, $"{network.Name}.onnx");
        OnnxExport.Save(module, path, forms);

        // A 1-D network reads N x C x L, in TorchSharp as in ONNX.
        FeatureShape shape = network.Input;
        int[] dims = [2, .. Dims(network, shape)];
        Tensor x = randn([.. dims.Select(dim => (long)dim)]);
        float[][] expected;
        using (no_grad())
        {
            expected = [.. module.ForwardOutputs(x).Select(output => output.contiguous().data<float>().ToArray())];
        }

        // Every output by its name: the main output, then the further ones in the network's order.
        string[] names = [OnnxExport.OutputName, .. network.Outputs.Select(output => OnnxExport.FurtherOutputName(output.Name))];
        using var session = new InferenceSession(path);
        Assert.Equal(names, session.OutputMetadata.Keys);
        var feed = new DenseTensor<float>(x.data<float>().ToArray(), dims);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, feed)]);
        FeatureShape[] shapes = [network.Layout.Output, .. network.Layout.Outputs];
        // Features (N x C) after a flatten, linear or softmax; otherwise a map, a 1 x 1 one included.
        bool[] flat = [network.Head.Any(op => op.Role == OpRole.Head), .. network.Outputs.Select(output => output.Head.Any(op => op.Role == OpRole.Head))];
        for (int i = 0; i < names.Length; i++)
        {
            DisposableNamedOnnxValue result = results.Single(result => result.Name == names[i]);
            FeatureShape output = shapes[i];
            int[] outputDims = flat[i] ? [2, output.Channels] : [2, .. Dims(network, output)];
            Assert.Equal(outputDims, result.AsTensor<float>().Dimensions.ToArray());
            Assert.Equal(outputDims[1..], session.OutputMetadata[names[i]].Dimensions[1..]); // as the file declares it
            float[] actual = result.AsEnumerable<float>().ToArray();
            Assert.Equal(expected[i].Length, actual.Length);
            double scale = expected[i].Max(value => Math.Abs(value));
            Assert.True(scale > 0, $"{names[i]}: the reference output is all zeros: the comparison would prove nothing");
            double worst = expected[i].Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst <= 1e-4 * scale, $"{network.Name}, {names[i]}: ONNX Runtime differs from TorchSharp by {worst} (output scale {scale})");
        }

        return path;
    }

    /// <summary>A map's dims after the batch, as the network's rank writes them: [C, L], [C, H, W] or [C, D, H, W].</summary>
    private static int[] Dims(Network network, FeatureShape shape) => network.SpatialRank switch
    {
        1 => [shape.Channels, shape.Width],
        3 => [shape.Channels, shape.Depth, shape.Height, shape.Width],
        _ => [shape.Channels, shape.Height, shape.Width],
    };
}
