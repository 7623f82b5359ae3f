using System.Numerics;

namespace InfoField.Torch.Kernels;

/// <summary>
/// The layout of the tensors a banded product reads and writes: N samples of planes of P contiguous positions,
/// C_in planes per input sample and C_out per output sample (contiguous NC... tensors).
/// </summary>
/// <param name="Samples">N.</param>
/// <param name="Positions">P, the product of the spatial dimensions.</param>
/// <param name="InputPlanes">Planes per sample of the tensor read.</param>
/// <param name="OutputPlanes">Planes per sample of the tensor written.</param>
internal readonly record struct PlaneLayout(int Samples, int Positions, int InputPlanes, int OutputPlanes);

/// <summary>
/// Register-blocked kernels for banded products of planes, the core of the fast RPW. A tile holds four rows by four
/// vectors in sixteen accumulators; for each plane of the block's run it loads four vectors and four coefficients and
/// does sixteen fused multiply-adds, so every loaded vector serves four rows. Positions that do not fill a vector are done
/// one by one.
/// </summary>
internal static unsafe class BandedKernels
{
    /// <summary>Result rows = banded sums of input planes, for the blocks <paramref name="fromBlock"/> to <paramref name="toBlock"/> (exclusive).</summary>
    public static void Sum<TLanes, TVector, T>(BandSet bands, T* coefficients, T* input, T* output, PlaneLayout layout, int fromBlock, int toBlock)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged, INumberBase<T>
    {
        int lanes = TLanes.Count;
        int vectorsPerSample = layout.Positions / lanes;
        int vectors = layout.Samples * vectorsPerSample;
        long inSample = (long)layout.InputPlanes * layout.Positions;
        long outSample = (long)layout.OutputPlanes * layout.Positions;
        long plane = layout.Positions;
        Span<long> inAt = stackalloc long[4];
        Span<long> outAt = stackalloc long[4];
        fixed (int* planesBase = bands.Planes)
        {
            for (int b = fromBlock; b < toBlock; b++)
            {
                int length = bands.BlockLength[b];
                int* planes = planesBase + bands.BlockStart[b];
                T* c0 = coefficients + (4L * bands.BlockStart[b]);
                T* c1 = c0 + length, c2 = c1 + length, c3 = c2 + length;
                long r0 = bands.Slots[4 * b] * plane, r1 = bands.Slots[(4 * b) + 1] * plane, r2 = bands.Slots[(4 * b) + 2] * plane, r3 = bands.Slots[(4 * b) + 3] * plane;
                for (int v = 0; v < vectors; v += 4)
                {
                    for (int i = 0; i < 4; i++)
                    {
                        int vector = Math.Min(v + i, vectors - 1);
                        int sample = vector / vectorsPerSample;
                        long position = (long)(vector % vectorsPerSample) * lanes;
                        inAt[i] = (sample * inSample) + position;
                        outAt[i] = (sample * outSample) + position;
                    }

                    TVector a00 = TLanes.Zero, a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                    TVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
                    T* s0 = input + inAt[0], s1 = input + inAt[1], s2 = input + inAt[2], s3 = input + inAt[3];
                    for (int k = 0; k < length; k++)
                    {
                        long at = planes[k] * plane;
                        TVector x0 = TLanes.Load(s0 + at), x1 = TLanes.Load(s1 + at), x2 = TLanes.Load(s2 + at), x3 = TLanes.Load(s3 + at);
                        TVector w0 = TLanes.Broadcast(c0[k]), w1 = TLanes.Broadcast(c1[k]), w2 = TLanes.Broadcast(c2[k]), w3 = TLanes.Broadcast(c3[k]);
                        a00 = TLanes.MultiplyAdd(w0, x0, a00);
                        a01 = TLanes.MultiplyAdd(w0, x1, a01);
                        a02 = TLanes.MultiplyAdd(w0, x2, a02);
                        a03 = TLanes.MultiplyAdd(w0, x3, a03);
                        a10 = TLanes.MultiplyAdd(w1, x0, a10);
                        a11 = TLanes.MultiplyAdd(w1, x1, a11);
                        a12 = TLanes.MultiplyAdd(w1, x2, a12);
                        a13 = TLanes.MultiplyAdd(w1, x3, a13);
                        a20 = TLanes.MultiplyAdd(w2, x0, a20);
                        a21 = TLanes.MultiplyAdd(w2, x1, a21);
                        a22 = TLanes.MultiplyAdd(w2, x2, a22);
                        a23 = TLanes.MultiplyAdd(w2, x3, a23);
                        a30 = TLanes.MultiplyAdd(w3, x0, a30);
                        a31 = TLanes.MultiplyAdd(w3, x1, a31);
                        a32 = TLanes.MultiplyAdd(w3, x2, a32);
                        a33 = TLanes.MultiplyAdd(w3, x3, a33);
                    }

                    T* o0 = output + outAt[0], o1 = output + outAt[1], o2 = output + outAt[2], o3 = output + outAt[3];
                    TLanes.Store(a00, o0 + r0);
                    TLanes.Store(a01, o1 + r0);
                    TLanes.Store(a02, o2 + r0);
                    TLanes.Store(a03, o3 + r0);
                    TLanes.Store(a10, o0 + r1);
                    TLanes.Store(a11, o1 + r1);
                    TLanes.Store(a12, o2 + r1);
                    TLanes.Store(a13, o3 + r1);
                    TLanes.Store(a20, o0 + r2);
                    TLanes.Store(a21, o1 + r2);
                    TLanes.Store(a22, o2 + r2);
                    TLanes.Store(a23, o3 + r2);
                    TLanes.Store(a30, o0 + r3);
                    TLanes.Store(a31, o1 + r3);
                    TLanes.Store(a32, o2 + r3);
                    TLanes.Store(a33, o3 + r3);
                }

                // Positions past the last full vector of each sample, one by one.
                for (int position = vectorsPerSample * lanes; position < layout.Positions; position++)
                {
                    for (int sample = 0; sample < layout.Samples; sample++)
                    {
                        T* source = input + (sample * inSample) + position;
                        T* target = output + (sample * outSample) + position;
                        for (int q = 0; q < 4; q++)
                        {
                            T* strip = c0 + ((long)q * length);
                            T sum = T.Zero;
                            for (int k = 0; k < length; k++)
                            {
                                sum += strip[k] * source[planes[k] * plane];
                            }

                            target[bands.Slots[(4 * b) + q] * plane] = sum;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The weight gradient of the forward bands: for each block, the products of its four rows' output-gradient planes
    /// with each plane of its run, summed over samples and positions, scattered into <paramref name="gradient"/> (C_out x w)
    /// through the bands' coefficient sources.
    /// </summary>
    public static void Cross<TLanes, TVector, T>(BandSet bands, T* outputGradient, T* input, T* gradient, PlaneLayout layout, int fromBlock, int toBlock)
        where TLanes : struct, ILanes<TVector, T>
        where TVector : struct
        where T : unmanaged, INumberBase<T>
    {
        int lanes = TLanes.Count;
        int fullPositions = layout.Positions / lanes * lanes;
        long gradientSample = (long)layout.OutputPlanes * layout.Positions;
        long inputSample = (long)layout.InputPlanes * layout.Positions;
        long plane = layout.Positions;
        int chunk = Math.Max(1, 2048 / Math.Max(layout.Positions, 1));
        int longest = bands.BlockLength.Max();
        var band = new T[4 * (longest + 4)];
        fixed (int* planesBase = bands.Planes)
        fixed (T* sums = band)
        {
            for (int b = fromBlock; b < toBlock; b++)
            {
                int length = bands.BlockLength[b];
                int stride = longest + 4;
                int* planes = planesBase + bands.BlockStart[b];
                Array.Clear(band);
                long g0 = bands.Slots[4 * b] * plane, g1 = bands.Slots[(4 * b) + 1] * plane, g2 = bands.Slots[(4 * b) + 2] * plane, g3 = bands.Slots[(4 * b) + 3] * plane;
                for (int first = 0; first < layout.Samples; first += chunk)
                {
                    int last = Math.Min(layout.Samples, first + chunk);
                    for (int k = 0; k < length; k += 4)
                    {
                        long x0 = planes[k] * plane, x1 = planes[Math.Min(k + 1, length - 1)] * plane, x2 = planes[Math.Min(k + 2, length - 1)] * plane, x3 = planes[Math.Min(k + 3, length - 1)] * plane;
                        TVector a00 = TLanes.Zero, a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                        TVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
                        T t00 = T.Zero, t01 = t00, t02 = t00, t03 = t00, t10 = t00, t11 = t00, t12 = t00, t13 = t00;
                        T t20 = t00, t21 = t00, t22 = t00, t23 = t00, t30 = t00, t31 = t00, t32 = t00, t33 = t00;
                        for (int sample = first; sample < last; sample++)
                        {
                            T* g = outputGradient + (sample * gradientSample);
                            T* x = input + (sample * inputSample);
                            int p = 0;
                            for (; p < fullPositions; p += lanes)
                            {
                                TVector v0 = TLanes.Load(g + g0 + p), v1 = TLanes.Load(g + g1 + p), v2 = TLanes.Load(g + g2 + p), v3 = TLanes.Load(g + g3 + p);
                                TVector u0 = TLanes.Load(x + x0 + p), u1 = TLanes.Load(x + x1 + p), u2 = TLanes.Load(x + x2 + p), u3 = TLanes.Load(x + x3 + p);
                                a00 = TLanes.MultiplyAdd(v0, u0, a00);
                                a01 = TLanes.MultiplyAdd(v0, u1, a01);
                                a02 = TLanes.MultiplyAdd(v0, u2, a02);
                                a03 = TLanes.MultiplyAdd(v0, u3, a03);
                                a10 = TLanes.MultiplyAdd(v1, u0, a10);
                                a11 = TLanes.MultiplyAdd(v1, u1, a11);
                                a12 = TLanes.MultiplyAdd(v1, u2, a12);
                                a13 = TLanes.MultiplyAdd(v1, u3, a13);
                                a20 = TLanes.MultiplyAdd(v2, u0, a20);
                                a21 = TLanes.MultiplyAdd(v2, u1, a21);
                                a22 = TLanes.MultiplyAdd(v2, u2, a22);
                                a23 = TLanes.MultiplyAdd(v2, u3, a23);
                                a30 = TLanes.MultiplyAdd(v3, u0, a30);
                                a31 = TLanes.MultiplyAdd(v3, u1, a31);
                                a32 = TLanes.MultiplyAdd(v3, u2, a32);
                                a33 = TLanes.MultiplyAdd(v3, u3, a33);
                            }

                            for (; p < layout.Positions; p++)
                            {
                                T e0 = g[g0 + p], e1 = g[g1 + p], e2 = g[g2 + p], e3 = g[g3 + p];
                                T f0 = x[x0 + p], f1 = x[x1 + p], f2 = x[x2 + p], f3 = x[x3 + p];
                                t00 += e0 * f0;
                                t01 += e0 * f1;
                                t02 += e0 * f2;
                                t03 += e0 * f3;
                                t10 += e1 * f0;
                                t11 += e1 * f1;
                                t12 += e1 * f2;
                                t13 += e1 * f3;
                                t20 += e2 * f0;
                                t21 += e2 * f1;
                                t22 += e2 * f2;
                                t23 += e2 * f3;
                                t30 += e3 * f0;
                                t31 += e3 * f1;
                                t32 += e3 * f2;
                                t33 += e3 * f3;
                            }
                        }

                        sums[k] += TLanes.Sum(a00) + t00;
                        sums[k + 1] += TLanes.Sum(a01) + t01;
                        sums[k + 2] += TLanes.Sum(a02) + t02;
                        sums[k + 3] += TLanes.Sum(a03) + t03;
                        sums[stride + k] += TLanes.Sum(a10) + t10;
                        sums[stride + k + 1] += TLanes.Sum(a11) + t11;
                        sums[stride + k + 2] += TLanes.Sum(a12) + t12;
                        sums[stride + k + 3] += TLanes.Sum(a13) + t13;
                        sums[(2 * stride) + k] += TLanes.Sum(a20) + t20;
                        sums[(2 * stride) + k + 1] += TLanes.Sum(a21) + t21;
                        sums[(2 * stride) + k + 2] += TLanes.Sum(a22) + t22;
                        sums[(2 * stride) + k + 3] += TLanes.Sum(a23) + t23;
                        sums[(3 * stride) + k] += TLanes.Sum(a30) + t30;
                        sums[(3 * stride) + k + 1] += TLanes.Sum(a31) + t31;
                        sums[(3 * stride) + k + 2] += TLanes.Sum(a32) + t32;
                        sums[(3 * stride) + k + 3] += TLanes.Sum(a33) + t33;
                    }
                }

                int sourceBase = 4 * bands.BlockStart[b];
                for (int q = 0; q < 4; q++)
                {
                    for (int k = 0; k < length; k++)
                    {
                        int source = bands.Sources[sourceBase + (q * length) + k];
                        if (source >= 0)
                        {
                            gradient[source] = sums[(q * stride) + k];
                        }
                    }
                }
            }
        }
    }
}
