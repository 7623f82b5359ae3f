using InfoField.Kernels;

namespace InfoField.Reporting;

/// <summary>One verdict of <c>infofield rule --json</c> (a list of them; the Rule of Kernel Replacement for a block).</summary>
/// <param name="Block">The block's name.</param>
/// <param name="Input">The test input [C, H, W].</param>
/// <param name="OutChannels">The block's output channels.</param>
/// <param name="Against">How many standard 3x3 convolutions it is compared with (1 or 2).</param>
/// <param name="StandardIf">The IF of the standard convolutions.</param>
/// <param name="BlockIf">The IF of the block.</param>
/// <param name="BlockField">The block's field [IF^h, IF^w, IF^c].</param>
/// <param name="Quality">The block sees the same IF.</param>
/// <param name="Compact">Removing any kernel lowers the IF.</param>
/// <param name="Satisfied">Quality and compactness hold.</param>
/// <param name="Macs">The block's MACs on the test input.</param>
/// <param name="Removals">Each kernel removed in turn.</param>
public sealed record RuleVerdictDocument(
    string Block,
    int[] Input,
    int OutChannels,
    int Against,
    long StandardIf,
    long BlockIf,
    int[] BlockField,
    bool Quality,
    bool Compact,
    bool Satisfied,
    long Macs,
    IReadOnlyList<KernelRemovalDocument> Removals)
{
    /// <summary>The document of <paramref name="verdict"/>.</summary>
    public static RuleVerdictDocument From(RuleVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return new(
            verdict.Block,
            AnalysisDocument.Shape(verdict.Input),
            verdict.OutChannels,
            verdict.StandardConvs,
            verdict.Standard.If,
            verdict.Field.If,
            [verdict.Field.IfH, verdict.Field.IfW, verdict.Field.IfC],
            verdict.Quality,
            verdict.Compact,
            verdict.Satisfied,
            verdict.Macs,
            verdict.Removals.Select(r => new KernelRemovalDocument(r.Index, r.Kernel, r.Field?.If, r.Invalid, r.Lowers)).ToList());
    }
}

/// <summary>One kernel removed from the block in <see cref="RuleVerdictDocument"/>.</summary>
/// <param name="Index">The op's index in the block.</param>
/// <param name="Kernel">The kernel's type.</param>
/// <param name="If">The IF without it; null when the block is invalid without it.</param>
/// <param name="Invalid">Why the block is invalid without it, or null.</param>
/// <param name="Lowers">Whether removing it lowers the IF.</param>
public sealed record KernelRemovalDocument(
    int Index,
    string Kernel,
    long? If,
    string? Invalid,
    bool Lowers);

/// <summary>One row of <c>infofield rule --table --json</c> (a list of them).</summary>
/// <param name="Block">The paper's block, A-F.</param>
/// <param name="Channels">C, channels in and out.</param>
/// <param name="Groups">g.</param>
/// <param name="Overlap">o.</param>
/// <param name="AgainstOne">The verdict against one standard convolution.</param>
/// <param name="AgainstTwo">The verdict against two.</param>
public sealed record RuleTableRowDocument(
    string Block,
    int Channels,
    int Groups,
    double Overlap,
    RuleVerdictDocument AgainstOne,
    RuleVerdictDocument AgainstTwo)
{
    /// <summary>The document of <paramref name="row"/>.</summary>
    public static RuleTableRowDocument From(RuleTableRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.Block.ToString(), row.Channels, row.Settings.Groups, row.Settings.Overlap, RuleVerdictDocument.From(row.AgainstOne), RuleVerdictDocument.From(row.AgainstTwo));
    }
}
