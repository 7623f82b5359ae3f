// The paper's Listing 1 in C#: build a model as you would in TorchSharp, ask InfoField for its Information Field
// report (the dIF of every layer), let the stage-level organizer reorganize it, and get the new model, ready to train.
// Nothing here trains: the analysis is static.
//
//   dotnet run --project samples/Listing1
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Organizer;
using InfoField.Reporting;
using InfoField.Samples.Listing1;
using InfoField.Torch;

// Create a CNN model: VGG-16 for CIFAR-10, five stages of 3x3 convolutions.
using var model = new Cnn(stageDepth: [2, 2, 3, 3, 3], stageWidth: [64, 128, 256, 512, 512], outClass: 10);

// Compute the delta IF of the model (the paper's stage_opt.comp_DeltaIF).
NetworkField info = model.InformationField(new FeatureShape(3, 32, 32));
Console.Write(FieldTable.Render(info, "CIFAR-10"));

// Optimize the model structure with delta IF (the paper's stage_opt.optimize_arch).
OrganizerResult optimized = StageOrganizer.Optimize(info.Network);
Console.WriteLine();
Console.Write(OrganizerTable.Render(optimized, "CIFAR-10"));

// The optimized architecture as a TorchSharp model, ready for regular training and inference.
using var modelOpt = optimized.After.ToModule();
Console.WriteLine($"optimized model: {modelOpt.parameters().Sum(p => p.numel()):N0} parameters, stages {StageUnits.Format(optimized.AfterStageUnits)}");
