using System.Globalization;

namespace InfoField;

/// <summary>
/// The memory InfoField lets one piece of work take: work whose estimate exceeds it is refused with one line before
/// anything is allocated. The default is half the memory the process can use (the machine's, or its container's
/// limit). The runtime setting <see cref="SettingName"/> sets it in bytes, or with a suffix K, M, G or T (powers of
/// 1024), e.g. <c>8G</c>: in a project file as <c>&lt;RuntimeHostConfigurationOption Include="InfoField.MemoryBudget" Value="8G" /&gt;</c>,
/// or by the host once at start-up with <see cref="AppContext.SetData"/> (the <c>infofield</c> command maps its
/// environment variable <c>INFOFIELD_MEMORY_BUDGET</c> to it). The library itself reads no environment.
/// </summary>
public static class MemoryBudget
{
    /// <summary>The runtime setting (<see cref="AppContext.GetData"/>) that sets the budget: a byte count as text, or a number of bytes.</summary>
    public const string SettingName = "InfoField.MemoryBudget";

    /// <summary>The fraction of the available memory used when <see cref="SettingName"/> is not set.</summary>
    public const double DefaultFraction = 0.5;

    /// <summary>The budget in bytes, from <see cref="SettingName"/> or the default.</summary>
    public static long Bytes => AppContext.GetData(SettingName) switch
    {
        long bytes when bytes > 0 => bytes,
        string text when text.Length > 0 => Parse(text),
        null or "" => (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * DefaultFraction),
        object other => throw new InfoFieldException($"{SettingName}='{other}': expected a positive byte count such as 2147483648, 512M or 8G"),
    };

    /// <summary>Throws <see cref="InfoFieldException"/> when <paramref name="what"/>, estimated at <paramref name="bytes"/>, exceeds the budget.</summary>
    public static void Check(string what, double bytes)
    {
        long budget = Bytes;
        if (!(bytes <= budget))
        {
            throw new InfoFieldException($"{what} would need about {Describe(bytes)} of memory, more than the budget of {Describe(budget)} (half of this machine's memory unless set: {SettingName} in the runtime configuration, INFOFIELD_MEMORY_BUDGET for the infofield command)");
        }
    }

    /// <summary>Reads a byte count such as <c>2147483648</c>, <c>512M</c> or <c>8G</c>; the error names <paramref name="source"/>, where the text came from.</summary>
    public static long Parse(string text, string source = SettingName)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        long unit = trimmed.Length == 0 ? 1 : char.ToUpperInvariant(trimmed[^1]) switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            'T' => 1L << 40,
            _ => 1,
        };
        string digits = unit == 1 ? trimmed : trimmed[..^1];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long count) && count > 0 && count <= long.MaxValue / unit
            ? count * unit
            : throw new InfoFieldException($"{source}='{text}': expected a positive byte count such as 2147483648, 512M or 8G");
    }

    /// <summary>A byte count for people: 3.2 GB, 512 MB.</summary>
    public static string Describe(double bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):0.#} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 20):0.#} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024:0.#} KB"),
    };
}
