namespace InfoField.Spec;

/// <summary>How a number was written, where reading it as a double loses what was written.</summary>
public static class NumberText
{
    /// <summary>
    /// True when <paramref name="text"/> (a JSON or command-line number such as <c>1e-400</c>) is not zero but reads as the
    /// double <paramref name="value"/> 0: it is smaller than the smallest positive double (about 4.9e-324) and underflowed.
    /// </summary>
    public static bool Underflows(string text, double value)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (value != 0)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is 'e' or 'E')
            {
                return false;
            }

            if (c is >= '1' and <= '9')
            {
                return true;
            }
        }

        return false;
    }
}
