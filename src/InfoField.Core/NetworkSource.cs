using InfoField.Architecture;
using InfoField.Organizer;
using InfoField.Spec;
using InfoField.Zoo;

namespace InfoField;

/// <summary>A network loaded from the zoo or a file, with what was asked for.</summary>
/// <param name="Network">The validated network.</param>
/// <param name="Kind"><c>zoo</c>, <c>spec</c> or <c>onnx</c>.</param>
/// <param name="Dataset">The dataset for zoo models; null for files.</param>
/// <param name="Width">The width multiplier for zoo models (1 for files).</param>
/// <param name="Reference">What was named: a zoo name or a file path.</param>
/// <param name="Optimization">For a zoo model reorganized by the organizer (<see cref="NetworkSource.OptimizedZoo"/>): the organizer settings used, in words; otherwise null.</param>
public sealed record LoadedNetwork(Network Network, string Kind, DatasetInfo? Dataset, double Width, string Reference, string? Optimization = null);

/// <summary>
/// Loads networks with typed parameters: a zoo model, a zoo model reorganized by the stage-level organizer, or a spec
/// file (ONNX models: <c>OnnxImport.LoadNetwork</c> in InfoField.Onnx). Errors name the model or file.
/// </summary>
public static class NetworkSource
{
    /// <summary>The suffix of the name given to a zoo model reorganized by the organizer, e.g. <c>vgg16-opt</c>.</summary>
    public const string OptimizedSuffix = "-opt";

    /// <summary>
    /// The zoo model <paramref name="name"/> for <paramref name="dataset"/> (default CIFAR-10) at channel multiplier
    /// <paramref name="width"/>, with <paramref name="input"/> as its input when given (images only).
    /// </summary>
    public static LoadedNetwork Zoo(string name, DatasetInfo? dataset = null, double width = 1.0, InputShape? input = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ZooRequest request = Request(dataset, width, input);
        Network network = Revalidate(() => ModelZoo.Create(name, request), name);
        return new LoadedNetwork(network, "zoo", request.Dataset, width, name);
    }

    /// <summary>
    /// The zoo model <paramref name="name"/> (as for <see cref="Zoo"/>) reorganized by the stage-level organizer with the
    /// paper's preset for its family and dataset (<see cref="PaperRows.Preset(string, DatasetInfo)"/>), named <c>&lt;name&gt;-opt</c>.
    /// </summary>
    public static LoadedNetwork OptimizedZoo(string name, DatasetInfo? dataset = null, double width = 1.0, InputShape? input = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ZooRequest request = Request(dataset, width, input);
        string optimizedName = name + OptimizedSuffix;
        Network baseline = Revalidate(() => ModelZoo.Create(name, request), optimizedName);
        PresetChoice preset = PaperRows.Preset(name, request.Dataset);
        OrganizerResult result = StageOrganizer.Optimize(baseline, preset.Options);
        return new LoadedNetwork(result.After.WithName(optimizedName.ToLowerInvariant()), "zoo", request.Dataset, width, optimizedName, preset.Explanation);
    }

    /// <summary>The spec file at <paramref name="path"/> (<see cref="NetworkSpec.Load(string, OpSet?)"/>), with <paramref name="input"/> as its input when given.</summary>
    public static LoadedNetwork Spec(string path, InputShape? input = null) =>
        FromFile(NetworkSpec.Load(path), "spec", path, input);

    /// <summary>
    /// A network read from the file <paramref name="path"/> by a reader of kind <paramref name="kind"/> (<c>spec</c>,
    /// <c>onnx</c>), with <paramref name="input"/> as its input when given: the input's rank must be the network's.
    /// </summary>
    public static LoadedNetwork FromFile(Network network, string kind, string path, InputShape? input = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (input is InputShape shape)
        {
            if (shape.SpatialRank != network.SpatialRank)
            {
                throw new ParameterException("input", shape.ToString(), $"'{path}' describes a {network.SpatialRank}-D network; give {(network.SpatialRank == 2 ? "CxHxW" : "CxL")}");
            }

            network = Revalidate(() => network.WithInput(shape.Shape), path);
        }

        return new LoadedNetwork(network, kind, null, 1.0, path);
    }

    private static ZooRequest Request(DatasetInfo? dataset, double width, InputShape? input)
    {
        if (input is { SpatialRank: 1 } signal)
        {
            throw new ParameterException("input", signal.ToString(), "zoo models take images; give CxHxW, e.g. 3x64x64");
        }

        return new ZooRequest(dataset ?? DatasetInfo.Cifar10, width, input?.Shape);
    }

    private static Network Revalidate(Func<Network> build, string reference)
    {
        try
        {
            return build();
        }
        catch (ArchitectureException error)
        {
            throw new InfoFieldException($"{reference}: {error.Message}", error);
        }
    }
}

/// <summary>An input shape: <c>CxHxW</c> for images, <c>CxL</c> for 1-D signals.</summary>
/// <param name="Shape">The shape (height 1 for signals).</param>
/// <param name="SpatialRank">2 for images, 1 for signals.</param>
public readonly record struct InputShape(FeatureShape Shape, int SpatialRank)
{
    /// <summary>Writes the shape as it is typed: CxHxW or CxL.</summary>
    public override string ToString() => SpatialRank == 1 ? $"{Shape.Channels}x{Shape.Width}" : Shape.ToString();
}
