InfoField.Torch.Training.NativeHeap.KeepFreedMemory();
return InfoField.Cli.CliApp.Run(args, Console.Out, Console.Error);
