namespace InfoField.Architecture;

/// <summary>
/// An architecture breaks a rule: the message names where (a path such as
/// <c>stages[1].units[0].ops[2].groups</c>) and which rule.
/// </summary>
public sealed class ArchitectureException : InfoFieldException
{
    /// <summary>Creates an error at <paramref name="path"/> (may be empty) for the broken <paramref name="rule"/>.</summary>
    public ArchitectureException(string path, string rule)
        : base(path.Length == 0 ? rule : $"{path}: {rule}")
    {
        Path = path;
        Rule = rule;
    }

    /// <summary>Where the rule is broken, relative to the object that was validated.</summary>
    public string Path { get; }

    /// <summary>The rule, in words, with the offending values.</summary>
    public string Rule { get; }

    /// <summary>The same error seen from a containing object, at <paramref name="prefix"/>.</summary>
    public ArchitectureException Within(string prefix) => new(Join(prefix, Path), Rule);

    /// <summary>Joins two path segments: <c>stages[1]</c> + <c>units[0]</c> gives <c>stages[1].units[0]</c>.</summary>
    public static string Join(string prefix, string path) =>
        prefix.Length == 0 ? path
        : path.Length == 0 ? prefix
        : path.StartsWith('[') ? prefix + path
        : prefix + "." + path;
}
