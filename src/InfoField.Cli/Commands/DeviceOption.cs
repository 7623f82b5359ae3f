using System.CommandLine;
using InfoField.Torch;
using static TorchSharp.torch;

namespace InfoField.Cli.Commands;

/// <summary><c>--device cpu|cuda|cuda:N|auto</c>, shared by train, eval, the studies and bench.</summary>
internal static class DeviceOption
{
    /// <summary>The option, default <c>cpu</c>, described by <paramref name="description"/>.</summary>
    public static Option<string> Create(string description) =>
        new("--device") { Description = description, DefaultValueFactory = _ => "cpu" };

    /// <summary>The device the option names (errors name <c>device</c>, which the console renders as <c>--device</c>).</summary>
    public static Device Resolve(ParseResult parsed, Option<string> option) => Devices.Resolve(parsed.GetRequiredValue(option));

    /// <summary>
    /// The one line for a CUDA device this infofield cannot use: for a CPU build, which package to build the tool on and
    /// how; otherwise the library's reason.
    /// </summary>
    public static string Message(DeviceUnavailableException failure) => failure.Problem == DeviceProblem.NoCudaBuild
        ? $"--device {failure.Value}: this infofield runs TorchSharp's CPU build ({Devices.CpuPackage}), which has no CUDA; build the tool on {Devices.CudaPackageLinux} (Linux) or {Devices.CudaPackageWindows} (Windows), e.g. dotnet publish src/InfoField.Cli -c Release -p:TorchSharpPackage={Devices.CudaPackageLinux} -o out, and run out/infofield (docs/training.md, Training on a GPU)"
        : failure.Render("--device");
}
