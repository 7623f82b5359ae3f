namespace InfoField;

/// <summary>
/// Base class of the errors InfoField reports to its users: invalid architectures and spec files,
/// unknown model names, bad options. Their messages are meant to be shown as they are.
/// </summary>
public class InfoFieldException : Exception
{
    /// <summary>Creates an error with a message for the user.</summary>
    public InfoFieldException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an error with a message for the user and the error that caused it.</summary>
    public InfoFieldException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
