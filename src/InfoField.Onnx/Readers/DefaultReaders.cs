using System.Reflection;

namespace InfoField.Onnx.Readers;

/// <summary>
/// Every entry of <see cref="OnnxReaderSet.Default"/>: each reader file of this folder is a static class with a static
/// <c>All</c> list of its entries, and this collects them (in the order of the class names), so a built-in operator is
/// registered by its own reader file, as a built-in op kind is by its record (<see cref="Spec.OpSet.Declared"/>). Two
/// files declaring the same (domain, operator, since-version) are refused: nothing replaces anything silently.
/// </summary>
internal static class DefaultReaders
{
    /// <summary>The reader classes of this folder, by full name, each with its static <c>All</c> list.</summary>
    internal static IReadOnlyList<(Type Type, IReadOnlyList<OnnxReader> Entries)> Families { get; } = [..
        typeof(DefaultReaders).Assembly.GetTypes()
            .Where(type => type.Namespace == typeof(DefaultReaders).Namespace && type != typeof(DefaultReaders) && type.IsAbstract && type.IsSealed)
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .Select(type => (type, type.GetProperty("All", BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)?.GetValue(null)))
            .Where(family => family.Item2 is IEnumerable<OnnxReader>)
            .Select(family => (family.type, (IReadOnlyList<OnnxReader>)[.. (IEnumerable<OnnxReader>)family.Item2!]))];

    /// <summary>The entries (after <see cref="Families"/>, which they are collected from).</summary>
    public static IEnumerable<OnnxReader> All { get; } = Collect();

    private static OnnxReader[] Collect()
    {
        var seen = new Dictionary<(string, string, int), Type>();
        foreach (var (type, entries) in Families)
        {
            foreach (OnnxReader entry in entries)
            {
                var key = (entry.Domain == "ai.onnx" ? string.Empty : entry.Domain, entry.OpType, entry.SinceVersion);
                if (!seen.TryAdd(key, type))
                {
                    throw new InvalidOperationException($"{type.Name} and {seen[key].Name} both read {entry.OpType} since version {entry.SinceVersion}.");
                }
            }
        }

        return [.. Families.SelectMany(family => family.Entries)];
    }
}
