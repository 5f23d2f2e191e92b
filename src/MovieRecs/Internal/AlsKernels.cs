using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>
/// Per-row work of implicit ALS (Hu, Koren and Volinsky 2008): the conjugate-gradient and Cholesky solves of
/// <c>(YᵀY + λI + Σ_i (c_i − 1) y_i y_iᵀ) x = Σ_{i, c_i &gt; 0} c_i y_i</c> and the row's share of the training loss.
/// </summary>
/// <remarks>
/// <para>
/// A row is given by its column indexes into <c>Y</c> (the other side's factors, <c>stride</c> floats per row, zero
/// padded) and its confidences <c>c = alpha · value</c>; a negative confidence means preference 0 with confidence
/// <c>|c|</c>, exactly as <c>implicit</c>. <c>A0 = YᵀY + λI</c> comes precomputed (<c>stride × stride</c>, zero padded).
/// </para>
/// <para>
/// The CG operator <c>A·p = A0·p + Σ_i (|c_i| − 1)(y_i·p) y_i</c> runs as two blocked passes: eight dots per load of
/// <c>p</c>, then one accumulation in which each register block of the result stays in registers while the rows of
/// <c>A0</c> and the gathered <c>y_i</c> stream through. No allocation; scratch comes from <see cref="AlsRowScratch"/>.
/// </para>
/// </remarks>
internal static class AlsKernels
{
    /// <summary>The residual threshold of <c>implicit</c>'s CG (on the squared norm).</summary>
    public const float ResidualThreshold = 1e-20f;

    /// <summary>
    /// Nonzeros gathered at a time by the Cholesky solver (their rows, and the rows scaled by <c>|c| − 1</c>, fit
    /// in L2 next to the system matrix).
    /// </summary>
    public const int CholeskyGatherRows = 64;

    /// <summary>
    /// Improves up to <see cref="DenseKernels.BlockVectors"/> consecutive rows of <paramref name="x"/> in place with
    /// <paramref name="cgSteps"/> conjugate-gradient steps each, started from their current values (the warm start of
    /// <c>implicit</c>'s <c>least_squares_cg</c>; an empty row becomes zero), in lockstep, so that each <c>A0·p</c>
    /// product reads <c>A0</c> once for all of them.
    /// </summary>
    /// <param name="other">The other side's factors (<paramref name="stride"/> floats per row).</param>
    /// <param name="stride">Floats per factor row.</param>
    /// <param name="factors">The factor count.</param>
    /// <param name="a0"><c>YᵀY + λI</c>, <c>stride × stride</c>.</param>
    /// <param name="columns">The rows' column indexes, one row after the other.</param>
    /// <param name="confidence">The rows' confidences, aligned with <paramref name="columns"/>.</param>
    /// <param name="rowStarts">Where each row starts in <paramref name="columns"/>, plus the end (rows + 1 entries).</param>
    /// <param name="x">The rows' factors (rows × <paramref name="stride"/> floats), improved in place.</param>
    /// <param name="cgSteps">The CG steps per row.</param>
    /// <param name="scratch">Scratch sized for blocks (see <see cref="AlsRowScratch"/>).</param>
    /// <param name="extraDiagonal">Empty, or per row what its system adds to the diagonal of <paramref name="a0"/>
    /// (Spark's per-row regularization <c>λ·n</c>; rows with 0 add nothing).</param>
    /// <remarks>
    /// Each row follows exactly the arithmetic of a solve on its own (its own step sizes and early stop), so its result
    /// does not depend on which rows share its block.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveConjugateGradientBlock<TOps, TVec>(
        ref float other, int stride, int factors, ReadOnlySpan<float> a0,
        ReadOnlySpan<int> columns, ReadOnlySpan<float> confidence, ReadOnlySpan<int> rowStarts, Span<float> x, int cgSteps,
        AlsRowScratch scratch, ReadOnlySpan<float> extraDiagonal = default)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var count = rowStarts.Length - 1;
        Debug.Assert(count is >= 1 and <= DenseKernels.BlockVectors && x.Length >= count * stride && a0.Length >= stride * stride);
        Debug.Assert(scratch.Residual.Length >= count * stride && scratch.Weights.Length >= columns.Length);
        var total = columns.Length;
        var t = scratch.Coefficients.AsSpan(0, total);
        var w = scratch.Weights.AsSpan(0, total);
        ref var tRef = ref MemoryMarshal.GetReference(t);
        ref var wRef = ref MemoryMarshal.GetReference(w);
        ref var cRef = ref MemoryMarshal.GetReference(confidence);
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // The same operations on each lane as the loop below, so the same values.
            var one = Vector256.Create(1f);
            for (; j + Vector256<float>.Count <= total; j += Vector256<float>.Count)
            {
                var c = Vector256.LoadUnsafe(ref cRef, (nuint)j);
                (Vector256.Abs(c) - one).StoreUnsafe(ref wRef, (nuint)j);
                Vector256.ConditionalSelect(Vector256.GreaterThan(c, Vector256<float>.Zero), c, Vector256<float>.Zero).StoreUnsafe(ref tRef, (nuint)j);
            }
        }

        for (; j < total; j++)
        {
            var c = Unsafe.Add(ref cRef, j);
            Unsafe.Add(ref wRef, j) = MathF.Abs(c) - 1f;
            Unsafe.Add(ref tRef, j) = c > 0f ? c : 0f;
        }

        ref var a0Ref = ref MemoryMarshal.GetReference(a0);
        ref var xRef = ref MemoryMarshal.GetReference(x);
        ref var rRef = ref MemoryMarshal.GetReference(scratch.Residual);
        ref var pRef = ref MemoryMarshal.GetReference(scratch.Direction);
        ref var apRef = ref MemoryMarshal.GetReference(scratch.Product);
        var active = 0;
        for (var k = 0; k < count; k++)
        {
            if (rowStarts[k + 1] > rowStarts[k])
            {
                active |= 1 << k;
            }
            else
            {
                x.Slice(k * stride, stride).Clear();
            }
        }

        if (active == 0)
        {
            return;
        }

        // r = b − A·x = Σ_i (c⁺_i − w_i (y_i·x)) y_i − A0·x, the sum fused like the CG product below.
        Span<float> rsOld = stackalloc float[DenseKernels.BlockVectors];
        DenseKernels.MultiplyBlock<TOps, TVec>(ref a0Ref, stride, factors, ref xRef, count, ref rRef);
        for (var k = 0; k < count; k++)
        {
            if ((active & (1 << k)) == 0)
            {
                continue;
            }

            var rowColumns = columns[rowStarts[k]..rowStarts[k + 1]];
            var rowWeights = w[rowStarts[k]..rowStarts[k + 1]];
            var rowOffsets = t[rowStarts[k]..rowStarts[k + 1]];
            ref var rk = ref DenseKernels.Row(ref rRef, stride, k);
            if (!extraDiagonal.IsEmpty && extraDiagonal[k] != 0f)
            {
                DenseKernels.Axpy<TOps, TVec>(extraDiagonal[k], ref DenseKernels.Row(ref xRef, stride, k), ref rk, stride);
            }

            DenseKernels.Scale<TOps, TVec>(-1f, ref rk, stride);
            DenseKernels.GatherDotsAccumulate<TOps, TVec>(
                ref other, stride, rowColumns, rowWeights, rowOffsets, -1f, ref DenseKernels.Row(ref xRef, stride, k),
                MemoryMarshal.CreateSpan(ref rk, stride));
            Unsafe.CopyBlockUnaligned(
                ref Unsafe.As<float, byte>(ref DenseKernels.Row(ref pRef, stride, k)), ref Unsafe.As<float, byte>(ref rk),
                (uint)(stride * sizeof(float)));
            rsOld[k] = DenseKernels.Dot<TOps, TVec>(ref rk, ref rk, stride);
            if (rsOld[k] < ResidualThreshold)
            {
                active &= ~(1 << k);
            }
        }

        for (var step = 0; step < cgSteps && active != 0; step++)
        {
            // Ap = A0·p + Σ_i w_i (y_i·p) y_i, the sum fused so each gathered y_i is read once per step. A0·p runs for
            // the whole block (finished rows too: their product is not used).
            DenseKernels.MultiplyBlock<TOps, TVec>(ref a0Ref, stride, factors, ref pRef, count, ref apRef);
            var last = step == cgSteps - 1;
            for (var k = 0; k < count; k++)
            {
                if ((active & (1 << k)) == 0)
                {
                    continue;
                }

                ref var pk = ref DenseKernels.Row(ref pRef, stride, k);
                ref var apk = ref DenseKernels.Row(ref apRef, stride, k);
                ref var rk = ref DenseKernels.Row(ref rRef, stride, k);
                if (!extraDiagonal.IsEmpty && extraDiagonal[k] != 0f)
                {
                    DenseKernels.Axpy<TOps, TVec>(extraDiagonal[k], ref pk, ref apk, stride);
                }

                if (last)
                {
                    // The last step uses Ap only through α = rsOld / (p·Ap), and p·Ap = p·(A0·p) + Σ_i w_i (y_i·p)²: one
                    // pass of dots, without the weighted sum of rows, then x += α·p (r and p are not used again).
                    var pAp = DenseKernels.Dot<TOps, TVec>(ref pk, ref apk, stride)
                        + DenseKernels.GatherWeightedSquares<TOps, TVec>(
                            ref other, stride, columns[rowStarts[k]..rowStarts[k + 1]], w[rowStarts[k]..rowStarts[k + 1]], ref pk, stride);
                    DenseKernels.Axpy<TOps, TVec>(rsOld[k] / pAp, ref pk, ref DenseKernels.Row(ref xRef, stride, k), stride);
                    continue;
                }

                DenseKernels.GatherDotsAccumulate<TOps, TVec>(
                    ref other, stride, columns[rowStarts[k]..rowStarts[k + 1]], w[rowStarts[k]..rowStarts[k + 1]], default, 1f,
                    ref pk, MemoryMarshal.CreateSpan(ref apk, stride));

                var rsNew = DenseKernels.ConjugateGradientStep<TOps, TVec>(
                    ref pk, ref apk, ref DenseKernels.Row(ref xRef, stride, k), ref rk, stride, rsOld[k], ResidualThreshold);
                if (rsNew < ResidualThreshold)
                {
                    active &= ~(1 << k);
                    continue;
                }

                rsOld[k] = rsNew;
            }
        }
    }

    /// <summary>
    /// <see cref="SolveCholesky{TOps, TVec}"/> with the kernels of <paramref name="width"/> (one switch per call), for
    /// callers that solve single rows outside a fit: fold-in and explanations.
    /// </summary>
    /// <returns><c>-1</c> on success, otherwise the index of the pivot that was not positive.</returns>
    public static int SolveCholesky(
        SimdWidth width, FactorMatrix other, ReadOnlySpan<float> a0, ReadOnlySpan<int> columns, ReadOnlySpan<float> confidence,
        Span<float> x, AlsRowScratch scratch, float extraDiagonal = 0f)
    {
        ref var rows = ref other.First;
        var (stride, factors) = (other.Stride, other.Factors);
        return width switch
        {
            SimdWidth.Vector512 => SolveCholesky<Vector512Ops, Vector512<float>>(ref rows, stride, factors, a0, columns, confidence, x, scratch, extraDiagonal),
            SimdWidth.Vector256 => SolveCholesky<Vector256Ops, Vector256<float>>(ref rows, stride, factors, a0, columns, confidence, x, scratch, extraDiagonal),
            SimdWidth.Vector128 => SolveCholesky<Vector128Ops, Vector128<float>>(ref rows, stride, factors, a0, columns, confidence, x, scratch, extraDiagonal),
            _ => SolveCholesky<ScalarOps, float>(ref rows, stride, factors, a0, columns, confidence, x, scratch, extraDiagonal),
        };
    }

    /// <summary>
    /// Solves the row's system exactly: builds <c>A = A0 + Yᵀ(C − I)Y</c> and <c>b</c>, factors <c>A = UᵀU</c> and
    /// writes the solution into <paramref name="x"/> (an empty row becomes zero). <paramref name="extraDiagonal"/> is
    /// added to the diagonal of <c>A0</c> first (Spark's per-row regularization <c>λ·n</c>; 0 adds nothing).
    /// </summary>
    /// <returns><c>-1</c> on success, otherwise the index of the pivot that was not positive.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SolveCholesky<TOps, TVec>(
        ref float other, int stride, int factors, ReadOnlySpan<float> a0,
        ReadOnlySpan<int> columns, ReadOnlySpan<float> confidence, Span<float> x, AlsRowScratch scratch, float extraDiagonal = 0f)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        Debug.Assert(x.Length == stride && a0.Length >= stride * stride);
        var n = columns.Length;
        if (n == 0)
        {
            x.Clear();
            return -1;
        }

        var matrix = scratch.Matrix[..(stride * stride)];
        a0[..(stride * stride)].CopyTo(matrix);
        if (extraDiagonal != 0f)
        {
            for (var a = 0; a < factors; a++)
            {
                matrix[(a * stride) + a] += extraDiagonal;
            }
        }

        ref var aRef = ref MemoryMarshal.GetReference(matrix);
        ref var b = ref MemoryMarshal.GetReference(x);
        x.Clear();
        ref var gathered = ref MemoryMarshal.GetReference(scratch.Gathered);
        ref var scaled = ref MemoryMarshal.GetReference(scratch.Scaled);
        var tiles = (factors + 3) / 4;
        for (var start = 0; start < n; start += CholeskyGatherRows)
        {
            var count = Math.Min(CholeskyGatherRows, n - start);
            for (var j = 0; j < count; j++)
            {
                var c = confidence[start + j];
                var weight = MathF.Abs(c) - 1f;
                ref var source = ref DenseKernels.Row(ref other, stride, columns[start + j]);
                ref var g = ref DenseKernels.Row(ref gathered, stride, j);
                ref var z = ref DenseKernels.Row(ref scaled, stride, j);
                Unsafe.CopyBlockUnaligned(
                    ref Unsafe.As<float, byte>(ref g), ref Unsafe.As<float, byte>(ref source), (uint)(stride * sizeof(float)));
                Unsafe.CopyBlockUnaligned(
                    ref Unsafe.As<float, byte>(ref z), ref Unsafe.As<float, byte>(ref source), (uint)(stride * sizeof(float)));
                DenseKernels.Scale<TOps, TVec>(weight, ref z, stride);
                if (c > 0f)
                {
                    DenseKernels.Axpy<TOps, TVec>(c, ref g, ref b, stride);
                }
            }

            for (var tile = 0; tile < tiles; tile++)
            {
                DenseKernels.RankUpdateRowTile<TOps, TVec>(ref scaled, ref gathered, count, stride, tile * 4, ref aRef);
            }
        }

        var pivot = Cholesky.Factor<TOps, TVec>(ref aRef, factors, stride);
        if (pivot >= 0)
        {
            return pivot;
        }

        Cholesky.Solve<TOps, TVec>(ref aRef, factors, stride, ref b);
        return -1;
    }

    /// <summary>
    /// The row's terms of <c>implicit</c>'s training loss: <c>Σ_i c_i (p_i − x·y_i)² + Σ_{i ∉ row} (x·y_i)²</c>
    /// computed as <c>Σ_i |c_i| + Σ_i (−2c⁺_i + w_i d_i) d_i + xᵀ(YᵀY)x</c> with <c>d_i = x·y_i</c>
    /// (like <c>implicit</c>, the constant <c>|c_i|</c> is counted for negative entries too).
    /// </summary>
    /// <returns>The row's loss terms, the sum of its <c>|c_i|</c>, and <c>x·x</c>, in double.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double Loss, double Confidence, double SquaredNorm) RowLoss<TOps, TVec>(
        ref float other, int stride, int factors, ReadOnlySpan<float> a0, ReadOnlySpan<int> identity, float regularization,
        ReadOnlySpan<int> columns, ReadOnlySpan<float> confidence, ReadOnlySpan<float> x, AlsRowScratch scratch)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var n = columns.Length;
        ref var xRef = ref MemoryMarshal.GetReference(x);
        var t = scratch.Coefficients.AsSpan(0, n);
        DenseKernels.GatherDots<TOps, TVec>(ref other, stride, columns, ref xRef, stride, t);
        double loss = 0, confidenceSum = 0;
        for (var j = 0; j < n; j++)
        {
            var c = confidence[j];
            var magnitude = MathF.Abs(c);
            var d = t[j];
            var coefficient = (c > 0f ? -2f * c : 0f) + ((magnitude - 1f) * d);
            loss += magnitude + ((double)coefficient * d);
            confidenceSum += magnitude;
        }

        var r = scratch.Residual[..stride];
        DenseKernels.AccumulateRows<TOps, TVec>(
            ref MemoryMarshal.GetReference(a0), stride, identity[..factors], x, r, accumulate: false);
        var squaredNorm = (double)DenseKernels.Dot<TOps, TVec>(ref xRef, ref xRef, stride);
        loss += DenseKernels.Dot<TOps, TVec>(ref MemoryMarshal.GetReference(r), ref xRef, stride) - (regularization * squaredNorm);
        return (loss, confidenceSum, squaredNorm);
    }
}
