namespace InfoField.Torch.Tracing;

/// <summary>Settings for <see cref="ModelTracer"/>.</summary>
/// <param name="Name">Name of the resulting architecture; defaults to the module's name.</param>
/// <param name="StemUnits">How many leading units are stem layers (never moved or removed by the organizer), for a chain; a
/// branched model's stem and tail are found by <see cref="InfoField.Architecture.GraphStructure"/>'s rule.</param>
/// <param name="Readers">How modules and merges are read as ops; <see cref="TraceSet.Default"/> when null (pass a set with module types of your own).</param>
public sealed record TraceOptions(string? Name = null, int StemUnits = 0, TraceSet? Readers = null);
