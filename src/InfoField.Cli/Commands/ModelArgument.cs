using System.Globalization;
using InfoField.Architecture;
using InfoField.Onnx;
using InfoField.Torch.Data;
using InfoField.Torch.Training;
using InfoField.Zoo;

namespace InfoField.Cli.Commands;

/// <summary>
/// The <c>&lt;model | spec.json | model.onnx&gt;</c> argument of the commands and the <c>--input</c> shape: a zoo name
/// (with <c>-opt</c> for the organizer's output), a spec file or an ONNX model, loaded through the libraries' typed
/// functions (<see cref="NetworkSource"/>, <see cref="OnnxImport.LoadNetwork"/>).
/// </summary>
internal static class ModelArgument
{
    /// <summary>True when <paramref name="reference"/> names a model file (a spec file or an ONNX model) rather than a zoo model.</summary>
    public static bool IsFile(string reference) =>
        reference.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || OnnxImport.IsOnnxPath(reference) || (ModelZoo.Find(reference) is null && File.Exists(reference));

    /// <summary>
    /// Loads a zoo model by name, an ONNX model when <paramref name="reference"/> ends in <c>.onnx</c>, or a spec file
    /// when it ends in <c>.json</c> or names another existing file. A zoo name with the suffix <c>-opt</c> (e.g.
    /// <c>vgg16-opt</c>) is that model reorganized by the stage-level organizer with <c>--preset paper</c> settings.
    /// <paramref name="dataset"/> and <paramref name="width"/> apply to zoo models only; <paramref name="input"/>
    /// overrides the input shape of either.
    /// </summary>
    public static LoadedNetwork Load(string reference, string? dataset = null, double? width = null, InputShape? input = null)
    {
        if (IsFile(reference))
        {
            bool isOnnx = OnnxImport.IsOnnxPath(reference);
            if (dataset is not null || width is not null)
            {
                throw new ParameterException(dataset is not null ? "dataset" : "width", null, $"applies to zoo models; the {(isOnnx ? "ONNX model" : "spec file")} '{reference}' fixes its own input, channels and head (give an input shape to change its input)");
            }

            return isOnnx ? OnnxImport.LoadNetwork(reference, input) : NetworkSource.Spec(reference, input);
        }

        DatasetInfo data = DatasetInfo.Find(dataset ?? DatasetInfo.Cifar10.Name);
        double multiplier = width ?? 1.0;
        string? baseName = reference.EndsWith(NetworkSource.OptimizedSuffix, StringComparison.OrdinalIgnoreCase) ? reference[..^NetworkSource.OptimizedSuffix.Length] : null;
        LoadedNetwork loaded = baseName is not null && ModelZoo.Find(reference) is null && ModelZoo.Find(baseName) is not null
            ? NetworkSource.OptimizedZoo(baseName, data, multiplier, input)
            : NetworkSource.Zoo(reference, data, multiplier, input);
        return loaded with { Reference = reference };
    }

    /// <summary>
    /// The network <paramref name="reference"/> names, built for <paramref name="dataset"/>: zoo models with that dataset's
    /// definitions (image folders: the CIFAR-10 definitions at the folder's image size, with the classifier's last layer
    /// sized to the folder's classes); files as they are. <paramref name="width"/> applies to zoo models.
    /// </summary>
    public static LoadedNetwork ForDataset(string reference, string dataset, double? width, InputShape? input, int? folderClasses = null)
    {
        string name = Datasets.Canonical(dataset);
        if (IsFile(reference))
        {
            return Load(reference, null, width, input);
        }

        if (name != Datasets.ImageFolder)
        {
            return Load(reference, name, width, input);
        }

        int classes = folderClasses ?? throw new ArgumentNullException(nameof(folderClasses), "image folders need their class count");
        return ModelBinding.ForImageFolder(Load(reference, DatasetInfo.Cifar10.Name, width, input), classes);
    }

    /// <summary>The input shape image folders are resized to for <paramref name="reference"/>: --input, else a file's input, else 3x32x32.</summary>
    public static FeatureShape FolderImageShape(string reference, InputShape? input) =>
        input?.Shape ?? (IsFile(reference) ? Load(reference).Network.Input : new FeatureShape(3, 32, 32));

    /// <summary>Parses <c>CxHxW</c> or <c>CxL</c>; throws naming the option (the library parameter <c>input</c>) and the expected form.</summary>
    public static InputShape ParseInput(string text)
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
}
