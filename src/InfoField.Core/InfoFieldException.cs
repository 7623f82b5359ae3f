namespace InfoField;

/// <summary>
/// Base class of the errors InfoField reports to its users: invalid architectures and spec files,
/// unknown model names, bad options. Their messages are meant to be shown as they are.
/// </summary>
public class InfoFieldException : Exception
{
    /// <summary>Creates an error with a message for the user.</summary>
    public InfoFieldException(string message)
        : base(OneLine(message))
    {
    }

    /// <summary>Creates an error with a message for the user and the error that caused it.</summary>
    public InfoFieldException(string message, Exception innerException)
        : base(OneLine(message), innerException)
    {
    }

    /// <summary>The longest message, in characters; longer ones (a value echoing a whole file) are cut with an ellipsis.</summary>
    public const int MaxMessageLength = 1000;

    /// <summary>
    /// <paramref name="text"/> on one line: line breaks and other control characters are written as escapes
    /// (<c>\n</c>, <c>\u0007</c>), so a value read from a file cannot split a message, and overlong text is cut.
    /// </summary>
    public static string OneLine(string text)
    {
        var line = new System.Text.StringBuilder(Math.Min(text.Length, MaxMessageLength + 8));
        foreach (char c in text)
        {
            if (line.Length >= MaxMessageLength)
            {
                return line.Append('…').ToString();
            }

            _ = c switch
            {
                '\n' => line.Append("\\n"),
                '\r' => line.Append("\\r"),
                '\t' => line.Append(' '),
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => line.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => line.Append(c),
            };
        }

        return line.ToString();
    }
}

/// <summary>
/// An op has no entry in a table a backend reads (a TorchSharp module, an ONNX form, a trace rule): one type and one
/// line for every such table, naming the op, what is missing and how to register it.
/// </summary>
public sealed class UnregisteredOpException : InfoFieldException
{
    /// <summary>Creates the error for <paramref name="op"/>, missing <paramref name="what"/> in the table <paramref name="table"/>.</summary>
    /// <param name="op">The op that has no entry.</param>
    /// <param name="what">What is missing, e.g. <c>TorchSharp module</c>.</param>
    /// <param name="table">The table to register it in, e.g. <c>ModuleSet</c>.</param>
    /// <param name="context">Where it happened (a network's name), or null.</param>
    public UnregisteredOpException(Architecture.Op op, string what, string table, string? context = null)
        : base($"{(context is null ? "" : context + ": ")}no {what} for the op '{op?.Type}' ({op?.GetType().Name}); register one with {table}.With")
    {
        Op = op!;
    }

    /// <summary>The op that has no entry.</summary>
    public Architecture.Op Op { get; }
}
