using InfoField.Architecture;

namespace InfoField.Zoo;

/// <summary>What a zoo builder is asked for: the dataset (input, head, definitions), a width multiplier and an optional input override.</summary>
/// <param name="Dataset">The dataset, which chooses input size, classifier and definitions.</param>
/// <param name="Width">Channel multiplier (1 is the published network); scaled channel counts are rounded, at least 1.</param>
/// <param name="InputOverride">An input shape other than the dataset's, or null.</param>
public sealed record ZooRequest(DatasetInfo Dataset, double Width = 1.0, FeatureShape? InputOverride = null)
{
    /// <summary>The input shape to build for.</summary>
    public FeatureShape Input => InputOverride ?? Dataset.Input;

    /// <summary>True for the ImageNet definitions.</summary>
    public bool ImageNet => Dataset.Definitions == Definitions.ImageNet;

    /// <summary><paramref name="channels"/> scaled by the width multiplier, rounded, at least 1.</summary>
    public int Channels(int channels) => Math.Max(1, (int)Math.Round(channels * Width, MidpointRounding.AwayFromZero));

    /// <summary>Checks the width; throws naming it.</summary>
    public ZooRequest Validated()
    {
        if (!(Width > 0) || Width > 64)
        {
            throw new InfoFieldException($"width must be a channel multiplier in (0, 64] (got {Width})");
        }

        return this;
    }
}
