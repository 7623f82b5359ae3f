using System.Globalization;
using InfoField.Architecture;
using InfoField.Organizer;
using InfoField.Spec;
using InfoField.Zoo;

namespace InfoField;

/// <summary>A network loaded from the zoo or a spec file, with what was asked for.</summary>
/// <param name="Network">The validated network.</param>
/// <param name="Kind"><c>zoo</c>, <c>spec</c> or <c>onnx</c>.</param>
/// <param name="Dataset">The dataset for zoo models; null for spec files.</param>
/// <param name="Width">The width multiplier for zoo models (1 for spec files).</param>
/// <param name="Reference">What the user named: a zoo name or a spec path.</param>
/// <param name="Optimization">For an optimized zoo name (<c>vgg16-opt</c>): the organizer settings used, in words; otherwise null.</param>
public sealed record LoadedNetwork(Network Network, string Kind, DatasetInfo? Dataset, double Width, string Reference, string? Optimization = null);

/// <summary>Resolves the <c>&lt;model | spec.json&gt;</c> argument of the command line and the API.</summary>
public static class NetworkSource
{
    /// <summary>The suffix that names the organizer's output for a zoo model, e.g. <c>vgg16-opt</c>.</summary>
    public const string OptimizedSuffix = "-opt";

    /// <summary>
    /// Loads a zoo model by name, an ONNX model when <paramref name="reference"/> ends in <c>.onnx</c>
    /// (<see cref="Onnx.OnnxImport"/>), or a spec file when it ends in <c>.json</c> or names another existing file. A zoo name with the suffix <c>-opt</c> (e.g. <c>vgg16-opt</c>) is that model reorganized by the
    /// stage-level organizer with <c>--preset paper</c> settings. <paramref name="dataset"/> and <paramref name="width"/>
    /// apply to zoo models only; <paramref name="input"/> overrides the input shape of either.
    /// </summary>
    public static LoadedNetwork Load(string reference, string? dataset = null, double? width = null, InputShape? input = null)
    {
        if (IsSpecPath(reference))
        {
            bool isOnnx = Onnx.OnnxImport.IsOnnxPath(reference);
            if (dataset is not null || width is not null)
            {
                throw new ParameterException(dataset is not null ? "dataset" : "width", null, $"applies to zoo models; the {(isOnnx ? "ONNX model" : "spec file")} '{reference}' fixes its own input, channels and head (give an input shape to change its input)");
            }

            Network spec = isOnnx ? Onnx.OnnxImport.Load(reference) : NetworkSpec.Load(reference);
            if (input is InputShape shape)
            {
                if (shape.SpatialRank != spec.SpatialRank)
                {
                    throw new ParameterException("input", shape.ToString(), $"'{reference}' describes a {spec.SpatialRank}-D network; give {(spec.SpatialRank == 2 ? "CxHxW" : "CxL")}");
                }

                spec = Revalidate(() => spec.WithInput(shape.Shape), reference);
            }

            return new LoadedNetwork(spec, isOnnx ? "onnx" : "spec", null, 1.0, reference);
        }

        DatasetInfo data = DatasetInfo.Find(dataset ?? DatasetInfo.Cifar10.Name);
        double multiplier = width ?? 1.0;
        if (input is { SpatialRank: 1 } signal)
        {
            throw new ParameterException("input", signal.ToString(), "zoo models take images; give CxHxW, e.g. 3x64x64");
        }

        var request = new ZooRequest(data, multiplier, input?.Shape);
        string? baseName = reference.EndsWith(OptimizedSuffix, StringComparison.OrdinalIgnoreCase) ? reference[..^OptimizedSuffix.Length] : null;
        if (baseName is not null && ModelZoo.Find(reference) is null && ModelZoo.Find(baseName) is not null)
        {
            Network baseline = Revalidate(() => ModelZoo.Create(baseName, request), reference);
            PresetChoice preset = PaperRows.Preset(baseName, data);
            OrganizerResult result = StageOrganizer.Optimize(baseline, preset.Options);
            return new LoadedNetwork(result.After.WithName(reference.ToLowerInvariant()), "zoo", data, multiplier, reference, preset.Explanation);
        }

        Network network = Revalidate(() => ModelZoo.Create(reference, request), reference);
        return new LoadedNetwork(network, "zoo", data, multiplier, reference);
    }

    /// <summary>True when <paramref name="reference"/> names a model file (a spec file or an ONNX model) rather than a zoo model.</summary>
    public static bool IsSpecPath(string reference) =>
        reference.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || Onnx.OnnxImport.IsOnnxPath(reference) || (ModelZoo.Find(reference) is null && File.Exists(reference));

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

/// <summary>An input shape given on the command line: <c>CxHxW</c> for images, <c>CxL</c> for 1-D signals.</summary>
/// <param name="Shape">The shape (height 1 for signals).</param>
/// <param name="SpatialRank">2 for images, 1 for signals.</param>
public readonly record struct InputShape(FeatureShape Shape, int SpatialRank)
{
    /// <summary>Parses <c>CxHxW</c> or <c>CxL</c>; throws naming the option and the expected form.</summary>
    public static InputShape Parse(string text)
    {
        var values = new List<int>();
        foreach (string part in text.Split('x', 'X'))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
            {
                throw new ParameterException("input", $"'{text}'", "expected CxHxW (e.g. 3x32x32) or CxL for 1-D signals, with positive integers");
            }

            values.Add(value);
        }

        return values.Count switch
        {
            3 => new InputShape(new FeatureShape(values[0], values[1], values[2]), 2),
            2 => new InputShape(new FeatureShape(values[0], 1, values[1]), 1),
            _ => throw new ParameterException("input", $"'{text}'", "expected CxHxW (e.g. 3x32x32) or CxL for 1-D signals"),
        };
    }

    /// <summary>Writes the shape as it is typed: CxHxW or CxL.</summary>
    public override string ToString() => SpatialRank == 1 ? $"{Shape.Channels}x{Shape.Width}" : Shape.ToString();
}
