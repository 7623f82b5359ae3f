using System.CommandLine;
using InfoField.Field;

namespace InfoField.Cli.Commands;

/// <summary>Options shared by the commands that take a model.</summary>
internal sealed class CommonOptions
{
    public Argument<string> Model { get; } = new("model") { Description = "A zoo model name (see 'infofield models'), a spec file (*.json) or an ONNX model (*.onnx)." };

    public Option<string?> Dataset { get; } = new("--dataset", "-d") { Description = "Zoo models: cifar10 (default), cifar100, imagenet, fashion-mnist, mnist or kinetics400 (video clips, for r3d-18); chooses input size, head and definitions." };

    public Option<double?> Width { get; } = new("--width", "-w") { Description = "Zoo models: channel multiplier (default 1)." };

    public Option<string?> Input { get; } = new("--input") { Description = "Input shape CxHxW (or CxL for 1-D), overriding the dataset's or the spec's." };

    public Option<double> Alpha { get; } = new("--alpha") { Description = "Decay constant alpha of the IF gain.", DefaultValueFactory = _ => 3.0 };

    public Option<string> Frame { get; } = CreateFrame();

    public Option<string> Field { get; } = CreateField();

    public Option<bool> Json { get; } = new("--json") { Description = "Write JSON (the contract in docs/cli.md) instead of text." };

    public void AddModelOptions(Command command)
    {
        command.Arguments.Add(Model);
        command.Options.Add(Dataset);
        command.Options.Add(Width);
        command.Options.Add(Input);
    }

    public LoadedNetwork LoadNetwork(ParseResult parsed)
    {
        string? input = parsed.GetValue(Input);
        return ModelArgument.Load(
            parsed.GetRequiredValue(Model),
            parsed.GetValue(Dataset),
            parsed.GetValue(Width),
            input is null ? null : ModelArgument.ParseInput(input));
    }

    public FieldOptions FieldOptions(ParseResult parsed) => new FieldOptions(
        parsed.GetValue(Alpha),
        parsed.GetValue(Frame) == "output" ? CoordinateFrame.Output : CoordinateFrame.Input,
        ParseField(parsed.GetValue(Field))).Validated();

    /// <summary>The field named by <c>--field</c> (local when not given).</summary>
    public static FieldKind ParseField(string? value) => value == "literal" ? FieldKind.Literal : FieldKind.Local;

    /// <summary>The <c>--field</c> option: which field IF, dIF, the verdicts and the organizer use.</summary>
    public static Option<string> CreateField()
    {
        var field = new Option<string>("--field") { Description = "The field IF and dIF are computed from: local (default: what reaches a unit through windows, leaving out what reaches it only through global pooling, such as squeeze-and-excitation gates) or literal (everything, as the paper's definition reads literally).", DefaultValueFactory = _ => "local" };
        field.AcceptOnlyFromAmong("local", "literal");
        return field;
    }

    private static Option<string> CreateFrame()
    {
        var frame = new Option<string>("--frame") { Description = "Coordinate frame of stages opened by a strided unit: input (default) or output.", DefaultValueFactory = _ => "input" };
        frame.AcceptOnlyFromAmong("input", "output");
        return frame;
    }
}
