using System.Numerics;
using System.Runtime.Intrinsics;
using InfoField.Torch.Kernels;

namespace InfoField.Torch.Tests.Kernels;

public class LanesTests
{
    /// <summary>
    /// Every register type's pair sums, on this processor's instructions (a width it lacks runs in software): the
    /// weight gradient's lane sums are a tree of these, so a wrong lane order would misplace gradients.
    /// </summary>
    [Fact]
    public void Pair_sums_add_adjacent_lanes_of_a_then_of_b_at_every_width()
    {
        Check<Float512, Vector512<float>, float>();
        Check<Float256, Vector256<float>, float>();
        Check<Float128, Vector128<float>, float>();
        Check<Double512, Vector512<double>, double>();
        Check<Double256, Vector256<double>, double>();
        Check<Double128, Vector128<double>, double>();
    }

    private static void Check<TLanes, TVector, T>()
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged, INumberBase<T>
    {
        int n = TLanes.Count;

        // Distinct integers, so every sum is exact and every misplaced lane shows.
        T[] a = [.. Enumerable.Range(0, n).Select(i => T.CreateChecked((i * i) + 1))];
        T[] b = [.. Enumerable.Range(0, n).Select(i => T.CreateChecked(1000 + (7 * i * i)))];
        T[] result = Apply<TLanes, TVector, T>(a, b);

        T[] expected = [.. Enumerable.Range(0, n / 2).Select(i => a[2 * i] + a[(2 * i) + 1]), .. Enumerable.Range(0, n / 2).Select(i => b[2 * i] + b[(2 * i) + 1])];
        Assert.Equal(expected, result);
    }

    private static unsafe T[] Apply<TLanes, TVector, T>(T[] a, T[] b)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged
    {
        var result = new T[a.Length];
        fixed (T* pa = a, pb = b, pr = result)
        {
            TLanes.Store(TLanes.PairSum(TLanes.Load(pa), TLanes.Load(pb)), pr);
        }

        return result;
    }
}
