using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MovieRecs.Internal;

/// <summary>
/// Scores one query vector against many factor rows (row-major, <c>stride</c> floats per row, zero padded): the
/// inner loop of recommend and similar items. Four rows per pass share each load of the query.
/// </summary>
internal static class ScoringKernels
{
    /// <summary>The implementations, so tests reach each one on any CPU.</summary>
    internal enum Path
    {
        Scalar,
        Vector128,
        Vector256,
    }

    /// <summary>The widest path this CPU runs for <paramref name="stride"/>.</summary>
    public static Path Best(int stride) =>
        Vector256.IsHardwareAccelerated && stride % Vector256<float>.Count == 0 ? Path.Vector256
        : Vector128.IsHardwareAccelerated && stride % Vector128<float>.Count == 0 ? Path.Vector128
        : Path.Scalar;

    /// <summary>scores[r] = query · rows[r] for <c>scores.Length</c> rows.</summary>
    public static void Score(ReadOnlySpan<float> query, ReadOnlySpan<float> rows, int stride, Span<float> scores) =>
        Score(Best(stride), query, rows, stride, scores);

    public static void Score(Path path, ReadOnlySpan<float> query, ReadOnlySpan<float> rows, int stride, Span<float> scores)
    {
        Debug.Assert(query.Length >= stride && rows.Length >= (long)scores.Length * stride);
        switch (path)
        {
            case Path.Vector256:
                Score256(query, rows, stride, scores);
                break;
            case Path.Vector128:
                Score128(query, rows, stride, scores);
                break;
            default:
                ScoreScalar(query, rows, stride, scores);
                break;
        }
    }

    /// <summary>The reference: plain loops, accumulating in order.</summary>
    public static void ScoreScalar(ReadOnlySpan<float> query, ReadOnlySpan<float> rows, int stride, Span<float> scores)
    {
        for (var r = 0; r < scores.Length; r++)
        {
            var row = rows.Slice(r * stride, stride);
            var sum = 0f;
            for (var f = 0; f < stride; f++)
            {
                sum += query[f] * row[f];
            }

            scores[r] = sum;
        }
    }

    private static void Score256(ReadOnlySpan<float> query, ReadOnlySpan<float> rows, int stride, Span<float> scores)
    {
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var m = ref MemoryMarshal.GetReference(rows);
        var n = scores.Length;
        var r = 0;
        for (; r + 4 <= n; r += 4)
        {
            ref var r0 = ref Unsafe.Add(ref m, (nint)r * stride);
            ref var r1 = ref Unsafe.Add(ref r0, stride);
            ref var r2 = ref Unsafe.Add(ref r1, stride);
            ref var r3 = ref Unsafe.Add(ref r2, stride);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var f = 0; f < stride; f += Vector256<float>.Count)
            {
                var x = Vector256.LoadUnsafe(ref q, (nuint)f);
                a0 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r0, (nuint)f), a0);
                a1 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r1, (nuint)f), a1);
                a2 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r2, (nuint)f), a2);
                a3 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r3, (nuint)f), a3);
            }

            scores[r] = Vector256.Sum(a0);
            scores[r + 1] = Vector256.Sum(a1);
            scores[r + 2] = Vector256.Sum(a2);
            scores[r + 3] = Vector256.Sum(a3);
        }

        for (; r < n; r++)
        {
            ref var row = ref Unsafe.Add(ref m, (nint)r * stride);
            Vector256<float> a = default;
            for (var f = 0; f < stride; f += Vector256<float>.Count)
            {
                a = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref q, (nuint)f), Vector256.LoadUnsafe(ref row, (nuint)f), a);
            }

            scores[r] = Vector256.Sum(a);
        }
    }

    private static void Score128(ReadOnlySpan<float> query, ReadOnlySpan<float> rows, int stride, Span<float> scores)
    {
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var m = ref MemoryMarshal.GetReference(rows);
        for (var r = 0; r < scores.Length; r++)
        {
            ref var row = ref Unsafe.Add(ref m, (nint)r * stride);
            Vector128<float> a0 = default, a1 = default;
            var f = 0;
            for (; f + (2 * Vector128<float>.Count) <= stride; f += 2 * Vector128<float>.Count)
            {
                a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref q, (nuint)f), Vector128.LoadUnsafe(ref row, (nuint)f), a0);
                a1 = Vector128.FusedMultiplyAdd(
                    Vector128.LoadUnsafe(ref q, (nuint)(f + Vector128<float>.Count)), Vector128.LoadUnsafe(ref row, (nuint)(f + Vector128<float>.Count)), a1);
            }

            for (; f < stride; f += Vector128<float>.Count)
            {
                a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref q, (nuint)f), Vector128.LoadUnsafe(ref row, (nuint)f), a0);
            }

            scores[r] = Vector128.Sum(a0 + a1);
        }
    }
}
