using InfoField.Field;
using InfoField.Organizer;
using InfoField.Reporting;
using InfoField.Web.Model;

namespace InfoField.Web.Tests;

/// <summary>What the command line gives for a model, computed in-process by the library code it calls.</summary>
internal static class Expected
{
    /// <summary>The text <c>infofield analyze &lt;model&gt; --json</c> prints, with the default settings.</summary>
    public static string AnalysisJson(LoadedNetwork loaded) =>
        Documents.Serialize(Documents.Analysis(loaded, FieldOptions.Default, OrganizerOptions.Default.Theta));

    /// <summary>The document of <c>infofield analyze &lt;model&gt; --json</c>.</summary>
    public static AnalysisDocument Analysis(LoadedNetwork loaded) =>
        Documents.Analysis(loaded, FieldOptions.Default, OrganizerOptions.Default.Theta);
}
