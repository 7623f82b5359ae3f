// The paper's Listing 1 in C#: build a model as you would in TorchSharp, then ask InfoField for its
// Information Field report (the dIF of every layer), without training anything.
//
//   dotnet run --project samples/Listing1
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Reporting;
using InfoField.Samples.Listing1;
using InfoField.Torch;

// Create a CNN model: VGG-16 for CIFAR-10, five stages of 3x3 convolutions.
using var model = new Cnn(stageDepth: [2, 2, 3, 3, 3], stageWidth: [64, 128, 256, 512, 512], outClass: 10);

// Compute the delta IF of the model (the paper's stage_opt.comp_DeltaIF).
NetworkField info = model.InformationField(new FeatureShape(3, 32, 32));
Console.Write(FieldTable.Render(info, "CIFAR-10"));

// Which layers add nothing? dIF = 0 means the stage already sees its whole input.
foreach (StageField stage in info.Stages)
{
    foreach (UnitField unit in stage.Units.Where(unit => unit.DeltaIf == 0))
    {
        Console.WriteLine($"stage {stage.Index}, layer {unit.Index} ({unit.Name}) adds no information field");
    }
}

// The architecture can be rebuilt as a TorchSharp model, ready to train.
using var rebuilt = info.Network.ToModule();
Console.WriteLine($"rebuilt: {rebuilt.parameters().Sum(p => p.numel()):N0} parameters");
