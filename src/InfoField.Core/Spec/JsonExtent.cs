using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        int depth = 0;
        int i = 0;
        bool inString = false;
        if (Vector256.IsHardwareAccelerated)
        {
            // 64 bytes at a time, as bit masks: the quotes' running parity marks the bytes inside strings, and a block
            // whose closing braces cannot bring the depth to 0 is passed whole. A backslash (an escape) leaves the rest
            // to the byte loop below.
            ulong carry = 0;
            ref byte start = ref MemoryMarshal.GetReference(utf8);
            for (; i + 64 <= utf8.Length; i += 64)
            {
                Vector256<byte> low = Vector256.LoadUnsafe(ref start, (nuint)i);
                Vector256<byte> high = Vector256.LoadUnsafe(ref start, (nuint)i + 32);
                if (Mask(low, high, (byte)'\\') != 0)
                {
                    break;
                }

                ulong strings = PrefixXor(Mask(low, high, (byte)'"')) ^ carry;
                carry = (ulong)((long)strings >> 63);
                ulong outside = ~strings;
                ulong open = Mask(low, high, (byte)'{') & outside;
                ulong close = Mask(low, high, (byte)'}') & outside;
                ulong slash = Mask(low, high, (byte)'/') & outside;
                if (depth - BitOperations.PopCount(close) > 0)
                {
                    if (slash != 0)
                    {
                        return -1;
                    }

                    depth += BitOperations.PopCount(open) - BitOperations.PopCount(close);
                    continue;
                }

                for (ulong braces = open | close; braces != 0; braces &= braces - 1)
                {
                    int bit = BitOperations.TrailingZeroCount(braces);
                    depth += ((open >> bit) & 1) != 0 ? 1 : -1;
                    if (depth == 0)
                    {
                        ulong before = bit == 63 ? ulong.MaxValue : (1UL << (bit + 1)) - 1;
                        return (slash & before) != 0 ? -1 : i + bit + 1;
                    }
                }

                if (slash != 0)
                {
                    return -1;
                }
            }

            inString = carry != 0;
        }

        return ByteByByte(utf8, i, depth, inString);
    }

    /// <summary>The rest of <see cref="ObjectLength"/> from <paramref name="i"/>, byte by byte, with the depth and string state there.</summary>
    private static int ByteByByte(ReadOnlySpan<byte> utf8, int i, int depth, bool inString)
    {
        for (; i < utf8.Length; i++)
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

    /// <summary>One bit per byte of the 64 that equals <paramref name="value"/>.</summary>
    private static ulong Mask(Vector256<byte> low, Vector256<byte> high, byte value) =>
        Vector256.Equals(low, Vector256.Create(value)).ExtractMostSignificantBits()
        | ((ulong)Vector256.Equals(high, Vector256.Create(value)).ExtractMostSignificantBits() << 32);

    /// <summary>Bit i is the parity of the bits 0 to i of <paramref name="quotes"/>: set from an opening quote up to its closing one.</summary>
    private static ulong PrefixXor(ulong quotes)
    {
        quotes ^= quotes << 1;
        quotes ^= quotes << 2;
        quotes ^= quotes << 4;
        quotes ^= quotes << 8;
        quotes ^= quotes << 16;
        quotes ^= quotes << 32;
        return quotes;
    }
}
