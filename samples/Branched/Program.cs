// A branched TorchSharp model (residual blocks and an Inception-like concatenation) traced into InfoField's graph
// architecture model and analysed: the same report as for a chain, with one row per residual or concat unit.
// Nothing here trains: the analysis is static.
//
//   dotnet run --project samples/Branched
using InfoField.Architecture;
using InfoField.Field;
using InfoField.Reporting;
using InfoField.Samples.Branched;
using InfoField.Torch;

using var model = new SmallResNet(width: 16, outClass: 10);

// One forward pass with hooks reads the modules; the functional adds, concatenation and pooling are found by value.
NetworkField info = model.InformationField(new FeatureShape(3, 32, 32));
Console.Write(FieldTable.Render(info, "CIFAR-10"));
Console.WriteLine();
Console.WriteLine($"traced: {info.Cost.Total.Parameters:N0} parameters; TorchSharp counts {model.parameters().Sum(p => p.numel()):N0}");
