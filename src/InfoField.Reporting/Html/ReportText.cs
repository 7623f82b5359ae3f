using System.Globalization;

namespace InfoField.Reporting.Html;

/// <summary>The report's words: section titles and what each section shows, for every page that shows them.</summary>
public static class ReportText
{
    /// <summary>The report's title, e.g. <c>InfoField report: resnet50 on imagenet</c>.</summary>
    public static string Title(AnalysisDocument analysis) => $"InfoField report: {analysis.Model}{(analysis.Dataset is null ? "" : $" on {analysis.Dataset}")}";

    /// <summary>What the report is, under its title.</summary>
    public static string Introduction(ReportDocument report) =>
        $"Information Field (Wang et al., CIKM '21): how much of a stage's input reaches one output neuron, and the gain dIF each unit adds. Static and exact: nothing here was trained{(report.Results.Count > 0 ? ", except the study results" : "")}.";

    /// <summary>The verdicts' section title.</summary>
    public const string VerdictsTitle = "What the numbers mean";

    /// <summary>The summary's section title.</summary>
    public const string SummaryTitle = "Summary";

    /// <summary>The field section's title.</summary>
    public const string FieldTitle = "Information Field per stage";

    /// <summary>What the field section shows.</summary>
    public const string FieldIntroduction = "Per unit: the spatial field against the stage's input size (the cap), the guaranteed channel coverage against c0, and the gain dIF against theta. A crossed red mark is a saturated unit: dIF 0, it adds nothing to what the stage already sees. In stages with global pooling (squeeze-and-excitation gates, image pooling), the field of the other kind (local: what windows reach; literal: the pooling's reach included) follows IF and dIF.";

    /// <summary>The organizer section's title.</summary>
    public const string OrganizerTitle = "Stage-level organizer";

    /// <summary>The organizer's settings, in words.</summary>
    public static string OrganizerSettings(OptimizationDocument run) =>
        $"Settings: frame {run.Settings.Frame}, policy {run.Settings.Policy}, theta {run.Settings.Theta.ToString(CultureInfo.InvariantCulture)}, alpha {run.Settings.Alpha.ToString(CultureInfo.InvariantCulture)}, {run.Settings.Field} field, at most {run.Settings.MaxIterations} iterations.{(run.Settings.Preset is null ? "" : " " + run.Settings.Preset + ".")} Stage numbers count every stage.";

    /// <summary>The organizer's net gain, in words (followed by <see cref="OptimizationDocument.StopReason"/>).</summary>
    public static string NetGain(OptimizationDocument run) =>
        $"Net dIF {run.NetDeltaIf.ToString("0.00", CultureInfo.InvariantCulture)} (moved units: gain at target minus gain at source; minus removed units' gain).";

    /// <summary>The study results' section title.</summary>
    public const string ResultsTitle = "Study results";

    /// <summary>What the study results' section shows.</summary>
    public static string ResultsIntroduction(ReportDocument report) =>
        $"From {report.ResultsSource ?? "the results folder"}: one point per model, the mean test accuracy over its runs with one standard deviation.";

    /// <summary>The connectivity section's title.</summary>
    public const string ConnectivityTitle = "Channel connectivity of factorized blocks";

    /// <summary>What the connectivity section shows.</summary>
    public const string ConnectivityIntroduction = "Which input channels (columns) reach each output channel (rows) after one and after two consecutive copies of a block, like the paper's Figures 4 and 5: grouped layers keep isolated blocks on the diagonal, RPW's overlapping windows form a band that widens with each block.";
}
