namespace InfoField.Spec;

/// <summary>
/// Where a JSON object's text ends, found without reading its tokens: the fast spec reader looks up the text of a unit
/// or op it has read before by it (<see cref="TextCache{T}"/>) before reading any token of it.
/// </summary>
internal static class JsonExtent
{
    /// <summary>
    /// The length of the object that opens <paramref name="utf8"/> (which starts with <c>{</c>) up to its matching
    /// <c>}</c>, counting braces outside strings; -1 where that cannot be told so simply: a comment (<c>/</c> outside a
    /// string) or no matching brace. For valid JSON without comments this is exactly the object's text; for any other
    /// text it is at most a span that no valid object read before can equal as a whole, so a lookup by it misses.
    /// </summary>
    public static int ObjectLength(ReadOnlySpan<byte> utf8)
    {
        // Byte by byte: the objects looked up are short (a node's op is some 60 bytes), too short for vectorized searches.
        int depth = 0;
        bool inString = false;
        for (int i = 0; i < utf8.Length; i++)
        {
            byte b = utf8[i];
            if (inString)
            {
                if (b == (byte)'"')
                {
                    inString = false;
                }
                else if (b == (byte)'\\')
                {
                    // A backslash escapes the byte after it (a quote or another backslash included).
                    i++;
                }
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b == (byte)'{')
            {
                depth++;
            }
            else if (b == (byte)'}')
            {
                if (--depth == 0)
                {
                    return i + 1;
                }
            }
            else if (b == (byte)'/')
            {
                return -1;
            }
        }

        return -1;
    }
}
