using InfoField.Torch.Training;

namespace InfoField.Torch.Tests.Training;

public class NativeHeapTests
{
    [Fact]
    public void Glibc_takes_the_settings_and_calling_again_is_harmless()
    {
        bool glibc = OperatingSystem.IsLinux() && File.Exists("/lib/x86_64-linux-gnu/libc.so.6") | File.Exists("/lib/aarch64-linux-gnu/libc.so.6") | File.Exists("/lib64/libc.so.6");

        NativeHeapSettings first = NativeHeap.KeepFreedMemory();
        NativeHeapSettings second = NativeHeap.KeepFreedMemory();

        Assert.Equal(first, second);
        if (glibc && Environment.GetEnvironmentVariable(NativeHeap.OptOutVariable) != "default")
        {
            Assert.True(first.Applied);
            Assert.InRange(first.MmapThreshold, 16L << 20, 1L << 30);
        }
        else
        {
            Assert.False(first.Applied);
            Assert.Equal(0, first.MmapThreshold);
        }
    }
}
