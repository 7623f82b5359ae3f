using System.Globalization;
using InfoField.Field;
using InfoField.Organizer;
using InfoField.Reporting;

namespace InfoField.Web.Model;

/// <summary>
/// Everything the page shows for the open model with its settings: the document of <c>infofield analyze --json</c> and
/// the <see cref="ReportDocument"/> of <c>infofield report</c>, built by the library code the command line calls.
/// </summary>
public sealed class ModelReport
{
    private ModelReport(LoadedNetwork loaded, PageSettings settings, OrganizerOptions organizer, AnalysisDocument analysis, ReportDocument report)
    {
        Loaded = loaded;
        Settings = settings;
        Organizer = organizer;
        Analysis = analysis;
        Report = report;
    }

    /// <summary>The open model.</summary>
    public LoadedNetwork Loaded { get; }

    /// <summary>The settings the page asked for.</summary>
    public PageSettings Settings { get; }

    /// <summary>The organizer settings those resolve to (the preset's, with the preset).</summary>
    public OrganizerOptions Organizer { get; }

    /// <summary>The document of <c>infofield analyze --json</c> with the same alpha, frame, field and theta.</summary>
    public AnalysisDocument Analysis { get; }

    /// <summary>The document <c>infofield report</c> draws its page from.</summary>
    public ReportDocument Report { get; }

    /// <summary>Analyses <paramref name="loaded"/> with <paramref name="settings"/>.</summary>
    public static ModelReport Build(LoadedNetwork loaded, PageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(settings);
        var (organizer, preset) = settings.Organizer(loaded);
        ReportDocument report = ReportBuilder.Build(loaded, organizer, preset, [], [], null);

        // analyze's verdicts come from the organizer with its default policy and iteration bound: with those settings the
        // report's analysis is the same document, computed once.
        var analyze = new OrganizerOptions(organizer.Frame, OrganizerOptions.Default.Policy, organizer.Theta, organizer.Alpha, FieldKind: organizer.FieldKind);
        AnalysisDocument analysis = analyze == organizer ? report.Analysis : NetworkAnalysis.Of(loaded, organizer.Field, organizer.Theta).Document(loaded);
        return new ModelReport(loaded, settings, organizer, analysis, report);
    }

    /// <summary>The command whose output equals <see cref="Analysis"/>, e.g. <c>infofield analyze resnet50.onnx --json</c>.</summary>
    public string AnalyzeCommand => "infofield analyze " + string.Join(' ', ModelArguments().Concat(FieldArguments(Organizer.Field, Organizer.Theta)).Append("--json"));

    /// <summary>The command whose <c>--format json</c> output equals <see cref="Report"/>.</summary>
    public string ReportCommand
    {
        get
        {
            IEnumerable<string> settings = Settings.Preset
                ? Organizer.FieldKind == FieldOptions.Default.FieldKind ? ["--preset", "paper"] : ["--preset", "paper", "--field", Organizer.FieldKind.ToString().ToLowerInvariant()]
                : FieldArguments(Organizer.Field, Organizer.Theta).Concat(Organizer.Policy == OrganizerPolicy.Literal ? [] : ["--policy", "saturated"]);
            if (Organizer.MaxIterations != OrganizerOptions.Default.MaxIterations)
            {
                settings = settings.Concat(["--max-iterations", Organizer.MaxIterations.ToString(CultureInfo.InvariantCulture)]);
            }

            return "infofield report " + string.Join(' ', ModelArguments().Concat(settings));
        }
    }

    /// <summary>The model as the command line names it: the file, or the zoo name with its dataset and width.</summary>
    public IEnumerable<string> ModelArguments()
    {
        yield return Loaded.Reference.Contains(' ', StringComparison.Ordinal) ? $"'{Loaded.Reference}'" : Loaded.Reference;
        if (Loaded.Dataset is not null)
        {
            if (Loaded.Dataset.Name != Zoo.DatasetInfo.Cifar10.Name)
            {
                yield return "--dataset";
                yield return Loaded.Dataset.Name;
            }

            if (Loaded.Width != 1)
            {
                yield return "--width";
                yield return Loaded.Width.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    private static IEnumerable<string> FieldArguments(FieldOptions field, double theta)
    {
        if (field.Alpha != FieldOptions.Default.Alpha)
        {
            yield return "--alpha";
            yield return field.Alpha.ToString(CultureInfo.InvariantCulture);
        }

        if (field.Frame != CoordinateFrame.Input)
        {
            yield return "--frame";
            yield return "output";
        }

        if (theta != OrganizerOptions.Default.Theta)
        {
            yield return "--theta";
            yield return theta.ToString(CultureInfo.InvariantCulture);
        }

        if (field.FieldKind != FieldOptions.Default.FieldKind)
        {
            yield return "--field";
            yield return field.FieldKind.ToString().ToLowerInvariant();
        }
    }
}
