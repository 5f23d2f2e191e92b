using System.Runtime.Intrinsics;
using MovieRecs.Internal;

namespace MovieRecs.Tests.Internal;

/// <summary>The kernel checks, written once and run for every entry of the kernel table.</summary>
internal interface IKernelChecks
{
    void Dot(int length, int offset);

    void Axpy(int length, int offset);

    void ScaleAndAdd(int length);

    void ConjugateGradientStep(int length, int seed, bool converged);

    void GatherDots(int rowCount, int width);

    void AccumulateRows(int rowCount, int width, bool accumulate);

    void GatherDotsAccumulate(int rowCount, int width, bool withOffsets, float sign);

    void GatherWeightedSquares(int rowCount, int width);

    void GramRowTile(int rowCount, int factors);

    void MultiplyBlock(int count, int factors, int stride);

    void RankUpdate(int rowCount, int factors);

    void CholeskySolve(int size, int seed);
}

internal static class KernelChecks
{
    public static TheoryData<string> Widths => new(KernelTable.All.ToArray().Select(w => w.ToString()));

    public static IKernelChecks For(string width) => Enum.Parse<SimdWidth>(width) switch
    {
        SimdWidth.Vector512 => new KernelChecks<Vector512Ops, Vector512<float>>(),
        SimdWidth.Vector256 => new KernelChecks<Vector256Ops, Vector256<float>>(),
        SimdWidth.Vector128 => new KernelChecks<Vector128Ops, Vector128<float>>(),
        _ => new KernelChecks<ScalarOps, float>(),
    };

    public static float[] RandomArray(Random random, int length, float low = -1f, float high = 1f)
    {
        var result = new float[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = low + ((high - low) * random.NextSingle());
        }

        return result;
    }

    /// <summary>Asserts |actual − expected| ≤ tolerance · (scale + |expected|).</summary>
    public static void Close(double expected, double actual, double tolerance, double scale, string what)
    {
        var bound = tolerance * (scale + Math.Abs(expected));
        Assert.True(Math.Abs(actual - expected) <= bound, $"{what}: expected {expected}, got {actual} (bound {bound}).");
    }
}

internal sealed class KernelChecks<TOps, TVec> : IKernelChecks
    where TOps : struct, ISimdOps<TVec>
    where TVec : struct
{
    private const float Tolerance = 1e-5f;

    public void Dot(int length, int offset)
    {
        var random = new Random((length * 31) + offset);
        var x = KernelChecks.RandomArray(random, length + offset);
        var y = KernelChecks.RandomArray(random, length + offset);
        double expected = 0, scale = 0;
        for (var i = 0; i < length; i++)
        {
            expected += (double)x[offset + i] * y[offset + i];
            scale += Math.Abs((double)x[offset + i] * y[offset + i]);
        }

        var actual = DenseKernels.Dot<TOps, TVec>(ref At(x, offset), ref At(y, offset), length);
        KernelChecks.Close(expected, actual, Tolerance, scale + 1e-30, $"Dot length {length} offset {offset}");
    }

    public void Axpy(int length, int offset)
    {
        var random = new Random((length * 17) + offset);
        var x = KernelChecks.RandomArray(random, length + offset + 3);
        var y = KernelChecks.RandomArray(random, length + offset + 3);
        var original = (float[])y.Clone();
        var a = random.NextSingle() - 0.5f;
        DenseKernels.Axpy<TOps, TVec>(a, ref At(x, offset), ref At(y, offset), length);
        for (var i = 0; i < y.Length; i++)
        {
            var inside = i >= offset && i < offset + length;
            var expected = inside ? original[i] + ((double)a * x[i]) : original[i];
            KernelChecks.Close(expected, y[i], Tolerance, 1, $"Axpy[{i}] length {length}");
            if (!inside)
            {
                Assert.Equal(original[i], y[i]);
            }
        }
    }

    public void ScaleAndAdd(int length)
    {
        var random = new Random(length);
        var p = KernelChecks.RandomArray(random, length + 1);
        var r = KernelChecks.RandomArray(random, length + 1);
        var original = (float[])p.Clone();
        DenseKernels.ScaleAndAdd<TOps, TVec>(ref At(p, 0), 0.75f, ref At(r, 0), length);
        for (var i = 0; i < length; i++)
        {
            KernelChecks.Close(r[i] + (0.75 * original[i]), p[i], Tolerance, 1, $"ScaleAndAdd[{i}]");
        }

        Assert.Equal(original[length], p[length]);
        DenseKernels.Scale<TOps, TVec>(-2f, ref At(p, 0), length);
        for (var i = 0; i < length; i++)
        {
            KernelChecks.Close(-2 * (r[i] + (0.75 * original[i])), p[i], Tolerance, 1, $"Scale[{i}]");
        }
    }

    public void ConjugateGradientStep(int length, int seed, bool converged)
    {
        var random = new Random((length * 31) + seed);
        var p = KernelChecks.RandomArray(random, length + 1);
        var ap = KernelChecks.RandomArray(random, length + 1, 0.5f, 2f);
        var x = KernelChecks.RandomArray(random, length + 1);
        var r = KernelChecks.RandomArray(random, length + 1);
        var rsOld = 0.5f + random.NextSingle();
        var threshold = converged ? float.MaxValue : 1e-20f;
        var (p1, x1, r1) = ((float[])p.Clone(), (float[])x.Clone(), (float[])r.Clone());
        var rsNew = DenseKernels.ConjugateGradientStep<TOps, TVec>(ref At(p1, 0), ref At(ap, 0), ref At(x1, 0), ref At(r1, 0), length, rsOld, threshold);

        // Whatever form the dispatch picks (rows of seven vectors have a fused one), it equals the general form bit for bit.
        var (p2, x2, r2) = ((float[])p.Clone(), (float[])x.Clone(), (float[])r.Clone());
        var general = DenseKernels.ConjugateGradientStepGeneral<TOps, TVec>(ref At(p2, 0), ref At(ap, 0), ref At(x2, 0), ref At(r2, 0), length, rsOld, threshold);
        Assert.Equal(BitConverter.SingleToInt32Bits(general), BitConverter.SingleToInt32Bits(rsNew));
        foreach (var (a, b) in new[] { (p1, p2), (x1, x2), (r1, r2) })
        {
            Assert.Equal(b.Select(BitConverter.SingleToInt32Bits).ToArray(), a.Select(BitConverter.SingleToInt32Bits).ToArray());
        }

        // And the step itself, in double.
        double pap = 0;
        for (var i = 0; i < length; i++)
        {
            pap += (double)p[i] * ap[i];
        }

        var alpha = rsOld / pap;
        double rr = 0;
        for (var i = 0; i < length; i++)
        {
            var ri = r[i] - (alpha * ap[i]);
            rr += ri * ri;
            KernelChecks.Close(x[i] + (alpha * p[i]), x1[i], 1e-3, 1, $"CG x[{i}]");
            KernelChecks.Close(ri, r1[i], 1e-3, 1, $"CG r[{i}]");
        }

        KernelChecks.Close(rr, rsNew, 1e-3, 1, "CG r·r");
        for (var i = 0; i < length; i++)
        {
            // A converged row keeps its direction; otherwise p = r + (rsNew / rsOld)·p.
            KernelChecks.Close(converged ? p[i] : r1[i] + ((double)rsNew / rsOld * p[i]), p1[i], 1e-3, 1, $"CG p[{i}]");
        }

        Assert.Equal(p[length], p1[length]);
        Assert.Equal(x[length], x1[length]);
        Assert.Equal(r[length], r1[length]);
    }

    public void GatherDots(int rowCount, int width)
    {
        var random = new Random((rowCount * 7) + width);
        var stride = width + 3;
        var rows = KernelChecks.RandomArray(random, (rowCount + 5) * stride);
        var vector = KernelChecks.RandomArray(random, width + 1);
        var indexes = new int[rowCount];
        for (var j = 0; j < rowCount; j++)
        {
            indexes[j] = random.Next(rowCount + 5);
        }

        var dots = new float[rowCount + 1];
        dots[rowCount] = 42f;
        DenseKernels.GatherDots<TOps, TVec>(ref At(rows, 0), stride, indexes, ref At(vector, 0), width, dots);
        for (var j = 0; j < rowCount; j++)
        {
            var (expected, scale) = ReferenceDot(rows, indexes[j] * stride, vector, width);

            KernelChecks.Close(expected, dots[j], Tolerance, scale + 1e-30, $"GatherDots[{j}] rows {rowCount} width {width}");
        }

        Assert.Equal(42f, dots[rowCount]);
    }

    public void AccumulateRows(int rowCount, int width, bool accumulate)
    {
        var random = new Random((rowCount * 13) + width + (accumulate ? 1 : 0));
        var stride = width + 1;
        var rows = KernelChecks.RandomArray(random, (rowCount + 3) * stride);
        var coefficients = KernelChecks.RandomArray(random, rowCount);
        var indexes = new int[rowCount];
        for (var j = 0; j < rowCount; j++)
        {
            indexes[j] = random.Next(rowCount + 3);
        }

        var destination = KernelChecks.RandomArray(random, width + 1);
        var original = (float[])destination.Clone();
        DenseKernels.AccumulateRows<TOps, TVec>(ref At(rows, 0), stride, indexes, coefficients, destination.AsSpan(0, width), accumulate);
        for (var i = 0; i < width; i++)
        {
            double expected = accumulate ? original[i] : 0, scale = Math.Abs(expected);
            for (var j = 0; j < rowCount; j++)
            {
                var term = (double)coefficients[j] * rows[(indexes[j] * stride) + i];
                expected += term;
                scale += Math.Abs(term);
            }

            KernelChecks.Close(expected, destination[i], Tolerance, scale + 1e-30, $"AccumulateRows[{i}] rows {rowCount} width {width}");
        }

        Assert.Equal(original[width], destination[width]);
    }

    public void GatherDotsAccumulate(int rowCount, int width, bool withOffsets, float sign)
    {
        var random = new Random((rowCount * 17) + (width * 3) + (withOffsets ? 1 : 0) + (sign < 0 ? 2 : 0));
        var stride = width + 2;
        var rows = KernelChecks.RandomArray(random, (rowCount + 4) * stride);
        var vector = KernelChecks.RandomArray(random, width + 1);
        var weights = KernelChecks.RandomArray(random, rowCount, 0f, 4f);
        var offsets = withOffsets ? KernelChecks.RandomArray(random, rowCount, 0f, 5f) : [];
        var indexes = new int[rowCount];
        for (var j = 0; j < rowCount; j++)
        {
            indexes[j] = random.Next(rowCount + 4);
        }

        var destination = KernelChecks.RandomArray(random, width + 1);
        var original = (float[])destination.Clone();
        DenseKernels.GatherDotsAccumulate<TOps, TVec>(
            ref At(rows, 0), stride, indexes, weights, offsets, sign, ref At(vector, 0), destination.AsSpan(0, width));

        // Whatever form the dispatch picks (rows of seven vectors have an unrolled one), it equals the general kernel
        // bit for bit.
        var general = (float[])original.Clone();
        if (width > 0)
        {
            DenseKernels.GatherDotsAccumulateBlocked<TOps, TVec>(
                ref At(rows, 0), stride, indexes, weights, offsets, sign, ref At(vector, 0), general.AsSpan(0, width));
        }

        Assert.Equal(
            general.Select(BitConverter.SingleToInt32Bits).ToArray(),
            destination.Select(BitConverter.SingleToInt32Bits).ToArray());
        var coefficients = new double[rowCount];
        var coefficientScales = new double[rowCount];
        for (var j = 0; j < rowCount; j++)
        {
            var (dot, dotScale) = ReferenceDot(rows, indexes[j] * stride, vector, width);

            var offset = withOffsets ? offsets[j] : 0.0;
            coefficients[j] = offset + (sign * weights[j] * dot);
            coefficientScales[j] = Math.Abs(offset) + (weights[j] * dotScale);
        }

        for (var i = 0; i < width; i++)
        {
            double expected = original[i], scale = Math.Abs(expected);
            for (var j = 0; j < rowCount; j++)
            {
                var y = rows[(indexes[j] * stride) + i];
                expected += coefficients[j] * y;
                scale += coefficientScales[j] * Math.Abs(y);
            }

            KernelChecks.Close(expected, destination[i], Tolerance, scale + 1e-30, $"GatherDotsAccumulate[{i}] rows {rowCount} width {width} offsets {withOffsets} sign {sign}");
        }

        Assert.Equal(original[width], destination[width]);
    }

    public void GatherWeightedSquares(int rowCount, int width)
    {
        var random = new Random((rowCount * 19) + (width * 5));
        var stride = width + 2;
        var rows = KernelChecks.RandomArray(random, (rowCount + 4) * stride);
        var vector = KernelChecks.RandomArray(random, width + 1);
        var weights = KernelChecks.RandomArray(random, rowCount, 0f, 4f);
        var indexes = new int[rowCount];
        for (var j = 0; j < rowCount; j++)
        {
            indexes[j] = random.Next(rowCount + 4);
        }

        var actual = DenseKernels.GatherWeightedSquares<TOps, TVec>(ref At(rows, 0), stride, indexes, weights, ref At(vector, 0), width);

        // Whatever form the dispatch picks (rows of seven vectors have an unrolled one), it equals the general kernel
        // bit for bit.
        var general = DenseKernels.GatherWeightedSquaresGeneral<TOps, TVec>(ref At(rows, 0), stride, indexes, weights, ref At(vector, 0), width);
        Assert.Equal(BitConverter.SingleToInt32Bits(general), BitConverter.SingleToInt32Bits(actual));
        double expected = 0, scale = 0;
        for (var j = 0; j < rowCount; j++)
        {
            var (dot, dotScale) = ReferenceDot(rows, indexes[j] * stride, vector, width);

            expected += weights[j] * dot * dot;
            scale += weights[j] * dotScale * dotScale;
        }

        KernelChecks.Close(expected, actual, Tolerance, scale + 1e-30, $"GatherWeightedSquares rows {rowCount} width {width}");
    }

    public void MultiplyBlock(int count, int factors, int stride)
    {
        var random = new Random((count * 7) + (factors * 31) + stride);
        var matrix = KernelChecks.RandomArray(random, stride * stride);
        var vectors = KernelChecks.RandomArray(random, count * stride);
        var destination = KernelChecks.RandomArray(random, (DenseKernels.BlockVectors * stride) + 1);
        var original = (float[])destination.Clone();
        DenseKernels.MultiplyBlock<TOps, TVec>(ref At(matrix, 0), stride, factors, ref At(vectors, 0), count, ref At(destination, 0));
        var alone = new float[stride];
        for (var k = 0; k < count; k++)
        {
            for (var c = 0; c < stride; c++)
            {
                double expected = 0, scale = 0;
                for (var a = 0; a < factors; a++)
                {
                    var term = (double)vectors[(k * stride) + a] * matrix[(a * stride) + c];
                    expected += term;
                    scale += Math.Abs(term);
                }

                KernelChecks.Close(expected, destination[(k * stride) + c], Tolerance, scale + 1e-30, $"MultiplyBlock[{k}, {c}] count {count} factors {factors}");
            }

            // A vector's product does not depend on the block it is computed in.
            DenseKernels.MultiplyBlock<TOps, TVec>(ref At(matrix, 0), stride, factors, ref At(vectors, k * stride), 1, ref At(alone, 0));
            Assert.Equal(alone, destination.AsSpan(k * stride, stride).ToArray());
        }

        Assert.Equal(original.AsSpan(count * stride).ToArray(), destination.AsSpan(count * stride).ToArray());
    }

    public void GramRowTile(int rowCount, int factors)
    {
        var random = new Random((rowCount * 3) + factors);
        var stride = KernelTable.StrideFor(factors, SimdWidth.Vector512);
        var rows = PaddedRows(random, rowCount, factors, stride);
        var gram = new double[stride * stride];
        for (var a0 = 0; a0 < factors; a0 += 4)
        {
            DenseKernels.GramRowTile<TOps, TVec>(ref At(rows, 0), rowCount, stride, a0, gram);
        }

        for (var a = 0; a < factors; a++)
        {
            for (var b = a; b < stride; b++)
            {
                double expected = 0, scale = 0;
                for (var r = 0; r < rowCount; r++)
                {
                    var term = (double)rows[(r * stride) + a] * rows[(r * stride) + b];
                    expected += term;
                    scale += Math.Abs(term);
                }

                KernelChecks.Close(expected, gram[(a * stride) + b], Tolerance, scale + 1e-30, $"Gram[{a},{b}]");
            }
        }
    }

    public void RankUpdate(int rowCount, int factors)
    {
        var random = new Random((rowCount * 5) + factors);
        var stride = KernelTable.StrideFor(factors, SimdWidth.Vector512);
        var rows = PaddedRows(random, rowCount, factors, stride);
        var scaled = new float[rows.Length];
        var weights = KernelChecks.RandomArray(random, rowCount, 0f, 3f);
        for (var r = 0; r < rowCount; r++)
        {
            for (var f = 0; f < stride; f++)
            {
                scaled[(r * stride) + f] = weights[r] * rows[(r * stride) + f];
            }
        }

        var matrix = KernelChecks.RandomArray(random, stride * stride);
        var original = (float[])matrix.Clone();
        for (var a0 = 0; a0 < factors; a0 += 4)
        {
            DenseKernels.RankUpdateRowTile<TOps, TVec>(ref At(scaled, 0), ref At(rows, 0), rowCount, stride, a0, ref At(matrix, 0));
        }

        for (var a = 0; a < factors; a++)
        {
            for (var b = a; b < factors; b++)
            {
                double expected = original[(a * stride) + b], scale = Math.Abs(expected);
                for (var r = 0; r < rowCount; r++)
                {
                    var term = (double)weights[r] * rows[(r * stride) + a] * rows[(r * stride) + b];
                    expected += term;
                    scale += Math.Abs(term);
                }

                KernelChecks.Close(expected, matrix[(a * stride) + b], Tolerance, scale, $"RankUpdate[{a},{b}]");
            }
        }
    }

    public void CholeskySolve(int size, int seed)
    {
        var random = new Random(seed);
        var stride = size + 2;
        var (matrix, dense) = RandomSpd(random, size, stride);
        var rhs = KernelChecks.RandomArray(random, stride);
        var expected = DenseReference.Solve(dense, rhs.Take(size).Select(v => (double)v).ToArray());
        var pivot = Cholesky.Factor<TOps, TVec>(ref At(matrix, 0), size, stride);
        Assert.Equal(-1, pivot);
        Cholesky.Solve<TOps, TVec>(ref At(matrix, 0), size, stride, ref At(rhs, 0));
        var norm = expected.Length == 0 ? 0 : expected.Max(Math.Abs);
        for (var i = 0; i < size; i++)
        {
            KernelChecks.Close(expected[i], rhs[i], 1e-3, norm, $"Cholesky x[{i}] size {size}");
        }
    }

    private static (float[] Matrix, double[,] Dense) RandomSpd(Random random, int size, int stride)
    {
        // A = BᵀB + size·I is well conditioned; only the upper triangle is stored correctly, the lower holds junk.
        var b = new double[size, size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                b[i, j] = random.NextDouble() - 0.5;
            }
        }

        var dense = new double[size, size];
        var matrix = KernelChecks.RandomArray(random, stride * stride, 100f, 200f);
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                double sum = i == j ? size : 0;
                for (var m = 0; m < size; m++)
                {
                    sum += b[m, i] * b[m, j];
                }

                dense[i, j] = (float)sum;
                if (j >= i)
                {
                    matrix[(i * stride) + j] = (float)sum;
                }
            }
        }

        return (matrix, dense);
    }

    private static float[] PaddedRows(Random random, int rowCount, int factors, int stride)
    {
        var rows = new float[Math.Max(1, rowCount) * stride];
        for (var r = 0; r < rowCount; r++)
        {
            for (var f = 0; f < factors; f++)
            {
                rows[(r * stride) + f] = random.NextSingle() - 0.5f;
            }
        }

        return rows;
    }

    private static ref float At(float[] array, int index) =>
        ref System.Runtime.CompilerServices.Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array), index);

    /// <summary>The dot of <paramref name="width"/> floats of <paramref name="rows"/> from <paramref name="start"/> with <paramref name="vector"/>, in double, and the sum of its terms' magnitudes.</summary>
    private static (double Dot, double Scale) ReferenceDot(float[] rows, int start, float[] vector, int width)
    {
        double dot = 0, scale = 0;
        for (var i = 0; i < width; i++)
        {
            var term = (double)rows[start + i] * vector[i];
            dot += term;
            scale += Math.Abs(term);
        }

        return (dot, scale);
    }
}
