using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>
/// Dense Cholesky factorisation <c>A = UᵀU</c> of a small symmetric positive-definite float matrix stored row-major
/// with a stride, and the matching triangular solves. Only the upper triangle of the input is read.
/// </summary>
/// <remarks>
/// Right-looking, by rows: after row <c>m</c> of <c>U</c> is final, the trailing upper triangle receives the rank-1
/// update <c>A[i, i..k) -= U[m, i] · U[m, i..k)</c>, four source rows at a time so each trailing row is loaded and
/// stored once per four updates. <c>k³/6</c> multiply-adds, no allocation, no throw: a non-positive pivot is
/// reported by returning its index.
/// </remarks>
internal static class Cholesky
{
    /// <summary>Factors the upper triangle of <paramref name="matrix"/> in place.</summary>
    /// <returns><c>-1</c> on success, otherwise the index of the first pivot that was not positive (or not finite).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Factor<TOps, TVec>(ref float matrix, int size, int stride)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var m = 0;
        for (; m + 4 <= size; m += 4)
        {
            // Factor the panel rows m..m+3 against each other (columns m..size).
            for (var q = m; q < m + 4; q++)
            {
                var pivot = FinishRow<TOps, TVec>(ref matrix, size, stride, q);
                if (pivot >= 0)
                {
                    return pivot;
                }

                ref var uq = ref DenseKernels.Row(ref matrix, stride, q);
                for (var i = q + 1; i < m + 4; i++)
                {
                    DenseKernels.Axpy<TOps, TVec>(
                        -Unsafe.Add(ref uq, i), ref Unsafe.Add(ref uq, i), ref Unsafe.Add(ref DenseKernels.Row(ref matrix, stride, i), i), size - i);
                }
            }

            // Rank-4 update of the trailing triangle.
            ref var u0 = ref DenseKernels.Row(ref matrix, stride, m);
            ref var u1 = ref DenseKernels.Row(ref matrix, stride, m + 1);
            ref var u2 = ref DenseKernels.Row(ref matrix, stride, m + 2);
            ref var u3 = ref DenseKernels.Row(ref matrix, stride, m + 3);
            for (var i = m + 4; i < size; i++)
            {
                Update4<TOps, TVec>(
                    ref Unsafe.Add(ref DenseKernels.Row(ref matrix, stride, i), i),
                    ref Unsafe.Add(ref u0, i),
                    ref Unsafe.Add(ref u1, i),
                    ref Unsafe.Add(ref u2, i),
                    ref Unsafe.Add(ref u3, i),
                    -Unsafe.Add(ref u0, i),
                    -Unsafe.Add(ref u1, i),
                    -Unsafe.Add(ref u2, i),
                    -Unsafe.Add(ref u3, i),
                    size - i);
            }
        }

        for (; m < size; m++)
        {
            var pivot = FinishRow<TOps, TVec>(ref matrix, size, stride, m);
            if (pivot >= 0)
            {
                return pivot;
            }

            ref var um = ref DenseKernels.Row(ref matrix, stride, m);
            for (var i = m + 1; i < size; i++)
            {
                DenseKernels.Axpy<TOps, TVec>(
                    -Unsafe.Add(ref um, i), ref Unsafe.Add(ref um, i), ref Unsafe.Add(ref DenseKernels.Row(ref matrix, stride, i), i), size - i);
            }
        }

        return -1;
    }

    /// <summary>Solves <c>UᵀU x = b</c> in place in <paramref name="vector"/> with the factor from <see cref="Factor{TOps, TVec}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Solve<TOps, TVec>(ref float factor, int size, int stride, ref float vector)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        // Forward: Uᵀ z = b, by columns of Uᵀ (rows of U).
        for (var m = 0; m < size; m++)
        {
            ref var um = ref DenseKernels.Row(ref factor, stride, m);
            var z = Unsafe.Add(ref vector, m) / Unsafe.Add(ref um, m);
            Unsafe.Add(ref vector, m) = z;
            DenseKernels.Axpy<TOps, TVec>(-z, ref Unsafe.Add(ref um, m + 1), ref Unsafe.Add(ref vector, m + 1), size - m - 1);
        }

        // Backward: U x = z, by rows of U.
        for (var i = size - 1; i >= 0; i--)
        {
            ref var ui = ref DenseKernels.Row(ref factor, stride, i);
            var s = Unsafe.Add(ref vector, i)
                - DenseKernels.Dot<TOps, TVec>(ref Unsafe.Add(ref ui, i + 1), ref Unsafe.Add(ref vector, i + 1), size - i - 1);
            Unsafe.Add(ref vector, i) = s / Unsafe.Add(ref ui, i);
        }
    }

    /// <summary>
    /// <see cref="Factor{TOps, TVec}"/> with the kernels of <paramref name="width"/> (one switch per call): factors the
    /// upper triangle of <paramref name="matrix"/> in place.
    /// </summary>
    /// <returns><c>-1</c> on success, otherwise the index of the first pivot that was not positive (or not finite).</returns>
    public static int Factor(SimdWidth width, Span<float> matrix, int size, int stride)
    {
        Debug.Assert(matrix.Length >= (long)size * stride);
        ref var a = ref MemoryMarshal.GetReference(matrix);
        return width switch
        {
            SimdWidth.Vector512 => Factor<Vector512Ops, Vector512<float>>(ref a, size, stride),
            SimdWidth.Vector256 => Factor<Vector256Ops, Vector256<float>>(ref a, size, stride),
            SimdWidth.Vector128 => Factor<Vector128Ops, Vector128<float>>(ref a, size, stride),
            _ => Factor<ScalarOps, float>(ref a, size, stride),
        };
    }

    /// <summary>
    /// <see cref="Solve{TOps, TVec}"/> with the kernels of <paramref name="width"/> (one switch per call): solves
    /// <c>UᵀU x = b</c> in place in <paramref name="vector"/> with a stored factor.
    /// </summary>
    public static void Solve(SimdWidth width, Span<float> factor, int size, int stride, Span<float> vector)
    {
        Debug.Assert(factor.Length >= (long)size * stride && vector.Length >= size);
        ref var u = ref MemoryMarshal.GetReference(factor);
        ref var v = ref MemoryMarshal.GetReference(vector);
        switch (width)
        {
            case SimdWidth.Vector512:
                Solve<Vector512Ops, Vector512<float>>(ref u, size, stride, ref v);
                break;
            case SimdWidth.Vector256:
                Solve<Vector256Ops, Vector256<float>>(ref u, size, stride, ref v);
                break;
            case SimdWidth.Vector128:
                Solve<Vector128Ops, Vector128<float>>(ref u, size, stride, ref v);
                break;
            default:
                Solve<ScalarOps, float>(ref u, size, stride, ref v);
                break;
        }
    }

    /// <summary>Turns row <paramref name="m"/> (already updated by all earlier rows) into row m of U.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FinishRow<TOps, TVec>(ref float matrix, int size, int stride, int m)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        ref var row = ref DenseKernels.Row(ref matrix, stride, m);
        var d = Unsafe.Add(ref row, m);
        if (!(d > 0f) || !float.IsFinite(d))
        {
            return m;
        }

        var diagonal = MathF.Sqrt(d);
        Unsafe.Add(ref row, m) = diagonal;
        var inverse = 1f / diagonal;
        for (var i = m + 1; i < size; i++)
        {
            Unsafe.Add(ref row, i) *= inverse;
        }

        return -1;
    }

    /// <summary><c>y += a0·x0 + a1·x1 + a2·x2 + a3·x3</c> over <paramref name="length"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Update4<TOps, TVec>(
        ref float y, ref float x0, ref float x1, ref float x2, ref float x3, float a0, float a1, float a2, float a3, int length)
        where TOps : struct, ISimdOps<TVec>
        where TVec : struct
    {
        var n = (nuint)length;
        var lanes = (nuint)TOps.Count;
        TVec v0 = TOps.Broadcast(a0), v1 = TOps.Broadcast(a1), v2 = TOps.Broadcast(a2), v3 = TOps.Broadcast(a3);
        nuint i = 0;
        for (; i + lanes <= n; i += lanes)
        {
            var acc = TOps.MultiplyAdd(v0, TOps.Load(ref x0, i), TOps.Load(ref y, i));
            var acc2 = TOps.Multiply(v1, TOps.Load(ref x1, i));
            acc = TOps.MultiplyAdd(v2, TOps.Load(ref x2, i), acc);
            acc2 = TOps.MultiplyAdd(v3, TOps.Load(ref x3, i), acc2);
            TOps.Store(TOps.Add(acc, acc2), ref y, i);
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) += (a0 * Unsafe.Add(ref x0, i)) + (a1 * Unsafe.Add(ref x1, i))
                + (a2 * Unsafe.Add(ref x2, i)) + (a3 * Unsafe.Add(ref x3, i));
        }
    }
}
