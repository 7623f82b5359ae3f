using System.Text;
using System.Text.Json;

namespace InfoField.Spec;

/// <summary>
/// Checks a JSON document before it is read: every string and property name must decode to valid Unicode. System.Text.Json
/// accepts a lone surrogate escape (<c>"\ud800"</c>) or invalid UTF-8 inside a string while parsing and only fails with an
/// <see cref="InvalidOperationException"/> when the string is read, wherever that is; this check turns the whole class
/// into a <see cref="JsonException"/> with the line and byte of the string, which every reader of JSON files reports
/// as an invalid file.
/// </summary>
public static class JsonText
{
    /// <summary>
    /// Throws <see cref="JsonException"/> (with <see cref="JsonException.LineNumber"/> and
    /// <see cref="JsonException.BytePositionInLine"/>, both from 0) at the first string or property name of
    /// <paramref name="utf8"/> that is not valid Unicode: a lone surrogate escape such as <c>\ud800</c>, a low surrogate
    /// escape without its high one, or bytes that are not UTF-8. Syntax errors throw the reader's own <see cref="JsonException"/>.
    /// The message says what is wrong; <see cref="Where"/> says where.
    /// </summary>
    public static void RequireValidStrings(ReadOnlySpan<byte> utf8, bool allowComments = false)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = allowComments ? JsonCommentHandling.Skip : JsonCommentHandling.Disallow,
            AllowTrailingCommas = allowComments,
        });
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
            {
                continue;
            }

            try
            {
                _ = reader.GetString();
            }
            catch (InvalidOperationException)
            {
                throw Invalid(utf8, reader.TokenStartIndex, reader.TokenType == JsonTokenType.PropertyName);
            }
        }
    }

    /// <summary>
    /// <see cref="RequireValidStrings(ReadOnlySpan{byte}, bool)"/> for a document held as a .NET string (encoded as UTF-8
    /// first: a lone surrogate character in <paramref name="json"/> becomes U+FFFD, a lone surrogate escape is refused).
    /// </summary>
    public static void RequireValidStrings(string json, bool allowComments = false)
    {
        ArgumentNullException.ThrowIfNull(json);
        RequireValidStrings(Encoding.UTF8.GetBytes(json), allowComments);
    }

    /// <summary>Where <paramref name="error"/> happened, as <c>line 3, byte 12</c> (from 1), or an empty string when it does not say.</summary>
    public static string Where(JsonException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.LineNumber is long line && error.BytePositionInLine is long column
            ? FormattableString.Invariant($"line {line + 1}, byte {column + 1}")
            : string.Empty;
    }

    private static JsonException Invalid(ReadOnlySpan<byte> utf8, long start, bool propertyName)
    {
        ReadOnlySpan<byte> before = utf8[..(int)start];
        long line = before.Count((byte)'\n');
        int lineStart = before.LastIndexOf((byte)'\n') + 1;
        long column = start - lineStart;
        string what = propertyName ? "a property name" : "a string";
        return new JsonException(
            $"{what} is not valid Unicode (a lone surrogate escape such as \\ud800, or bytes that are not UTF-8)",
            path: null,
            lineNumber: line,
            bytePositionInLine: column);
    }
}
