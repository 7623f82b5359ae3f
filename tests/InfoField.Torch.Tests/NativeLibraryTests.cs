using static TorchSharp.torch;

namespace InfoField.Torch.Tests;

public class NativeLibraryTests
{
    [Fact]
    public void TorchSharp_loads_and_runs_a_convolution()
    {
        // A 2x2 all-ones kernel over a 3x3 ramp sums each 2x2 window: [[0+1+3+4, 1+2+4+5], [3+4+6+7, 4+5+7+8]].
        using Tensor input = arange(9, dtype: float32).reshape(1, 1, 3, 3);
        using Tensor kernel = ones(1, 1, 2, 2);

        using Tensor output = nn.functional.conv2d(input, kernel);

        Assert.Equal(new long[] { 1, 1, 2, 2 }, output.shape);
        Assert.Equal(new float[] { 8, 12, 20, 24 }, output.data<float>().ToArray());
    }

    [LinuxX64Fact]
    public void The_native_shim_in_the_output_requires_no_newer_libstdcxx()
    {
        // TorchSharp-cpu ships the shim for linux-x64; the build patches the copy in the output (docs/torchsharp-linux.md).
        string shim = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(shim), $"{shim} is missing: the TorchSharp-cpu package did not copy its native shim to the output");

        bool? weak = ElfVersionNeeds.IsWeak(shim, "GLIBCXX_3.4.32");

        Assert.True(weak is not null, $"{shim} has no version requirement GLIBCXX_3.4.32 at all: a new TorchSharp shim? check docs/torchsharp-linux.md, the patch and this test");
        Assert.True(weak, $"{shim} still hard-requires GLIBCXX_3.4.32: the build's patch did not run");
    }
}

/// <summary>A test of the Linux x64 build output; reported as skipped, saying so, on other systems.</summary>
public sealed class LinuxX64FactAttribute : FactAttribute
{
    public LinuxX64FactAttribute()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Skip = "checks the linux-x64 native shim, which only a Linux x64 build patches and loads";
        }
    }
}
