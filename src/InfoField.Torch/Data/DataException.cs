namespace InfoField.Torch.Data;

/// <summary>A dataset could not be read: a file is missing, truncated or corrupted, or a download failed. The message names the file and what is wrong.</summary>
public sealed class DataException : InfoFieldException
{
    /// <summary>Creates an error with a message for the user.</summary>
    public DataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an error with a message for the user and the error that caused it.</summary>
    public DataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
