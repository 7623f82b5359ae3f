namespace InfoField.Spec;

/// <summary>A spec file is unreadable or describes an invalid network; the message names the file, the JSON path and the rule.</summary>
public sealed class SpecException : InfoFieldException
{
    /// <summary>Creates an error in <paramref name="source"/> at <paramref name="jsonPath"/> (may be empty).</summary>
    public SpecException(string source, string jsonPath, string rule, Exception? inner = null)
        : base(jsonPath.Length == 0 ? $"{source}: {rule}" : $"{source}: {jsonPath}: {rule}", inner ?? new InvalidOperationException(rule))
    {
        Source = source;
        JsonPath = jsonPath;
        Rule = rule;
    }

    /// <summary>The file (or other source) of the spec.</summary>
    public new string Source { get; }

    /// <summary>Where in the JSON, e.g. <c>$.stages[1].units[0].ops[2].groups</c>.</summary>
    public string JsonPath { get; }

    /// <summary>The rule, in words.</summary>
    public string Rule { get; }
}
