InfoField.Torch.Training.NativeHeap.KeepFreedMemory();
return InfoField.Cli.CliEnvironment.Apply(Console.Error)
    ? InfoField.Cli.CliApp.Run(args, Console.Out, Console.Error)
    : InfoField.Cli.ExitCodes.Error;
