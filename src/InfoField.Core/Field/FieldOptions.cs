namespace InfoField.Field;

/// <summary>
/// Where a stage whose first unit is strided (ResNet's and MobileNet's stages) measures its field.
/// Stages opened by pooling, or by no resolution change, are the same in both frames.
/// </summary>
public enum CoordinateFrame
{
    /// <summary>In the coordinates of the strided unit's input tensor: w0 is the input size and later 3x3 units grow the field by 2 x stride (default).</summary>
    Input,

    /// <summary>At the stage's output resolution, as if the stride were not there.</summary>
    Output,
}

/// <summary>
/// Which field IF, dIF and everything drawn from them (the organizer, the verdicts) use (docs/information-field.md,
/// docs/paper-reading.md section 1).
/// </summary>
public enum FieldKind
{
    /// <summary>
    /// What reaches a neuron through windows, leaving out what reaches it only through global pooling (squeeze-and-excitation
    /// gates, image-pooling branches); channels reached only through global pooling are left out of the factors (default).
    /// On networks without global pooling inside a stage it equals <see cref="Literal"/>.
    /// </summary>
    Local,

    /// <summary>The paper's definition taken literally: everything a neuron is computed from, global pooling included.</summary>
    Literal,
}

/// <summary>Settings of the Information Field analysis.</summary>
/// <param name="Alpha">The decay constant alpha of the IF gain (the paper uses 3); must be positive.</param>
/// <param name="Frame">The coordinate frame of stages opened by a strided unit.</param>
/// <param name="FieldKind">The field IF and dIF are computed from: local (default) or literal.</param>
public sealed record FieldOptions(double Alpha = 3.0, CoordinateFrame Frame = CoordinateFrame.Input, FieldKind FieldKind = FieldKind.Local)
{
    /// <summary>The defaults: alpha = 3, input frame, the local field.</summary>
    public static FieldOptions Default { get; } = new();

    /// <summary>
    /// Whether each unit's report gives the field at the output of every op of its graph (<see cref="UnitField.Ops"/>;
    /// true by default). Without them <see cref="UnitField.Ops"/> is empty and the analysis does less: for callers that
    /// need only units, stages and outputs (a search over many networks). Every other number is the same.
    /// </summary>
    public bool OpFields { get; init; } = true;

    /// <summary>Checks the settings; throws <see cref="InfoFieldException"/> naming the bad one.</summary>
    public FieldOptions Validated()
    {
        if (!(Alpha > 0) || double.IsInfinity(Alpha))
        {
            throw new ParameterException("alpha", null, $"must be a finite number greater than 0 (got {Alpha})");
        }

        if (!Enum.IsDefined(FieldKind))
        {
            throw new ParameterException("fieldKind", null, $"must be local or literal (got {FieldKind})");
        }

        return this;
    }
}
