namespace InfoField.Cli;

/// <summary>
/// What the <c>infofield</c> command takes from its environment for the libraries, once at start-up: the memory
/// budget (<c>INFOFIELD_MEMORY_BUDGET</c>), handed to them as the runtime setting <see cref="MemoryBudget.SettingName"/>.
/// The libraries read no environment variables.
/// </summary>
internal static class CliEnvironment
{
    /// <summary>The environment variable that sets the memory budget.</summary>
    public const string MemoryBudgetVariable = "INFOFIELD_MEMORY_BUDGET";

    /// <summary>
    /// Applies the environment: sets <see cref="MemoryBudget.SettingName"/> from <see cref="MemoryBudgetVariable"/>.
    /// A bad value gets one line on <paramref name="error"/> and false (the command then exits with 1).
    /// </summary>
    public static bool Apply(TextWriter error)
    {
        try
        {
            if (MemoryBudgetBytes(Environment.GetEnvironmentVariable(MemoryBudgetVariable)) is long bytes)
            {
                AppContext.SetData(MemoryBudget.SettingName, bytes);
            }

            return true;
        }
        catch (InfoFieldException failure)
        {
            error.WriteLine($"infofield: error: {failure.Message}");
            return false;
        }
    }

    /// <summary>The budget <paramref name="value"/> of <see cref="MemoryBudgetVariable"/> sets: null when unset or empty; the error names the variable.</summary>
    public static long? MemoryBudgetBytes(string? value) =>
        string.IsNullOrEmpty(value) ? null : MemoryBudget.Parse(value, MemoryBudgetVariable);
}
