using System.Globalization;
using System.Text;

namespace InfoField.Reporting;

/// <summary>
/// Names read from files (networks, units, classes, study rows) as text that is safe to print: a control character
/// (line breaks, escape sequences that drive a terminal, C1 controls), an invisible formatting character (bidirectional
/// overrides that reorder what a reader sees) or a lone surrogate is written as an escape (<c>\u001b</c>, <c>\n</c>), so
/// a name can neither split a table row nor send a terminal a command. Every text, Markdown and HTML output prints names
/// through it; JSON needs nothing (its writer escapes control characters).
/// </summary>
public static class Printable
{
    /// <summary><paramref name="text"/> with every character that is not printable written as an escape.</summary>
    public static string Text(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        int first = FirstUnprintable(text);
        if (first < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Append(c).Append(text[++i]);
                continue;
            }

            _ = c switch
            {
                '\n' => result.Append("\\n"),
                '\r' => result.Append("\\r"),
                '\t' => result.Append("\\t"),
                _ when IsUnprintable(c) => result.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => result.Append(c),
            };
        }

        return result.ToString();
    }

    /// <summary>Whether <paramref name="text"/> holds a character <see cref="Text"/> would escape.</summary>
    public static bool NeedsEscape(string text) => FirstUnprintable(text) >= 0;

    /// <summary>
    /// Whether <paramref name="c"/> is not printable by itself: a control (C0, DEL, C1), a format character (bidirectional
    /// controls, zero-width characters), a line or paragraph separator, or a surrogate (unpaired when seen alone).
    /// </summary>
    public static bool IsUnprintable(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;

    private static int FirstUnprintable(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (IsUnprintable(c))
            {
                return i;
            }
        }

        return -1;
    }
}
