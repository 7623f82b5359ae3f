namespace InfoField.Torch.Tracing;

/// <summary>Settings for <see cref="ModelTracer"/>.</summary>
/// <param name="Name">Name of the resulting architecture; defaults to the module's name.</param>
/// <param name="StemUnits">How many leading units are stem layers (never moved or removed by the organizer), for a chain; a
/// branched model's stem and tail are found by <see cref="InfoField.Architecture.GraphStructure"/>'s rule.</param>
/// <param name="Readers">How modules and merges are read as ops; <see cref="TraceSet.Default"/> when null (pass a set with module types of your own).</param>
/// <param name="SpatialRank">
/// 2 for a model of images (it reads N x C x H x W), 1 for a model of signals (it reads N x C x L; the input shape then has
/// height 1): <c>Conv1d</c>, <c>MaxPool1d</c>, <c>BatchNorm1d</c>, ... or InfoField's own 1-D modules (2-D ones of height 1),
/// traced as a 1-D network; 3 for a model of volumes or video (it reads N x C x D x H x W; the input shape has a depth,
/// <see cref="InfoField.Architecture.FeatureShape.Volume3d"/>): <c>Conv3d</c>, <c>MaxPool3d</c>, <c>AvgPool3d</c>,
/// <c>AdaptiveAvgPool3d</c>, <c>BatchNorm3d</c>, ... or InfoField's modules of a 3-D network, traced as a 3-D network.
/// </param>
public sealed record TraceOptions(string? Name = null, int StemUnits = 0, TraceSet? Readers = null, int SpatialRank = 2);
