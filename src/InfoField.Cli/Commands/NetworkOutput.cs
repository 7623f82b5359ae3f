using InfoField.Architecture;
using InfoField.Onnx;
using InfoField.Spec;
using InfoField.Torch.Onnx;

namespace InfoField.Cli.Commands;

/// <summary>Writes a network where <c>--out</c> says: an ONNX model (with freshly initialized weights) for a path ending in .onnx, else a spec file.</summary>
internal static class NetworkOutput
{
    /// <summary>The seed of the weights written to an ONNX model when the command has no <c>--seed</c>.</summary>
    public const int DefaultSeed = 0;

    public static void Save(Network network, string path, int seed = DefaultSeed)
    {
        if (OnnxImport.IsOnnxPath(path))
        {
            TorchSharp.torch.manual_seed(seed);
            OnnxExport.Save(network, path);
        }
        else
        {
            NetworkSpec.Save(network, path);
        }
    }
}
