using InfoField.Architecture;

namespace InfoField;

/// <summary>
/// A broken rule, as a value: where (a path such as <c>stages[1].units[0].ops[2].groups</c>, a field, or empty) and
/// which rule, in words with the offending values. The checks that search loops call (<see cref="Op.TryOutputShape"/>,
/// <see cref="Network.TryCreate"/>, the organizer's re-creation of units, the Rule of Kernel Replacement) return one
/// instead of throwing; the public entry points that cannot go on throw it as an <see cref="ArchitectureException"/>
/// (or another <see cref="InfoFieldException"/>) with the same message.
/// </summary>
/// <param name="Path">Where the rule is broken, relative to the object checked (may be empty).</param>
/// <param name="Rule">The rule, in words, with the offending values.</param>
public sealed record Violation(string Path, string Rule)
{
    /// <summary>A violation with no path: <paramref name="rule"/> says everything.</summary>
    public static Violation Of(string rule) => new("", rule);

    /// <summary>The message a user sees: <c>path: rule</c> (or the rule alone), on one line, exactly as the exception's.</summary>
    public string Message => InfoFieldException.OneLine(Path.Length == 0 ? Rule : $"{Path}: {Rule}");

    /// <summary>The same violation seen from a containing object, at <paramref name="prefix"/>.</summary>
    public Violation Within(string prefix) => this with { Path = ArchitectureException.Join(prefix, Path) };

    /// <summary>The exception the architecture model throws for this violation at its public boundary.</summary>
    public ArchitectureException ToException() => new(Path, Rule);

    /// <summary>Writes <see cref="Message"/>.</summary>
    public override string ToString() => Message;
}

/// <summary>
/// The result of a check that may find a broken rule: a value, or the <see cref="Violation"/> that prevents it.
/// <c>return shape;</c> and <c>return violation;</c> both convert.
/// </summary>
/// <typeparam name="T">The value a successful check gives.</typeparam>
public readonly struct Checked<T>
{
    private readonly T? _value;

    /// <summary>A successful result.</summary>
    public Checked(T value)
    {
        _value = value;
        Violation = null;
    }

    /// <summary>A failed result.</summary>
    public Checked(Violation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        _value = default;
        Violation = violation;
    }

    /// <summary>The broken rule, or null when the check passed.</summary>
    public Violation? Violation { get; }

    /// <summary>True when the check passed.</summary>
    public bool IsValid => Violation is null;

    /// <summary>The value; throws the violation as an <see cref="ArchitectureException"/> when the check failed.</summary>
    public T Value => Violation is null ? _value! : throw Violation.ToException();

    /// <summary>A successful result.</summary>
    public static implicit operator Checked<T>(T value) => new(value);

    /// <summary>A failed result.</summary>
    public static implicit operator Checked<T>(Violation violation) => new(violation);

    /// <summary>True with the value when the check passed; false with the violation otherwise.</summary>
    public bool TryGet(out T value, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out Violation? violation)
    {
        value = _value!;
        violation = Violation;
        return violation is null;
    }

    /// <summary>The value, or the exception <paramref name="error"/> makes of the violation.</summary>
    public T OrThrow(Func<Violation, Exception> error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Violation is null ? _value! : throw error(Violation);
    }

    /// <summary>The same result with its violation seen from <paramref name="prefix"/>.</summary>
    public Checked<T> Within(string prefix) => Violation is null ? this : new(Violation.Within(prefix));
}
