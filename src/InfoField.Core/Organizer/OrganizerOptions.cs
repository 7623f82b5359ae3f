using InfoField.Field;

namespace InfoField.Organizer;

/// <summary>How the organizer decides between moving, removing and stopping.</summary>
public enum OrganizerPolicy
{
    /// <summary>
    /// The paper's three rules (default): move when dIF'_MAX &gt; dIF_MIN and dIF'_MAX &gt; theta; else remove when both
    /// are &lt; theta (&lt;= when theta is 0); else stop.
    /// </summary>
    Literal,

    /// <summary>Stop as soon as dIF_MIN &gt; theta (every stage still gains enough); otherwise as <see cref="Literal"/>.</summary>
    Saturated,
}

/// <summary>The organizer's settings; every choice the paper leaves open is explicit here.</summary>
/// <param name="Frame">Coordinate frame of stages opened by a strided unit (default input).</param>
/// <param name="Policy">Decision policy (default literal).</param>
/// <param name="Theta">The threshold theta (default 0).</param>
/// <param name="Alpha">The decay constant alpha of dIF (default 3).</param>
/// <param name="MaxIterations">The iteration bound; the organizer stops after this many steps (default 100).</param>
/// <param name="FieldKind">
/// The field whose gains the organizer compares (default local: what reaches a neuron through windows, leaving out what
/// reaches it only through global pooling; docs/organizer.md). On networks without global pooling inside a stage both
/// fields are the same.
/// </param>
public sealed record OrganizerOptions(
    CoordinateFrame Frame = CoordinateFrame.Input,
    OrganizerPolicy Policy = OrganizerPolicy.Literal,
    double Theta = 0,
    double Alpha = 3,
    int MaxIterations = 100,
    FieldKind FieldKind = FieldKind.Local)
{
    /// <summary>The defaults: the paper's (input frame, literal policy, theta 0, alpha 3), on the local field.</summary>
    public static OrganizerOptions Default { get; } = new();

    /// <summary>The field options these settings imply.</summary>
    public FieldOptions Field => new(Alpha, Frame, FieldKind);

    /// <summary>Checks the settings; throws <see cref="InfoFieldException"/> naming the bad one.</summary>
    public OrganizerOptions Validated()
    {
        Field.Validated();
        if (!double.IsFinite(Theta))
        {
            throw new InfoFieldException($"theta must be a finite number (got {Theta})");
        }

        if (MaxIterations < 0)
        {
            throw new InfoFieldException($"the iteration bound must be 0 or more (got {MaxIterations})");
        }

        return this;
    }

    /// <summary>The settings in words, e.g. <c>frame input, policy literal, theta 0, alpha 3, field local</c>.</summary>
    public string Describe() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"frame {Frame.ToString().ToLowerInvariant()}, policy {Policy.ToString().ToLowerInvariant()}, theta {Theta}, alpha {Alpha}, field {FieldKind.ToString().ToLowerInvariant()}");
}
