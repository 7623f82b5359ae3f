using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

public class DevicesTests
{
    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("CPU", "cpu")]
    [InlineData(" cpu ", "cpu")]
    public void The_cpu_is_always_there(string name, string expected) =>
        Assert.Equal(expected, Devices.Name(Devices.Resolve(name)));

    [Fact]
    public void Auto_picks_cuda_when_there_is_one_and_the_cpu_otherwise() =>
        Assert.Equal(cuda.is_available() ? "cuda:0" : "cpu", Devices.Name(Devices.Resolve("auto")));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("cuda0")]
    [InlineData("mps")]
    public void Names_that_are_no_device_are_refused_naming_the_parameter_and_the_choices(string name)
    {
        var error = Assert.Throws<ParameterException>(() => Devices.Resolve(name));

        Assert.Equal($"device {name}: not a device; expected cpu, cuda, cuda:N (CUDA device N, from 0) or auto (cuda when there is one, else cpu)", error.Message);
        Assert.Equal("device", error.Parameter);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    [InlineData("cuda:3")]
    public void Cuda_on_the_cpu_build_says_which_package_to_reference(string name)
    {
        if (Devices.HasCudaBuild)
        {
            return; // this test speaks of the CPU build, which the repository builds on by default
        }

        var error = Assert.Throws<DeviceUnavailableException>(() => Devices.Resolve(name));

        Assert.Equal(DeviceProblem.NoCudaBuild, error.Problem);
        Assert.Equal($"device {name}: this process runs TorchSharp's CPU build (TorchSharp-cpu), which has no CUDA; reference TorchSharp-cuda-linux (Linux) or TorchSharp-cuda-windows (Windows), version 0.107.0, in place of TorchSharp-cpu (docs/training.md, Training on a GPU)", error.Message);
        Assert.False(cuda.is_available());
    }

    [Fact]
    public void A_module_is_on_the_device_of_its_parameters()
    {
        using var conv = nn.Conv2d(2, 2, 1);
        using var relu = nn.ReLU();

        Assert.Equal("cpu", Devices.Name(Devices.Of(conv)));
        Assert.Equal("cpu", Devices.Name(Devices.Of(relu)));
        Devices.Synchronize(CPU);
    }
}
