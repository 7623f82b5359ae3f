using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace InfoField.Training;

/// <summary>
/// Everything that determines a training run's numbers: the architecture (as its spec JSON), the data and the recipe.
/// Two runs with equal keys compute the same thing, so a study can skip a run whose key it has already finished.
/// </summary>
/// <param name="ArchitectureJson">The network's spec JSON (<c>NetworkSpec.Serialize</c>), which fixes every layer.</param>
/// <param name="Dataset">The dataset's name, e.g. <c>fashion-mnist</c>, or for image folders <c>folder:&lt;path&gt;</c>.</param>
/// <param name="Width">The width multiplier the network was built with (already reflected in the architecture; kept for readability).</param>
/// <param name="Settings">The training recipe.</param>
public sealed record RunKey(string ArchitectureJson, string Dataset, double Width, TrainingSettings Settings)
{
    /// <summary>Bumped when the training code changes what a run computes, so old results are not reused.</summary>
    public const string Version = "infofield-run/1";

    /// <summary>The canonical text the id is hashed from: one <c>name=value</c> line per field, invariant culture.</summary>
    public string Canonical()
    {
        var text = new StringBuilder();
        void Line(string name, string value) => text.Append(name).Append('=').Append(value).Append('\n');
        Line("version", Version);
        Line("dataset", Dataset.ToLowerInvariant());
        Line("width", Number(Width));
        Line("epochs", Number(Settings.Epochs));
        Line("batchSize", Number(Settings.BatchSize));
        Line("lr", Number(Settings.LearningRate));
        Line("schedule", Settings.ScheduleName);
        Line("seed", Number(Settings.Seed));
        Line("momentum", Number(Settings.Momentum));
        Line("weightDecay", Number(Settings.WeightDecay));
        Line("augment", Settings.Augment ? "true" : "false");
        Line("architecture", ArchitectureJson.ReplaceLineEndings("\n").Trim());
        return text.ToString();
    }

    /// <summary>The run's id: the first 16 hex digits of the SHA-256 of <see cref="Canonical"/>.</summary>
    public string Id() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical())))[..16];

    private static string Number(IFormattable value) => value.ToString("R", CultureInfo.InvariantCulture);
}
