using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace InfoField.Torch;

/// <summary>Why a device cannot be used (<see cref="DeviceUnavailableException"/>).</summary>
public enum DeviceProblem
{
    /// <summary>CUDA was asked for, and the process runs TorchSharp's CPU build, which has no CUDA.</summary>
    NoCudaBuild,

    /// <summary>TorchSharp's CUDA build is loaded, and it finds no CUDA device (no GPU, or no usable driver).</summary>
    NoCudaDevice,

    /// <summary>A CUDA device number past the devices there are.</summary>
    NoSuchDevice,
}

/// <summary>A device was asked for that this process cannot use; <see cref="Problem"/> says why.</summary>
public sealed class DeviceUnavailableException : ParameterException
{
    /// <summary>Creates the error for <paramref name="parameter"/> set to <paramref name="value"/>.</summary>
    public DeviceUnavailableException(string parameter, string value, DeviceProblem problem, string rule)
        : base(parameter, value, rule)
    {
        Problem = problem;
    }

    /// <summary>Why the device cannot be used.</summary>
    public DeviceProblem Problem { get; }
}

/// <summary>
/// The devices InfoField trains and evaluates on: the CPU, or a CUDA GPU when the process runs one of TorchSharp's CUDA
/// builds (the packages <see cref="CudaPackageLinux"/> or <see cref="CudaPackageWindows"/> in place of
/// <see cref="CpuPackage"/>; docs/training.md, "Training on a GPU").
/// </summary>
public static class Devices
{
    /// <summary>The TorchSharp package with libtorch's CPU build, which InfoField.Torch references by default.</summary>
    public const string CpuPackage = "TorchSharp-cpu";

    /// <summary>The TorchSharp package with libtorch's CUDA build for Linux.</summary>
    public const string CudaPackageLinux = "TorchSharp-cuda-linux";

    /// <summary>The TorchSharp package with libtorch's CUDA build for Windows.</summary>
    public const string CudaPackageWindows = "TorchSharp-cuda-windows";

    /// <summary>The device names <see cref="Resolve"/> reads, in words.</summary>
    public const string Names = "cpu, cuda, cuda:N (CUDA device N, from 0) or auto (cuda when there is one, else cpu)";

    /// <summary>The version of the TorchSharp the process runs (the CUDA package to reference has the same).</summary>
    public static string TorchSharpVersion
    {
        get
        {
            Version? version = typeof(TorchSharp.torch).Assembly.GetName().Version;
            return version is null ? "?" : string.Create(CultureInfo.InvariantCulture, $"{version.Major}.{version.Minor}.{version.Build}");
        }
    }

    /// <summary>Whether the process's libtorch has CUDA (its CUDA library loads), whether or not a GPU is present.</summary>
    public static bool HasCudaBuild => NativeLibrary.TryLoad("torch_cuda", typeof(TorchSharp.torch).Assembly, null, out _);

    /// <summary>
    /// The device <paramref name="name"/> names: <c>cpu</c>, <c>cuda</c> (device 0), <c>cuda:N</c>, or <c>auto</c> (CUDA
    /// device 0 when CUDA is available, else the CPU). Throws <see cref="ParameterException"/> naming
    /// <paramref name="parameter"/> for anything else, and <see cref="DeviceUnavailableException"/> when CUDA is asked for
    /// and this process cannot use it.
    /// </summary>
    public static Device Resolve(string name, string parameter = "device")
    {
        ArgumentNullException.ThrowIfNull(name);
        string text = name.Trim().ToLowerInvariant();
        if (text == "cpu")
        {
            return CPU;
        }

        if (text == "auto")
        {
            return cuda.is_available() ? new Device(DeviceType.CUDA, 0) : CPU;
        }

        int index = 0;
        if (text != "cuda" && !(text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out index)))
        {
            throw new ParameterException(parameter, name, $"not a device; expected {Names}");
        }

        var device = new Device(DeviceType.CUDA, index);
        Require(device, parameter, name);
        return device;
    }

    /// <summary>Throws <see cref="DeviceUnavailableException"/> (naming <paramref name="parameter"/>) unless this process can compute on <paramref name="device"/>.</summary>
    public static void Require(Device device, string parameter = "device", string? asked = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        asked ??= Name(device);
        if (device.type == DeviceType.CPU)
        {
            return;
        }

        if (device.type != DeviceType.CUDA)
        {
            throw new ParameterException(parameter, asked, $"InfoField computes on the CPU or a CUDA device; expected {Names}");
        }

        if (!cuda.is_available())
        {
            throw HasCudaBuild
                ? new DeviceUnavailableException(parameter, asked, DeviceProblem.NoCudaDevice, "TorchSharp's CUDA build finds no CUDA device here (no NVIDIA GPU, or no driver it can use); use the CPU, or run where a GPU is")
                : new DeviceUnavailableException(parameter, asked, DeviceProblem.NoCudaBuild, $"this process runs TorchSharp's CPU build ({CpuPackage}), which has no CUDA; reference {CudaPackageLinux} (Linux) or {CudaPackageWindows} (Windows), version {TorchSharpVersion}, in place of {CpuPackage} (docs/training.md, Training on a GPU)");
        }

        int count = cuda.device_count();
        if (device.index >= count)
        {
            throw new DeviceUnavailableException(parameter, asked, DeviceProblem.NoSuchDevice, string.Create(CultureInfo.InvariantCulture, $"there {(count == 1 ? "is 1 CUDA device" : $"are {count} CUDA devices")}, cuda:0 to cuda:{count - 1}"));
        }
    }

    /// <summary>The device's name as <see cref="Resolve"/> reads it and result files record it: <c>cpu</c> or <c>cuda:N</c>.</summary>
    public static string Name(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.type switch
        {
            DeviceType.CPU => "cpu",
            DeviceType.CUDA => string.Create(CultureInfo.InvariantCulture, $"cuda:{Math.Max(device.index, 0)}"),
            _ => device.ToString(),
        };
    }

    /// <summary>The device <paramref name="module"/>'s parameters (or, without parameters, its buffers) are on; the CPU for a module with neither.</summary>
    public static Device Of(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        Tensor? first = module.parameters().FirstOrDefault() ?? module.buffers().FirstOrDefault();
        return first?.device ?? CPU;
    }

    /// <summary>Waits until <paramref name="device"/> has finished the work queued on it (CUDA runs asynchronously); nothing to wait for on the CPU.</summary>
    public static void Synchronize(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type == DeviceType.CUDA)
        {
            cuda.synchronize(device);
        }
    }
}
