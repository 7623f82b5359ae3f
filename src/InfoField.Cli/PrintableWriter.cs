using System.Globalization;
using System.Text;
using InfoField.Reporting;

namespace InfoField.Cli;

/// <summary>
/// Standard output as the commands write it, with one guarantee whatever a document holds: no character but a line
/// break and printable text reaches the terminal. A control character (an escape sequence, a carriage return, C1
/// controls), a formatting character (bidirectional overrides) or a lone surrogate is written as <c>\u001b</c>, as
/// <see cref="Printable.Text"/> does for names; JSON output is unchanged (its writer already escapes them).
/// </summary>
internal sealed class PrintableWriter(TextWriter inner) : TextWriter(CultureInfo.InvariantCulture)
{
    private char? _pendingHigh;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (_pendingHigh is char high)
        {
            _pendingHigh = null;
            if (char.IsLowSurrogate(value))
            {
                inner.Write(high);
                inner.Write(value);
                return;
            }

            Escape(high);
        }

        if (char.IsHighSurrogate(value))
        {
            _pendingHigh = value;
        }
        else if (value != '\n' && Printable.IsUnprintable(value))
        {
            Escape(value);
        }
        else
        {
            inner.Write(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        if (_pendingHigh is null && !NeedsWork(value))
        {
            inner.Write(value);
            return;
        }

        foreach (char c in value)
        {
            Write(c);
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine()
    {
        EscapePending();
        inner.WriteLine();
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        EscapePending();
        inner.WriteLine();
    }

    public override void Flush()
    {
        EscapePending();
        inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    /// <summary>A high surrogate left waiting for its pair when nothing follows it: escaped.</summary>
    private void EscapePending()
    {
        if (_pendingHigh is char high)
        {
            _pendingHigh = null;
            Escape(high);
        }
    }

    private static bool NeedsWork(string value)
    {
        foreach (char c in value)
        {
            if (c != '\n' && (Printable.IsUnprintable(c) || char.IsSurrogate(c)))
            {
                return true;
            }
        }

        return false;
    }

    private void Escape(char c) => inner.Write(c switch
    {
        '\r' => "\\r",
        '\t' => "\\t",
        _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
    });
}
