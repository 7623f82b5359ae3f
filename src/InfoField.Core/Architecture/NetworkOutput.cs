namespace InfoField.Architecture;

/// <summary>
/// A further output of a network besides its main one (the last stage's output through <see cref="Network.Head"/>): a
/// head read from the output tensor of one unit (a segmentation model's auxiliary head, a detector's head at another
/// scale), or from the tensor of an earlier further output (<see cref="Reads"/>: an FPN's extra level pooled from the
/// top level's output). Its ops are a chain applied to that tensor; they are analysed and counted, never moved or
/// removed by the organizer.
/// </summary>
/// <param name="Name">The output's name, unique in the network and not <see cref="Network.MainOutputName"/>.</param>
/// <param name="Stage">The stage (from 0) of the unit the head reads (through <see cref="Reads"/>'s head, when set).</param>
/// <param name="Unit">The unit (from 0) within that stage whose output the head reads (through <see cref="Reads"/>'s head, when set).</param>
/// <param name="Head">The ops applied to that unit's output (or to the output <see cref="Reads"/> names), in order (may be empty: that tensor is the output).</param>
public sealed record NetworkOutput(string Name, int Stage, int Unit, ValueList<Op> Head)
{
    /// <summary>
    /// The name of an earlier further output whose tensor this output's head continues (its head reads that output's
    /// feature map, computed once for both), or null when the head reads the unit's output. An output that reads another
    /// names the same <see cref="Stage"/> and <see cref="Unit"/> as it (the network checks both).
    /// </summary>
    public string? Reads { get; init; }

    /// <summary>The output <paramref name="name"/> whose head <paramref name="head"/> continues the tensor of <paramref name="read"/> (its stage and unit, <see cref="Reads"/> its name).</summary>
    public static NetworkOutput Continuing(string name, NetworkOutput read, ValueList<Op> head)
    {
        ArgumentNullException.ThrowIfNull(read);
        return new NetworkOutput(name, read.Stage, read.Unit, head) { Reads = read.Name };
    }
}
