using System.Runtime.Intrinsics;
using MovieRecs.Internal;

namespace MovieRecs.Tests.Internal;

/// <summary>
/// The ALS row kernels (CG block, Cholesky solve and stored-factor solve, loss, Gram matrix) at every width this
/// machine accelerates: each width repeats its own results bit for bit, and stays within rounding of the scalar width.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class KernelWidthTests
{
    public static TheoryData<string> AcceleratedWidths => KernelWidths.Accelerated;

    public static TheoryData<string> NotAcceleratedWidths => KernelWidths.NotAccelerated;

    [Theory]
    [MemberData(nameof(AcceleratedWidths))]
    [MemberData(nameof(NotAcceleratedWidths), Skip = KernelWidths.NotAcceleratedReason)]
    public void SolveConjugateGradientBlock_AtWidth_IsRepeatableAndCloseToScalar(string width)
    {
        var problem = new AlsProblem(seed: 11);
        var runner = RunnerFor(KernelWidths.Parse(width));
        var actual = runner.ConjugateGradient(problem);
        AssertSameBits(actual, runner.ConjugateGradient(problem), "CG");
        var expected = RunnerFor(SimdWidth.Scalar).ConjugateGradient(problem);
        AssertClose(expected, actual, 1e-3, "CG");

        // The empty row of the block is zero, and every row moved away from its start.
        Assert.All(actual.AsSpan(AlsProblem.EmptyRow * problem.Stride, problem.Stride).ToArray(), v => Assert.Equal(0f, v));
        Assert.NotEqual(problem.Start.AsSpan(0, problem.Factors).ToArray(), actual.AsSpan(0, problem.Factors).ToArray());
    }

    [Theory]
    [MemberData(nameof(AcceleratedWidths))]
    [MemberData(nameof(NotAcceleratedWidths), Skip = KernelWidths.NotAcceleratedReason)]
    public void SolveConjugateGradientBlock_AtWidth_FollowsTheTextbookLoop(string width)
    {
        // implicit's CG loop in double, with the full product Ap in every step: the kernel's last step, which forms
        // only p·Ap, must land on the same iterate. 100 factors are rows of seven 512-bit vectors.
        foreach (var factors in new[] { 37, 100 })
        {
            var problem = new AlsProblem(seed: 15, factors);
            var actual = RunnerFor(KernelWidths.Parse(width)).ConjugateGradient(problem);
            for (var k = 0; k < problem.BlockRows; k++)
            {
                if (k == AlsProblem.EmptyRow)
                {
                    continue;
                }

                var (a, b) = problem.System(k);
                var expected = TextbookConjugateGradient(a, b, problem.Start.AsSpan(k * problem.Stride, factors).ToArray(), steps: 3);
                var scale = expected.Max(Math.Abs);
                for (var f = 0; f < factors; f++)
                {
                    KernelChecks.Close(expected[f], actual[(k * problem.Stride) + f], 1e-3, scale, $"{width} factors {factors} row {k}: x[{f}]");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AcceleratedWidths))]
    [MemberData(nameof(NotAcceleratedWidths), Skip = KernelWidths.NotAcceleratedReason)]
    public void SolveCholesky_AtWidth_IsRepeatableAndCloseToScalar(string width)
    {
        var problem = new AlsProblem(seed: 12);
        var actual = SolveByCholesky(problem, KernelWidths.Parse(width));
        AssertSameBits(actual, SolveByCholesky(problem, KernelWidths.Parse(width)), "Cholesky");
        AssertClose(SolveByCholesky(problem, SimdWidth.Scalar), actual, 1e-3, "Cholesky");

        // The solution solves the row's system: A x = b, checked in double.
        for (var k = 0; k < problem.BlockRows; k++)
        {
            var x = actual.AsSpan(k * 2 * problem.Stride, problem.Factors).ToArray();
            var (a, b) = problem.System(k);
            for (var i = 0; i < problem.Factors; i++)
            {
                var ax = Enumerable.Range(0, problem.Factors).Sum(j => a[i, j] * x[j]);
                KernelChecks.Close(b[i], ax, 1e-3, b.Max(Math.Abs), $"{width} row {k}: (A x)[{i}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AcceleratedWidths))]
    [MemberData(nameof(NotAcceleratedWidths), Skip = KernelWidths.NotAcceleratedReason)]
    public void RowLoss_AtWidth_IsRepeatableAndCloseToScalar(string width)
    {
        var problem = new AlsProblem(seed: 13);
        var runner = RunnerFor(KernelWidths.Parse(width));
        var actual = runner.Loss(problem);
        Assert.Equal(actual, runner.Loss(problem));
        var expected = RunnerFor(SimdWidth.Scalar).Loss(problem);
        for (var i = 0; i < expected.Length; i++)
        {
            KernelChecks.Close(expected[i], actual[i], 1e-5, 1 + Math.Abs(expected[i]), $"{width} loss term {i}");
        }
    }

    [Theory]
    [MemberData(nameof(AcceleratedWidths))]
    [MemberData(nameof(NotAcceleratedWidths), Skip = KernelWidths.NotAcceleratedReason)]
    public void GramRowTile_AtWidth_IsRepeatableAndCloseToScalar(string width)
    {
        var problem = new AlsProblem(seed: 14);
        var runner = RunnerFor(KernelWidths.Parse(width));
        var actual = runner.Gram(problem);
        Assert.Equal(actual, runner.Gram(problem));
        var expected = RunnerFor(SimdWidth.Scalar).Gram(problem);
        for (var a = 0; a < problem.Factors; a++)
        {
            for (var b = a; b < problem.Factors; b++)
            {
                var at = (a * problem.Stride) + b;
                KernelChecks.Close(expected[at], actual[at], 1e-5, 1 + Math.Abs(expected[at]), $"{width} Gram[{a}, {b}]");
            }
        }
    }

    /// <summary>Each row of the block solved by <see cref="AlsKernels.SolveCholesky(SimdWidth, FactorMatrix, ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float}, AlsRowScratch, float)"/>,
    /// then a second right-hand side solved with the stored factor (<see cref="MovieRecs.Internal.Cholesky.Solve(SimdWidth, Span{float}, int, int, Span{float})"/>):
    /// two strides of floats per row.</summary>
    private static float[] SolveByCholesky(AlsProblem problem, SimdWidth width)
    {
        var stride = problem.Stride;
        var result = new float[problem.BlockRows * 2 * stride];
        var scratch = new AlsRowScratch(stride, problem.Columns.Length, cholesky: true);
        for (var k = 0; k < problem.BlockRows; k++)
        {
            var (start, end) = (problem.RowStarts[k], problem.RowStarts[k + 1]);
            var x = result.AsSpan(k * 2 * stride, stride);
            var pivot = AlsKernels.SolveCholesky(
                width, problem.Other, problem.A0, problem.Columns.AsSpan(start, end - start), problem.Confidence.AsSpan(start, end - start), x, scratch);
            Assert.Equal(-1, pivot);
            var second = result.AsSpan(((k * 2) + 1) * stride, stride);
            problem.Start.AsSpan(k * stride, stride).CopyTo(second);
            if (end > start)
            {
                Cholesky.Solve(width, scratch.Matrix, problem.Factors, stride, second);
            }
        }

        return result;
    }

    /// <summary><paramref name="steps"/> steps of conjugate gradients on <c>A x = b</c> from <paramref name="x"/>, in double.</summary>
    private static double[] TextbookConjugateGradient(double[,] a, double[] b, float[] x, int steps)
    {
        var n = b.Length;
        var result = x.Select(v => (double)v).ToArray();
        double[] Multiply(double[] v) => [.. Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Sum(j => a[i, j] * v[j]))];
        static double Dot(double[] u, double[] v) => u.Zip(v, (p, q) => p * q).Sum();
        var ax = Multiply(result);
        var r = b.Zip(ax, (p, q) => p - q).ToArray();
        var p = (double[])r.Clone();
        var rsOld = Dot(r, r);
        for (var step = 0; step < steps; step++)
        {
            var ap = Multiply(p);
            var alpha = rsOld / Dot(p, ap);
            for (var i = 0; i < n; i++)
            {
                result[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }

            var rsNew = Dot(r, r);
            for (var i = 0; i < n; i++)
            {
                p[i] = r[i] + (rsNew / rsOld * p[i]);
            }

            rsOld = rsNew;
        }

        return result;
    }

    private static IRunner RunnerFor(SimdWidth width) => width switch
    {
        SimdWidth.Vector512 => new Runner<Vector512Ops, Vector512<float>>(),
        SimdWidth.Vector256 => new Runner<Vector256Ops, Vector256<float>>(),
        SimdWidth.Vector128 => new Runner<Vector128Ops, Vector128<float>>(),
        _ => new Runner<ScalarOps, float>(),
    };

    private static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}[{i}]: {actual[i]} differs from the first run's {expected[i]}");
        }
    }

    /// <summary>Every value within <paramref name="tolerance"/> times the largest magnitude of <paramref name="expected"/>.</summary>
    private static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        var scale = expected.Max(MathF.Abs);
        for (var i = 0; i < expected.Length; i++)
        {
            KernelChecks.Close(expected[i], actual[i], tolerance, scale, $"{what}[{i}]");
        }
    }

    private interface IRunner
    {
        float[] ConjugateGradient(AlsProblem problem);

        double[] Loss(AlsProblem problem);

        double[] Gram(AlsProblem problem);
    }

    private sealed class Runner<TOps, TVec> : IRunner
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        public float[] ConjugateGradient(AlsProblem problem)
        {
            var x = problem.Start.ToArray();
            var scratch = new AlsRowScratch(problem.Stride, problem.Columns.Length, cholesky: false, DenseKernels.BlockVectors);
            AlsKernels.SolveConjugateGradientBlock<TOps, TVec>(
                ref problem.Other.First, problem.Stride, problem.Factors, problem.A0, problem.Columns, problem.Confidence, problem.RowStarts, x,
                cgSteps: 3, scratch);
            return x;
        }

        public double[] Loss(AlsProblem problem)
        {
            var scratch = new AlsRowScratch(problem.Stride, problem.Columns.Length, cholesky: false);
            var identity = Enumerable.Range(0, problem.Stride).ToArray();
            var result = new List<double>();
            for (var k = 0; k < problem.BlockRows; k++)
            {
                var (start, end) = (problem.RowStarts[k], problem.RowStarts[k + 1]);
                var (loss, confidence, norm) = AlsKernels.RowLoss<TOps, TVec>(
                    ref problem.Other.First, problem.Stride, problem.Factors, problem.A0, identity, AlsProblem.Regularization,
                    problem.Columns.AsSpan(start, end - start), problem.Confidence.AsSpan(start, end - start),
                    problem.Start.AsSpan(k * problem.Stride, problem.Stride), scratch);
                result.AddRange([loss, confidence, norm]);
            }

            return [.. result];
        }

        public double[] Gram(AlsProblem problem)
        {
            var gram = new double[problem.Stride * problem.Stride];
            for (var a0 = 0; a0 < problem.Factors; a0 += 4)
            {
                DenseKernels.GramRowTile<TOps, TVec>(ref problem.Other.First, problem.Other.Rows, problem.Stride, a0, gram);
            }

            return gram;
        }
    }

    /// <summary>
    /// One block of ALS rows against random other-side factors: 37 factors (no register divides it, so kernels run
    /// their tails), a stride every width accepts, <c>A0 = YᵀY + λI</c> formed in double, and one empty row.
    /// </summary>
    private sealed class AlsProblem
    {
        public const float Regularization = 0.5f;

        public AlsProblem(int seed, int factors = 37)
        {
            var random = new Random(seed);
            Factors = factors;
            Stride = KernelTable.StrideFor(Factors, SimdWidth.Vector512);
            const int otherRows = 90;
            Other = FactorMatrix.Allocate(otherRows, Factors, Stride);
            for (var r = 0; r < otherRows; r++)
            {
                foreach (ref var v in Other.Row(r))
                {
                    v = random.NextSingle() - 0.4f;
                }
            }

            A0 = new float[Stride * Stride];
            for (var a = 0; a < Factors; a++)
            {
                for (var b = 0; b < Factors; b++)
                {
                    double sum = a == b ? Regularization : 0;
                    for (var r = 0; r < otherRows; r++)
                    {
                        sum += (double)Other.Row(r)[a] * Other.Row(r)[b];
                    }

                    A0[(a * Stride) + b] = (float)sum;
                }
            }

            // Row lengths around the gather block of eight and the Cholesky gather of 64; the third row is empty.
            int[] lengths = [13, 70, 0, 9];
            RowStarts = new int[lengths.Length + 1];
            var columns = new List<int>();
            var confidence = new List<float>();
            for (var k = 0; k < lengths.Length; k++)
            {
                var row = Enumerable.Range(0, otherRows).OrderBy(_ => random.Next()).Take(lengths[k]).Order().ToArray();
                columns.AddRange(row);
                confidence.AddRange(row.Select(_ => random.Next(6) == 0 ? -(1 + (4 * random.NextSingle())) : 1 + (9 * random.NextSingle())));
                RowStarts[k + 1] = columns.Count;
            }

            Columns = [.. columns];
            Confidence = [.. confidence];
            Start = new float[lengths.Length * Stride];
            for (var k = 0; k < lengths.Length; k++)
            {
                for (var f = 0; f < Factors; f++)
                {
                    Start[(k * Stride) + f] = 0.01f * random.NextSingle();
                }
            }
        }

        public int Factors { get; }

        public int Stride { get; }

        public FactorMatrix Other { get; }

        public float[] A0 { get; }

        public int[] Columns { get; }

        public float[] Confidence { get; }

        public int[] RowStarts { get; }

        public int BlockRows => RowStarts.Length - 1;

        public const int EmptyRow = 2;

        /// <summary>The starting rows of the block (CG's warm start, the loss's factors, the second right-hand sides).</summary>
        public float[] Start { get; }

        /// <summary>Row <paramref name="k"/>'s system <c>A = A0 + Σ (|c| − 1) y yᵀ</c>, <c>b = Σ_{c &gt; 0} c y</c>, in double.</summary>
        public (double[,] A, double[] B) System(int k)
        {
            var a = new double[Factors, Factors];
            var b = new double[Factors];
            for (var i = 0; i < Factors; i++)
            {
                for (var j = 0; j < Factors; j++)
                {
                    a[i, j] = A0[(i * Stride) + j];
                }
            }

            for (var n = RowStarts[k]; n < RowStarts[k + 1]; n++)
            {
                var y = Other.Row(Columns[n]);
                var c = Confidence[n];
                for (var i = 0; i < Factors; i++)
                {
                    b[i] += c > 0 ? c * y[i] : 0;
                    for (var j = 0; j < Factors; j++)
                    {
                        a[i, j] += (Math.Abs(c) - 1) * y[i] * y[j];
                    }
                }
            }

            return (a, b);
        }
    }
}
