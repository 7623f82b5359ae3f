namespace InfoField;

/// <summary>
/// A parameter of a library call has a value it cannot use. The message names the parameter as the API does
/// (<c>batchSize</c>, <c>dataDirectory</c>); front ends such as the command line map <see cref="Parameter"/> to their own
/// names (<c>--batch-size</c>) with <see cref="Render"/>.
/// </summary>
public class ParameterException : InfoFieldException
{
    /// <summary>Creates an error for <paramref name="parameter"/>, optionally quoting its <paramref name="value"/>.</summary>
    public ParameterException(string parameter, string? value, string rule)
        : base(Compose(parameter, value, rule))
    {
        Parameter = parameter;
        Value = value;
        Rule = rule;
    }

    /// <summary>The parameter, as the API names it.</summary>
    public string Parameter { get; }

    /// <summary>The offending value as the user gave it, when the message quotes it.</summary>
    public string? Value { get; }

    /// <summary>What was expected, in words.</summary>
    public string Rule { get; }

    /// <summary>The message with the parameter called <paramref name="name"/> (e.g. a command-line flag).</summary>
    public string Render(string name) => OneLine(Compose(name, Value, Rule));

    private static string Compose(string parameter, string? value, string rule) =>
        value is null ? $"{parameter}: {rule}" : $"{parameter} {value}: {rule}";
}
