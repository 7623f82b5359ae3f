namespace InfoField.Architecture;

/// <summary>
/// A further output of a network besides its main one (the last stage's output through <see cref="Network.Head"/>): a
/// head read from the output tensor of one unit (a segmentation model's auxiliary head, a detector's head at another
/// scale). Its ops are a chain applied to that tensor; they are analysed and counted, never moved or removed by the
/// organizer.
/// </summary>
/// <param name="Name">The output's name, unique in the network and not <see cref="Network.MainOutputName"/>.</param>
/// <param name="Stage">The stage (from 0) of the unit the head reads.</param>
/// <param name="Unit">The unit (from 0) within that stage whose output the head reads.</param>
/// <param name="Head">The ops applied to that unit's output, in order (may be empty: the unit's output is the output).</param>
public sealed record NetworkOutput(string Name, int Stage, int Unit, ValueList<Op> Head);
