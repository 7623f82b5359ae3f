InfoField.Torch.Training.NativeHeap.KeepFreedMemory();
return InfoField.Cli.CliEnvironment.Apply(Console.Error)
    ? RunWithStandardOutput(args)
    : InfoField.Cli.ExitCodes.Error;

static int RunWithStandardOutput(string[] args)
{
    using var output = new BufferedStream(Console.OpenStandardOutput(), 1 << 20);
    return InfoField.Cli.CliApp.Run(args, Console.Out, Console.Error, output);
}
