using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>Entry points into the width-specialised ALS kernels for callers that hold the width as a value.</summary>
/// <remarks>One switch per call, outside any hot loop.</remarks>
internal static class AlsDispatch
{
    /// <summary><see cref="AlsKernels.SolveCholesky{TOps, TVec}"/> for <paramref name="width"/>.</summary>
    public static int SolveCholesky(
        SimdWidth width, ReadOnlySpan<float> other, int stride, int factors, ReadOnlySpan<float> a0,
        ReadOnlySpan<int> columns, ReadOnlySpan<float> confidence, Span<float> x, AlsRowScratch scratch)
    {
        ref var otherRef = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(other);
        return width switch
        {
            SimdWidth.Vector512 => AlsKernels.SolveCholesky<Vector512Ops, Vector512<float>>(ref otherRef, stride, factors, a0, columns, confidence, x, scratch),
            SimdWidth.Vector256 => AlsKernels.SolveCholesky<Vector256Ops, Vector256<float>>(ref otherRef, stride, factors, a0, columns, confidence, x, scratch),
            SimdWidth.Vector128 => AlsKernels.SolveCholesky<Vector128Ops, Vector128<float>>(ref otherRef, stride, factors, a0, columns, confidence, x, scratch),
            _ => AlsKernels.SolveCholesky<ScalarOps, float>(ref otherRef, stride, factors, a0, columns, confidence, x, scratch),
        };
    }

    /// <summary><see cref="Cholesky.Solve{TOps, TVec}"/> for <paramref name="width"/>: solves in place with a stored factor.</summary>
    public static void CholeskySolve(SimdWidth width, Span<float> factor, int size, int stride, Span<float> vector)
    {
        ref var u = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(factor);
        ref var v = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(vector);
        switch (width)
        {
            case SimdWidth.Vector512:
                Cholesky.Solve<Vector512Ops, Vector512<float>>(ref u, size, stride, ref v);
                break;
            case SimdWidth.Vector256:
                Cholesky.Solve<Vector256Ops, Vector256<float>>(ref u, size, stride, ref v);
                break;
            case SimdWidth.Vector128:
                Cholesky.Solve<Vector128Ops, Vector128<float>>(ref u, size, stride, ref v);
                break;
            default:
                Cholesky.Solve<ScalarOps, float>(ref u, size, stride, ref v);
                break;
        }
    }
}
