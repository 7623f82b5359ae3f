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

    [Fact]
    public void The_native_shim_in_the_output_requires_no_newer_libstdcxx()
    {
        string shim = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux() || !File.Exists(shim))
        {
            return;
        }

        Assert.True(ElfVersionNeeds.IsWeak(shim, "GLIBCXX_3.4.32"), $"{shim} still hard-requires GLIBCXX_3.4.32: the build's patch did not run");
    }
}
