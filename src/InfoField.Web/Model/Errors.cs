namespace InfoField.Web.Model;

/// <summary>The page's one error line, as the command line words it.</summary>
public static class Errors
{
    /// <summary>
    /// A user error's message as it is (it names the file, node, field or parameter); anything else as the command line
    /// reports a bug: its type and message, on one line.
    /// </summary>
    public static string OneLine(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error is InfoFieldException
            ? error.Message
            : $"internal error: {error.GetType().Name}: {InfoFieldException.OneLine(error.Message)} (a bug in InfoField)";
    }
}
