using System.Collections.Immutable;
using System.Globalization;
using InfoField.Onnx.Readers;

namespace InfoField.Onnx;

/// <summary>
/// The import table: one <see cref="OnnxReader"/> per (domain, operator, since-version). <see cref="Default"/> holds
/// every operator InfoField reads (docs/onnx.md); <see cref="With"/> adds (or replaces) entries, for operators of your
/// own or of other domains, in the style of <see cref="Spec.OpSet.With"/>. The message for an operator that is not
/// in the table lists the table (<see cref="Supported"/>).
/// </summary>
public sealed class OnnxReaderSet
{
    private readonly ImmutableDictionary<(string Domain, string OpType), ImmutableArray<OnnxReader>> _entries;

    private OnnxReaderSet(ImmutableDictionary<(string Domain, string OpType), ImmutableArray<OnnxReader>> entries) => _entries = entries;

    /// <summary>The lowest opset of the default ONNX domain read.</summary>
    public const int MinOpset = 9;

    /// <summary>The highest opset of the default ONNX domain read.</summary>
    public const int MaxOpset = 18;

    /// <summary>Every operator InfoField reads, for opsets <see cref="MinOpset"/> to <see cref="MaxOpset"/> of the default domain.</summary>
    public static OnnxReaderSet Default { get; } = new OnnxReaderSet(ImmutableDictionary<(string, string), ImmutableArray<OnnxReader>>.Empty).With(DefaultReaders.All);

    /// <summary>Every entry, by domain, operator and version.</summary>
    public IEnumerable<OnnxReader> Entries =>
        _entries.Values.SelectMany(list => list).OrderBy(e => e.Domain, StringComparer.Ordinal).ThenBy(e => e.OpType, StringComparer.Ordinal).ThenBy(e => e.SinceVersion);

    /// <summary>
    /// The operators read, for messages: the default domain's by name (<c>Conv</c>), others with their domain
    /// (<c>com.example::MyOp</c>), in alphabetical order.
    /// </summary>
    public string Supported => string.Join(", ", _entries.Keys
        .OrderBy(key => key.Domain.Length > 0).ThenBy(key => key.Domain, StringComparer.Ordinal).ThenBy(key => key.OpType, StringComparer.Ordinal)
        .Select(key => key.Domain.Length == 0 ? key.OpType : $"{key.Domain}::{key.OpType}"));

    /// <summary>A table with <paramref name="readers"/> added; an entry with the same domain, operator and since-version replaces the one there.</summary>
    public OnnxReaderSet With(params IEnumerable<OnnxReader> readers)
    {
        ArgumentNullException.ThrowIfNull(readers);
        var entries = _entries.ToBuilder();
        foreach (OnnxReader reader in readers)
        {
            ArgumentNullException.ThrowIfNull(reader);
            ArgumentException.ThrowIfNullOrWhiteSpace(reader.OpType);
            ArgumentNullException.ThrowIfNull(reader.Read);
            ArgumentNullException.ThrowIfNull(reader.Domain);
            ArgumentOutOfRangeException.ThrowIfLessThan(reader.SinceVersion, 1);
            ArgumentOutOfRangeException.ThrowIfNegative(reader.MinInputs);
            ArgumentOutOfRangeException.ThrowIfLessThan(reader.MaxInputs, reader.MinInputs);
            ArgumentOutOfRangeException.ThrowIfLessThan(reader.MinOutputs, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(reader.MaxOutputs, reader.MinOutputs);
            var key = (reader.Domain == "ai.onnx" ? string.Empty : reader.Domain, reader.OpType);
            ImmutableArray<OnnxReader> list = entries.TryGetValue(key, out var existing) ? existing : [];
            list = [.. list.Where(e => e.SinceVersion != reader.SinceVersion), reader with { Domain = key.Item1 }];
            entries[key] = [.. list.OrderBy(e => e.SinceVersion)];
        }

        return new OnnxReaderSet(entries.ToImmutable());
    }

    /// <summary>The entry reading <paramref name="opType"/> of <paramref name="domain"/> at <paramref name="version"/>, or null when there is none.</summary>
    public OnnxReader? Find(string domain, string opType, long version)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(opType);
        if (!_entries.TryGetValue((domain == "ai.onnx" ? string.Empty : domain, opType), out var list))
        {
            return null;
        }

        OnnxReader? found = null;
        foreach (OnnxReader entry in list)
        {
            if (entry.SinceVersion <= version)
            {
                found = entry;
            }
        }

        return found;
    }

    /// <summary>Why <paramref name="opType"/> of <paramref name="domain"/> at <paramref name="version"/> has no entry: not in the table, or only from a later version.</summary>
    internal string Missing(string domain, string opType, long version)
    {
        if (_entries.TryGetValue((domain, opType), out var list) && list.Length > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"is read from opset {list[0].SinceVersion} of its domain on, and the model imports opset {version}");
        }

        return $"is not supported; InfoField reads {Supported}";
    }
}
