using InfoField.Architecture;
using InfoField.Field;
using InfoField.Torch.Building;
using InfoField.Torch.Tracing;
using static TorchSharp.torch;

namespace InfoField.Torch;

/// <summary>
/// The Listing-1 style API: ask a TorchSharp model for its architecture or its Information Field report,
/// and turn an architecture back into a TorchSharp model.
/// </summary>
public static class TorchExtensions
{
    /// <summary>Reads the architecture of <paramref name="model"/> by tracing one forward pass (see <see cref="ModelTracer"/>).</summary>
    public static Network ToArchitecture(this nn.Module<Tensor, Tensor> model, FeatureShape input, TraceOptions? options = null) =>
        ModelTracer.Trace(model, input, options);

    /// <summary>The Information Field report of <paramref name="model"/> on inputs of shape <paramref name="input"/>.</summary>
    public static NetworkField InformationField(this nn.Module<Tensor, Tensor> model, FeatureShape input, FieldOptions? options = null, TraceOptions? trace = null) =>
        Field.InformationField.Analyze(ModelTracer.Trace(model, input, trace), options);

    /// <summary>Builds a TorchSharp model from <paramref name="network"/>.</summary>
    public static NetworkModule ToModule(this Network network) => ModuleBuilder.Build(network);
}
