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
